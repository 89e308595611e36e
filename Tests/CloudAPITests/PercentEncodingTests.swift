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

    @Test func aBrokenComponentInTheMiddleIsNamedAndNothingOfItsTextIsAdded() throws {
        var parameters = try RPCParameters(formEncoded: "Action=CreateVpc", source: "query string")
        #expect(throws: APIError.self) {
            try parameters.append(formEncoded: "é=✓&Name=%E5%90%8D&Bad=%E5%90&After=1", source: "form body")
        }
        do {
            try parameters.append(formEncoded: "é=✓&Name=%E5%90%8D&Bad=%E5%90&After=1", source: "form body")
        } catch {
            #expect(error.message == "The form body component 'Bad=%E5%90' is not valid percent-encoded UTF-8.")
        }
        #expect(parameters.pairs.map(\.name) == ["Action"])
        // Unescaped UTF-8 and escaped UTF-8 both decode; a repeated name keeps its first value for lookups.
        try parameters.append(formEncoded: "é=✓&Name=%E5%90%8D&Name=second", source: "form body")
        #expect(parameters["é"] == "✓" && parameters["Name"] == "名")
        #expect(parameters.pairs.map(\.value) == ["CreateVpc", "✓", "名", "second"])
    }

    @Test func randomPairsRoundTrip() throws {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09-_.~ +%&=/*é✓\u{1F600}")
        func text() -> String {
            String((0..<Int.random(in: 0..<12, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
        }
        for _ in 0..<300 {
            let pairs = (0..<Int.random(in: 0..<8, using: &random)).map { _ in ("n" + text(), text()) }
            // Spaces as `+` half of the time, as the older SDK encodes them; `%20` otherwise.
            let plus = Bool.random(using: &random)
            let encode = { (part: String) in
                let encoded = PercentEncoding.encode(part)
                return plus ? encoded.replacingOccurrences(of: "%20", with: "+") : encoded
            }
            let form = pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
            let parsed = try RPCParameters(formEncoded: Substring(form), source: "test")
            #expect(parsed.pairs.map(\.name) == pairs.map(\.0), "\(form)")
            #expect(parsed.pairs.map(\.value) == pairs.map(\.1), "\(form)")
        }
    }
}
