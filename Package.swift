// swift-tools-version: 6.1
// Meridian: a local, faithful implementation of a public cloud's hybrid-network services.
// Layering (lower never imports higher), see docs/architecture.md:
//   0 IPAddressing
//   1 NetworkModel, RouteEngine, Reachability, IPsecCrypto, IKEv2, ESP   (pure: no I/O libraries)
//   2 TopologyFile, Persistence, ControlPlane, CloudAPI, DataPlane         (I/O at the edges)
//   3 meridian (the one executable)
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Meridian",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "IPAddressing", targets: ["IPAddressing"]),
        .library(name: "NetworkModel", targets: ["NetworkModel"]),
        .library(name: "RouteEngine", targets: ["RouteEngine"]),
        .library(name: "Reachability", targets: ["Reachability"]),
        .library(name: "MeridianTestSupport", targets: ["MeridianTestSupport"]),
        .library(name: "TopologyFile", targets: ["TopologyFile"]),
        .library(name: "ESP", targets: ["ESP"]),
        .executable(name: "meridian", targets: ["meridian"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // MARK: Layer 0
        .target(name: "IPAddressing", swiftSettings: strictSettings),
        .testTarget(name: "IPAddressingTests", dependencies: ["IPAddressing"], swiftSettings: strictSettings),

        // MARK: Layer 1: model, routes, reachability (pure: no I/O libraries)
        .target(name: "NetworkModel", dependencies: ["IPAddressing"], swiftSettings: strictSettings),
        .testTarget(
            name: "NetworkModelTests",
            dependencies: ["NetworkModel", "MeridianTestSupport"],
            swiftSettings: strictSettings
        ),
        .target(name: "RouteEngine", dependencies: ["NetworkModel", "IPAddressing"], swiftSettings: strictSettings),
        .testTarget(
            name: "RouteEngineTests",
            dependencies: ["RouteEngine", "MeridianTestSupport"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Reachability",
            dependencies: ["RouteEngine", "NetworkModel", "IPAddressing"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ReachabilityTests",
            dependencies: ["Reachability", "MeridianTestSupport"],
            swiftSettings: strictSettings
        ),
        // Builders for tests and benchmarks: the five seed networks and a large synthetic network.
        .target(name: "MeridianTestSupport", dependencies: ["NetworkModel", "IPAddressing"], swiftSettings: strictSettings),

        // MARK: Layer 1: IPsec (pure: codecs and state machines, time and randomness as parameters)
        .target(
            name: "IPsecCrypto",
            dependencies: [
                "IPAddressing",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "IPsecCryptoTests", dependencies: ["IPsecCrypto"], swiftSettings: strictSettings),
        .target(name: "IKEv2", dependencies: ["IPAddressing", "IPsecCrypto"], swiftSettings: strictSettings),
        .testTarget(name: "IKEv2Tests", dependencies: ["IKEv2"], swiftSettings: strictSettings),
        // ESP's per-packet ciphers: OpenSSL's libcrypto (EVP) through a header-only shim, so seal/open work in
        // caller-provided buffers with no allocation (swift-crypto's AEAD API returns new Data per call).
        .systemLibrary(name: "CESPCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "ESP", dependencies: ["IPAddressing", "IPsecCrypto", "CESPCrypto"], swiftSettings: strictSettings),
        .testTarget(
            name: "ESPTests",
            dependencies: [
                "ESP", "CESPCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Layer 2: data plane (TUN, UDP 500/4500, threads; I/O behind protocols with in-memory doubles)
        .target(name: "DataPlane", dependencies: ["ESP", "IKEv2", "IPAddressing", "IPsecCrypto"], swiftSettings: strictSettings),
        .testTarget(name: "DataPlaneTests", dependencies: ["DataPlane"], swiftSettings: strictSettings),

        // MARK: Layer 2: topology files (YAML with names, errors with file, line and field)
        .target(
            name: "TopologyFile",
            dependencies: ["NetworkModel", "IPAddressing", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TopologyFileTests",
            dependencies: ["TopologyFile", "NetworkModel", "RouteEngine", "Reachability", "IPAddressing"],
            swiftSettings: strictSettings
        ),

        // MARK: Layer 3: the one executable
        .executableTarget(
            name: "meridian",
            dependencies: [
                "TopologyFile", "NetworkModel", "RouteEngine", "Reachability", "IPAddressing",
                "DataPlane", "IKEv2", "IPsecCrypto", "ESP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "MeridianCLITests",
            dependencies: ["meridian", "TopologyFile"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
