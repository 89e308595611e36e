import CloudAPI
import ControlPlane
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Meridian's own product (version 2026-11-01) through the router: dispatch, responses and error bodies.
struct SiteActionsTests {
    static func call(
        _ client: some TestClientProtocol,
        _ parameters: [(String, String)]
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        let query = RPCServiceTests.signedQuery(parameters + [("Version", "2026-11-01"), ("Format", "JSON")])
        return try await client.execute(uri: "/?" + query, method: .get) { response in
            (response.status, try RPCServiceTests.json(response.body))
        }
    }

    @Test func sitesAreServedUnderVersion20261101WithTheirOwnHost() async throws {
        let app = try await RPCServiceTests.makeApplication(clock: TestClock(RPCServiceTests.start))
        try await app.test(.router) { client in
            let (status, created) = try await Self.call(
                client,
                [("Action", "CreateSite"), ("Name", "HQ"), ("CidrBlock.1", "10.1.0.0/16"), ("CidrBlock.2", "10.2.0.0/16"),
                 ("GatewayIpAddress", "198.51.100.7")])
            #expect(status == .ok)
            let id = try #require(created["SiteId"] as? String)
            #expect(id.hasPrefix("site-"))

            let (_, listed) = try await Self.call(client, [("Action", "DescribeSites")])
            #expect(listed["TotalCount"] as? Int == 1)
            let sites = try #require((listed["Sites"] as? [String: Any])?["Site"] as? [[String: Any]])
            #expect(sites.first?["Name"] as? String == "HQ")
            #expect((sites.first?["CidrBlocks"] as? [String: Any])?["CidrBlock"] as? [String] == ["10.1.0.0/16", "10.2.0.0/16"])

            let (badStatus, error) = try await Self.call(
                client, [("Action", "CreateSite"), ("CidrBlock.1", "10.1.5.0/24"), ("GatewayIpAddress", "198.51.100.8")])
            #expect(badStatus == .badRequest)
            #expect(error["Code"] as? String == "InvalidCidrBlock.Overlapped")
            #expect(error["HostId"] as? String == "meridian.local")
            #expect((error["Message"] as? String)?.contains("10.1.5.0/24") == true)

            let (traceStatus, trace) = try await Self.call(
                client, [("Action", "TestConnectivity"), ("SourceIp", "10.1.0.10"), ("DestinationIp", "10.2.0.10")])
            #expect(traceStatus == .ok)
            #expect(trace["Reachable"] as? Bool == true && trace["Outcome"] as? String == "ACCEPTED")
            let hops = try #require((trace["ForwardHops"] as? [String: Any])?["Hop"] as? [[String: Any]])
            #expect(hops.first?["NodeName"] as? String == "HQ" && hops.first?["RouteType"] as? String == "Connected")

            // The cloud's versions do not know these actions.
            let query = RPCServiceTests.signedQuery([("Action", "CreateSite"), ("Version", "2016-04-28")])
            try await client.execute(uri: "/?" + query, method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
