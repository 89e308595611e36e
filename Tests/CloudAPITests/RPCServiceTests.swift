import CloudAPI
import ControlPlane
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A mutable clock for tests.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date
    init(_ value: Date) { self.value = value }
    var now: Date {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

struct RPCServiceTests {
    static let start = Date(timeIntervalSince1970: 1_547_121_600)  // 2019-01-10T12:00:00Z

    /// A V2-signed query string for `parameters` at `time`.
    static func signedQuery(
        _ parameters: [(String, String)],
        time: Date = start,
        nonce: String = UUID().uuidString,
        key: String = "testAK",
        secret: String = "testSecret",
        method: String = "GET"
    ) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var all = RPCParameters(parameters)
        for (name, value) in [
            ("AccessKeyId", key), ("SignatureMethod", "HMAC-SHA1"), ("SignatureVersion", "1.0"),
            ("SignatureNonce", nonce),
            ("Timestamp", formatter.string(from: time)),
        ] { all.append(name: name, value: value) }
        let signature = SignatureV2.signature(
            stringToSign: SignatureV2.stringToSign(method: method, parameters: all),
            secret: secret
        )
        all.append(name: "Signature", value: signature)
        return all.pairs.map { "\(PercentEncoding.encode($0.name))=\(PercentEncoding.encode($0.value))" }.joined(
            separator: "&"
        )
    }

    static func makeApplication(clock: TestClock) async throws -> some ApplicationProtocol {
        let controlPlane = try await ControlPlane(store: InMemoryStateStore(), now: { clock.now })
        var registry = ActionRegistry()
        CloudActions.register(into: &registry, controlPlane: controlPlane)
        let service = RPCService(
            registry: registry,
            accessKeys: StaticAccessKeyStore([AccessKey(id: "testAK", secret: "testSecret")]),
            now: { clock.now }
        )
        return Application(router: CloudAPIRouter.make(service: service, metrics: { "# metrics\n" }))
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(
                with: Data(buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? [])
            ) as? [String: Any]
        )
    }

    @Test func healthAnswersWithoutSignature() async throws {
        let app = try await Self.makeApplication(clock: TestClock(Self.start))
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { (response: TestResponse) async throws in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func signedRequestSucceedsAndErrorsHaveTheCloudBody() async throws {
        let clock = TestClock(Self.start)
        let app = try await Self.makeApplication(clock: clock)
        let describe = [("Action", "DescribeVpcs"), ("Version", "2016-04-28"), ("RegionId", "cn-hangzhou")]
        try await app.test(.router) { client in
            try await client.execute(uri: "/?" + Self.signedQuery(describe), method: .get) {
                (response: TestResponse) async throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json;charset=utf-8")
                let body = try Self.json(response.body)
                #expect(body["TotalCount"] as? Int == 0)
                #expect((body["RequestId"] as? String)?.count == 36)
            }
            // Unknown key: HTTP 404 (DESIGN §4 decision 6).
            try await client.execute(uri: "/?" + Self.signedQuery(describe, key: "nobody"), method: .get) {
                (response: TestResponse) async throws in
                #expect(response.status == .notFound)
                let body = try Self.json(response.body)
                #expect(body["Code"] as? String == "InvalidAccessKeyId.NotFound")
                #expect(body["HostId"] as? String == "vpc.aliyuncs.com")
                #expect(Set(body.keys) == ["RequestId", "HostId", "Code", "Message", "Recommend"])
            }
            try await client.execute(uri: "/?" + Self.signedQuery(describe, secret: "wrong"), method: .get) {
                (response: TestResponse) async throws in
                let body = try Self.json(response.body)
                #expect(response.status == .badRequest)
                #expect(body["Code"] as? String == "SignatureDoesNotMatch")
                #expect(
                    (body["Message"] as? String)?.hasPrefix(
                        "Specified signature is not matched with our calculation. server string to sign is:GET&%2F&"
                    ) == true
                )
            }
            // The method is part of the string to sign.
            try await client.execute(uri: "/?" + Self.signedQuery(describe, method: "POST"), method: .get) {
                (response: TestResponse) async throws in
                #expect(try Self.json(response.body)["Code"] as? String == "SignatureDoesNotMatch")
            }
        }
    }

    @Test func timestampsAndNoncesAreChecked() async throws {
        let clock = TestClock(Self.start)
        let app = try await Self.makeApplication(clock: clock)
        let describe = [("Action", "DescribeVpcs"), ("Version", "2016-04-28"), ("RegionId", "cn-hangzhou")]
        try await app.test(.router) { client in
            for (offset, code) in [
                (-16 * 60.0, "InvalidTimeStamp.Expired"), (16 * 60.0, "InvalidTimeStamp.Expired"), (-14 * 60.0, nil),
            ] {
                let query = Self.signedQuery(describe, time: Self.start.addingTimeInterval(offset))
                try await client.execute(uri: "/?" + query, method: .get) { (response: TestResponse) async throws in
                    #expect(try Self.json(response.body)["Code"] as? String == code)
                }
            }
            let first = Self.signedQuery(describe, nonce: "n-1")
            try await client.execute(uri: "/?" + first, method: .get) { (response: TestResponse) async throws in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/?" + first, method: .get) { (response: TestResponse) async throws in
                #expect(try Self.json(response.body)["Code"] as? String == "SignatureNonceUsed")
            }
            // After the 15-minute window the nonce is forgotten (the timestamp is then fresh again).
            clock.now = Self.start.addingTimeInterval(16 * 60)
            let later = Self.signedQuery(describe, time: clock.now, nonce: "n-1")
            try await client.execute(uri: "/?" + later, method: .get) { (response: TestResponse) async throws in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/?Action=DescribeVpcs&Version=2016-04-28&Timestamp=2019-1-10", method: .get)
            { (response: TestResponse) async throws in
                #expect(try Self.json(response.body)["Code"] as? String == "MissingSignature")
            }
        }
    }

    @Test func dispatchErrorsUseTheCloudCodes() async throws {
        let app = try await Self.makeApplication(clock: TestClock(Self.start))
        try await app.test(.router) { client in
            let cases: [([(String, String)], HTTPResponse.Status, String)] = [
                ([("Version", "2016-04-28")], .badRequest, "MissingParameter"),
                ([("Action", "DescribeVpcs")], .badRequest, "MissingParameter"),
                ([("Action", "DescribeVpcs"), ("Version", "2099-01-01")], .badRequest, "InvalidParameter"),
                ([("Action", "NoSuchThing"), ("Version", "2016-04-28")], .notFound, "InvalidAction.NotFound"),
                ([("Action", "DescribeVpcs"), ("Version", "2016-04-28")], .badRequest, "MissingRegionId"),
                (
                    [("Action", "DescribeVpcs"), ("Version", "2016-04-28"), ("RegionId", "x"), ("Format", "YAML")],
                    .badRequest, "InvalidParameter"
                ),
            ]
            for (parameters, status, code) in cases {
                try await client.execute(uri: "/?" + Self.signedQuery(parameters), method: .get) {
                    (response: TestResponse) async throws in
                    #expect(response.status == status, "\(parameters)")
                    #expect(try Self.json(response.body)["Code"] as? String == code, "\(parameters)")
                }
            }
        }
    }

    @Test func xmlFormatRendersTheWrapperShape() async throws {
        let app = try await Self.makeApplication(clock: TestClock(Self.start))
        try await app.test(.router) { client in
            let create = [
                ("Action", "CreateVpc"), ("Version", "2016-04-28"), ("RegionId", "cn-hangzhou"), ("VpcName", "a<b"),
            ]
            try await client.execute(uri: "/?" + Self.signedQuery(create), method: .get) {
                (response: TestResponse) async throws in #expect(response.status == .ok)
            }
            let describe = [
                ("Action", "DescribeVpcs"), ("Version", "2016-04-28"), ("RegionId", "cn-hangzhou"), ("Format", "xml"),
            ]
            try await client.execute(uri: "/?" + Self.signedQuery(describe), method: .get) {
                (response: TestResponse) async throws in
                #expect(response.headers[.contentType] == "text/xml;charset=utf-8")
                let text = String(buffer: response.body)
                #expect(text.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?><DescribeVpcsResponse><RequestId>"#))
                #expect(text.contains("<Vpcs><Vpc><VpcId>vpc-"))
                #expect(text.contains("<VpcName>a&lt;b</VpcName>"))
                #expect(text.contains("<CidrBlock>172.16.0.0/12</CidrBlock>"))
            }
        }
    }

    @Test func dryRunAndClientToken() async throws {
        let app = try await Self.makeApplication(clock: TestClock(Self.start))
        try await app.test(.router) { client in
            let dry = [
                ("Action", "CreateVpc"), ("Version", "2016-04-28"), ("RegionId", "cn-hangzhou"), ("DryRun", "True"),
            ]
            try await client.execute(uri: "/?" + Self.signedQuery(dry, method: "POST"), method: .post) {
                (response: TestResponse) async throws in
                #expect(try Self.json(response.body)["Code"] as? String == "DryRunOperation")
            }
            let create = [
                ("Action", "CreateVpc"), ("Version", "2016-04-28"), ("RegionId", "cn-hangzhou"), ("ClientToken", "t"),
            ]
            var ids: [String] = []
            for _ in 0..<2 {
                try await client.execute(uri: "/?" + Self.signedQuery(create, method: "POST"), method: .post) {
                    (response: TestResponse) async throws in
                    ids.append(try #require(try Self.json(response.body)["VpcId"] as? String))
                }
            }
            #expect(ids.count == 2 && ids[0] == ids[1])
            let describe = [("Action", "DescribeVpcs"), ("Version", "2016-04-28"), ("RegionId", "cn-hangzhou")]
            try await client.execute(uri: "/?" + Self.signedQuery(describe), method: .get) {
                (response: TestResponse) async throws in
                #expect(try Self.json(response.body)["TotalCount"] as? Int == 1)
            }
        }
    }

    @Test func formBodyIsMergedAndSigned() async throws {
        let app = try await Self.makeApplication(clock: TestClock(Self.start))
        try await app.test(.router) { client in
            let body = Self.signedQuery(
                [
                    ("Action", "CreateVpc"), ("Version", "2016-04-28"), ("RegionId", "cn-hangzhou"),
                    ("CidrBlock", "10.0.0.0/8"),
                ],
                method: "POST"
            )
            try await client.execute(
                uri: "/",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: body)
            ) { (response: TestResponse) async throws in
                #expect(response.status == .ok)
                #expect((try Self.json(response.body)["VpcId"] as? String)?.hasPrefix("vpc-") == true)
            }
        }
    }
}

struct BufferedSystemRandomTests {
    /// Words across many refills of the buffer: all distinct, and every bit set in about half of them (a refill
    /// that left the buffer as it was, or zeroed, fails both).
    @Test func wordsAreDistinctAndEveryBitIsSetAboutHalfTheTime() {
        var random = BufferedSystemRandom()
        let words = (0..<4096).map { _ in random.next() }
        #expect(Set(words).count == words.count)
        for bit in 0..<64 {
            let set = words.count { $0 >> UInt64(bit) & 1 == 1 }
            #expect((1800...2300).contains(set), "bit \(bit) set in \(set) of 4096 words")
        }
        var other = BufferedSystemRandom()
        #expect(other.next() != words[0])
    }
}

struct RequestIdTests {
    @Test func requestIdsAreDistinctUpperCaseVersion4UUIDs() throws {
        let ids = (0..<1000).map { _ in RPCService.makeRequestId() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let uuid = try #require(UUID(uuidString: id), "\(id)")
            #expect(uuid.uuidString == id)  // upper case, as Foundation writes it
            let bytes = uuid.uuid
            #expect(bytes.6 >> 4 == 4, "\(id)")
            #expect(bytes.8 >> 6 == 0b10, "\(id)")
        }
    }
}
