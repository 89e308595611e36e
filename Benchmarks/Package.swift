// swift-tools-version: 6.1
// Meridian's benchmarks, kept in their own package so that the main build never resolves package-benchmark.
// Run: cd Benchmarks && swift package benchmark   (see docs/benchmarks.md)
import PackageDescription

let package = Package(
    name: "MeridianBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Meridian", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "IPAddressingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "IPAddressing", package: "Meridian"),
                .product(name: "MeridianTestSupport", package: "Meridian"),
            ],
            path: "Benchmarks/IPAddressingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RouteEngineBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "IPAddressing", package: "Meridian"),
                .product(name: "NetworkModel", package: "Meridian"),
                .product(name: "RouteEngine", package: "Meridian"),
                .product(name: "Reachability", package: "Meridian"),
                .product(name: "MeridianTestSupport", package: "Meridian"),
            ],
            path: "Benchmarks/RouteEngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "ESPBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ESP", package: "Meridian"),
            ],
            path: "Benchmarks/ESPBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "IKEv2Benchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "IPAddressing", package: "Meridian"),
                .product(name: "IPsecCrypto", package: "Meridian"),
                .product(name: "IKEv2", package: "Meridian"),
            ],
            path: "Benchmarks/IKEv2Benchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
