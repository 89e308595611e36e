/// An error raised while parsing or constructing an address or a prefix.
///
/// Every case carries the text that was rejected, so that a caller can add where the value came from
/// (a file, a line, a field path or an API parameter) and still show the user exactly what was wrong.
public enum IPAddressingError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The text is not a dotted-quad IPv4 address.
    case invalidAddress(String, reason: String)
    /// The text is not `a.b.c.d/n`.
    case invalidPrefix(String, reason: String)
    /// The prefix length is outside `0...32`.
    case prefixLengthOutOfRange(String, length: Int)
    /// The address has bits set beyond the prefix length; `canonical` is the prefix that was probably meant.
    case hostBitsSet(String, canonical: String)

    public var description: String {
        switch self {
        case .invalidAddress(let text, let reason):
            "invalid IPv4 address '\(text)': \(reason); expected four decimal octets a.b.c.d, each 0...255"
        case .invalidPrefix(let text, let reason):
            "invalid CIDR block '\(text)': \(reason); expected a.b.c.d/n with n in 0...32"
        case .prefixLengthOutOfRange(let text, let length):
            "invalid CIDR block '\(text)': prefix length \(length) is out of range; allowed: 0...32"
        case .hostBitsSet(let text, let canonical):
            "invalid CIDR block '\(text)': host bits are set beyond the prefix length; the canonical form is '\(canonical)'"
        }
    }
}
