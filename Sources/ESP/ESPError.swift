/// Everything that can go wrong building an SA or sealing/opening a packet.
///
/// Packet errors carry no payload, so throwing them on the per-packet path allocates nothing. Each one maps
/// to a counter in ``ESPCounters``; the data plane drops the packet and counts it, it never traps.
public enum ESPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A proposal string that is not an ESP transform we implement (value, reason).
    case invalidProposal(String, String)
    /// Key material of the wrong length for the transform (what, got, expected).
    case invalidKeyLength(String, Int, Int)
    /// OpenSSL refused to create a cipher or MAC context.
    case cryptoUnavailable
    /// The packet is shorter than the header, IV and ICV, or its ciphertext is not block-aligned.
    case malformed
    /// The packet's SPI does not name an SA of ours.
    case unknownSPI
    /// Sequence number zero, already seen, or older than the replay window (RFC 4303 §3.4.3).
    case replayed
    /// The ICV did not verify: forged, corrupted, or keyed differently.
    case authenticationFailed
    /// Padding bytes are not 1, 2, 3, … or the pad length exceeds the payload (RFC 4303 §2.4).
    case badPadding
    /// The outbound sequence number would wrap; the SA must be rekeyed (RFC 4303 §3.3.3).
    case sequenceExhausted
    /// The caller's output buffer is too small for the result.
    case bufferTooSmall

    public var description: String {
        switch self {
        case .invalidProposal(let value, let reason): "invalid ESP proposal '\(value)': \(reason)"
        case .invalidKeyLength(let what, let got, let expected):
            "\(what) key is \(got) bytes, the transform needs \(expected) bytes"
        case .cryptoUnavailable: "OpenSSL could not create a cipher or MAC context"
        case .malformed: "malformed ESP packet (too short or not block-aligned)"
        case .unknownSPI: "ESP packet for an unknown SPI"
        case .replayed: "replayed or too old ESP sequence number"
        case .authenticationFailed: "ESP integrity check failed"
        case .badPadding: "ESP padding is not 1, 2, 3, ... or longer than the payload"
        case .sequenceExhausted: "outbound ESP sequence number exhausted; rekey the SA"
        case .bufferTooSmall: "output buffer too small"
        }
    }
}
