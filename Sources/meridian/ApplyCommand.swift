import ArgumentParser
import Foundation
import IPAddressing
import NetworkModel
import TopologyFile

/// `meridian apply FILE --server URL`: creates a topology file's resources through a running server's API.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Create a topology file's resources on a running server (meridian serve) through its API.",
        discussion: """
            Creates VPCs, vSwitches, security groups with their rules, instances, router interfaces between VPCs \
            (both ends, each other's opposite, connected), customer gateways, VPN gateways, IPsec connections, VPN \
            routes, VPC route entries to VPN gateways and router interfaces, sites with their routes and IPsec \
            configurations, CEN bandwidth packages, and CENs with their VPC attachments, associated packages, \
            inter-region bandwidth and published routes, in dependency order, with signed requests (signature V2), \
            and prints the id the server gave each name. The first API error stops it with the resource's name and \
            the error code (what was created stays). What apply cannot create (VBRs, which need a physical \
            connection the file does not name, and what hangs on them; routes to instances or HaVips) is listed, \
            by name, as not created (exit status 1).
            """
    )

    @Argument(help: "The topology file (YAML).")
    var file: String

    @Option(help: "The server's URL, for example http://127.0.0.1:8080.")
    var server: String

    @Option(name: .customLong("access-key"), help: "The access key pair ID:SECRET (default: $MERIDIAN_ACCESS_KEY).")
    var accessKey: String?

    func run() async throws {
        let client = try APIClient(server: server, accessKey: accessKey)
        let document: TopologyDocument
        do {
            document = try TopologyFile.load(path: file)
        } catch {
            throw CLIError("\(error)")
        }
        var plan = ApplyPlan(document: document)
        let unsupported = plan.unsupported()
        let report = try await plan.apply(using: client) { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        _ = report
        if !unsupported.isEmpty {
            let text =
                "not created by apply (not supported yet):\n"
                + unsupported.map { "  \($0)" }.joined(separator: "\n") + "\n"
            FileHandle.standardError.write(Data(text.utf8))
            throw ExitCode(1)
        }
    }
}

/// The API calls that create a topology file's resources, and the ids the server answered.
struct ApplyPlan {
    let document: TopologyDocument
    var topology: Topology { document.topology }
    /// File identifier → the server's id.
    private(set) var ids: [String: String] = [:]
    /// VPC file identifier → the server's route table id.
    private(set) var routeTables: [String: String] = [:]
    /// VPC file identifier → the server's vRouter id.
    private(set) var vRouters: [String: String] = [:]

    init(document: TopologyDocument) {
        self.document = document
    }

    /// The resources `apply` cannot create through the server's API, as "kind 'name'": VBRs (the file does not
    /// name the physical connection `CreateVirtualBorderRouter` needs), what hangs on them, and VPC routes to next
    /// hops of kinds the server has no resources of (instances, HaVips).
    func unsupported() -> [String] {
        var out: [String] = []
        for vbr in sorted(topology.vbrs) { out.append("VBR '\(vbr.name)'") }
        for ri in sorted(topology.routerInterfaces) where !isVPCInterface(ri) {
            out.append("router interface '\(ri.name)' (of a VBR)")
        }
        for vpc in sorted(topology.vpcs) {
            for route in vpc.routes where !isServedRoute(route) {
                out.append(
                    "route entry \(route.destination) of VPC '\(vpc.name)' (next hop \(route.nextHop.typeName) '\(document.name(of: route.nextHop.idText))')"
                )
            }
        }
        for cen in sorted(topology.cens) {
            for attachment in cen.attachments {
                if case .vbr(let id) = attachment {
                    out.append("CEN attachment of VBR '\(document.name(of: id.rawValue))' to CEN '\(cen.name)'")
                }
            }
        }
        return out
    }

    /// A router interface between two VPCs (its own and its opposite's routers are VPCs).
    private func isVPCInterface(_ ri: RouterInterface) -> Bool {
        guard case .vpc = ri.router else { return false }
        guard let opposite = ri.oppositeInterface else { return true }
        guard let other = topology.routerInterfaces[opposite], case .vpc = other.router else { return false }
        return true
    }

    /// A VPC route `apply` creates: to a VPN gateway, or to a router interface between VPCs.
    private func isServedRoute(_ route: RouteEntry) -> Bool {
        switch route.nextHop {
        case .vpnGateway: return true
        case .routerInterface(let id): return topology.routerInterfaces[id].map { isVPCInterface($0) } ?? false
        default: return false
        }
    }

    private func sorted<Key: Comparable & Hashable, Value>(_ values: [Key: Value]) -> [Value] {
        values.keys.sorted().map { values[$0]! }
    }

    private func name(_ id: String) -> String { document.name(of: id) }

    /// The server's id for a file identifier that an earlier step created.
    private func id(_ fileID: String) throws -> String {
        guard let id = ids[fileID] else {
            throw CLIError("'\(name(fileID))' was not created (apply does not create its kind; see the list of what it did not create)")
        }
        return id
    }

    /// Runs `action` for the resource `what` and returns its response; an API error names the resource.
    private func create(
        _ client: APIClient,
        _ what: String,
        _ action: String,
        version: String = "2016-04-28",
        _ parameters: [(String, String)]
    ) async throws -> [String: Any] {
        do {
            return try await client.call(action, version: version, parameters)
        } catch let error as APIClient.CallError {
            throw CLIError("cannot create \(what): \(error.action) answered \(error.code): \(error.message)")
        }
    }

    /// Creates every supported resource in dependency order; `print` gets one line per created resource.
    mutating func apply(using client: APIClient, print: (String) -> Void) async throws -> [String: String] {
        let vpcs = sorted(topology.vpcs)
        for vpc in vpcs {
            let what = "VPC '\(vpc.name)'"
            let answer = try await create(
                client,
                what,
                "CreateVpc",
                [
                    ("RegionId", vpc.region.rawValue), ("CidrBlock", vpc.cidrBlock.description),
                    ("VpcName", vpc.name),
                ]
            )
            ids[vpc.id.rawValue] = try APIClient.field(answer, "VpcId", of: "CreateVpc")
            routeTables[vpc.id.rawValue] = try APIClient.field(answer, "RouteTableId", of: "CreateVpc")
            vRouters[vpc.id.rawValue] = try APIClient.field(answer, "VRouterId", of: "CreateVpc")
            print("\(what): \(ids[vpc.id.rawValue]!)")
        }
        for vSwitch in sorted(topology.vSwitches) {
            guard let vpc = topology.vpcs[vSwitch.vpc] else { continue }
            let what = "vSwitch '\(vSwitch.name)'"
            let answer = try await create(
                client,
                what,
                "CreateVSwitch",
                [
                    ("RegionId", vpc.region.rawValue), ("VpcId", try id(vpc.id.rawValue)),
                    ("ZoneId", vSwitch.zone ?? "\(vpc.region.rawValue)-a"),
                    ("CidrBlock", vSwitch.cidrBlock.description), ("VSwitchName", vSwitch.name),
                ]
            )
            ids[vSwitch.id.rawValue] = try APIClient.field(answer, "VSwitchId", of: "CreateVSwitch")
            print("\(what): \(ids[vSwitch.id.rawValue]!)")
        }
        try await applyECS(using: client, print: print)
        try await applyRouterInterfaces(using: client, print: print)
        for gateway in sorted(topology.customerGateways) {
            let what = "customer gateway '\(gateway.name)'"
            let answer = try await create(
                client,
                what,
                "CreateCustomerGateway",
                [
                    ("RegionId", gateway.region.rawValue), ("IpAddress", gateway.ipAddress.description),
                    ("Name", gateway.name),
                ]
            )
            ids[gateway.id.rawValue] = try APIClient.field(answer, "CustomerGatewayId", of: "CreateCustomerGateway")
            print("\(what): \(ids[gateway.id.rawValue]!)")
        }
        for gateway in sorted(topology.vpnGateways) {
            guard let vpc = topology.vpcs[gateway.vpc] else { continue }
            let what = "VPN gateway '\(gateway.name)'"
            var parameters = [
                ("RegionId", vpc.region.rawValue), ("VpcId", try id(vpc.id.rawValue)),
                ("Bandwidth", String(gateway.bandwidth)), ("Name", gateway.name),
                ("EnableIpsec", gateway.isIPsecEnabled ? "true" : "false"),
                ("EnableSsl", gateway.isSSLEnabled ? "true" : "false"),
            ]
            if let vSwitch = gateway.vSwitch { parameters.append(("VSwitchId", try id(vSwitch.rawValue))) }
            let answer = try await create(client, what, "CreateVpnGateway", parameters)
            ids[gateway.id.rawValue] = try APIClient.field(answer, "VpnGatewayId", of: "CreateVpnGateway")
            print("\(what): \(ids[gateway.id.rawValue]!)")
        }
        for connection in sorted(topology.vpnConnections) {
            guard let gateway = topology.vpnGateways[connection.vpnGateway], let vpc = topology.vpcs[gateway.vpc]
            else { continue }
            let what = "IPsec connection '\(connection.name)'"
            let ike = connection.ikeConfig
            var ikeJSON: [String: Any] = [
                "Psk": ike.preSharedKey, "IkeVersion": ike.version.rawValue, "IkeMode": ike.mode.rawValue,
                "IkeEncAlg": ike.encryptionAlgorithm.rawValue, "IkeAuthAlg": ike.authenticationAlgorithm.rawValue,
                "IkePfs": ike.dhGroup.rawValue, "IkeLifetime": ike.lifetime,
            ]
            if let local = ike.localID { ikeJSON["LocalId"] = local }
            if let remote = ike.remoteID { ikeJSON["RemoteId"] = remote }
            let ipsec = connection.ipsecConfig
            let ipsecJSON: [String: Any] = [
                "IpsecEncAlg": ipsec.encryptionAlgorithm.rawValue, "IpsecAuthAlg": ipsec.authenticationAlgorithm.rawValue,
                "IpsecPfs": ipsec.pfs.rawValue, "IpsecLifetime": ipsec.lifetime,
            ]
            let answer = try await create(
                client,
                what,
                "CreateVpnConnection",
                [
                    ("RegionId", vpc.region.rawValue), ("VpnGatewayId", try id(gateway.id.rawValue)),
                    ("CustomerGatewayId", try id(connection.customerGateway.rawValue)),
                    ("LocalSubnet", connection.localSubnet.map(\.description).joined(separator: ",")),
                    ("RemoteSubnet", connection.remoteSubnet.map(\.description).joined(separator: ",")),
                    ("Name", connection.name), ("EffectImmediately", connection.effectImmediately ? "true" : "false"),
                    ("IkeConfig", Self.json(ikeJSON)), ("IpsecConfig", Self.json(ipsecJSON)),
                ]
            )
            ids[connection.id.rawValue] = try APIClient.field(answer, "VpnConnectionId", of: "CreateVpnConnection")
            print("\(what): \(ids[connection.id.rawValue]!)")
        }
        for gateway in sorted(topology.vpnGateways) {
            guard let vpc = topology.vpcs[gateway.vpc] else { continue }
            for route in gateway.routes {
                let what = "VPN route \(route.destination) of '\(gateway.name)'"
                _ = try await create(
                    client,
                    what,
                    "CreateVpnRouteEntry",
                    [
                        ("RegionId", vpc.region.rawValue), ("VpnGatewayId", try id(gateway.id.rawValue)),
                        ("RouteDest", route.destination.description), ("NextHop", try id(route.nextHop.rawValue)),
                        ("Weight", String(route.weight)), ("PublishVpc", route.publishToVPC ? "true" : "false"),
                    ]
                )
                print("\(what): created")
            }
            for route in gateway.policyRoutes {
                let what = "VPN policy route \(route.source) → \(route.destination) of '\(gateway.name)'"
                var parameters = [
                    ("RegionId", vpc.region.rawValue), ("VpnGatewayId", try id(gateway.id.rawValue)),
                    ("RouteSource", route.source.description), ("RouteDest", route.destination.description),
                    ("NextHop", try id(route.nextHop.rawValue)), ("Weight", String(route.weight)),
                    ("PublishVpc", route.publishToVPC ? "true" : "false"),
                ]
                if let priority = route.priority { parameters.append(("Priority", String(priority))) }
                _ = try await create(client, what, "CreateVpnPbrRouteEntry", parameters)
                print("\(what): created")
            }
        }
        for vpc in vpcs {
            for route in vpc.routes where isServedRoute(route) {
                let what = "route entry \(route.destination) of VPC '\(vpc.name)'"
                let answer = try await create(
                    client,
                    what,
                    "CreateRouteEntry",
                    [
                        ("RegionId", vpc.region.rawValue), ("RouteTableId", routeTables[vpc.id.rawValue] ?? ""),
                        ("DestinationCidrBlock", route.destination.description),
                        ("NextHopType", route.nextHop.typeName), ("NextHopId", try id(route.nextHop.idText)),
                        ("RouteEntryName", route.name),
                    ].filter { !$0.1.isEmpty }
                )
                print("\(what): \((answer["RouteEntryId"] as? String) ?? "created")")
            }
        }
        try await applySites(using: client, print: print)
        for package in sorted(topology.cenBandwidthPackages) {
            let what = "CEN bandwidth package '\(package.name)'"
            let answer = try await create(
                client,
                what,
                "CreateCenBandwidthPackage",
                version: "2017-09-12",
                [
                    ("Bandwidth", String(package.bandwidth)),
                    ("GeographicRegionAId", package.geographicRegionA.rawValue),
                    ("GeographicRegionBId", package.geographicRegionB.rawValue), ("Name", package.name),
                ].filter { !$0.1.isEmpty }
            )
            ids[package.id.rawValue] = try APIClient.field(
                answer,
                "CenBandwidthPackageId",
                of: "CreateCenBandwidthPackage"
            )
            print("\(what): \(ids[package.id.rawValue]!)")
        }
        for cen in sorted(topology.cens) {
            let what = "CEN '\(cen.name)'"
            let answer = try await create(
                client,
                what,
                "CreateCen",
                version: "2017-09-12",
                [("Name", cen.name)].filter { !$0.1.isEmpty }
            )
            let cenId = try APIClient.field(answer, "CenId", of: "CreateCen")
            ids[cen.id.rawValue] = cenId
            print("\(what): \(cenId)")
            for attachment in cen.attachments {
                guard case .vpc(let vpcID) = attachment, let vpc = topology.vpcs[vpcID] else { continue }
                _ = try await create(
                    client,
                    "attachment of VPC '\(vpc.name)' to \(what)",
                    "AttachCenChildInstance",
                    version: "2017-09-12",
                    [
                        ("CenId", cenId), ("ChildInstanceId", try id(vpcID.rawValue)),
                        ("ChildInstanceType", "VPC"), ("ChildInstanceRegionId", vpc.region.rawValue),
                    ]
                )
                print("attachment of VPC '\(vpc.name)' to \(what): attached")
            }
            for package in sorted(topology.cenBandwidthPackages) where package.cen == cen.id {
                let packageWhat = "association of CEN bandwidth package '\(package.name)' with \(what)"
                _ = try await create(
                    client,
                    packageWhat,
                    "AssociateCenBandwidthPackage",
                    version: "2017-09-12",
                    [("CenId", cenId), ("CenBandwidthPackageId", try id(package.id.rawValue))]
                )
                print("\(packageWhat): associated")
            }
            for limit in cen.interRegionBandwidths {
                let limitWhat = "bandwidth \(limit.localRegion)–\(limit.oppositeRegion) of \(what)"
                _ = try await create(
                    client,
                    limitWhat,
                    "SetCenInterRegionBandwidthLimit",
                    version: "2017-09-12",
                    [
                        ("CenId", cenId), ("LocalRegionId", limit.localRegion.rawValue),
                        ("OppositeRegionId", limit.oppositeRegion.rawValue),
                        ("BandwidthLimit", String(limit.bandwidth)),
                    ]
                )
                print("\(limitWhat): \(limit.bandwidth) Mbit/s")
            }
            for (action, routes) in [("PublishRouteEntries", cen.publishedRoutes), ("WithdrawPublishedRouteEntries", cen.withdrawnRoutes)] {
                for route in routes {
                    guard case .vpc(let vpcID) = route.network, let vpc = topology.vpcs[vpcID] else { continue }
                    let what = "\(action == "PublishRouteEntries" ? "publishing" : "withdrawing") \(route.destination) of VPC '\(vpc.name)' in \(what)"
                    _ = try await create(
                        client,
                        what,
                        action,
                        version: "2017-09-12",
                        [
                            ("CenId", cenId), ("ChildInstanceId", try id(vpcID.rawValue)),
                            ("ChildInstanceRegionId", vpc.region.rawValue), ("ChildInstanceType", "VPC"),
                            ("ChildInstanceRouteTableId", routeTables[vpcID.rawValue] ?? ""),
                            ("DestinationCidrBlock", route.destination.description),
                        ]
                    )
                    print("\(what): done")
                }
            }
        }
        return ids
    }

    /// Security groups (ECS 2014-05-26) with their rules, then instances in their vSwitches and groups.
    private mutating func applyECS(using client: APIClient, print: (String) -> Void) async throws {
        for group in sorted(topology.securityGroups) {
            guard let vpc = topology.vpcs[group.vpc] else { continue }
            let what = "security group '\(group.name)'"
            let answer = try await create(
                client,
                what,
                "CreateSecurityGroup",
                version: "2014-05-26",
                [
                    ("RegionId", vpc.region.rawValue), ("VpcId", try id(vpc.id.rawValue)),
                    ("SecurityGroupName", group.name),
                ].filter { !$0.1.isEmpty }
            )
            let groupId = try APIClient.field(answer, "SecurityGroupId", of: "CreateSecurityGroup")
            ids[group.id.rawValue] = groupId
            print("\(what): \(groupId)")
            for rule in group.rules {
                let ingress = rule.direction == .ingress
                let ruleWhat = "\(rule.direction.rawValue) rule \(rule.ipProtocol) \(rule.portRange) \(rule.cidr) of \(what)"
                _ = try await create(
                    client,
                    ruleWhat,
                    ingress ? "AuthorizeSecurityGroup" : "AuthorizeSecurityGroupEgress",
                    version: "2014-05-26",
                    [
                        ("RegionId", vpc.region.rawValue), ("SecurityGroupId", groupId),
                        ("IpProtocol", rule.ipProtocol.rawValue), ("PortRange", rule.portRange.description),
                        (ingress ? "SourceCidrIp" : "DestCidrIp", rule.cidr.description),
                        ("Policy", rule.policy.rawValue), ("Priority", String(rule.priority)),
                        ("Description", rule.description),
                    ].filter { !$0.1.isEmpty }
                )
                print("\(ruleWhat): authorized")
            }
        }
        for instance in sorted(topology.instances) {
            guard let vSwitch = topology.vSwitches[instance.vSwitch], let vpc = topology.vpcs[vSwitch.vpc] else {
                continue
            }
            let what = "instance '\(instance.name)'"
            var parameters = [
                ("RegionId", vpc.region.rawValue), ("VSwitchId", try id(vSwitch.id.rawValue)),
                ("ImageId", "aliyun_3_x64_20G_alibase_20240819.vhd"), ("InstanceType", "ecs.g7.large"),
                ("PrivateIpAddress", instance.privateIP.description), ("InstanceName", instance.name),
            ].filter { !$0.1.isEmpty }
            for (index, group) in instance.securityGroups.enumerated() {
                parameters.append(("SecurityGroupIds.\(index + 1)", try id(group.rawValue)))
            }
            let answer = try await create(client, what, "RunInstances", version: "2014-05-26", parameters)
            let made = ((answer["InstanceIdSets"] as? [String: Any])?["InstanceIdSet"] as? [String]) ?? []
            guard let instanceId = made.first else {
                throw CLIError("cannot create \(what): RunInstances answered no InstanceIdSets.InstanceIdSet")
            }
            ids[instance.id.rawValue] = instanceId
            print("\(what): \(instanceId)")
        }
    }

    /// Router interfaces between VPCs: both ends created, each given its opposite, then the initiating end
    /// connected (both ends `Active`); an interface the file leaves `Idle` is not connected, one it marks
    /// `Inactive` is deactivated after connecting.
    private mutating func applyRouterInterfaces(using client: APIClient, print: (String) -> Void) async throws {
        let interfaces = sorted(topology.routerInterfaces).filter { isVPCInterface($0) }
        func vpc(of ri: RouterInterface) -> VPC? {
            guard case .vpc(let id) = ri.router else { return nil }
            return topology.vpcs[id]
        }
        for ri in interfaces {
            guard let own = vpc(of: ri) else { continue }
            let opposite = ri.oppositeInterface.flatMap { topology.routerInterfaces[$0] }
            let oppositeRegion = opposite.flatMap { vpc(of: $0) }?.region ?? own.region
            let what = "router interface '\(ri.name)'"
            let answer = try await create(
                client,
                what,
                "CreateRouterInterface",
                [
                    ("RegionId", own.region.rawValue), ("RouterType", "VRouter"),
                    ("RouterId", vRouters[own.id.rawValue] ?? ""), ("Role", ri.role.rawValue), ("Spec", ri.spec),
                    ("OppositeRegionId", oppositeRegion.rawValue), ("Name", ri.name),
                ].filter { !$0.1.isEmpty }
            )
            ids[ri.id.rawValue] = try APIClient.field(answer, "RouterInterfaceId", of: "CreateRouterInterface")
            print("\(what): \(ids[ri.id.rawValue]!)")
        }
        for ri in interfaces {
            guard let own = vpc(of: ri), let oppositeID = ri.oppositeInterface,
                let opposite = topology.routerInterfaces[oppositeID], let oppositeVPC = vpc(of: opposite)
            else { continue }
            let what = "opposite of router interface '\(ri.name)'"
            _ = try await create(
                client,
                what,
                "ModifyRouterInterfaceAttribute",
                [
                    ("RegionId", own.region.rawValue), ("RouterInterfaceId", try id(ri.id.rawValue)),
                    ("OppositeInterfaceId", try id(oppositeID.rawValue)),
                    ("OppositeRouterId", vRouters[oppositeVPC.id.rawValue] ?? ""), ("OppositeRouterType", "VRouter"),
                ]
            )
            print("\(what): '\(opposite.name)'")
        }
        for ri in interfaces where ri.role == .initiatingSide && ri.oppositeInterface != nil {
            guard let own = vpc(of: ri), ri.status != .idle else { continue }
            let what = "connection of router interface '\(ri.name)'"
            _ = try await create(
                client,
                what,
                "ConnectRouterInterface",
                [("RegionId", own.region.rawValue), ("RouterInterfaceId", try id(ri.id.rawValue))]
            )
            print("\(what): connected")
        }
        for ri in interfaces where ri.status == .inactive {
            guard let own = vpc(of: ri) else { continue }
            let what = "deactivation of router interface '\(ri.name)'"
            _ = try await create(
                client,
                what,
                "DeactivateRouterInterface",
                [("RegionId", own.region.rawValue), ("RouterInterfaceId", try id(ri.id.rawValue))]
            )
            print("\(what): inactive")
        }
    }

    /// Sites (Version 2026-11-01): the site, its static routes, and the IPsec configuration it loads for each
    /// connection of the file whose gateways it names. Addresses of the file's VPN gateways are replaced by the
    /// ones the server gave them.
    private mutating func applySites(using client: APIClient, print: (String) -> Void) async throws {
        guard !topology.sites.isEmpty else { return }
        var gatewayIPs: [String: String] = [:]  // the file's public IP → the server's
        for region in Set(topology.vpnGateways.values.compactMap { topology.vpcs[$0.vpc]?.region.rawValue }).sorted() {
            let answer = try await create(client, "the VPN gateways of \(region)", "DescribeVpnGateways", [
                ("RegionId", region), ("PageSize", "50"),
            ])
            let listed = (answer["VpnGateways"] as? [String: Any])?["VpnGateway"] as? [[String: Any]] ?? []
            for gateway in topology.vpnGateways.values {
                guard let id = ids[gateway.id.rawValue],
                    let found = listed.first(where: { $0["VpnGatewayId"] as? String == id }),
                    let ip = found["InternetIp"] as? String
                else { continue }
                gatewayIPs[gateway.publicIP.description] = ip
            }
        }
        func mapped(_ address: IPv4Address) -> String { gatewayIPs[address.description] ?? address.description }
        for site in sorted(topology.sites) {
            let what = "site '\(site.name)'"
            var parameters = [("Name", site.name), ("GatewayIpAddress", site.gatewayIP.description)]
            if let region = site.region { parameters.append(("RegionId", region.rawValue)) }
            for (index, cidr) in site.cidrs.enumerated() { parameters.append(("CidrBlock.\(index + 1)", cidr.description)) }
            let answer = try await create(client, what, "CreateSite", version: "2026-11-01", parameters)
            let siteId = try APIClient.field(answer, "SiteId", of: "CreateSite")
            ids[site.id.rawValue] = siteId
            print("\(what): \(siteId)")
            for route in site.staticRoutes {
                let routeWhat = "route \(route.destination) of \(what)"
                _ = try await create(client, routeWhat, "CreateSiteRouteEntry", version: "2026-11-01", [
                    ("SiteId", siteId), ("DestinationCidrBlock", route.destination.description),
                    ("NextHopIp", mapped(route.nextHop)),
                ])
                print("\(routeWhat): created")
            }
            for configuration in site.ipsecConfigurations {
                let local = configuration.localIP ?? site.gatewayIP
                guard
                    let connection = sorted(topology.vpnConnections).first(where: { connection in
                        topology.vpnGateways[connection.vpnGateway]?.publicIP == configuration.peerIP
                            && topology.customerGateways[connection.customerGateway]?.ipAddress == local
                    })
                else {
                    throw CLIError(
                        "\(what): its IPsec configuration to \(configuration.peerIP) matches no IPsec connection of the file "
                            + "(none joins a VPN gateway with that public IP and a customer gateway with IP \(local))"
                    )
                }
                let configWhat = "IPsec configuration of \(what) for '\(connection.name)'"
                var parameters = [
                    ("SiteId", siteId), ("VpnConnectionId", try id(connection.id.rawValue)),
                    ("Psk", configuration.preSharedKey),
                    ("LocalSubnet", configuration.localSubnet.map(\.description).joined(separator: ",")),
                    ("RemoteSubnet", configuration.remoteSubnet.map(\.description).joined(separator: ",")),
                ]
                var ike: [String: Any] = ["IkeVersion": configuration.ikeVersion.rawValue]
                if let proposal = configuration.ikeProposals.first {
                    ike["IkeEncAlg"] = proposal.encryptionAlgorithm.rawValue
                    ike["IkeAuthAlg"] = proposal.authenticationAlgorithm.rawValue
                    ike["IkePfs"] = proposal.dhGroup.rawValue
                }
                parameters.append(("IkeConfig", Self.json(ike)))
                if let proposal = configuration.ipsecProposals.first {
                    parameters.append((
                        "IpsecConfig",
                        Self.json([
                            "IpsecEncAlg": proposal.encryptionAlgorithm.rawValue,
                            "IpsecAuthAlg": proposal.authenticationAlgorithm.rawValue,
                            "IpsecPfs": proposal.pfs.rawValue,
                        ])
                    ))
                }
                _ = try await create(client, configWhat, "LoadVpnConnectionConfig", version: "2026-11-01", parameters)
                print("\(configWhat): loaded")
            }
        }
    }

    private static func json(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
