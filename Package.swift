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
        .library(name: "IPsecCrypto", targets: ["IPsecCrypto"]),
        .library(name: "IKEv2", targets: ["IKEv2"]),
        .library(name: "ESP", targets: ["ESP"]),
        .library(name: "CloudAPI", targets: ["CloudAPI"]),
        .library(name: "ControlPlane", targets: ["ControlPlane"]),
        .library(name: "Persistence", targets: ["Persistence"]),
        .executable(name: "meridian", targets: ["meridian"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // MARK: Layer 0
        .target(name: "IPAddressing", swiftSettings: strictSettings),
        .testTarget(name: "IPAddressingTests", dependencies: ["IPAddressing", "MeridianTestSupport"], swiftSettings: strictSettings),

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
        .testTarget(name: "IPsecCryptoTests", dependencies: ["IPsecCrypto", "MeridianTestSupport"], swiftSettings: strictSettings),
        .target(name: "IKEv2", dependencies: ["IPAddressing", "IPsecCrypto"], swiftSettings: strictSettings),
        .testTarget(name: "IKEv2Tests", dependencies: ["IKEv2", "MeridianTestSupport"], swiftSettings: strictSettings),
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
        .systemLibrary(name: "CDataPlane"),
        .target(
            name: "DataPlane", dependencies: ["ESP", "IKEv2", "IPAddressing", "IPsecCrypto", "CDataPlane"],
            swiftSettings: strictSettings),
        .testTarget(name: "DataPlaneTests", dependencies: ["DataPlane", "CDataPlane"], swiftSettings: strictSettings),

        // MARK: Layer 2: topology files (YAML with names, errors with file, line and field)
        .target(
            name: "TopologyFile",
            dependencies: ["NetworkModel", "IPAddressing", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TopologyFileTests",
            dependencies: ["TopologyFile", "NetworkModel", "RouteEngine", "Reachability", "IPAddressing", "MeridianTestSupport"],
            swiftSettings: strictSettings
        ),

        .testTarget(
            name: "MeridianCLITests",
            dependencies: ["meridian", "TopologyFile"],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),

        // MARK: Layer 2: Persistence (ResourceStore: in-memory, SQLite via GRDB, PostgreSQL via postgres-nio)
        .target(
            name: "Persistence",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Not part of the product: writes records and acknowledges each on stdout, so tests can kill -9 it.
        .executableTarget(
            name: "persistence-probe",
            dependencies: ["Persistence", .product(name: "PostgresNIO", package: "postgres-nio")],
            path: "Sources/PersistenceProbe",
            swiftSettings: strictSettings
        ),
        // Not part of the product: a throwaway PostgreSQL server for the tests that need a real one.
        .target(
            name: "PostgresTestSupport",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PersistenceTests",
            dependencies: [
                "Persistence", "persistence-probe", "PostgresTestSupport", "MeridianTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Layer 2: control plane and the cloud's RPC API
        .target(
            name: "ControlPlane",
            dependencies: [
                "IPAddressing", "NetworkModel", "RouteEngine", "Reachability", "Persistence",
                .product(name: "HashTreeCollections", package: "swift-collections"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ControlPlaneTests",
            dependencies: ["ControlPlane", "Persistence", "NetworkModel", "RouteEngine", "Reachability", "IPAddressing", "TopologyFile", "PostgresTestSupport", "MeridianTestSupport"],
            swiftSettings: strictSettings
        ),
        .systemLibrary(name: "CSystemShims"),
        .target(
            name: "CloudAPI",
            dependencies: [
                "CSystemShims",
                "ControlPlane",
                "IPAddressing",
                "Persistence",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CloudAPITests",
            dependencies: [
                "CloudAPI",
                "ControlPlane",
                "Persistence",
                "PostgresTestSupport",
                "MeridianTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Layer 3: the one executable
        .executableTarget(
            name: "meridian",
            dependencies: [
                "CSystemShims",
                "TopologyFile", "NetworkModel", "RouteEngine", "Reachability", "IPAddressing",
                "CloudAPI",
                "ControlPlane",
                "Persistence",
                "DataPlane", "IKEv2", "IPsecCrypto", "ESP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
