import ESP
import Testing

struct ReplayWindowTests {
    @Test func zeroIsNeverAccepted() {
        var w = ReplayWindow()
        #expect(!w.check(0))
        do { let ok = w.accept(0); #expect(!ok) }
    }

    @Test func inOrderAndDuplicates() {
        var w = ReplayWindow()
        for s in UInt64(1)...500 { do { let ok = w.accept(s); #expect(ok) } }
        for s in UInt64(1)...500 { do { let ok = w.accept(s); #expect(!ok) } }
        #expect(w.highest == 500)
    }

    @Test func tooOldIsRejectedAndJumpsClearStaleBits() {
        var w = ReplayWindow()
        do { let ok = w.accept(5); #expect(ok) }
        do { let ok = w.accept(5 + ReplayWindow.size + 10_000); #expect(ok) }
        #expect(!w.check(5))
        // The bit for 5 + 64*k in the new window must not be left over from before the jump.
        let fresh = 5 + ReplayWindow.size + 10_000 - 64
        #expect(w.check(fresh))
        #expect(!w.check(5 + 10_000))  // older than the window
    }

    /// Differential test against a plain set-based reference over random arrival orders (fixed seeds).
    @Test(arguments: [UInt64(1), 2, 3, 42, 0xBEEF])
    func matchesReference(seed: UInt64) {
        var rng = SeededRNG(seed: seed)
        var w = ReplayWindow()
        var seen = Set<UInt64>()
        var highest: UInt64 = 0
        var base: UInt64 = 1
        for _ in 0..<20_000 {
            let jitter = UInt64.random(in: 0...2_200, using: &rng)
            base += UInt64.random(in: 0...3, using: &rng)
            let s = jitter > base ? 0 : base - jitter + UInt64.random(in: 0...40, using: &rng)
            let expected = s != 0 && !seen.contains(s) && (s > highest || highest - s < ReplayWindow.size)
            let ok = w.accept(s)
            #expect(ok == expected, "seed \(seed), sequence \(s), highest \(highest)")
            if expected {
                seen.insert(s)
                highest = max(highest, s)
            }
        }
    }
}
