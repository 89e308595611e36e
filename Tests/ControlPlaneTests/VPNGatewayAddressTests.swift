import ControlPlane
import Foundation
import IPAddressing
import Testing

/// A VPN gateway's public address is one no customer gateway or site device already has (the example files give
/// their offices addresses in the pool the gateways' addresses come from).
struct VPNGatewayAddressTests {
    @Test func aGatewayAddressSkipsCustomerGatewayAndSiteAddresses() async throws {
        let cp = try await ControlPlaneTests.make()
        let vpc = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "r-1", cidrBlock: "10.0.0.0/16"), c)
        }
        _ = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createCustomerGateway(.init(regionId: "r-1", ipAddress: "203.0.113.1"), c)
        }
        _ = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createSite(.init(cidrBlocks: ["10.9.0.0/24"], gatewayIpAddress: "203.0.113.2"), c)
        }
        let gateway = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPNGateway(.init(regionId: "r-1", vpcId: vpc.id, bandwidth: 10), c)
        }
        #expect(gateway.internetIp == IPv4Address("203.0.113.3"))
    }
}
