import ControlPlane
import Foundation
import IPAddressing
import NetworkModel
import RouteEngine
import Testing

/// A small cloud built through the control plane's own mutations, for projection and route tests.
///
/// Holds ids only: the control plane's resource structs share names with the network model's.
struct SampleCloud {
    var vpc: String
    var routeTable: String
    var vSwitch: String
    var gateway: String
    var gatewayIP: IPv4Address
    var customer: String
    var connection: String
    var route: String
    var otherVPC: String
    var cen: String

    static let region = "cn-hangzhou"

    static func build(in cp: ControlPlane) async throws -> SampleCloud {
        try await cp.mutate { s, c throws(ControlPlaneError) in
            let vpc = try s.createVPC(.init(regionId: region, cidrBlock: "10.0.0.0/16", name: "main"), c)
            let vSwitch = try s.createVSwitch(
                .init(regionId: region, vpcId: vpc.id, zoneId: region + "-b", cidrBlock: "10.0.1.0/24"),
                c
            )
            let gateway = try s.createVPNGateway(
                .init(regionId: region, vpcId: vpc.id, bandwidth: 10, vSwitchId: vSwitch.id),
                c
            )
            let customer = try s.createCustomerGateway(.init(regionId: region, ipAddress: "198.51.100.7"), c)
            var ike = CloudState.IKEConfigInput()
            ike.Psk = "s3cret"
            ike.IkeVersion = "ikev2"
            ike.IkeEncAlg = "aes256"
            ike.IkeAuthAlg = "sha256"
            ike.IkePfs = "group14"
            var ipsec = CloudState.IPsecConfigInput()
            ipsec.IpsecEncAlg = "3des"
            ipsec.IpsecPfs = "disabled"
            let connection = try s.createVPNConnection(
                .init(
                    regionId: region, vpnGatewayId: gateway.id, customerGatewayId: customer.id,
                    localSubnet: "10.0.0.0/16", remoteSubnet: "192.168.0.0/24,192.168.1.0/24",
                    effectImmediately: true, ikeConfig: ike, ipsecConfig: ipsec
                ),
                c
            )
            let route = try s.createRouteEntry(
                .init(
                    regionId: region, routeTableId: vpc.routeTableId, destinationCidrBlock: "172.16.0.0/16",
                    nextHopType: "VpnGateway", nextHopId: gateway.id
                ),
                c
            )
            _ = try s.createVPNRoute(
                .init(
                    regionId: region, vpnGatewayId: gateway.id, routeDest: "192.168.0.0/24", nextHop: connection.id,
                    weight: 100, publishVpc: true
                ),
                c
            )
            _ = try s.createVPNRoute(
                .init(
                    regionId: region, vpnGatewayId: gateway.id, routeSource: "10.0.1.0/24",
                    routeDest: "192.168.1.0/24", nextHop: connection.id, weight: 0, priority: 5, publishVpc: false
                ),
                c
            )
            let otherVPC = try s.createVPC(.init(regionId: region, cidrBlock: "10.1.0.0/16"), c)
            let cen = try s.createCEN(name: "backbone", description: nil, protectionLevel: nil, c)
            _ = try s.attachCENChild(cenId: cen.id, childId: vpc.id, childType: "VPC", childRegion: region, c)
            _ = try s.attachCENChild(cenId: cen.id, childId: otherVPC.id, childType: "VPC", childRegion: region, c)
            try s.publishCENRoute(
                cenId: cen.id,
                childId: vpc.id,
                routeTableId: vpc.routeTableId,
                destination: "172.16.0.0/16"
            )
            try s.withdrawCENRoute(
                cenId: cen.id,
                childId: vpc.id,
                routeTableId: vpc.routeTableId,
                destination: "10.0.1.0/24"
            )
            return SampleCloud(
                vpc: vpc.id, routeTable: vpc.routeTableId, vSwitch: vSwitch.id, gateway: gateway.id,
                gatewayIP: gateway.internetIp, customer: customer.id, connection: connection.id, route: route.id,
                otherVPC: otherVPC.id, cen: cen.id
            )
        }
    }
}

struct CloudStateTopologyTests {
    @Test func everyResourceKindIsProjected() async throws {
        let cp = try await ControlPlaneTests.make()
        let sample = try await SampleCloud.build(in: cp)
        let topology = await cp.snapshot.topology

        #expect(topology.validate().isEmpty)
        let vpc = try #require(topology.vpcs[VPCID(sample.vpc)])
        #expect(vpc.cidrBlock == IPv4Prefix("10.0.0.0/16"))
        #expect(vpc.routeTableID.rawValue == sample.routeTable)
        #expect(
            vpc.routes == [
                NetworkModel.RouteEntry(
                    id: RouteEntryID(sample.route),
                    destination: IPv4Prefix("172.16.0.0/16")!,
                    nextHop: .vpnGateway(VPNGatewayID(sample.gateway))
                )
            ]
        )
        #expect(topology.vSwitches[VSwitchID(sample.vSwitch)]?.vpc == vpc.id)

        let gateway = try #require(topology.vpnGateways[VPNGatewayID(sample.gateway)])
        #expect(gateway.publicIP == sample.gatewayIP && gateway.status == .active)
        #expect(gateway.vSwitch?.rawValue == sample.vSwitch)
        #expect(
            gateway.routes == [
                VPNRoute(
                    destination: IPv4Prefix("192.168.0.0/24")!,
                    nextHop: VPNConnectionID(sample.connection),
                    weight: 100,
                    publishToVPC: true
                )
            ]
        )
        #expect(
            gateway.policyRoutes == [
                VPNPolicyRoute(
                    source: IPv4Prefix("10.0.1.0/24")!,
                    destination: IPv4Prefix("192.168.1.0/24")!,
                    nextHop: VPNConnectionID(sample.connection),
                    weight: 0,
                    priority: 5
                )
            ]
        )
        #expect(topology.customerGateways[CustomerGatewayID(sample.customer)]?.ipAddress == IPv4Address("198.51.100.7"))

        let connection = try #require(topology.vpnConnections[VPNConnectionID(sample.connection)])
        #expect(connection.vpnGateway == gateway.id)
        #expect(connection.customerGateway.rawValue == sample.customer)
        #expect(connection.localSubnet == [IPv4Prefix("10.0.0.0/16")!])
        #expect(connection.remoteSubnet == [IPv4Prefix("192.168.0.0/24")!, IPv4Prefix("192.168.1.0/24")!])
        #expect(connection.effectImmediately)
        #expect(
            connection.ikeConfig
                == NetworkModel.IKEConfig(
                    preSharedKey: "s3cret", version: .ikev2, mode: .main, encryptionAlgorithm: .aes256,
                    authenticationAlgorithm: .sha256, dhGroup: .group14, lifetime: 86400,
                    localID: sample.gatewayIP.description, remoteID: "198.51.100.7"
                )
        )
        #expect(
            connection.ipsecConfig
                == NetworkModel.IPsecConfig(
                    encryptionAlgorithm: .tripleDES, authenticationAlgorithm: .md5, pfs: .disabled, lifetime: 86400
                )
        )

        let cen = try #require(topology.cens[CENID(sample.cen)])
        #expect(cen.attachments == [.vpc(VPCID(sample.vpc)), .vpc(VPCID(sample.otherVPC))])
        #expect(
            cen.publishedRoutes == [
                CENRouteReference(network: .vpc(VPCID(sample.vpc)), destination: IPv4Prefix("172.16.0.0/16")!)
            ]
        )
        #expect(
            cen.withdrawnRoutes == [
                CENRouteReference(network: .vpc(VPCID(sample.vpc)), destination: IPv4Prefix("10.0.1.0/24")!)
            ]
        )
    }

    @Test func theEngineOverTheProjectionSeesPublishedAndLearnedRoutes() async throws {
        let cp = try await ControlPlaneTests.make()
        let sample = try await SampleCloud.build(in: cp)
        let engine = RouteEngine(await cp.snapshot.topology)

        let table = try #require(engine.routeTable(for: .vpc(VPCID(sample.vpc))))
        let published = try #require(table.entries.first { $0.destination == IPv4Prefix("192.168.0.0/24") })
        #expect(published.type == .custom && published.nextHop == .vpnGateway(VPNGatewayID(sample.gateway)))
        #expect(published.origin == .vpnGatewayPublished(VPNGatewayID(sample.gateway)))

        // The other VPC learns the published custom route but not the withdrawn vSwitch route.
        let other = try #require(engine.routeTable(for: .vpc(VPCID(sample.otherVPC))))
        let learned = other.entries.filter { $0.type == .cen }.map(\.destination)
        #expect(learned == [IPv4Prefix("172.16.0.0/16")!])

        // No site owns the customer gateway's address: the tunnel cannot negotiate.
        let tunnel = try #require(engine.tunnelStatus(VPNConnectionID(sample.connection)))
        #expect(tunnel.state == .ikeNotEstablished)
        #expect(tunnel.cause == .noSite(IPv4Address("198.51.100.7")!))
    }
}
