import IPAddressing
import MeridianTestSupport
import Testing

struct PrefixTrieFilteredMatchTests {
    @Test(arguments: [UInt64(1), 42, 2026])
    func filteredLongestMatchAgreesWithALinearScan(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var trie = PrefixTrie<Int>()
        var all: [(IPv4Prefix, Int)] = []
        for value in 0..<400 {
            // Short prefixes over a narrow range, so addresses have several matches.
            let address = IPv4Address(UInt32(10) << 24 | UInt32.random(in: 0..<4096, using: &rng) << 8)
            let prefix = IPv4Prefix(containing: address, length: Int.random(in: 8...24, using: &rng))
            if trie.insert(value, for: prefix) == nil { all.append((prefix, value)) } else {
                all.removeAll { $0.0 == prefix }
                all.append((prefix, value))
            }
        }
        for _ in 0..<2000 {
            let address = IPv4Address(UInt32(10) << 24 | UInt32.random(in: 0..<(1 << 20), using: &rng))
            let maximum = Int.random(in: 0...32, using: &rng)
            let accept: (IPv4Prefix, Int) -> Bool = { _, value in value % 3 != 0 }
            let expected = all.filter { $0.0.contains(address) && $0.0.length <= maximum && accept($0.0, $0.1) }
                .max { $0.0.length < $1.0.length }
            let found = trie.longestMatch(for: address, maximumLength: maximum, where: accept)
            #expect(found?.prefix == expected?.0, "seed \(seed), address \(address), maximum \(maximum)")
            #expect(found?.value == expected?.1, "seed \(seed), address \(address)")
        }
    }
}
