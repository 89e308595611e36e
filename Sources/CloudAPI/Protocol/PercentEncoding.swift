/// Percent-encoding and decoding as the cloud's RPC API uses them.
///
/// Encoding follows RFC 3986 §2.3: only the unreserved set `A–Z a–z 0–9 - _ . ~` stays literal, every
/// other UTF-8 byte becomes `%XY` with upper-case hex (space is `%20`, never `+`). Both signature schemes
/// (reference §1.3, §1.4) canonicalize with this function.
package enum PercentEncoding {
    /// Encodes `text` with the RFC 3986 unreserved set.
    package static func encode(_ text: String) -> String {
        let utf8 = text.utf8
        // Most names and values (ids, numbers, names) need no escape: answer the text itself.
        guard let first = utf8.firstIndex(where: { !isUnreserved($0) }) else { return text }
        let escapes = utf8[first...].reduce(0) { $0 + (isUnreserved($1) ? 0 : 1) }
        return String(unsafeUninitializedCapacity: utf8.count + 2 * escapes) { buffer in
            var written = 0
            for byte in utf8 {
                if isUnreserved(byte) {
                    buffer[written] = byte
                    written += 1
                } else {
                    buffer[written] = UInt8(ascii: "%")
                    buffer[written + 1] = hexDigit(byte >> 4)
                    buffer[written + 2] = hexDigit(byte & 0xF)
                    written += 3
                }
            }
            return written
        }
    }

    /// Appends `text`'s bytes encoded with the RFC 3986 unreserved set to `output` (what ``encode(_:)`` answers,
    /// without making a string).
    package static func appendEncoded(_ text: some StringProtocol, to output: inout [UInt8]) {
        for byte in text.utf8 {
            if isUnreserved(byte) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(hexDigit(byte >> 4))
                output.append(hexDigit(byte & 0xF))
            }
        }
    }

    /// Decodes a query-string or form component: `%XY` escapes and `+` as space (both SDKs' encodings).
    ///
    /// - Returns: `nil` when an escape is malformed or the bytes are not UTF-8.
    package static func decodeFormComponent(_ component: Substring) -> String? {
        var component = component
        return component.withUTF8 { decodeFormComponent($0) }
    }

    /// ``decodeFormComponent(_:)-(Substring)`` for the bytes of a component: UTF-8 text, as a piece of a string
    /// cut at ASCII bytes is (the bytes its escapes stand for are checked).
    package static func decodeFormComponent(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "+"):
                decoded.append(UInt8(ascii: " "))
                index += 1
            case UInt8(ascii: "%"):
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
                    let low = hexValue(bytes[index + 2])
                else { return nil }
                decoded.append(high << 4 | low)
                index += 3
            case let byte:
                decoded.append(byte)
                index += 1
            }
        }
        return String(validating: decoded, as: UTF8.self)
    }

    /// `A–Z a–z 0–9 - _ . ~`
    @inline(__always)
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// The upper-case hex digit of `value` (0–15).
    @inline(__always)
    package static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
