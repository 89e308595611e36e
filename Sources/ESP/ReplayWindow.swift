/// Anti-replay window for inbound ESP sequence numbers (RFC 4303 §3.4.3), kept as a ring of 64-bit blocks so
/// that sliding the window clears whole words instead of shifting bits (RFC 6479 §2).
///
/// The window accepts any sequence number newer than the highest seen, and an older one only if it lies
/// within `size` of the highest and has not been seen. Sequence number 0 is never valid (RFC 4303 §3.3.3:
/// the first packet is 1).
///
/// Use it in two steps, as RFC 4303 §3.4.3 asks: ``check(_:)`` before the ICV is verified (cheap rejection),
/// ``accept(_:)`` only after it verified, so forged packets cannot move the window.
///
/// - Complexity: O(1) per packet (amortised; a jump of more than the window clears at most `blocks` words).
public struct ReplayWindow: Sendable {
    /// Number of 64-bit blocks; a power of two.
    @usableFromInline static let blocks = 32
    /// The window size in packets: one block is kept as slack for the ring (RFC 6479 §2).
    public static let size: UInt64 = UInt64(blocks - 1) * 64

    private var bitmap: [UInt64]
    /// Highest sequence number accepted so far (0: none yet).
    public private(set) var highest: UInt64 = 0

    public init() {
        bitmap = Array(repeating: 0, count: ReplayWindow.blocks)
    }

    /// True if `sequence` is acceptable now: not zero, not too old, not seen. Does not change the window.
    public func check(_ sequence: UInt64) -> Bool {
        if sequence == 0 { return false }
        if sequence > highest { return true }
        if highest - sequence >= ReplayWindow.size { return false }
        let bit = sequence & 63
        let block = Int((sequence >> 6) & UInt64(ReplayWindow.blocks - 1))
        return bitmap[block] & (1 << bit) == 0
    }

    /// Records `sequence` as received. Returns false (and changes nothing) if ``check(_:)`` would reject it.
    @discardableResult
    public mutating func accept(_ sequence: UInt64) -> Bool {
        guard check(sequence) else { return false }
        let blockIndex = sequence >> 6
        if sequence > highest {
            let current = highest >> 6
            let diff = min(blockIndex - current, UInt64(ReplayWindow.blocks))
            var i: UInt64 = 1
            while i <= diff {
                bitmap[Int((current &+ i) & UInt64(ReplayWindow.blocks - 1))] = 0
                i += 1
            }
            highest = sequence
        }
        let block = Int(blockIndex & UInt64(ReplayWindow.blocks - 1))
        bitmap[block] |= 1 << (sequence & 63)
        return true
    }
}
