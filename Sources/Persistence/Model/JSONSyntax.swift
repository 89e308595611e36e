/// Checks that bytes are one JSON text (RFC 8259 §2–§7) without building it.
///
/// Stores check every document they are given; parsing it into Foundation objects only to throw them away cost
/// more than writing it to SQLite. This reads each byte once and allocates nothing.
package enum JSONSyntax {
    /// Nesting deeper than this is refused (a guard for the recursion, far beyond any stored resource).
    package static let maximumDepth = 512

    /// What is wrong with `bytes` as a JSON text, or `nil` when it is one.
    ///
    /// - Parameter isObject: set to whether the text's value is an object.
    package static func error(in bytes: UnsafeBufferPointer<UInt8>, isObject: inout Bool) -> String? {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        isObject = reader.peek == UInt8(ascii: "{")
        do throws(Failure) {
            try reader.value(depth: 0)
            reader.skipWhitespace()
            guard reader.position == bytes.count else { throw reader.failure("unexpected text after the value") }
            return nil
        } catch {
            return error.description
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        func failure(_ what: String) -> Failure {
            guard let byte = peek else { return Failure(description: "\(what) at the end (byte \(position))") }
            let shown = (0x21..<0x7F).contains(byte) ? "'\(Character(UnicodeScalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
            return Failure(description: "\(what): \(shown) at byte \(position)")
        }

        mutating func skipWhitespace() {
            while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
        }

        mutating func expect(_ literal: StaticString) throws(Failure) {
            let text = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            for expected in text {
                guard peek == expected else { throw failure("expected '\(literal)'") }
                position += 1
            }
        }

        mutating func value(depth: Int) throws(Failure) {
            guard depth < JSONSyntax.maximumDepth else {
                throw failure("nested deeper than \(JSONSyntax.maximumDepth) levels")
            }
            skipWhitespace()
            guard let byte = peek else { throw failure("expected a value") }
            switch byte {
            case UInt8(ascii: "{"):
                position += 1
                skipWhitespace()
                if peek == UInt8(ascii: "}") {
                    position += 1
                    return
                }
                while true {
                    skipWhitespace()
                    guard peek == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
                    try string()
                    skipWhitespace()
                    guard peek == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
                    position += 1
                    try value(depth: depth + 1)
                    skipWhitespace()
                    switch peek {
                    case UInt8(ascii: ","): position += 1
                    case UInt8(ascii: "}"):
                        position += 1
                        return
                    default: throw failure("expected ',' or '}' in an object")
                    }
                }
            case UInt8(ascii: "["):
                position += 1
                skipWhitespace()
                if peek == UInt8(ascii: "]") {
                    position += 1
                    return
                }
                while true {
                    try value(depth: depth + 1)
                    skipWhitespace()
                    switch peek {
                    case UInt8(ascii: ","): position += 1
                    case UInt8(ascii: "]"):
                        position += 1
                        return
                    default: throw failure("expected ',' or ']' in an array")
                    }
                }
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try expect("true")
            case UInt8(ascii: "f"): try expect("false")
            case UInt8(ascii: "n"): try expect("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw failure("expected a value")
            }
        }

        /// A string from its opening quote; its characters must be UTF-8 (RFC 8259 §8.1).
        mutating func string() throws(Failure) {
            position += 1
            while let byte = peek {
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    return
                case UInt8(ascii: "\\"):
                    position += 1
                    switch peek {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                        UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        position += 1
                    case UInt8(ascii: "u"):
                        position += 1
                        for _ in 0..<4 {
                            guard let digit = peek, digit.isHexDigit else { throw failure("expected 4 hex digits after \\u") }
                            position += 1
                        }
                    default: throw failure("unknown escape")
                    }
                case 0..<0x20: throw failure("control character in a string (escape it)")
                case 0..<0x80: position += 1
                default: try utf8Sequence()
                }
            }
            throw failure("unterminated string")
        }

        /// One multi-byte UTF-8 sequence (RFC 3629 §4): no overlong forms, no surrogates, nothing past U+10FFFF.
        mutating func utf8Sequence() throws(Failure) {
            let lead = bytes[position]
            let count: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: count = 1
            case 0xE0:
                count = 2
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: count = 2
            case 0xED:
                count = 2
                high = 0x9F
            case 0xF0:
                count = 3
                low = 0x90
            case 0xF1...0xF3: count = 3
            case 0xF4:
                count = 3
                high = 0x8F
            default: throw failure("not UTF-8")
            }
            position += 1
            for index in 0..<count {
                guard let byte = peek, byte >= (index == 0 ? low : 0x80), byte <= (index == 0 ? high : 0xBF) else {
                    throw failure("not UTF-8")
                }
                position += 1
            }
        }

        mutating func number() throws(Failure) {
            if peek == UInt8(ascii: "-") { position += 1 }
            switch peek ?? 0 {
            case UInt8(ascii: "0"): position += 1
            case UInt8(ascii: "1")...UInt8(ascii: "9"): digits()
            default: throw failure("expected a digit")
            }
            if peek == UInt8(ascii: ".") {
                position += 1
                guard peek?.isDigit == true else { throw failure("expected a digit after '.'") }
                digits()
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                position += 1
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
                guard peek?.isDigit == true else { throw failure("expected a digit in the exponent") }
                digits()
            }
        }

        mutating func digits() {
            while peek?.isDigit == true { position += 1 }
        }
    }
}

extension UInt8 {
    fileprivate var isDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
    fileprivate var isHexDigit: Bool {
        isDigit || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
