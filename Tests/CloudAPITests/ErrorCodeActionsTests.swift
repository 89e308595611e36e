import CloudAPI
import ControlPlane
import Foundation
import Testing

/// Reference error codes answered at the API edge (docs/api.md "Error codes of the reference, case by case").
/// A store that refuses every save.
struct RefusingStore: StateStore {
    func load() async throws -> CloudState? { nil }
    func save(_ state: CloudState) async throws { throw StateStoreError(message: "disk full") }
}

struct ErrorCodeActionsTests {
    static func service(store: any StateStore = InMemoryStateStore()) async throws -> RPCService {
        let controlPlane = try await ControlPlane(store: store, now: { RPCServiceTests.start })
        var registry = ActionRegistry()
        CloudActions.register(into: &registry, controlPlane: controlPlane)
        return RPCService(
            registry: registry,
            accessKeys: StaticAccessKeyStore([AccessKey(id: "testAK", secret: "testSecret")]),
            now: { RPCServiceTests.start }
        )
    }

    static func call(
        _ service: RPCService,
        _ parameters: [(String, String)],
        host: String = "127.0.0.1:8080"
    ) async throws -> (status: Int, body: [String: Any]) {
        let query = RPCServiceTests.signedQuery([("Format", "JSON"), ("Version", "2016-04-28")] + parameters)
        let response = await service.respond(
            to: RPCRequest(method: "GET", rawQuery: query, headers: ["host": host], body: [])
        )
        let body = try #require(
            try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        )
        return (response.status, body)
    }

    @Test func unknownProductEndpointIsInvalidProductNotFound() async throws {
        let service = try await Self.service()
        let describe = [("Action", "DescribeVpcs"), ("RegionId", "cn-hangzhou")]
        let refused = try await Self.call(service, describe, host: "rds.cn-hangzhou.aliyuncs.com")
        #expect(refused.status == 404)
        #expect(refused.body["Code"] as? String == "InvalidProduct.NotFound")
        #expect((refused.body["Message"] as? String)?.contains("rds.cn-hangzhou.aliyuncs.com") == true)
        for host in [
            "vpc.aliyuncs.com", "vpc.cn-hangzhou.aliyuncs.com", "VPC-vpc.cn-hangzhou.aliyuncs.com:80", "localhost",
        ] {
            let answered = try await Self.call(service, describe, host: host)
            #expect(answered.status == 200, "host \(host): \(answered.body)")
        }
    }

    @Test func nextHopListIsCheckedBeforeItIsRefused() async throws {
        let service = try await Self.service()
        let vpc = try await Self.call(
            service,
            [("Action", "CreateVpc"), ("RegionId", "cn-hangzhou"), ("CidrBlock", "10.0.0.0/16")]
        )
        let table = try #require(vpc.body["RouteTableId"] as? String)
        let base = [
            ("Action", "CreateRouteEntry"), ("RegionId", "cn-hangzhou"), ("RouteTableId", table),
            ("DestinationCidrBlock", "192.168.0.0/16"),
        ]
        let both = try await Self.call(
            service,
            base + [
                ("NextHopId", "ri-1"), ("NextHopList.1.NextHopType", "RouterInterface"),
                ("NextHopList.1.NextHopId", "ri-1"),
            ]
        )
        #expect(both.status == 400)
        #expect(both.body["Code"] as? String == "InvalidNexthopTypeAndList.BothNotNull")
        let short = try await Self.call(
            service,
            base + [("NextHopList.1.NextHopType", "RouterInterface"), ("NextHopList.1.NextHopId", "ri-1")]
        )
        #expect(short.status == 400)
        #expect(short.body["Code"] as? String == "InvalidNexthopListSize")
        let unknown = try await Self.call(
            service,
            base + [
                ("NextHopList.1.NextHopType", "RouterInterface"), ("NextHopList.1.NextHopId", "ri-1"),
                ("NextHopList.2.NextHopType", "RouterInterface"), ("NextHopList.2.NextHopId", "ri-2"),
            ]
        )
        #expect(unknown.status == 400)
        #expect(unknown.body["Code"] as? String == "InvalidRouterInterface")
        let none = try await Self.call(service, base)
        #expect(none.status == 400)
        #expect(none.body["Code"] as? String == "InvalidNexthopTypeAndList.BothNull")
        let routes = try await Self.call(
            service,
            [
                ("Action", "DescribeRouteEntryList"), ("RegionId", "cn-hangzhou"), ("RouteTableId", table),
                ("RouteEntryType", "Custom"),
            ]
        )
        #expect(routes.body["TotalCount"] as? Int == 0)
    }

    @Test func badTimestampFormatAndStorageFailure() async throws {
        let service = try await Self.service(store: RefusingStore())
        var parameters = RPCParameters([
            ("Format", "JSON"), ("Version", "2016-04-28"), ("Action", "DescribeVpcs"), ("RegionId", "cn-hangzhou"),
            ("AccessKeyId", "testAK"), ("SignatureMethod", "HMAC-SHA1"), ("SignatureVersion", "1.0"),
            ("SignatureNonce", UUID().uuidString), ("Timestamp", "2019-01-10 12:00:00"),
        ])
        let signature = SignatureV2.signature(
            stringToSign: SignatureV2.stringToSign(method: "GET", parameters: parameters),
            secret: "testSecret"
        )
        parameters.append(name: "Signature", value: signature)
        let query = parameters.pairs.map { "\(PercentEncoding.encode($0.name))=\(PercentEncoding.encode($0.value))" }
            .joined(separator: "&")
        let response = await service.respond(
            to: RPCRequest(method: "GET", rawQuery: query, headers: ["host": "127.0.0.1"], body: [])
        )
        #expect(response.status == 400)
        #expect(response.body.contains("InvalidTimeStamp.Format") && response.body.contains("2019-01-10 12:00:00"))
        let failed = try await Self.call(
            service,
            [("Action", "CreateVpc"), ("RegionId", "cn-hangzhou"), ("CidrBlock", "10.0.0.0/16")]
        )
        #expect(failed.status == 500)
        #expect(failed.body["Code"] as? String == "InternalError")
        let listed = try await Self.call(service, [("Action", "DescribeVpcs"), ("RegionId", "cn-hangzhou")])
        #expect(listed.body["TotalCount"] as? Int == 0)
    }
}
