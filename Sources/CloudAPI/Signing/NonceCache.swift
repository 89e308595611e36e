public import Foundation
import Synchronization

/// Remembers signature nonces for a window (15 minutes, DESIGN §4 decision 6) so a replayed request is
/// answered `SignatureNonceUsed`.
///
/// Entries older than the window are dropped as new nonces arrive; the cache therefore holds at most one
/// window's worth of requests. A lock rather than an actor: every signed request records its nonce, and a call
/// into an actor is two hand-offs of the request's task between executors.
public final class NonceCache: Sendable {
    private struct Entries {
        var seen: [String: Date] = [:]
        var order: [(key: String, at: Date)] = []
        var head = 0
    }

    private let window: TimeInterval
    private let entries = Mutex(Entries())

    public init(window: TimeInterval = 15 * 60) {
        self.window = window
    }

    /// Records `nonce` for `accessKeyId`; returns `false` if it was already used inside the window.
    public func record(_ nonce: String, accessKeyId: String, now: Date) -> Bool {
        let key = accessKeyId + "\u{0}" + nonce
        return entries.withLock { entries in
            Self.expire(&entries, now: now, window: window)
            if entries.seen[key] != nil { return false }
            entries.seen[key] = now
            entries.order.append((key, now))
            return true
        }
    }

    private static func expire(_ entries: inout Entries, now: Date, window: TimeInterval) {
        while entries.head < entries.order.count, now.timeIntervalSince(entries.order[entries.head].at) > window {
            let oldest = entries.order[entries.head]
            if entries.seen[oldest.key] == oldest.at { entries.seen[oldest.key] = nil }
            entries.head += 1
        }
        if entries.head > 1024, entries.head * 2 > entries.order.count {
            entries.order.removeFirst(entries.head)
            entries.head = 0
        }
    }
}
