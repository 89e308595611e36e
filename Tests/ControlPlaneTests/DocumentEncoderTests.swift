import ControlPlane
import Foundation
import MeridianTestSupport
import Testing

/// The stored documents' encoder against Foundation's `JSONEncoder`: the same JSON values (key order aside) for
/// every kind of resource and for the awkward corners of `Codable`, and bytes that `JSONDecoder` reads back.
struct DocumentEncoderTests {
    /// Whole states holding every kind of resource (CloudState is Codable through the same conformances the
    /// stored documents use), with creation times that have fractions of a second.
    @Test func everyResourceKindEncodesAsJSONEncoderDoes() async throws {
        let cp = try await ControlPlane(
            store: InMemoryStateStore(),
            now: { Date(timeIntervalSince1970: 1_700_000_000.123_456) },
            random: SeededGenerator(seed: 5)
        )
        _ = try await SampleCloud.build(in: cp)
        _ = try await SiteTests.buildSeed004(cp)
        _ = try await ExpressConnectTests.pair(cp)
        let lab = try await ECSTests.Lab.make()
        let group = try await lab.group("web")
        try await lab.authorize(
            group.id,
            [CloudState.PermissionRequest(ipProtocol: "TCP", portRange: "22/22", cidrIp: "10.0.0.0/8")]
        )
        _ = try await lab.run([group.id], amount: 2)

        for state in [await cp.snapshot, await lab.cp.snapshot] {
            let document = try #require(DocumentEncoder.streamed(state), "the model's conformances are streamed")
            try Self.expectSameJSON(document, try JSONEncoder().encode(state))
            #expect(try JSONDecoder().decode(CloudState.self, from: document) == state)
        }
    }

    @Test func awkwardValuesEncodeAsJSONEncoderDoes() throws {
        let values = [
            Awkward(),
            Awkward(
                text: "quote \" backslash \\ slash / newline \n tab \t nul \u{0} bell \u{7} del \u{7F} é 水 🙂",
                double: 0.1,
                float: 1e-3,
                large: .max,
                small: .min,
                unsigned: .max,
                data: Data([0, 1, 2, 250, 255]),
                url: URL(string: "https://example.com/a%20b?q=1")!,
                date: Date(timeIntervalSinceReferenceDate: -1.5),
                optional: 7,
                nestedOptional: [nil, 1, nil],
                matrix: [[], [1], [2, 3]],
                byName: ["b": 2, "a": 1, "": 0],
                byNumber: [3: "three", -1: "minus one"],
                choice: .both(1, "x"),
                empty: Empty(),
                doubles: [1e16, -0.0, 5e-324, .greatestFiniteMagnitude, 123_456.789]
            ),
        ]
        for value in values {
            let document = try #require(DocumentEncoder.streamed(value))
            try Self.expectSameJSON(document, try JSONEncoder().encode(value))
            #expect(try JSONDecoder().decode(Awkward.self, from: document) == value)
        }
    }

    /// Containers used side by side, super encoders and a second keyed container of one value cannot be written
    /// as a stream: the document must still be right (JSONEncoder takes over where the stream cannot follow).
    @Test func unusualContainerUseStillGivesTheRightDocument() throws {
        for value in [Unusual(style: .interleaved), Unusual(style: .superEncoder)] {
            #expect(DocumentEncoder.streamed(value) == nil)
            try Self.expectSameJSON(try DocumentEncoder.encode(value), try JSONEncoder().encode(value))
        }
        // Asking twice for a value's keyed container gives the same container: that one streams.
        let twice = Unusual(style: .twoContainers)
        try Self.expectSameJSON(try #require(DocumentEncoder.streamed(twice)), try JSONEncoder().encode(twice))
        // Nested, a value that encodes nothing is an empty object; at the top level JSONEncoder refuses it.
        try Self.expectSameJSON(try DocumentEncoder.encode([Nothing()]), try JSONEncoder().encode([Nothing()]))
        #expect(throws: EncodingError.self) { try DocumentEncoder.encode(Nothing()) }
    }

    @Test func valuesJSONCannotHoldAreRefusedLikeJSONEncoderRefusesThem() {
        for number in [Double.nan, .infinity, -.infinity] {
            var value = Awkward()
            value.double = number
            #expect(throws: EncodingError.self) { try JSONEncoder().encode(value) }
            #expect(throws: EncodingError.self) { try DocumentEncoder.encode(value) }
        }
    }

    // MARK: Comparing JSON values

    static func expectSameJSON(_ a: Data, _ b: Data, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let x = try JSONSerialization.jsonObject(with: a, options: [.fragmentsAllowed])
        let y = try JSONSerialization.jsonObject(with: b, options: [.fragmentsAllowed])
        #expect(
            same(x, y),
            "\(String(decoding: a, as: UTF8.self))\nis not\n\(String(decoding: b, as: UTF8.self))",
            sourceLocation: sourceLocation
        )
    }

    static func same(_ x: Any, _ y: Any) -> Bool {
        switch (x, y) {
        case (let x as [String: Any], let y as [String: Any]):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { same(value, $0) } ?? false }
        case (let x as [Any], let y as [Any]):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (let x as String, let y as String):
            return x == y
        case (is NSNull, is NSNull):
            return true
        case (let x as NSNumber, let y as NSNumber):
            // 10 and 10.0 are one JSON number; integers beyond 2^53 must match exactly.
            return x == y || x.stringValue == y.stringValue
        default:
            return false
        }
    }
}

// MARK: Test values

private struct Empty: Codable, Equatable {}

/// Encodes nothing at all.
private struct Nothing: Encodable {
    func encode(to encoder: any Encoder) throws {}
}

private enum Choice: Codable, Equatable {
    case none
    case one(Int)
    case both(Int, String)
}

private struct Awkward: Codable, Equatable {
    var text = ""
    var double = 0.0
    var float: Float = 0
    var large: Int64 = 0
    var small: Int8 = 0
    var unsigned: UInt64 = 0
    var data = Data()
    var url = URL(string: "https://example.com")!
    var date = Date(timeIntervalSinceReferenceDate: 0)
    var optional: Int? = nil
    var nestedOptional: [Int?] = []
    var matrix: [[Int]] = []
    var byName: [String: Int] = [:]
    var byNumber: [Int: String] = [:]
    var choice = Choice.none
    var empty = Empty()
    var doubles: [Double] = []
}

private struct Unusual: Encodable {
    enum Style { case interleaved, superEncoder, twoContainers }
    let style: Style

    enum Keys: String, CodingKey { case a, b, c, inner, `super` }

    func encode(to encoder: any Encoder) throws {
        var outer = encoder.container(keyedBy: Keys.self)
        switch style {
        case .interleaved:
            var inner = outer.nestedContainer(keyedBy: Keys.self, forKey: .inner)
            try outer.encode(1, forKey: .a)
            try inner.encode("late", forKey: .b)  // after the outer container moved on
            var list = outer.nestedUnkeyedContainer(forKey: .c)
            try outer.encode(true, forKey: .b)
            try list.encode(3)
        case .superEncoder:
            try outer.encode(1, forKey: .a)
            let parent = outer.superEncoder()
            try outer.encode(2, forKey: .b)
            var single = parent.singleValueContainer()
            try single.encode("parent")
        case .twoContainers:
            try outer.encode(1, forKey: .a)
            var again = encoder.container(keyedBy: Keys.self)
            try again.encode(2, forKey: .b)
            var list = again.nestedUnkeyedContainer(forKey: .c)
            try list.encode(contentsOf: [1, 2])
        }
    }
}
