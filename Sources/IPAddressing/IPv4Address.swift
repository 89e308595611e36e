/// An IPv4 address, stored as a 32-bit number in host byte order.
///
/// Parsing is strict: exactly four decimal octets, each `0...255`, no leading `+`, no spaces, no leading zeros
/// beyond a single `0` (so `010.1.1.1` is rejected rather than read as octal or decimal by guess).
///
/// ```swift
/// let a = try IPv4Address(parsing: "10.1.1.10")
/// a.description  // "10.1.1.10"
/// ```
public struct IPv4Address: Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The address as a 32-bit number, most significant octet first.
    public var rawValue: UInt32

    /// Creates an address from its 32-bit value.
    public init(_ rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Creates an address from four octets, `IPv4Address(10, 0, 0, 1)`.
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        self.rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Parses a dotted-quad address.
    ///
    /// - Throws: ``IPAddressingError/invalidAddress(_:reason:)`` quoting the text and saying what is wrong.
    public init(parsing text: String) throws(IPAddressingError) {
        var value: UInt32 = 0
        var octetCount = 0
        var current: UInt32 = 0
        var digits = 0
        var leadingZero = false
        func fail(_ reason: String) -> IPAddressingError { .invalidAddress(text, reason: reason) }
        if text.isEmpty { throw fail("the value is empty") }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits == 1 && leadingZero { throw fail("octet \(octetCount + 1) has a leading zero") }
                if digits == 0 && byte == UInt8(ascii: "0") { leadingZero = true }
                current = current * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                if digits > 3 || current > 255 {
                    throw fail("octet \(octetCount + 1) is greater than 255")
                }
            case UInt8(ascii: "."):
                if digits == 0 { throw fail("octet \(octetCount + 1) is empty") }
                octetCount += 1
                if octetCount > 3 { throw fail("it has more than four octets") }
                value = value << 8 | current
                current = 0
                digits = 0
                leadingZero = false
            default:
                throw fail("it contains the character '\(Character(Unicode.Scalar(byte)))'")
            }
        }
        if digits == 0 { throw fail(octetCount == 0 ? "the value is empty" : "octet \(octetCount + 1) is empty") }
        if octetCount != 3 { throw fail("it has \(octetCount + 1) octets, not four") }
        self.rawValue = value << 8 | current
    }

    /// Parses a dotted-quad address, returning `nil` for anything that ``init(parsing:)`` rejects.
    public init?(_ description: String) {
        guard let address = try? IPv4Address(parsing: description) else { return nil }
        self = address
    }

    /// The four octets, most significant first.
    public var octets: (UInt8, UInt8, UInt8, UInt8) {
        (UInt8(truncatingIfNeeded: rawValue >> 24), UInt8(truncatingIfNeeded: rawValue >> 16),
         UInt8(truncatingIfNeeded: rawValue >> 8), UInt8(truncatingIfNeeded: rawValue))
    }

    /// The dotted quad, `10.1.1.10`: written digit by digit into the string's own storage (at most 15 bytes, so a
    /// small string without allocation), where interpolating the four octets built a string for each.
    public var description: String {
        String(unsafeUninitializedCapacity: 15) { text in
            Self.writeDottedQuad(rawValue, into: text)
        }
    }

    /// Writes the dotted quad of `value` at the start of `text` (15 bytes at least); returns the bytes written.
    @usableFromInline
    static func writeDottedQuad(_ value: UInt32, into text: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var written = 0
        for shift in stride(from: 24, through: 0, by: -8) {
            let octet = Int(value >> UInt32(shift) & 0xFF)
            if shift != 24 {
                text[written] = UInt8(ascii: ".")
                written += 1
            }
            if octet >= 100 {
                text[written] = UInt8(ascii: "0") + UInt8(octet / 100)
                written += 1
            }
            if octet >= 10 {
                text[written] = UInt8(ascii: "0") + UInt8(octet / 10 % 10)
                written += 1
            }
            text[written] = UInt8(ascii: "0") + UInt8(octet % 10)
            written += 1
        }
        return written
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `0.0.0.0`.
    public static let any = IPv4Address(0)

    /// Whether the address is in one of the private ranges of RFC 1918.
    public var isPrivate: Bool {
        IPv4Prefix.rfc1918.contains { $0.contains(self) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try IPv4Address(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
