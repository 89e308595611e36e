import CloudAPI
import Foundation
import Testing

/// RFC 3986 encoding (both signature schemes canonicalize with it) against Foundation's, and form decoding back.
struct PercentEncodingTests {
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")

    @Test(arguments: [
        "", "vpc-bp1abc", "gw 1*~", "10.0.0.0/16", "a+b=c&d", "100%", "Zürich ✓ 東京", "{\"IkeConfig\":1}", "~._-",
    ])
    func encodesAsFoundationDoes(text: String) {
        #expect(PercentEncoding.encode(text) == text.addingPercentEncoding(withAllowedCharacters: Self.unreserved))
        #expect(PercentEncoding.decodeFormComponent(Substring(PercentEncoding.encode(text))) == text)
    }

    @Test func randomTextRoundTrips() {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09-_.~ +%&=/*é✓\u{1F600}")
        for _ in 0..<500 {
            let text = String((0..<Int.random(in: 0..<24, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            let encoded = PercentEncoding.encode(text)
            #expect(encoded == text.addingPercentEncoding(withAllowedCharacters: Self.unreserved), "\(text)")
            #expect(PercentEncoding.decodeFormComponent(Substring(encoded)) == text, "\(text)")
        }
    }

    @Test func decodesPlusAsSpaceAndRefusesBrokenEscapes() {
        #expect(PercentEncoding.decodeFormComponent("gw+1%2A") == "gw 1*")
        #expect(PercentEncoding.decodeFormComponent("plain") == "plain")
        #expect(PercentEncoding.decodeFormComponent("%G1") == nil)
        #expect(PercentEncoding.decodeFormComponent("%4") == nil)
        #expect(PercentEncoding.decodeFormComponent("%FF") == nil)  // not UTF-8
    }
}

/// Form bodies and query strings split into parameters.
struct FormParsingTests {
    @Test func splitsOnAmpersandAndTheFirstEquals() throws {
        let parameters = try RPCParameters(formEncoded: "a=1&b=&c&=x&d=e=f&&g=%2B+h&n=Z%C3%BCrich", source: "test")
        #expect(parameters.pairs.map(\.name) == ["a", "b", "c", "d", "g", "n"])
        #expect(parameters.pairs.map(\.value) == ["1", "", "", "e=f", "+ h", "Zürich"])
    }

    @Test func aBrokenEscapeNamesTheComponentAndWhereItCameFrom() {
        #expect(throws: APIError.self) { try RPCParameters(formEncoded: "a=1&b=%ZZ", source: "form body") }
        do {
            _ = try RPCParameters(formEncoded: "a=1&b=%ZZ", source: "form body")
        } catch {
            #expect(error.message.contains("'b=%ZZ'") && error.message.contains("form body"))
        }
    }
}
