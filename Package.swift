// swift-tools-version: 6.1
// Meridian: a local, faithful implementation of a public cloud's hybrid-network services.
// Layering (lower never imports higher), see docs/architecture.md:
//   0 IPAddressing
//   1 NetworkModel, RouteEngine, Reachability, IPsecCrypto, IKEv2, ESP   (pure: no I/O libraries)
//   2 Topology, Persistence, ControlPlane, CloudAPI, DataPlane             (I/O at the edges)
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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // MARK: Layer 0
        .target(name: "IPAddressing", swiftSettings: strictSettings),
        .testTarget(name: "IPAddressingTests", dependencies: ["IPAddressing"], swiftSettings: strictSettings),

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
    ],
    swiftLanguageModes: [.v6]
)
