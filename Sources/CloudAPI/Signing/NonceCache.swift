public import Foundation

/// Remembers signature nonces for a window (15 minutes, DESIGN §4 decision 6) so a replayed request is
/// answered `SignatureNonceUsed`.
///
/// Entries older than the window are dropped as new nonces arrive; the cache therefore holds at most one
/// window's worth of requests.
public actor NonceCache {
    private let window: TimeInterval
    private var seen: [String: Date] = [:]
    private var order: [(key: String, at: Date)] = []
    private var head = 0

    public init(window: TimeInterval = 15 * 60) {
        self.window = window
    }

    /// Records `nonce` for `accessKeyId`; returns `false` if it was already used inside the window.
    public func record(_ nonce: String, accessKeyId: String, now: Date) -> Bool {
        expire(now: now)
        let key = accessKeyId + "\u{0}" + nonce
        if seen[key] != nil { return false }
        seen[key] = now
        order.append((key, now))
        return true
    }

    private func expire(now: Date) {
        while head < order.count, now.timeIntervalSince(order[head].at) > window {
            if seen[order[head].key] == order[head].at { seen[order[head].key] = nil }
            head += 1
        }
        if head > 1024, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
