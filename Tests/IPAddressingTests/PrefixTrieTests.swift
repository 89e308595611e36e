import IPAddressing
import MeridianTestSupport
import Testing

/// A deliberately simple reference: scan every prefix, keep the longest that contains the address.
private struct LinearTable<Value> {
    var entries: [IPv4Prefix: Value] = [:]
    func longestMatch(for address: IPv4Address) -> (prefix: IPv4Prefix, value: Value)? {
        var best: (prefix: IPv4Prefix, value: Value)?
        for (prefix, value) in entries where prefix.contains(address) {
            if best == nil || prefix.length > best!.prefix.length { best = (prefix, value) }
        }
        return best
    }
}

struct PrefixTrieTests {
    @Test func longestMatchPrefersTheMostSpecific() throws {
        var trie = PrefixTrie<String>()
        trie.insert("default", for: .defaultRoute)
        trie.insert("vpc", for: try IPv4Prefix(parsing: "172.16.0.0/12"))
        trie.insert("vsw", for: try IPv4Prefix(parsing: "172.16.1.0/24"))
        trie.insert("host", for: try IPv4Prefix(parsing: "172.16.1.7/32"))
        #expect(trie.longestMatch(for: try IPv4Address(parsing: "172.16.1.7"))?.value == "host")
        #expect(trie.longestMatch(for: try IPv4Address(parsing: "172.16.1.8"))?.value == "vsw")
        #expect(trie.longestMatch(for: try IPv4Address(parsing: "172.20.0.1"))?.value == "vpc")
        #expect(trie.longestMatch(for: try IPv4Address(parsing: "8.8.8.8"))?.value == "default")
        #expect(trie.matches(for: try IPv4Address(parsing: "172.16.1.7")).map(\.value) == ["default", "vpc", "vsw", "host"])
        #expect(trie.count == 4)
        trie._checkInvariants()
    }

    @Test func emptyTrieMatchesNothing() throws {
        let trie = PrefixTrie<Int>()
        #expect(trie.longestMatch(for: try IPv4Address(parsing: "10.0.0.1")) == nil)
        #expect(trie.isEmpty)
        #expect(trie.entries.isEmpty)
    }

    @Test func insertReplacesAndRemoveForgets() throws {
        var trie = PrefixTrie<Int>()
        let prefix = try IPv4Prefix(parsing: "10.0.0.0/8")
        #expect(trie.insert(1, for: prefix) == nil)
        #expect(trie.insert(2, for: prefix) == 1)
        #expect(trie[prefix] == 2)
        #expect(trie.count == 1)
        #expect(trie.removeValue(for: prefix) == 2)
        #expect(trie.removeValue(for: prefix) == nil)
        #expect(trie[prefix] == nil)
        #expect(trie.longestMatch(for: try IPv4Address(parsing: "10.1.1.1")) == nil)
        #expect(trie.count == 0)
        trie._checkInvariants()
    }

    @Test func entriesAreSortedAndScoped() throws {
        let prefixes = ["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "192.168.0.0/16", "0.0.0.0/0"]
        let trie = PrefixTrie(try prefixes.map { (try IPv4Prefix(parsing: $0), $0) })
        #expect(trie.entries.map(\.value) == ["0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "192.168.0.0/16"])
        #expect(trie.entries(within: try IPv4Prefix(parsing: "10.1.0.0/16")).map(\.value) == ["10.1.0.0/16", "10.1.2.0/24"])
    }

    /// Differential test against the linear scan, with inserts and removals, on random data from a fixed seed.
    /// The small sizes stay below ``PrefixTrie/acceleratorThreshold``; the large one builds the direct /16 table
    /// and keeps it up to date through inserts and removals.
    @Test(arguments: [(UInt64(20_261_121), 4_000), (7, 4_000), (0xDEAD_BEEF, 4_000), (99, 40_000)])
    func agreesWithLinearScanOnRandomData(seed: UInt64, operations: Int) {
        print("PrefixTrie differential test seed: \(seed), \(operations) operations")
        var rng = SeededGenerator(seed: seed)
        var trie = PrefixTrie<Int>()
        var reference = LinearTable<Int>()
        // Cluster prefixes under a few roots so that lookups really hit nested prefixes.
        let roots: [UInt32] = (0..<8).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) }
        func randomPrefix() -> IPv4Prefix {
            let root = roots[Int.random(in: 0..<roots.count, using: &rng)]
            let noise = UInt32.random(in: 0...0xFFFF, using: &rng)
            let length = Int.random(in: 0...100, using: &rng) < 3 ? Int.random(in: 0...16, using: &rng) : Int.random(in: 8...32, using: &rng)
            return IPv4Prefix(containing: IPv4Address(root ^ noise), length: length)
        }
        var peak = 0
        for step in 0..<operations {
            defer { peak = max(peak, trie.count) }
            let prefix = randomPrefix()
            if step % 5 == 4, let victim = reference.entries.keys.randomElement(using: &rng) {
                #expect(trie.removeValue(for: victim) == reference.entries.removeValue(forKey: victim))
            } else {
                #expect(trie.insert(step, for: prefix) == reference.entries.updateValue(step, forKey: prefix))
            }
        }
        #expect(trie.count == reference.entries.count)
        if operations > 10_000 { #expect(peak >= PrefixTrie<Int>.acceleratorThreshold, "the direct table was never built") }
        trie._checkInvariants()
        var mismatches = 0
        for _ in 0..<10_000 {
            let root = roots[Int.random(in: 0..<roots.count, using: &rng)]
            let address = IPv4Address(root ^ UInt32.random(in: 0...0xFFFF, using: &rng))
            let expected = reference.longestMatch(for: address)
            let actual = trie.longestMatch(for: address)
            if expected?.prefix != actual?.prefix || expected?.value != actual?.value { mismatches += 1 }
        }
        #expect(mismatches == 0, "seed \(seed): \(mismatches) lookups disagree with the linear scan")
        let compacted = trie.compacted()
        compacted._checkInvariants()
        #expect(compacted.entries.map(\.prefix) == trie.entries.map(\.prefix))
    }
}
