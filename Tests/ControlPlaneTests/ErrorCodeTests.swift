import ControlPlane
import Foundation
import Testing

/// The error codes of the reference (§1.6, §4–§7, §9) that the other suites do not already trigger, one case
/// each (docs/api.md "Error codes of the reference, case by case"). Every rejected change is checked to leave
/// the state exactly as it was.
struct ErrorCodeTests {
    typealias Change<T> = @Sendable (inout CloudState, MutationContext) throws(ControlPlaneError) -> T

    /// Runs `change`, which must fail with `code` (and `kind`); the message must quote `quoting`, and the state
    /// must be unchanged.
    static func expectError<T: Sendable>(
        _ cp: ControlPlane,
        _ code: String,
        kind: ControlPlaneError.Kind = .invalid,
        quoting: String,
        _ change: Change<T>
    ) async {
        let before = await cp.snapshot
        let error = await ControlPlaneTests.error { _ = try await cp.mutate(change) }
        #expect(error?.code == code, "expected \(code), got \(error.map(\.description) ?? "success")")
        #expect(error?.kind == kind)
        #expect(error?.message.contains(quoting) == true, "message \(error?.message ?? "") does not quote \(quoting)")
        #expect(await cp.snapshot == before)
    }

    static func vpc(_ cp: ControlPlane, _ cidr: String, vSwitch: String? = nil) async throws -> VPC {
        let vpc = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: cidr), c)
        }
        if let vSwitch {
            _ = try await cp.mutate { s, c throws(ControlPlaneError) in
                try s.createVSwitch(
                    .init(regionId: nil, vpcId: vpc.id, zoneId: "cn-hangzhou-b", cidrBlock: vSwitch),
                    c
                )
            }
        }
        return vpc
    }

    // MARK: CreateVpc

    @Test func createVpcNameAndCIDRCodes() async throws {
        let cp = try await ControlPlaneTests.make()
        await Self.expectError(cp, "InvalidVpcName.Malformed", quoting: "http://vpc") {
            s,
            c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: "10.0.0.0/16", name: "http://vpc"), c)
        }
        await Self.expectError(cp, "InvalidParameter", quoting: "10.0.0.0/29") { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: "10.0.0.0/29"), c)
        }
        await Self.expectError(cp, "InvalidDescription.Malformed", quoting: "https://d") {
            s,
            c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: "10.0.0.0/16", description: "https://d"), c)
        }
    }

    /// Names and descriptions with control characters are refused (PostgreSQL's jsonb cannot store U+0000, and
    /// consoles cannot show them); a tab, a DEL and a C1 control as well as NUL.
    @Test func namesAndDescriptionsRefuseControlCharacters() async throws {
        let cp = try await ControlPlaneTests.make()
        for text in ["a\u{0}b", "tab\there", "del\u{7F}", "c1\u{85}"] {
            await Self.expectError(cp, "InvalidVpcName.Malformed", quoting: text) { s, c throws(ControlPlaneError) in
                try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: "10.0.0.0/16", name: text), c)
            }
            await Self.expectError(cp, "InvalidDescription.Malformed", quoting: text) {
                s,
                c throws(ControlPlaneError) in
                try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: "10.0.0.0/16", description: text), c)
            }
        }
        // Other scripts and symbols are names like any other.
        let vpc = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPC(.init(regionId: "cn-hangzhou", cidrBlock: "10.0.0.0/16", name: "办公网-é ✓"), c)
        }
        #expect(vpc.name == "办公网-é ✓")
    }

    // MARK: CreateRouteEntry

    @Test func routeEntryWithoutAnyNextHopIsBothNull() async throws {
        let cp = try await ControlPlaneTests.make()
        let vpc = try await Self.vpc(cp, "10.0.0.0/16", vSwitch: "10.0.1.0/24")
        for type in [nil, "VpnGateway"] as [String?] {
            await Self.expectError(cp, "InvalidNexthopTypeAndList.BothNull", quoting: type ?? "Instance") {
                s,
                c throws(ControlPlaneError) in
                try s.createRouteEntry(
                    .init(
                        regionId: "cn-hangzhou",
                        routeTableId: vpc.routeTableId,
                        destinationCidrBlock: "192.168.0.0/16",
                        nextHopType: type,
                        nextHopId: nil
                    ),
                    c
                )
            }
        }
        let vbr = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVBR(.init(regionId: "cn-hangzhou", physicalConnectionId: "pc-bp1errors", vlanId: 7), c)
        }
        await Self.expectError(cp, "InvalidNexthopTypeAndList.BothNull", quoting: "RouterInterface") {
            s,
            c throws(ControlPlaneError) in
            try s.createRouteEntry(
                .init(
                    regionId: "cn-hangzhou",
                    routeTableId: vbr.routeTableId,
                    destinationCidrBlock: "10.0.0.0/16",
                    nextHopType: nil,
                    nextHopId: nil
                ),
                c
            )
        }
    }

    @Test func routeEntryTableCodes() async throws {
        var quotas = Quotas()
        quotas.customRouteEntriesPerTable = 1
        let cp = try await ControlPlaneTests.make(quotas: quotas)
        let vpc = try await Self.vpc(cp, "10.0.0.0/16", vSwitch: "10.0.1.0/24")
        let gateway = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPNGateway(.init(regionId: "cn-hangzhou", vpcId: vpc.id, bandwidth: 10), c)
        }
        @Sendable func route(_ destination: String, table: String? = nil) -> Change<RouteEntry> {
            { s, c throws(ControlPlaneError) in
                try s.createRouteEntry(
                    .init(
                        regionId: "cn-hangzhou",
                        routeTableId: table ?? vpc.routeTableId,
                        destinationCidrBlock: destination,
                        nextHopType: "VpnGateway",
                        nextHopId: gateway.id
                    ),
                    c
                )
            }
        }
        await Self.expectError(
            cp,
            "InvalidRouteTableId.NotFound",
            kind: .notFound,
            quoting: "vtb-nope",
            route("192.168.0.0/16", table: "vtb-nope")
        )
        await Self.expectError(cp, "InvalidCidrBlock.Malformed", quoting: "192.168.0.1/16", route("192.168.0.1/16"))
        await Self.expectError(cp, "InvalidCidrBlock", quoting: "100.64.0.0/10", route("100.64.0.0/10"))
        await Self.expectError(cp, "InvalidCidrBlock", quoting: "10.0.1.0/24", route("10.0.1.0/24"))
        _ = try await cp.mutate(route("192.168.0.0/16"))
        await Self.expectError(cp, "InvalidCIDRBlock.Duplicate", quoting: "192.168.0.0/16", route("192.168.0.0/16"))
        await Self.expectError(cp, "QuotaExceeded", quoting: "1 of 1", route("172.16.0.0/16"))
    }

    // MARK: NextHopList (ECMP)

    @Test func nextHopListChecks() async throws {
        let cp = try await ControlPlaneTests.make()
        let vpc = try await Self.vpc(cp, "10.0.0.0/16", vSwitch: "10.0.1.0/24")
        let peer = try await Self.vpc(cp, "172.16.0.0/16")
        let vbr = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVBR(.init(regionId: "cn-hangzhou", physicalConnectionId: "pc-bp1ecmp", vlanId: 10), c)
        }
        @Sendable func acceptor(_ oppositeType: String, _ oppositeRouter: String) -> Change<RouterInterface> {
            { s, c throws(ControlPlaneError) in
                try s.createRouterInterface(
                    .init(
                        regionId: "cn-hangzhou",
                        routerType: "VRouter",
                        routerId: vpc.vRouterId,
                        role: "AcceptingSide",
                        spec: "Negative",
                        oppositeRegionId: "cn-hangzhou",
                        oppositeRouterType: oppositeType,
                        oppositeRouterId: oppositeRouter
                    ),
                    c
                )
            }
        }
        let toVBR1 = try await cp.mutate(acceptor("VBR", vbr.id))
        let toVBR2 = try await cp.mutate(acceptor("VBR", vbr.id))
        let toVPC = try await cp.mutate(acceptor("VRouter", peer.vRouterId))
        func check(_ hops: [(String?, String?)], table: String? = nil) -> Change<Void> {
            let items = hops.map { CloudState.NextHopListItem(nextHopType: $0.0, nextHopId: $0.1) }
            return { s, _ throws(ControlPlaneError) in
                try s.checkNextHopList(items, routeTableId: table ?? vpc.routeTableId, region: "cn-hangzhou")
            }
        }
        let ri = "RouterInterface"
        await Self.expectError(cp, "InvalidNexthopListSize", quoting: "1 entry", check([(ri, toVBR1.id)]))
        await Self.expectError(
            cp,
            "InvalidNexthopListSize",
            quoting: "5 entries",
            check([(ri, toVBR1.id), (ri, toVBR1.id), (ri, toVBR1.id), (ri, toVBR1.id), (ri, toVBR1.id)])
        )
        await Self.expectError(
            cp,
            "InvalidNextHopType",
            quoting: "'Instance'",
            check([(ri, toVBR1.id), ("Instance", "i-1")])
        )
        await Self.expectError(
            cp,
            "InvalidRouterInterface",
            quoting: "ri-nope",
            check([(ri, toVBR1.id), (ri, "ri-nope")])
        )
        await Self.expectError(
            cp,
            "InvalidRouterInterface",
            quoting: "twice",
            check([(ri, toVBR1.id), (ri, toVBR1.id)])
        )
        await Self.expectError(
            cp,
            "InvalidOppositeRouterType",
            quoting: toVPC.id,
            check([(ri, toVBR1.id), (ri, toVPC.id)])
        )
        await Self.expectError(
            cp,
            "InvalidNextHopType",
            quoting: vbr.id,
            check([(ri, toVBR1.id), (ri, toVBR2.id)], table: vbr.routeTableId)
        )
        await Self.expectError(
            cp,
            "InvalidRouteTableId.NotFound",
            kind: .notFound,
            quoting: "vtb-x",
            check([(ri, toVBR1.id), (ri, toVBR2.id)], table: "vtb-x")
        )
        // Two interfaces towards a VBR pass every rule.
        let snapshot = await cp.snapshot
        try snapshot.checkNextHopList(
            [.init(nextHopType: ri, nextHopId: toVBR1.id), .init(nextHopType: ri, nextHopId: toVBR2.id)],
            routeTableId: vpc.routeTableId,
            region: "cn-hangzhou"
        )
    }

    // MARK: VPN Gateway

    @Test func vpnNameDescriptionAndReleaseCodes() async throws {
        let cp = try await ControlPlaneTests.make()
        let vpc = try await Self.vpc(cp, "10.0.0.0/16", vSwitch: "10.0.1.0/24")
        await Self.expectError(cp, "InvalidName", quoting: "https://gw") { s, c throws(ControlPlaneError) in
            try s.createVPNGateway(.init(regionId: "cn-hangzhou", vpcId: vpc.id, bandwidth: 10, name: "https://gw"), c)
        }
        await Self.expectError(cp, "InvalidDescription", quoting: "http://d") { s, c throws(ControlPlaneError) in
            try s.createVPNGateway(
                .init(regionId: "cn-hangzhou", vpcId: vpc.id, bandwidth: 10, description: "http://d"),
                c
            )
        }
        let long = String(repeating: "x", count: 257)
        await Self.expectError(cp, "InvalidDescription", quoting: long) { s, c throws(ControlPlaneError) in
            try s.createCustomerGateway(
                .init(regionId: "cn-hangzhou", ipAddress: "198.51.100.9", description: long),
                c
            )
        }
        await Self.expectError(cp, "InvalidName", quoting: "http://cgw") { s, c throws(ControlPlaneError) in
            try s.createCustomerGateway(
                .init(regionId: "cn-hangzhou", ipAddress: "198.51.100.9", name: "http://cgw"),
                c
            )
        }
        let prepaid = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPNGateway(
                .init(regionId: "cn-hangzhou", vpcId: vpc.id, bandwidth: 10, chargeType: "PREPAY"),
                c
            )
        }
        await Self.expectError(cp, "ForbiddenRelease", kind: .forbidden, quoting: prepaid.id) {
            s,
            _ throws(ControlPlaneError) in
            try s.deleteVPNGateway(prepaid.id, region: "cn-hangzhou")
        }
        let postpaid = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPNGateway(.init(regionId: "cn-hangzhou", vpcId: vpc.id, bandwidth: 10), c)
        }
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.deleteVPNGateway(postpaid.id, region: "cn-hangzhou")
        }
        #expect(await cp.snapshot.vpnGateways.keys.sorted() == [prepaid.id])
    }

    @Test func vpnQuotaAndUniquenessCodes() async throws {
        var quotas = Quotas()
        quotas.vpnGatewaysPerRegion = 1
        quotas.customerGatewaysPerRegion = 2
        quotas.connectionsPerVPNGateway = 1
        let cp = try await ControlPlaneTests.make(quotas: quotas)
        let vpc = try await Self.vpc(cp, "10.0.0.0/16", vSwitch: "10.0.1.0/24")
        let gateway = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPNGateway(.init(regionId: "cn-hangzhou", vpcId: vpc.id, bandwidth: 10), c)
        }
        await Self.expectError(cp, "Resource.QuotaFull", quoting: "1 of 1") { s, c throws(ControlPlaneError) in
            try s.createVPNGateway(.init(regionId: "cn-hangzhou", vpcId: vpc.id, bandwidth: 10), c)
        }
        @Sendable func customer(_ ip: String) -> Change<CustomerGateway> {
            { s, c throws(ControlPlaneError) in
                try s.createCustomerGateway(.init(regionId: "cn-hangzhou", ipAddress: ip), c)
            }
        }
        let first = try await cp.mutate(customer("198.51.100.1"))
        let second = try await cp.mutate(customer("198.51.100.2"))
        await Self.expectError(cp, "InvalidIpAddress.AlreadyExist", quoting: "198.51.100.1", customer("198.51.100.1"))
        await Self.expectError(
            cp,
            "InvalidIpAddress.WrongFormat",
            quoting: "198.51.100.300",
            customer("198.51.100.300")
        )
        await Self.expectError(cp, "InvalidIpAddress.WrongFormat", quoting: "100.64.0.1", customer("100.64.0.1"))
        await Self.expectError(cp, "Resource.QuotaFull", quoting: "2 of 2", customer("198.51.100.3"))
        @Sendable func connection(_ cgw: String) -> Change<VPNConnection> {
            { s, c throws(ControlPlaneError) in
                try s.createVPNConnection(
                    .init(
                        regionId: "cn-hangzhou",
                        vpnGatewayId: gateway.id,
                        customerGatewayId: cgw,
                        localSubnet: "10.0.0.0/16",
                        remoteSubnet: "192.168.0.0/16"
                    ),
                    c
                )
            }
        }
        await Self.expectError(
            cp,
            "InvalidCustomerGatewayInstanceId.NotFound",
            kind: .notFound,
            quoting: "cgw-nope",
            connection("cgw-nope")
        )
        let made = try await cp.mutate(connection(first.id))
        await Self.expectError(cp, "DependencyViolation.VpnConnection", quoting: made.id) {
            s,
            _ throws(ControlPlaneError) in try s.deleteVPNGateway(gateway.id, region: "cn-hangzhou")
        }
        await Self.expectError(cp, "InvalidVpnConnection.AlreadyExists", quoting: first.id, connection(first.id))
        await Self.expectError(cp, "Resource.QuotaFull", quoting: gateway.id, connection(second.id))
        // Deleted, the connection frees its gateway's quota and its customer gateway; the address of a deleted
        // customer gateway is free again (the checks read the tables' groups, kept as resources come and go).
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.deleteVPNConnection(made.id, region: "cn-hangzhou")
        }
        let again = try await cp.mutate(connection(second.id))
        try await cp.mutate { s, _ throws(ControlPlaneError) in
            try s.deleteVPNConnection(again.id, region: "cn-hangzhou")
            try s.deleteCustomerGateway(first.id, region: "cn-hangzhou")
        }
        _ = try await cp.mutate(customer("198.51.100.1"))
        await Self.expectError(cp, "InvalidVpnGatewayInstanceId.NotFound", kind: .notFound, quoting: "vpn-nope") {
            s,
            _ throws(ControlPlaneError) in try s.deleteVPNGateway("vpn-nope", region: "cn-hangzhou")
        }
        await Self.expectError(cp, "InvalidVpnConnectionInstanceId.NotFound", kind: .notFound, quoting: "vco-nope") {
            s,
            _ throws(ControlPlaneError) in try s.deleteVPNConnection("vco-nope", region: "cn-hangzhou")
        }
    }

    // MARK: §9 quotas not covered elsewhere

    @Test func vSwitchAndVPNRouteQuotas() async throws {
        var quotas = Quotas()
        quotas.vSwitchesPerVPC = 1
        quotas.destinationRoutesPerVPNGateway = 1
        quotas.policyRoutesPerVPNGateway = 1
        let cp = try await ControlPlaneTests.make(quotas: quotas)
        let vpc = try await Self.vpc(cp, "10.0.0.0/16", vSwitch: "10.0.1.0/24")
        await Self.expectError(cp, "QuotaExceeded", quoting: "1 of 1") { s, c throws(ControlPlaneError) in
            try s.createVSwitch(
                .init(regionId: nil, vpcId: vpc.id, zoneId: "cn-hangzhou-b", cidrBlock: "10.0.2.0/24"),
                c
            )
        }
        let gateway = try await cp.mutate { s, c throws(ControlPlaneError) in
            try s.createVPNGateway(.init(regionId: "cn-hangzhou", vpcId: vpc.id, bandwidth: 10), c)
        }
        let connection = try await cp.mutate { s, c throws(ControlPlaneError) in
            let customer = try s.createCustomerGateway(.init(regionId: "cn-hangzhou", ipAddress: "198.51.100.5"), c)
            return try s.createVPNConnection(
                .init(
                    regionId: "cn-hangzhou",
                    vpnGatewayId: gateway.id,
                    customerGatewayId: customer.id,
                    localSubnet: "10.0.0.0/16",
                    remoteSubnet: "192.168.0.0/16"
                ),
                c
            )
        }
        @Sendable func route(_ dest: String, source: String? = nil, description: String? = nil) -> Change<VPNRouteEntry>
        {
            { s, c throws(ControlPlaneError) in
                try s.createVPNRoute(
                    .init(
                        regionId: "cn-hangzhou",
                        vpnGatewayId: gateway.id,
                        routeSource: source,
                        routeDest: dest,
                        nextHop: connection.id,
                        weight: 100,
                        publishVpc: false,
                        description: description
                    ),
                    c
                )
            }
        }
        await Self.expectError(
            cp,
            "InvalidDescription",
            quoting: "http://r",
            route("192.168.1.0/24", description: "http://r")
        )
        _ = try await cp.mutate(route("192.168.1.0/24"))
        await Self.expectError(cp, "Resource.QuotaFull", quoting: "destination-based", route("192.168.2.0/24"))
        _ = try await cp.mutate(route("192.168.1.0/24", source: "10.0.1.0/24"))
        await Self.expectError(
            cp,
            "Resource.QuotaFull",
            quoting: "policy-based",
            route("192.168.2.0/24", source: "10.0.1.0/24")
        )
    }
}
