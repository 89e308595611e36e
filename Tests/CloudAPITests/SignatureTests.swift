import CloudAPI
import Foundation
import MeridianTestSupport
import Testing

struct SignatureTests {
    /// The test vector of reference §1.3.
    static let v2Parameters = RPCParameters([
        ("Action", "CreateVpnGateway"), ("Version", "2016-04-28"), ("Format", "JSON"), ("RegionId", "cn-hangzhou"),
        ("VpcId", "vpc-abc"), ("Bandwidth", "10"), ("EnableIpsec", "true"), ("Name", "gw 1*~"),
        ("AccessKeyId", "testAK"),
        ("SignatureMethod", "HMAC-SHA1"), ("SignatureVersion", "1.0"),
        ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"), ("Timestamp", "2019-01-10T12:00:00Z"),
    ])

    @Test func signatureV2MatchesTheReferenceVector() {
        #expect(
            SignatureV2.canonicalQuery(Self.v2Parameters)
                == "AccessKeyId=testAK&Action=CreateVpnGateway&Bandwidth=10&EnableIpsec=true&Format=JSON&Name=gw%201%2A~&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0&Timestamp=2019-01-10T12%3A00%3A00Z&Version=2016-04-28&VpcId=vpc-abc"
        )
        let stringToSign = SignatureV2.stringToSign(method: "GET", parameters: Self.v2Parameters)
        #expect(
            stringToSign
                == "GET&%2F&AccessKeyId%3DtestAK%26Action%3DCreateVpnGateway%26Bandwidth%3D10%26EnableIpsec%3Dtrue%26Format%3DJSON%26Name%3Dgw%25201%252A~%26RegionId%3Dcn-hangzhou%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2019-01-10T12%253A00%253A00Z%26Version%3D2016-04-28%26VpcId%3Dvpc-abc"
        )
        #expect(
            SignatureV2.signature(stringToSign: stringToSign, secret: "testSecret") == "8uF5Cs7wV/Msk5KBVIGZ0CpdaTM="
        )
    }

    @Test func signatureV2IgnoresTheSignatureParameter() {
        var withSignature = Self.v2Parameters
        withSignature.append(name: "Signature", value: "anything")
        #expect(SignatureV2.canonicalQuery(withSignature) == SignatureV2.canonicalQuery(Self.v2Parameters))
    }

    /// The server signs from bytes with a kept key; it must give what the plain definition gives: encode the
    /// canonical query again as a string and sign it with a key made for the request. Random names and values
    /// mix unreserved characters, reserved ones, spaces, `%`, `+` and non-ASCII text.
    @Test func signatureV2FromBytesMatchesTheDefinition() {
        var generator = SeededGenerator(seed: 0x5EED_2026)  // a fixed seed, so a failing case can be replayed
        func next() -> UInt64 { generator.next() }
        let alphabet = Array("aZ09-_.~ %+&=*/:!'()é水🙂")
        let keys = SignatureV2.SigningKeys(limit: 2)
        func pick() -> Character { alphabet[Int(next() % UInt64(alphabet.count))] }
        for round in 0..<500 {
            var parameters = RPCParameters()
            for _ in 0..<Int(next() % 8) {
                let name = String((0...next() % 5).map { _ in pick() })
                let value = String((0..<next() % 10).map { _ in pick() })
                parameters.append(name: name, value: value)
            }
            let method = round.isMultiple(of: 2) ? "GET" : "POST"
            let secret = "secret-\(next() % 3)"
            // Reference §1.3 written out: encode, sort by encoded name (then value) as bytes, join, encode again.
            let canonical = parameters.pairs.filter { $0.name != "Signature" }
                .map { (PercentEncoding.encode($0.name), PercentEncoding.encode($0.value)) }
                .sorted {
                    $0.0.utf8.lexicographicallyPrecedes($1.0.utf8)
                        || ($0.0 == $1.0 && $0.1.utf8.lexicographicallyPrecedes($1.1.utf8))
                }
                .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
            #expect(SignatureV2.canonicalQuery(parameters) == canonical)
            let definition = "\(method)&%2F&\(PercentEncoding.encode(canonical))"
            let bytes = SignatureV2.stringToSignBytes(method: method, parameters: parameters)
            #expect(String(decoding: bytes, as: UTF8.self) == definition)
            #expect(SignatureV2.stringToSign(method: method, parameters: parameters) == definition)
            let fresh = SignatureV2.signature(stringToSign: definition, secret: secret)
            // Twice with the kept key: signing must not change the key it starts from.
            #expect(SignatureV2.signature(stringToSign: bytes, key: keys.key(for: secret)) == fresh)
            #expect(SignatureV2.signature(stringToSign: bytes, key: keys.key(for: secret)) == fresh)
        }
        #expect(
            SignatureV2.signature(
                stringToSign: Array(SignatureV2.stringToSign(method: "GET", parameters: Self.v2Parameters).utf8),
                key: keys.key(for: "testSecret")
            ) == "8uF5Cs7wV/Msk5KBVIGZ0CpdaTM="
        )
    }

    /// Vector computed with the new SDK's own signer (alibabacloud_tea_openapi 0.4.6 `Utils.get_authorization`).
    @Test func signatureV3MatchesTheSDKSigner() throws {
        let headers = [
            "host": "127.0.0.1:8080", "x-acs-action": "CreateVpnGateway", "x-acs-version": "2016-04-28",
            "x-acs-date": "2019-01-10T12:00:00Z", "x-acs-signature-nonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
            "x-acs-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "accept": "application/json", "user-agent": "test",
        ]
        let authorization = try SignatureV3.Authorization(
            parsing:
                "ACS3-HMAC-SHA256 Credential=testAK,SignedHeaders=accept;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=3968cbf0b79aa8695bfd5d8f493a1981b5b7896155f3eab76ee3016b1ac30eaa"
        )
        #expect(authorization.accessKeyId == "testAK")
        let query = RPCParameters([
            ("RegionId", "cn-hangzhou"), ("Name", "gw 1*~"), ("Bandwidth", "10"), ("VpcId", "vpc-abc"),
        ])
        let stringToSign = SignatureV3.stringToSign(
            method: "POST",
            query: query,
            signedHeaders: authorization.signedHeaders,
            headerValue: { headers[$0] },
            contentSHA256: SignatureV3.hexSHA256(Data())
        )
        #expect(SignatureV3.signature(stringToSign: stringToSign, secret: "testSecret") == authorization.signature)
    }

    @Test(arguments: [
        "ACS3-HMAC-SHA256", "ACS3-HMAC-SHA256 SignedHeaders=a,Signature=b", "HMAC x",
        "ACS3-HMAC-SHA256 Credential=a,Signature=b",
    ])
    func malformedAuthorizationIsIncompleteSignature(_ header: String) {
        #expect(throws: APIError.self) { try SignatureV3.Authorization(parsing: header) }
        do {
            _ = try SignatureV3.Authorization(parsing: header)
        } catch {
            #expect(error.code == "IncompleteSignature")
        }
    }

    @Test func formDecodingTakesPlusAsSpaceAndRejectsBrokenEscapes() throws {
        let parameters = try RPCParameters(formEncoded: "Name=gw+1&Other=a%20b%2Bc&Empty=&Flag", source: "query string")
        #expect(parameters["Name"] == "gw 1")
        #expect(parameters["Other"] == "a b+c")
        #expect(parameters["Empty"] == "")
        #expect(parameters["Flag"] == "")
        for bad in ["Name=%zz", "Name=%4", "Name=%FF%FE"] {
            #expect(throws: APIError.self) { try RPCParameters(formEncoded: Substring(bad), source: "query string") }
        }
    }

    @Test func accessKeysParseAndExplainMistakes() throws {
        #expect(try AccessKey(parsing: "AK:se:cret", source: "--access-key") == AccessKey(id: "AK", secret: "se:cret"))
        for bad in ["nosecret", ":x", "x:", "a b:c"] {
            #expect(throws: AccessKeyParseError.self) { try AccessKey(parsing: bad, source: "--access-key") }
        }
    }
}

