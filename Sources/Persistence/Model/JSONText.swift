/// Writing JSON text (RFC 8259) as UTF-8 bytes: what the API's responses and the stored documents share.
package enum JSONText {
    /// Appends `text` as a JSON string: `"` and `\` escaped, control characters as `\n`, `\r`, `\t` or `\u00XX`,
    /// every other character as its UTF-8 bytes.
    package static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Most strings (ids, names, CIDR blocks) need no escape: scan their bytes in place and append them whole.
        var text = text
        let plain = text.withUTF8 { bytes in
            if bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                return false
            }
            output.append(contentsOf: bytes)
            return true
        }
        if !plain {
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
                case UInt8(ascii: "\n"): output.append(contentsOf: #"\n"#.utf8)
                case UInt8(ascii: "\r"): output.append(contentsOf: #"\r"#.utf8)
                case UInt8(ascii: "\t"): output.append(contentsOf: #"\t"#.utf8)
                case 0..<0x20:
                    output.append(contentsOf: #"\u00"#.utf8)
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0xF)])
                default: output.append(byte)  // bytes of multi-byte characters are copied as they are
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Appends `value` in decimal digits.
    package static func appendInteger(_ value: Int64, to output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        appendInteger(value.magnitude, to: &output)
    }

    /// Appends `value` in decimal digits: written least significant first, then turned around in place.
    package static func appendInteger(_ value: UInt64, to output: inout [UInt8]) {
        let start = output.count
        var rest = value
        repeat {
            output.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        } while rest > 0
        output[start...].reverse()
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
