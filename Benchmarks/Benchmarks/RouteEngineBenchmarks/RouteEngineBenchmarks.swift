import Benchmark
import IPAddressing
import MeridianTestSupport
import NetworkModel
import Reachability
import RouteEngine

/// The large network of issue 2: 1,000 VPCs in 10 regions on one CEN, 4 vSwitches and 10 published routes
/// each, plus 100 sites behind VPN gateways.
let large = SyntheticNetwork.make(vpcs: 1_000, vSwitchesPerVPC: 4, publishedRoutesPerVPC: 10, sites: 100)

/// Holds the engine that the change benchmark mutates in place (benchmark closures run one at a time).
final class EngineBox: @unchecked Sendable {
    var engine: RouteEngine
    init(_ engine: RouteEngine) { self.engine = engine }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(5),
        maxIterations: 1_000
    )

    Benchmark("Full computation, 1,000 VPCs + 100 sites", configuration: .init(maxIterations: 10)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(RouteEngine(large))
        }
    }

    // One iteration adds one route to a VPC and publishes it to the CEN (the measured part), then undoes both
    // outside the measurement so that every iteration starts from the same network.
    let box = EngineBox(RouteEngine(large))
    Benchmark("One published route added, 1,000 VPCs", configuration: .init(maxIterations: 200)) { benchmark in
        let destination = IPv4Prefix(containing: IPv4Address(30, 0, 0, 0), length: 16)
        let route = RouteEntry(id: "rte-bench", destination: destination, nextHop: .instance("i-s3"))
        let reference = CENRouteReference(network: .vpc("vpc-s3"), destination: destination)
        benchmark.startMeasurement()
        try box.engine.apply(.addRouteEntry(.vpc("vpc-s3"), route))
        try box.engine.apply(.publishRoute("cen-synthetic", reference))
        benchmark.stopMeasurement()
        try box.engine.apply(.withdrawRoute("cen-synthetic", reference))
        try box.engine.apply(.removeRouteEntry(.vpc("vpc-s3"), "rte-bench"))
    }

    // Traces: one iteration = 1,000 traces (forward and return), so throughput reads as thousands of traces/s.
    let seed002 = ReachabilityAnalyzer(RouteEngine(SeedTopologies.seed002()))
    let seed002Flows = seed002.endpoints().flatMap { a in
        seed002.endpoints().filter { $0.address != a.address }.map { Flow(source: a.address, destination: $0.address) }
    }
    Benchmark("Traces, seed 002 (all pairs, round robin)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var reachable = 0
        var i = 0
        for _ in benchmark.scaledIterations {
            if seed002.trace(seed002Flows[i % seed002Flows.count]).isReachable { reachable &+= 1 }
            i &+= 1
        }
        blackHole(reachable)
    }

    let largeAnalyzer = ReachabilityAnalyzer(RouteEngine(large))
    let largeEndpoints = largeAnalyzer.endpoints()
    var rng = SystemRandomNumberGenerator()
    let largeFlows = (0..<4_096).map { _ in
        Flow(source: largeEndpoints.randomElement(using: &rng)!.address, destination: largeEndpoints.randomElement(using: &rng)!.address)
    }
    Benchmark("Traces, 1,000 VPCs (random pairs)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var reachable = 0
        var i = 0
        for _ in benchmark.scaledIterations {
            if largeAnalyzer.trace(largeFlows[i & 4_095]).isReachable { reachable &+= 1 }
            i &+= 1
        }
        blackHole(reachable)
    }
}
