import Benchmark
import IPAddressing
import MeridianTestSupport

/// A table shaped like a real FIB: lengths mostly /16–/24, a few short ones and host routes.
func makePrefixes(_ count: Int, seed: UInt64) -> [IPv4Prefix] {
    var rng = SeededGenerator(seed: seed)
    var seen = Set<IPv4Prefix>()
    var result: [IPv4Prefix] = []
    while result.count < count {
        let roll = Int.random(in: 0..<100, using: &rng)
        let length =
            roll < 5 ? Int.random(in: 8...15, using: &rng) : roll < 95 ? Int.random(in: 16...24, using: &rng) : Int.random(in: 25...32, using: &rng)
        let prefix = IPv4Prefix(containing: IPv4Address(UInt32.random(in: 0...UInt32.max, using: &rng)), length: length)
        if seen.insert(prefix).inserted { result.append(prefix) }
    }
    return result
}

/// Addresses to look up: half inside stored prefixes, half anywhere.
func makeAddresses(_ count: Int, within prefixes: [IPv4Prefix], seed: UInt64) -> [IPv4Address] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { i in
        if i % 2 == 0 {
            let prefix = prefixes[Int.random(in: 0..<prefixes.count, using: &rng)]
            let host = UInt32.random(in: 0...UInt32.max, using: &rng) & ~IPv4Prefix.mask(prefix.length)
            return IPv4Address(prefix.network.rawValue | host)
        }
        return IPv4Address(UInt32.random(in: 0...UInt32.max, using: &rng))
    }
}

/// The reference the trie is compared with: scan every prefix and keep the longest match.
func linearLongestMatch(_ prefixes: [IPv4Prefix], _ address: IPv4Address) -> Int {
    var best = -1
    var bestLength = -1
    for (index, prefix) in prefixes.enumerated() where prefix.length > bestLength && prefix.contains(address) {
        best = index
        bestLength = prefix.length
    }
    return best
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        maxDuration: .seconds(3),
        maxIterations: 1_000
    )
    for size in [1_000, 100_000] {
        let prefixes = makePrefixes(size, seed: 20_261_121 &+ UInt64(size))
        let trie = PrefixTrie(prefixes.enumerated().map { ($0.element, $0.offset) })
        let addresses = makeAddresses(1 << 16, within: prefixes, seed: 42)

        // One iteration = 1,000,000 lookups (scalingFactor .mega), so "throughput" reads as lookups/s.
        Benchmark("PrefixTrie longest match, \(size) prefixes", configuration: .init(scalingFactor: .mega)) {
            benchmark in
            var sink = 0
            var i = 0
            for _ in benchmark.scaledIterations {
                if let match = trie.longestMatch(for: addresses[i & 0xFFFF]) { sink &+= match.value }
                i &+= 1
            }
            blackHole(sink)
        }

        // The linear scan is too slow for a million lookups per iteration: one iteration = 1,000 lookups.
        Benchmark("Linear scan longest match, \(size) prefixes", configuration: .init(scalingFactor: .kilo)) {
            benchmark in
            var sink = 0
            var i = 0
            for _ in benchmark.scaledIterations {
                sink &+= linearLongestMatch(prefixes, addresses[i & 0xFFFF])
                i &+= 1
            }
            blackHole(sink)
        }

        Benchmark("PrefixTrie build, \(size) prefixes", configuration: .init(maxIterations: 50)) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(PrefixTrie(prefixes.enumerated().map { ($0.element, $0.offset) }))
            }
        }
    }
}
