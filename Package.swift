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
    ],
    targets: [
        // MARK: Layer 0
        .target(name: "IPAddressing", swiftSettings: strictSettings),
        .testTarget(name: "IPAddressingTests", dependencies: ["IPAddressing"], swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)
