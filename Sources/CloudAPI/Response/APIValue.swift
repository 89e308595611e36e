/// A response value with ordered keys, rendered as the cloud's JSON or XML.
///
/// Objects keep the order their fields were written in, so responses read like the cloud's own examples;
/// collections use the cloud's wrapper shape, `{"Vpcs":{"Vpc":[…]}}` (reference §1.5).
/// Not `indirect`: arrays and objects already hold their members on the heap, and a boxed value would cost an
/// allocation per field of every response.
public enum APIValue: Sendable, Equatable, Codable {
    case string(String)
    case integer(Int64)
    case bool(Bool)
    case array([APIValue])
    case object(APIObject)
    case null

    /// `{"Outer":{"Inner":[items]}}`'s inner part: the cloud's collection wrapper.
    public static func wrapped(_ element: String, _ items: [APIValue]) -> APIValue {
        .object(APIObject([(element, .array(items))]))
    }
}

/// An object with ordered fields.
public struct APIObject: Sendable, Equatable, Codable {
    /// The fields in order, each a name and a value. Unlabelled, the type literals and
    /// `ExpressibleByDictionaryLiteral` give: the array is kept as it is, never copied into another tuple type.
    public var fields: [(String, APIValue)]

    private struct Field: Codable {
        var key: String
        var value: APIValue
    }

    /// Encoded as an array of `{key, value}` so the field order survives.
    public init(from decoder: any Decoder) throws {
        fields = try [Field](from: decoder).map { ($0.key, $0.value) }
    }

    public func encode(to encoder: any Encoder) throws {
        try fields.map { Field(key: $0.0, value: $0.1) }.encode(to: encoder)
    }

    public init(_ fields: [(String, APIValue)] = []) {
        self.fields = fields
    }

    /// The value of `key`, or `nil`.
    public subscript(key: String) -> APIValue? {
        get { fields.first { $0.0 == key }?.1 }
        set {
            if let i = fields.firstIndex(where: { $0.0 == key }) {
                if let newValue { fields[i].1 = newValue } else { fields.remove(at: i) }
            } else if let newValue {
                fields.append((key, newValue))
            }
        }
    }

    public static func == (lhs: APIObject, rhs: APIObject) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.0 == $1.0 && $0.1 == $1.1 }
    }
}

extension APIObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, APIValue)...) { self.init(elements) }
}

extension APIValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: APIValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, APIValue)...) { self = .object(APIObject(elements)) }
}

extension APIValue {
    /// A string, or `null` when absent.
    public static func optional(_ text: String?) -> APIValue { text.map(APIValue.string) ?? .string("") }
    /// An integer value.
    public static func int(_ value: Int) -> APIValue { .integer(Int64(value)) }
}
