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
        // Split on the UTF-8 bytes `&` and `=` (ASCII, so every piece is whole characters): splitting the
        // text by Character would look for grapheme boundaries in every byte.
        let utf8 = text.utf8
        // Room for every piece up front: growing the list and its index one pair at a time rehashed the index.
        let expected = pairs.count + 1 + utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "&") ? 1 : 0) }
        pairs.reserveCapacity(expected)
        index.reserveCapacity(expected)
        for piece in utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let component = Substring(piece)
            let equals = piece.firstIndex(of: UInt8(ascii: "="))
            let rawName = Substring(piece[..<(equals ?? piece.endIndex)])
            let rawValue = equals.map { Substring(piece[piece.index(after: $0)...]) } ?? ""
            guard let name = PercentEncoding.decodeFormComponent(rawName),
                let value = PercentEncoding.decodeFormComponent(rawValue)
            else {
                throw APIError(
                    code: "InvalidParameter",
                    status: 400,
                    message: "The \(source) component '\(component)' is not valid percent-encoded UTF-8."
                )
            }
            guard !name.isEmpty else { continue }
            append(name: name, value: value)
        }
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
