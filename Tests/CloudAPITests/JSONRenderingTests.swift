@testable import CloudAPI
import Foundation
import MeridianTestSupport
import Testing

/// The JSON writer against Foundation's parser: every string, escaped or not, reads back as written.
struct JSONRenderingTests {
    @Test func stringsNumbersAndNestingReadBackAsWritten() throws {
        let tricky = ["plain", "quote \" and \\ backslash", "line\nbreak\ttab\rreturn", "\u{01}\u{1F}", "Zürich ✓ 東京 😀", ""]
        var object = APIObject([("RequestId", "ABC")])
        object["Strings"] = .array(tricky.map { .string($0) })
        object["Numbers"] = [.integer(-7), .integer(Int64.max), .bool(true), .bool(false)]
        object["Nested"] = .wrapped("Vpc", [["VpcId": "vpc-1", "IsDefault": false]])
        let text = ResponseFormat.json.render(object, root: "X")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(parsed["Strings"] as? [String] == tricky)
        #expect((parsed["Numbers"] as? [Any])?.count == 4)
        #expect((parsed["Numbers"] as? [Any])?.first as? Int == -7)
        let nested = try #require(parsed["Nested"] as? [String: Any])
        #expect((nested["Vpc"] as? [[String: Any]])?.first?["VpcId"] as? String == "vpc-1")
        #expect(text.hasPrefix(#"{"RequestId":"ABC","#))
    }

    /// Integers are written digit by digit: the same text as Swift's own description, at the edges and between.
    @Test func integersAreWrittenAsTheirDecimalDigits() {
        var generator = SeededGenerator(seed: 7)
        let edges: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
        let random = (0..<500).map { _ in
            Int64.random(in: Int64.min...Int64.max, using: &generator) >> Int64.random(in: 0...63, using: &generator)
        }
        for value in edges + random {
            #expect(ResponseFormat.json.render(APIObject([("N", .integer(value))]), root: "X") == #"{"N":\#(value)}"#)
        }
    }
}
