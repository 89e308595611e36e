/// An IPv4 CIDR block such as `10.0.0.0/16`, always in canonical form (no host bits set).
///
/// Construction checks the invariant, so code that holds an `IPv4Prefix` can trust it:
/// `0.5.0.0/0` (seed 003's typo) is rejected with an error that names `0.0.0.0/0`.
public struct IPv4Prefix: Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The first address of the block.
    public let network: IPv4Address
    /// The number of leading bits that are fixed, `0...32`.
    public let length: Int

    /// Creates a prefix from its network address and length.
    ///
    /// - Throws: ``IPAddressingError/prefixLengthOutOfRange(_:length:)`` or ``IPAddressingError/hostBitsSet(_:canonical:)``.
    public init(network: IPv4Address, length: Int) throws(IPAddressingError) {
        let text = "\(network)/\(length)"
        guard (0...32).contains(length) else { throw .prefixLengthOutOfRange(text, length: length) }
        let mask = IPv4Prefix.mask(length)
        guard network.rawValue & ~mask == 0 else {
            throw .hostBitsSet(text, canonical: "\(IPv4Address(network.rawValue & mask))/\(length)")
        }
        self.network = network
        self.length = length
    }

    /// Creates the prefix of the given length that contains `address`, clearing host bits.
    ///
    /// - Precondition: `length` is in `0...32`.
    public init(containing address: IPv4Address, length: Int) {
        precondition((0...32).contains(length), "prefix length \(length) is outside 0...32")
        self.network = IPv4Address(address.rawValue & IPv4Prefix.mask(length))
        self.length = length
    }

    /// Parses `a.b.c.d/n`.
    ///
    /// A bare address without `/n` is rejected: in the cloud's API a CIDR block always carries its length.
    /// - Throws: ``IPAddressingError`` naming the text and what is allowed.
    public init(parsing text: String) throws(IPAddressingError) {
        if text.isEmpty { throw .invalidPrefix(text, reason: "the value is empty") }
        // Cut at the '/' and read the length from the UTF-8 bytes: splitting into an array of substrings and
        // counting characters cost more than parsing the address.
        let utf8 = text.utf8
        guard let slash = utf8.firstIndex(of: UInt8(ascii: "/")) else {
            throw .invalidPrefix(text, reason: "the '/n' prefix length is missing")
        }
        let lengthBytes = utf8[utf8.index(after: slash)...]
        guard !lengthBytes.contains(UInt8(ascii: "/")) else {
            throw .invalidPrefix(text, reason: "it has more than one '/'")
        }
        let address: IPv4Address
        do {
            address = try IPv4Address(parsing: String(text[..<slash]))
        } catch {
            if case .invalidAddress(_, let reason) = error { throw .invalidPrefix(text, reason: "the address part \(reason)") }
            throw error
        }
        // At most three digits (so no overflow): -1 for anything else.
        var length = lengthBytes.isEmpty || lengthBytes.count > 3 ? -1 : 0
        for byte in lengthBytes where length >= 0 {
            let digit = Int(byte) - Int(UInt8(ascii: "0"))
            length = (0...9).contains(digit) ? length * 10 + digit : -1
        }
        guard length >= 0 else {
            throw .invalidPrefix(text, reason: "the prefix length '\(Substring(lengthBytes))' is not a number")
        }
        if lengthBytes.count > 1 && lengthBytes.first == UInt8(ascii: "0") {
            throw .invalidPrefix(text, reason: "the prefix length '\(Substring(lengthBytes))' has a leading zero")
        }
        guard (0...32).contains(length) else { throw .prefixLengthOutOfRange(text, length: length) }
        let mask = IPv4Prefix.mask(length)
        guard address.rawValue & ~mask == 0 else {
            throw .hostBitsSet(text, canonical: "\(IPv4Address(address.rawValue & mask))/\(length)")
        }
        self.network = address
        self.length = length
    }

    /// Parses `a.b.c.d/n`, returning `nil` for anything that ``init(parsing:)`` rejects.
    public init?(_ description: String) {
        guard let prefix = try? IPv4Prefix(parsing: description) else { return nil }
        self = prefix
    }

    /// The netmask for a prefix length, `mask(24) == 0xFFFF_FF00`.
    @inlinable
    public static func mask(_ length: Int) -> UInt32 {
        length == 0 ? 0 : ~UInt32(0) << UInt32(32 - length)
    }

    /// The netmask as an address, `255.255.255.0` for `/24`.
    public var netmask: IPv4Address { IPv4Address(IPv4Prefix.mask(length)) }

    /// The last address of the block.
    public var lastAddress: IPv4Address { IPv4Address(network.rawValue | ~IPv4Prefix.mask(length)) }

    /// The number of addresses in the block (`2^(32-length)`).
    public var addressCount: UInt64 { UInt64(1) << UInt64(32 - length) }

    /// Whether `address` lies inside this block.
    ///
    /// - Complexity: O(1).
    @inlinable
    public func contains(_ address: IPv4Address) -> Bool {
        address.rawValue & IPv4Prefix.mask(length) == network.rawValue
    }

    /// Whether `other` lies entirely inside this block (a prefix contains itself).
    public func contains(_ other: IPv4Prefix) -> Bool {
        other.length >= length && contains(other.network)
    }

    /// Whether the two blocks share at least one address (one of them then contains the other).
    public func overlaps(_ other: IPv4Prefix) -> Bool {
        contains(other) || other.contains(self)
    }

    /// Whether this is `0.0.0.0/0`.
    public var isDefaultRoute: Bool { length == 0 }

    /// `a.b.c.d/n`, written into the string's own storage (at most 18 bytes) like the address's description.
    public var description: String {
        String(unsafeUninitializedCapacity: 18) { text in
            var written = IPv4Address.writeDottedQuad(network.rawValue, into: text)
            text[written] = UInt8(ascii: "/")
            written += 1
            if length >= 10 {
                text[written] = UInt8(ascii: "0") + UInt8(length / 10)
                written += 1
            }
            text[written] = UInt8(ascii: "0") + UInt8(length % 10)
            return written + 1
        }
    }

    /// Orders by network address, then by length (shorter first), so that a block sorts before its subnets.
    public static func < (lhs: IPv4Prefix, rhs: IPv4Prefix) -> Bool {
        (lhs.network.rawValue, lhs.length) < (rhs.network.rawValue, rhs.length)
    }

    /// `0.0.0.0/0`.
    public static let defaultRoute = IPv4Prefix(containing: .any, length: 0)

    /// The private ranges of RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16.
    public static let rfc1918: [IPv4Prefix] = [
        IPv4Prefix(containing: IPv4Address(10, 0, 0, 0), length: 8),
        IPv4Prefix(containing: IPv4Address(172, 16, 0, 0), length: 12),
        IPv4Prefix(containing: IPv4Address(192, 168, 0, 0), length: 16),
    ]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try IPv4Prefix(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
