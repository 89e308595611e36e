import CloudAPI
import Foundation
import Testing

/// Signature nonces: refused again inside the window, per access key, forgotten after it.
struct NonceCacheTests {
    @Test func aNonceIsRefusedInsideTheWindowAndAcceptedAfterIt() {
        let cache = NonceCache(window: 60)
        let start = Date(timeIntervalSince1970: 1_000_000)
        #expect(cache.record("n1", accessKeyId: "AK1", now: start))
        #expect(!cache.record("n1", accessKeyId: "AK1", now: start.addingTimeInterval(59)))
        // Another key's nonce is its own.
        #expect(cache.record("n1", accessKeyId: "AK2", now: start.addingTimeInterval(59)))
        // Past the window the first use is forgotten.
        #expect(cache.record("n1", accessKeyId: "AK1", now: start.addingTimeInterval(61)))
        #expect(!cache.record("n1", accessKeyId: "AK1", now: start.addingTimeInterval(62)))
    }

    @Test func manyExpiredNoncesAreDroppedWithoutForgettingLiveOnes() {
        let cache = NonceCache(window: 10)
        let start = Date(timeIntervalSince1970: 1_000_000)
        // 3,000 nonces one second apart: each call drops the ones older than ten seconds (and compacts the list).
        for index in 0..<3_000 {
            #expect(cache.record("n\(index)", accessKeyId: "AK", now: start.addingTimeInterval(Double(index))))
        }
        let now = start.addingTimeInterval(3_000)
        for index in 2_991..<3_000 {
            #expect(!cache.record("n\(index)", accessKeyId: "AK", now: now), "n\(index) is still inside the window")
        }
        #expect(cache.record("n2989", accessKeyId: "AK", now: now))
    }
}
