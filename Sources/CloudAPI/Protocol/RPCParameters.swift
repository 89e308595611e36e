/// The parameters of one RPC request: the query string merged with a form body, decoded, in wire order.
///
/// Names are case-sensitive, as in the cloud's API. A name given twice keeps its first value for lookups
/// (both copies are signed).
public struct RPCParameters: Sendable, Equatable {
    /// Every parameter in the order it arrived.
    public private(set) var pairs: [(name: String, value: String)]
    private var index: [String: String]

    /// Creates a parameter set from decoded pairs.
    public init(_ pairs: [(name: String, value: String)] = []) {
        self.pairs = []
        self.index = [:]
        for pair in pairs { append(name: pair.name, value: pair.value) }
    }

    /// Parses an `application/x-www-form-urlencoded` string (a query string or a form body).
    ///
    /// - Parameter source: where the text came from, for the error message (`query string`, `form body`).
    /// - Throws: `APIError.invalidParameter` naming the malformed component.
    public init(formEncoded text: Substring, source: String) throws(APIError) {
        self.init()
        try append(formEncoded: text, source: source)
    }

    /// Adds the pairs of a form-encoded string after the existing ones.
    public mutating func append(formEncoded text: Substring, source: String) throws(APIError) {
        var text = text
        // Cut on the UTF-8 bytes `&` and `=` (ASCII, so every piece is whole characters) in one pass over the
        // bytes; cutting the text into substrings first cost more than the decoding.
        let (found, malformed): ([(String, String)], Range<Int>?) = text.withUTF8 { bytes in
            var found: [(String, String)] = []
            found.reserveCapacity(1 + bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "&") ? 1 : 0) })
            var start = 0
            while start < bytes.count {
                var end = start
                var equals: Int?
                while end < bytes.count, bytes[end] != UInt8(ascii: "&") {
                    if equals == nil, bytes[end] == UInt8(ascii: "=") { equals = end }
                    end += 1
                }
                defer { start = end + 1 }
                guard end > start else { continue }
                let name = UnsafeBufferPointer(rebasing: bytes[start..<(equals ?? end)])
                let value = UnsafeBufferPointer(rebasing: bytes[(equals.map { $0 + 1 } ?? end)..<end])
                guard let name = PercentEncoding.decodeFormComponent(name),
                    let value = PercentEncoding.decodeFormComponent(value)
                else { return (found, start..<end) }
                guard !name.isEmpty else { continue }
                found.append((name, value))
            }
            return (found, nil)
        }
        if let malformed {
            let bytes = text.utf8.dropFirst(malformed.lowerBound).prefix(malformed.count)
            let component = String(decoding: bytes, as: UTF8.self)
            throw APIError(
                code: "InvalidParameter",
                status: 400,
                message: "The \(source) component '\(component)' is not valid percent-encoded UTF-8."
            )
        }
        pairs.reserveCapacity(pairs.count + found.count)
        index.reserveCapacity(index.count + found.count)
        for (name, value) in found { append(name: name, value: value) }
    }

    /// Adds one pair.
    public mutating func append(name: String, value: String) {
        pairs.append((name, value))
        if index[name] == nil { index[name] = value }
    }

    /// The value of `name`, if present.
    public subscript(name: String) -> String? { index[name] }

    /// Every parameter name that is present.
    public var names: some Collection<String> { index.keys }

    public static func == (lhs: RPCParameters, rhs: RPCParameters) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.name == $1.name && $0.value == $1.value }
    }
}
