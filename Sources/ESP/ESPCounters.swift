/// Per-SA packet counters. Every dropped packet lands in exactly one drop counter.
public struct ESPCounters: Sendable, Hashable {
    /// Packets sealed or opened successfully.
    public var packets: UInt64 = 0
    /// Payload (inner packet) bytes sealed or opened successfully.
    public var bytes: UInt64 = 0
    /// Dropped: too short, not aligned.
    public var malformed: UInt64 = 0
    /// Dropped: replayed or outside the window.
    public var replayed: UInt64 = 0
    /// Dropped: ICV did not verify.
    public var authenticationFailed: UInt64 = 0
    /// Dropped: padding or trailer invalid after decryption.
    public var badPadding: UInt64 = 0
    /// Dropped: dummy packets (next header 59, RFC 4303 §2.6) received.
    public var dummy: UInt64 = 0

    public init() {}

    /// Total dropped packets.
    public var dropped: UInt64 { malformed + replayed + authenticationFailed + badPadding + dummy }

    mutating func count(_ error: ESPError) {
        switch error {
        case .replayed: replayed += 1
        case .authenticationFailed: authenticationFailed += 1
        case .badPadding: badPadding += 1
        default: malformed += 1
        }
    }
}
