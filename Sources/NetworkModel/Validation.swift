import IPAddressing

/// One problem found in a topology: where it is (a field path such as
/// `vpnConnections["vco-1"].remoteSubnet[1]`) and what is wrong, quoting the value and saying what is allowed.
public struct ValidationIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    public var path: String
    public var message: String
    /// The cloud's error code where one exists (`InvalidCidrBlock.Overlapped`, `Resource.QuotaFull`, …).
    public var code: String?

    public init(path: String, message: String, code: String? = nil) {
        self.path = path
        self.message = message
        self.code = code
    }

    public var description: String { "\(path): \(message)" }
}

/// A topology that failed validation, with every problem found.
public struct TopologyValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var issues: [ValidationIssue]

    public init(issues: [ValidationIssue]) { self.issues = issues }

    public var description: String {
        "the topology has \(issues.count) problem\(issues.count == 1 ? "" : "s"):\n"
            + issues.map { "  \($0)" }.joined(separator: "\n")
    }
}

/// The legacy quotas of reference §9 that validation enforces.
public enum Quota {
    public static let vSwitchesPerVPC = 24
    public static let customRoutesPerTable = 48
    public static let connectionsPerVPNGateway = 10
    public static let subnetsPerConnectionSide = 5
    public static let destinationRoutesPerVPNGateway = 20
    public static let policyRoutesPerVPNGateway = 20
    public static let routerInterfacesPerRouter = 5
    public static let customerGatewaysPerRegion = 100
}

extension Topology {
    /// Checks the whole topology and returns every problem, sorted by path; empty when it is valid.
    public func validate() -> [ValidationIssue] {
        var v = _Validator(topology: self)
        v.run()
        return v.issues.sorted { ($0.path, $0.message) < ($1.path, $1.message) }
    }

    /// Throws ``TopologyValidationError`` with every problem when the topology is not valid.
    public func validated() throws(TopologyValidationError) -> Topology {
        let issues = validate()
        if !issues.isEmpty { throw TopologyValidationError(issues: issues) }
        return self
    }
}

private let sharedAddressSpace = IPv4Prefix(containing: IPv4Address(100, 64, 0, 0), length: 10)

private func q<T: CustomStringConvertible>(_ value: T) -> String { "'\(value)'" }

struct _Validator {
    let t: Topology
    var issues: [ValidationIssue] = []

    init(topology: Topology) { t = topology }

    mutating func add(_ path: String, _ message: String, code: String? = nil) {
        issues.append(ValidationIssue(path: path, message: message, code: code))
    }

    mutating func checkID<ID: ResourceID>(_ collection: String, key: ID, id: ID, kind: String) {
        let path = "\(collection)[\"\(key)\"]"
        if !key.isWellFormed {
            add(path, "\(kind) id \(q(key)) is not well formed: expected '\(ID.prefix)' followed by letters, digits, '-' or '_'")
        }
        if key != id { add("\(path).id", "id \(q(id)) differs from the key \(q(key)) it is stored under") }
    }

    mutating func checkRegion(_ path: String, _ region: RegionID) {
        if !region.isKnown {
            add(path, "unknown region \(q(region)); allowed: \(RegionID.known.keys.sorted().map(\.rawValue).joined(separator: ", "))")
        }
    }

    mutating func run() {
        checkVPCs()
        checkVSwitches()
        checkRoutes()
        checkVPNGateways()
        checkCustomerGateways()
        checkConnections()
        checkSiteOverlapPerGateway()
        checkRouterInterfaces()
        checkVBRs()
        checkCENs()
        checkSecurity()
        checkSites()
    }

    // MARK: VPCs and vSwitches

    mutating func checkVPCs() {
        var tableOwners: [RouteTableID: String] = [:]
        for (key, vpc) in t.vpcs.sorted(by: { $0.key < $1.key }) {
            let path = "vpcs[\"\(key)\"]"
            checkID("vpcs", key: key, id: vpc.id, kind: "VPC")
            checkRegion("\(path).region", vpc.region)
            if !(8...24).contains(vpc.cidrBlock.length) {
                add("\(path).cidrBlock", "VPC CIDR block \(q(vpc.cidrBlock)) has mask /\(vpc.cidrBlock.length); allowed: /8 to /24", code: "InvalidCidrBlock.Malformed")
            }
            if !vpc.routeTableID.isWellFormed {
                add("\(path).routeTableID", "route table id \(q(vpc.routeTableID)) is not well formed: expected 'vtb-…'")
            }
            if let other = tableOwners[vpc.routeTableID] {
                add("\(path).routeTableID", "route table \(q(vpc.routeTableID)) is also the table of \(other)")
            }
            tableOwners[vpc.routeTableID] = key.rawValue
        }
        for (key, vbr) in t.vbrs.sorted(by: { $0.key < $1.key }) {
            if let other = tableOwners[vbr.routeTableID] {
                add("vbrs[\"\(key)\"].routeTableID", "route table \(q(vbr.routeTableID)) is also the table of \(other)")
            }
            tableOwners[vbr.routeTableID] = key.rawValue
        }
    }

    mutating func checkVSwitches() {
        var byVPC: [VPCID: [(VSwitchID, IPv4Prefix)]] = [:]
        for (key, vsw) in t.vSwitches.sorted(by: { $0.key < $1.key }) {
            let path = "vSwitches[\"\(key)\"]"
            checkID("vSwitches", key: key, id: vsw.id, kind: "vSwitch")
            guard let vpc = t.vpcs[vsw.vpc] else {
                add("\(path).vpc", "VPC \(q(vsw.vpc)) does not exist", code: "InvalidVpcId.NotFound")
                continue
            }
            if !(16...29).contains(vsw.cidrBlock.length) {
                add("\(path).cidrBlock", "vSwitch CIDR block \(q(vsw.cidrBlock)) has mask /\(vsw.cidrBlock.length); allowed: /16 to /29", code: "InvalidCidrBlock.Malformed")
            }
            if !vpc.cidrBlock.contains(vsw.cidrBlock) {
                add("\(path).cidrBlock", "vSwitch CIDR block \(q(vsw.cidrBlock)) is not inside the CIDR block \(q(vpc.cidrBlock)) of VPC \(q(vpc.id))", code: "InvalidCidrBlock.Malformed")
            }
            for (otherID, otherBlock) in byVPC[vsw.vpc, default: []] where otherBlock.overlaps(vsw.cidrBlock) {
                add("\(path).cidrBlock", "vSwitch CIDR block \(q(vsw.cidrBlock)) overlaps \(q(otherBlock)) of vSwitch \(q(otherID)) in the same VPC; vSwitch blocks must not overlap", code: "InvalidCidrBlock.Overlapped")
            }
            byVPC[vsw.vpc, default: []].append((key, vsw.cidrBlock))
        }
        for (vpc, list) in byVPC.sorted(by: { $0.key < $1.key }) where list.count > Quota.vSwitchesPerVPC {
            add("vpcs[\"\(vpc)\"]", "VPC has \(list.count) vSwitches; the quota is \(Quota.vSwitchesPerVPC)", code: "QuotaExceeded.VSwitch")
        }
    }

    mutating func checkRoutes() {
        var seenIDs: [RouteEntryID: String] = [:]
        let vSwitchBlocks = Dictionary(grouping: t.vSwitches.values, by: \.vpc)
        for (key, vpc) in t.vpcs.sorted(by: { $0.key < $1.key }) {
            checkRouteList(
                owner: .vpc(key), path: "vpcs[\"\(key)\"]", routes: vpc.routes,
                vSwitches: vSwitchBlocks[key] ?? [], seenIDs: &seenIDs)
        }
        for (key, vbr) in t.vbrs.sorted(by: { $0.key < $1.key }) {
            checkRouteList(owner: .vbr(key), path: "vbrs[\"\(key)\"]", routes: vbr.routes, vSwitches: [], seenIDs: &seenIDs)
        }
    }

    mutating func checkRouteList(
        owner: NetworkReference, path base: String, routes: [RouteEntry], vSwitches: [VSwitch],
        seenIDs: inout [RouteEntryID: String]
    ) {
        if routes.count > Quota.customRoutesPerTable {
            add("\(base).routes", "the route table has \(routes.count) custom entries; the quota is \(Quota.customRoutesPerTable)", code: "QuotaExceeded")
        }
        var destinations: [IPv4Prefix: Int] = [:]
        for (index, route) in routes.enumerated() {
            let path = "\(base).routes[\(index)]"
            if !route.id.isWellFormed {
                add("\(path).id", "route entry id \(q(route.id)) is not well formed: expected 'rte-…'")
            }
            if let other = seenIDs[route.id] { add("\(path).id", "route entry id \(q(route.id)) is also used at \(other)") }
            seenIDs[route.id] = path
            if let first = destinations[route.destination] {
                add("\(path).destination", "destination \(q(route.destination)) is already routed by \(base).routes[\(first)]; a destination appears once per table (duplicated rows are not merged)", code: "InvalidCIDRBlock.Duplicate")
            } else {
                destinations[route.destination] = index
            }
            if sharedAddressSpace.overlaps(route.destination) && route.destination.length <= 10 {
                add("\(path).destination", "destination \(q(route.destination)) covers the cloud service block 100.64.0.0/10; not allowed")
            }
            for vsw in vSwitches where vsw.cidrBlock.contains(route.destination) {
                add("\(path).destination", "destination \(q(route.destination)) is equal to or inside the CIDR block \(q(vsw.cidrBlock)) of vSwitch \(q(vsw.id)); a custom route may not be as specific as a vSwitch route", code: "InvalidCidrBlock.Overlapped")
            }
            checkNextHop(owner: owner, path: "\(path).nextHop", route.nextHop)
        }
    }

    mutating func checkNextHop(owner: NetworkReference, path: String, _ nextHop: RouteNextHop) {
        switch (owner, nextHop) {
        case (.vpc(let vpc), .instance(let id)):
            guard let instance = t.instances[id] else { return add(path, "instance \(q(id)) does not exist") }
            if t.vpc(of: instance) != vpc { add(path, "instance \(q(id)) is not in VPC \(q(vpc)); a next hop must belong to the same VPC") }
        case (.vpc(let vpc), .vpnGateway(let id)):
            guard let gateway = t.vpnGateways[id] else { return add(path, "VPN gateway \(q(id)) does not exist") }
            if gateway.vpc != vpc { add(path, "VPN gateway \(q(id)) belongs to VPC \(q(gateway.vpc)), not \(q(vpc)); a next hop must belong to the same VPC") }
        case (_, .routerInterface(let id)):
            guard let ri = t.routerInterfaces[id] else { return add(path, "router interface \(q(id)) does not exist") }
            if ri.router != owner { add(path, "router interface \(q(id)) sits on \(q(ri.router)), not on \(q(owner)); use an interface of this router") }
        case (.vpc, .haVip):
            break
        case (.vbr(let vbr), .site(let site)):
            if t.sites[site] == nil { return add(path, "site \(q(site)) does not exist") }
            if t.vbrs[vbr]?.site != site { add(path, "site \(q(site)) is not the data centre at the end of VBR \(q(vbr))'s physical connection") }
        case (.vpc, .site):
            add(path, "next hop type 'Site' is only valid in a VBR's route table; a VPC reaches sites through a VPN gateway or a router interface")
        case (.vbr, _):
            add(path, "next hop \(q(nextHop)) is not valid in a VBR's route table; allowed: RouterInterface (of this VBR) or Site (its data centre)")
        }
    }

    // MARK: VPN

    mutating func checkVPNGateways() {
        var publicIPs: [IPv4Address: VPNGatewayID] = [:]
        for (key, gw) in t.vpnGateways.sorted(by: { $0.key < $1.key }) {
            let path = "vpnGateways[\"\(key)\"]"
            checkID("vpnGateways", key: key, id: gw.id, kind: "VPN gateway")
            if t.vpcs[gw.vpc] == nil { add("\(path).vpc", "VPC \(q(gw.vpc)) does not exist", code: "InvalidVpcId.NotFound") }
            if let vsw = gw.vSwitch, t.vSwitches[vsw]?.vpc != gw.vpc {
                add("\(path).vSwitch", "vSwitch \(q(vsw)) does not exist in VPC \(q(gw.vpc))")
            }
            if !VPNGateway.allowedBandwidths.contains(gw.bandwidth) {
                add("\(path).bandwidth", "bandwidth \(gw.bandwidth) Mbit/s is not offered; allowed: \(VPNGateway.allowedBandwidths.map(String.init).joined(separator: ", "))")
            }
            if let other = publicIPs[gw.publicIP] { add("\(path).publicIP", "public IP \(q(gw.publicIP)) is also the IP of VPN gateway \(q(other))") }
            publicIPs[gw.publicIP] = key
            if gw.routes.count > Quota.destinationRoutesPerVPNGateway {
                add("\(path).routes", "the gateway has \(gw.routes.count) destination-based routes; the quota is \(Quota.destinationRoutesPerVPNGateway)", code: "QuotaExceeded")
            }
            if gw.policyRoutes.count > Quota.policyRoutesPerVPNGateway {
                add("\(path).policyRoutes", "the gateway has \(gw.policyRoutes.count) policy-based routes; the quota is \(Quota.policyRoutesPerVPNGateway)", code: "QuotaExceeded")
            }
            var seen: [String: Int] = [:]
            for (i, route) in gw.routes.enumerated() {
                let rp = "\(path).routes[\(i)]"
                checkVPNNextHop(gateway: key, path: "\(rp).nextHop", route.nextHop)
                checkWeight("\(rp).weight", route.weight)
                let exact = "\(route.destination)|\(route.nextHop)"
                let sameWeight = "\(route.destination)|w\(route.weight)"
                if let first = seen[exact] {
                    add(rp, "route to \(q(route.destination)) via \(q(route.nextHop)) duplicates \(path).routes[\(first)]; duplicated rows are not merged")
                } else if let first = seen[sameWeight] {
                    add("\(rp).weight", "route to \(q(route.destination)) has weight \(route.weight) like \(path).routes[\(first)]; two routes to one destination need weights 100 (active) and 0 (standby)")
                }
                seen[exact] = seen[exact] ?? i
                seen[sameWeight] = seen[sameWeight] ?? i
            }
            seen = [:]
            for (i, route) in gw.policyRoutes.enumerated() {
                let rp = "\(path).policyRoutes[\(i)]"
                checkVPNNextHop(gateway: key, path: "\(rp).nextHop", route.nextHop)
                checkWeight("\(rp).weight", route.weight)
                if let p = route.priority, !(1...100).contains(p) {
                    add("\(rp).priority", "priority \(p) is out of range; allowed: 1 to 100")
                }
                let exact = "\(route.source)|\(route.destination)|\(route.nextHop)"
                let sameWeight = "\(route.source)|\(route.destination)|w\(route.weight)"
                if let first = seen[exact] {
                    add(rp, "policy route \(q(route.source)) → \(q(route.destination)) via \(q(route.nextHop)) duplicates \(path).policyRoutes[\(first)]")
                } else if let first = seen[sameWeight] {
                    add("\(rp).weight", "policy route \(q(route.source)) → \(q(route.destination)) has weight \(route.weight) like \(path).policyRoutes[\(first)]; an active/standby pair needs weights 100 and 0")
                }
                seen[exact] = seen[exact] ?? i
                seen[sameWeight] = seen[sameWeight] ?? i
            }
        }
    }

    mutating func checkWeight(_ path: String, _ weight: Int) {
        if weight != 0 && weight != 100 { add(path, "weight \(weight) is not allowed; allowed: 100 (active) or 0 (standby)") }
    }

    mutating func checkVPNNextHop(gateway: VPNGatewayID, path: String, _ id: VPNConnectionID) {
        guard let connection = t.vpnConnections[id] else { return add(path, "IPsec connection \(q(id)) does not exist") }
        if connection.vpnGateway != gateway {
            add(path, "IPsec connection \(q(id)) belongs to VPN gateway \(q(connection.vpnGateway)), not \(q(gateway))")
        }
    }

    mutating func checkCustomerGateways() {
        let reserved = ["100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "255.0.0.0/8"].compactMap(IPv4Prefix.init)
        var byRegion: [RegionID: [IPv4Address: CustomerGatewayID]] = [:]
        for (key, cgw) in t.customerGateways.sorted(by: { $0.key < $1.key }) {
            let path = "customerGateways[\"\(key)\"]"
            checkID("customerGateways", key: key, id: cgw.id, kind: "customer gateway")
            checkRegion("\(path).region", cgw.region)
            if let block = reserved.first(where: { $0.contains(cgw.ipAddress) }) {
                add("\(path).ipAddress", "IP address \(q(cgw.ipAddress)) is inside the reserved block \(q(block)); use the office gateway's static public IP")
            }
            if let other = byRegion[cgw.region]?[cgw.ipAddress] {
                add("\(path).ipAddress", "IP address \(q(cgw.ipAddress)) is already used by customer gateway \(q(other)) in region \(q(cgw.region))")
            }
            byRegion[cgw.region, default: [:]][cgw.ipAddress] = key
        }
        for (region, list) in byRegion.sorted(by: { $0.key < $1.key }) where list.count > Quota.customerGatewaysPerRegion {
            add("customerGateways", "region \(q(region)) has \(list.count) customer gateways; the quota is \(Quota.customerGatewaysPerRegion)", code: "QuotaExceeded")
        }
    }

    mutating func checkConnections() {
        var perGateway: [VPNGatewayID: [VPNConnectionID]] = [:]
        for (key, c) in t.vpnConnections.sorted(by: { $0.key < $1.key }) {
            let path = "vpnConnections[\"\(key)\"]"
            checkID("vpnConnections", key: key, id: c.id, kind: "IPsec connection")
            if t.vpnGateways[c.vpnGateway] == nil {
                add("\(path).vpnGateway", "VPN gateway \(q(c.vpnGateway)) does not exist", code: "InvalidVpnGatewayInstanceId.NotFound")
            } else {
                perGateway[c.vpnGateway, default: []].append(key)
            }
            if t.customerGateways[c.customerGateway] == nil {
                add("\(path).customerGateway", "customer gateway \(q(c.customerGateway)) does not exist", code: "InvalidCustomerGatewayInstanceId.NotFound")
            }
            for (field, list) in [("localSubnet", c.localSubnet), ("remoteSubnet", c.remoteSubnet)] {
                if list.isEmpty { add("\(path).\(field)", "\(field) is empty; give 1 to \(Quota.subnetsPerConnectionSide) CIDR blocks") }
                if list.count > Quota.subnetsPerConnectionSide {
                    add("\(path).\(field)", "\(field) has \(list.count) CIDR blocks; at most \(Quota.subnetsPerConnectionSide) are allowed per side", code: "QuotaExceeded")
                }
                var seen: [IPv4Prefix: Int] = [:]
                for (i, block) in list.enumerated() {
                    if let first = seen[block] {
                        add("\(path).\(field)[\(i)]", "CIDR block \(q(block)) duplicates \(field)[\(first)]")
                    }
                    seen[block] = seen[block] ?? i
                }
                if list.count > 1 && c.ikeConfig.version == .ikev1 {
                    add("\(path).\(field)", "\(field) has \(list.count) CIDR blocks; several blocks on one side require IKE version 'ikev2', the connection uses 'ikev1'")
                }
            }
            let psk = c.ikeConfig.preSharedKey
            if psk.isEmpty || psk.count > 100 || psk.unicodeScalars.contains(where: { $0.value <= 32 || $0.value >= 127 }) {
                add("\(path).ikeConfig.preSharedKey", "pre-shared key of \(psk.count) characters is not allowed; allowed: 1 to 100 printable ASCII characters without spaces")
            }
            if c.ikeConfig.dhGroup == .disabled { add("\(path).ikeConfig.dhGroup", "DH group 'disabled' is only valid for phase-2 PFS; allowed: group1, group2, group5, group14, group24") }
            for (field, value) in [("ikeConfig.lifetime", c.ikeConfig.lifetime), ("ipsecConfig.lifetime", c.ipsecConfig.lifetime)]
            where !(0...86400).contains(value) {
                add("\(path).\(field)", "lifetime \(value) s is out of range; allowed: 0 to 86400")
            }
        }
        for (gateway, list) in perGateway.sorted(by: { $0.key < $1.key }) where list.count > Quota.connectionsPerVPNGateway {
            for extra in list.dropFirst(Quota.connectionsPerVPNGateway) {
                add("vpnConnections[\"\(extra)\"].vpnGateway", "VPN gateway \(q(gateway)) already has \(Quota.connectionsPerVPNGateway) IPsec connections (\(list.count) given); the quota is \(Quota.connectionsPerVPNGateway) per gateway", code: "Resource.QuotaFull")
            }
        }
    }

    /// Sites behind one VPN gateway must not overlap (VPN-Hub requirement, reference §8.2).
    mutating func checkSiteOverlapPerGateway() {
        for gateway in t.vpnGateways.keys.sorted() {
            let connections = t.connections(of: gateway)
            // Group by the site behind each connection (or by customer gateway when no site is known): two
            // connections to one site are an active/standby pair, not an overlap.
            func owner(_ c: VPNConnection) -> String {
                guard let ip = t.customerGateways[c.customerGateway]?.ipAddress else { return c.customerGateway.rawValue }
                return t.site(withPublicIP: ip)?.id.rawValue ?? c.customerGateway.rawValue
            }
            for (i, a) in connections.enumerated() {
                for b in connections[..<i] where owner(a) != owner(b) {
                    for (ai, blockA) in a.remoteSubnet.enumerated() {
                        for blockB in b.remoteSubnet where blockA.overlaps(blockB) {
                            add("vpnConnections[\"\(a.id)\"].remoteSubnet[\(ai)]", "remote network \(q(blockA)) overlaps \(q(blockB)) of IPsec connection \(q(b.id)) on the same VPN gateway \(q(gateway)); the sites of one gateway must not overlap")
                        }
                    }
                }
            }
            var sites: [Site] = []
            for c in connections {
                if let ip = t.customerGateways[c.customerGateway]?.ipAddress, let site = t.site(withPublicIP: ip),
                    !sites.contains(where: { $0.id == site.id })
                {
                    sites.append(site)
                }
            }
            for (i, a) in sites.enumerated() {
                for b in sites[..<i] {
                    for (ai, blockA) in a.cidrs.enumerated() {
                        for blockB in b.cidrs where blockA.overlaps(blockB) {
                            add("sites[\"\(a.id)\"].cidrs[\(ai)]", "office block \(q(blockA)) overlaps \(q(blockB)) of site \(q(b.id)); both connect to VPN gateway \(q(gateway)), whose sites must not overlap")
                        }
                    }
                }
            }
        }
    }

    // MARK: Express Connect

    mutating func checkRouterInterfaces() {
        var perRouter: [NetworkReference: Int] = [:]
        var pairs: [String: RouterInterfaceID] = [:]
        for (key, ri) in t.routerInterfaces.sorted(by: { $0.key < $1.key }) {
            let path = "routerInterfaces[\"\(key)\"]"
            checkID("routerInterfaces", key: key, id: ri.id, kind: "router interface")
            if !t.contains(ri.router) { add("\(path).router", "router \(q(ri.router)) does not exist") }
            perRouter[ri.router, default: 0] += 1
            if case .vbr = ri.router, ri.role != .initiatingSide {
                add("\(path).role", "an interface on a VBR must be the initiator ('InitiatingSide'), not \(q(ri.role.rawValue))")
            }
            guard let oppositeID = ri.oppositeInterface else { continue }
            guard let opposite = t.routerInterfaces[oppositeID] else {
                add("\(path).oppositeInterface", "router interface \(q(oppositeID)) does not exist")
                continue
            }
            if opposite.oppositeInterface != key {
                add("\(path).oppositeInterface", "router interface \(q(oppositeID)) names \(q(opposite.oppositeInterface.map(\.rawValue) ?? "nothing")) as its opposite, not \(q(key)); both ends must name each other")
            }
            if opposite.router == ri.router { add("\(path).oppositeInterface", "both ends sit on the same router \(q(ri.router))") }
            if opposite.role == ri.role { add("\(path).role", "both ends have role \(q(ri.role.rawValue)); one must initiate and one accept") }
            if ri.role == .initiatingSide {
                let pair = [ri.router.description, opposite.router.description].sorted().joined(separator: "|")
                if let other = pairs[pair] {
                    add(path, "routers \(q(ri.router)) and \(q(opposite.router)) are already connected by \(q(other)); at most one pair between two routers")
                }
                pairs[pair] = key
            }
        }
        for (router, count) in perRouter.sorted(by: { $0.key < $1.key }) where count > Quota.routerInterfacesPerRouter {
            add("routerInterfaces", "router \(q(router)) has \(count) router interfaces; the quota is \(Quota.routerInterfacesPerRouter)", code: "QuotaExceeded")
        }
    }

    mutating func checkVBRs() {
        for (key, vbr) in t.vbrs.sorted(by: { $0.key < $1.key }) {
            let path = "vbrs[\"\(key)\"]"
            checkID("vbrs", key: key, id: vbr.id, kind: "VBR")
            checkRegion("\(path).region", vbr.region)
            if let site = vbr.site, t.sites[site] == nil { add("\(path).site", "site \(q(site)) does not exist") }
        }
    }

    // MARK: CEN

    mutating func checkCENs() {
        var attachedTo: [NetworkReference: CENID] = [:]
        for (key, cen) in t.cens.sorted(by: { $0.key < $1.key }) {
            let path = "cens[\"\(key)\"]"
            checkID("cens", key: key, id: cen.id, kind: "CEN")
            for (i, network) in cen.attachments.enumerated() {
                if !t.contains(network) { add("\(path).attachments[\(i)]", "network \(q(network)) does not exist") }
                if let other = attachedTo[network] {
                    add("\(path).attachments[\(i)]", other == key ? "network \(q(network)) is attached twice" : "network \(q(network)) is already attached to CEN \(q(other)); a network attaches to at most one CEN")
                }
                attachedTo[network] = key
            }
            for (field, list) in [("publishedRoutes", cen.publishedRoutes), ("withdrawnRoutes", cen.withdrawnRoutes)] {
                var seen: Set<CENRouteReference> = []
                for (i, ref) in list.enumerated() {
                    let rp = "\(path).\(field)[\(i)]"
                    if !seen.insert(ref).inserted { add(rp, "route \(q(ref)) is listed twice") }
                    if !cen.attachments.contains(ref.network) {
                        add("\(rp).network", "network \(q(ref.network)) is not attached to CEN \(q(key))")
                    } else if !routeExists(ref) {
                        add("\(rp).destination", "network \(q(ref.network)) has no route to \(q(ref.destination)) to \(field == "publishedRoutes" ? "publish" : "withdraw")")
                    }
                }
            }
            var used: [CENBandwidthPackageID: Int] = [:]
            let packages = t.cenBandwidthPackages.values.filter { $0.cen == key }.sorted { $0.id < $1.id }
            for (i, limit) in cen.interRegionBandwidths.enumerated() {
                let lp = "\(path).interRegionBandwidths[\(i)]"
                checkRegion("\(lp).localRegion", limit.localRegion)
                checkRegion("\(lp).oppositeRegion", limit.oppositeRegion)
                if limit.localRegion == limit.oppositeRegion { add(lp, "local and opposite region are both \(q(limit.localRegion)); same-region traffic needs no bandwidth") }
                if limit.bandwidth < 0 { add("\(lp).bandwidth", "bandwidth \(limit.bandwidth) is negative; allowed: 0 or more Mbit/s") }
                guard let a = limit.localRegion.area, let b = limit.oppositeRegion.area else { continue }
                guard let package = packages.first(where: { $0.covers(a, b) }) else {
                    add(lp, "no bandwidth package associated with CEN \(q(key)) covers \(a) ↔ \(b); buy one and associate it (CreateCenBandwidthPackage, AssociateCenBandwidthPackage)")
                    continue
                }
                used[package.id, default: 0] += limit.bandwidth
                if limit.bandwidth > package.bandwidth {
                    add("\(lp).bandwidth", "bandwidth \(limit.bandwidth) Mbit/s exceeds the \(package.bandwidth) Mbit/s of package \(q(package.id))")
                }
            }
            for package in packages where (used[package.id] ?? 0) > package.bandwidth {
                add("\(path).interRegionBandwidths", "the connections using package \(q(package.id)) add up to \(used[package.id]!) Mbit/s; the package has \(package.bandwidth) Mbit/s")
            }
        }
        for (key, package) in t.cenBandwidthPackages.sorted(by: { $0.key < $1.key }) {
            let path = "cenBandwidthPackages[\"\(key)\"]"
            checkID("cenBandwidthPackages", key: key, id: package.id, kind: "bandwidth package")
            if !(2...10000).contains(package.bandwidth) {
                add("\(path).bandwidth", "bandwidth \(package.bandwidth) Mbit/s is out of range; allowed: 2 to 10000")
            }
            if let cen = package.cen, t.cens[cen] == nil { add("\(path).cen", "CEN \(q(cen)) does not exist") }
        }
    }

    func routeExists(_ ref: CENRouteReference) -> Bool {
        if t.routes(of: ref.network).contains(where: { $0.destination == ref.destination }) { return true }
        if case .vpc(let vpc) = ref.network {
            if t.vSwitches.values.contains(where: { $0.vpc == vpc && $0.cidrBlock == ref.destination }) { return true }
            for gw in t.vpnGateways.values where gw.vpc == vpc {
                if gw.routes.contains(where: { $0.publishToVPC && $0.destination == ref.destination }) { return true }
                if gw.policyRoutes.contains(where: { $0.publishToVPC && $0.destination == ref.destination }) { return true }
            }
        }
        return false
    }

    // MARK: Security groups and instances

    mutating func checkSecurity() {
        for (key, group) in t.securityGroups.sorted(by: { $0.key < $1.key }) {
            let path = "securityGroups[\"\(key)\"]"
            checkID("securityGroups", key: key, id: group.id, kind: "security group")
            if t.vpcs[group.vpc] == nil { add("\(path).vpc", "VPC \(q(group.vpc)) does not exist") }
            var seen: [SecurityGroupRule: Int] = [:]
            for (i, rule) in group.rules.enumerated() {
                let rp = "\(path).rules[\(i)]"
                if !(1...100).contains(rule.priority) { add("\(rp).priority", "priority \(rule.priority) is out of range; allowed: 1 to 100") }
                if !rule.portRange.isValid {
                    add("\(rp).portRange", "port range \(q(rule.portRange)) is not valid; allowed: from/to with 1 <= from <= to <= 65535, or -1/-1")
                } else {
                    switch rule.ipProtocol {
                    case .icmp, .all:
                        if rule.portRange != .any { add("\(rp).portRange", "port range \(q(rule.portRange)) is not allowed for protocol \(q(rule.ipProtocol)); use -1/-1") }
                    case .tcp, .udp:
                        if rule.portRange == .any { add("\(rp).portRange", "port range '-1/-1' is not allowed for protocol \(q(rule.ipProtocol)); use 1/65535 for all ports") }
                    }
                }
                if let first = seen[rule] { add(rp, "rule duplicates rules[\(first)]; duplicated rows are not merged") }
                seen[rule] = seen[rule] ?? i
            }
        }
        var ips: [VPCID: [IPv4Address: InstanceID]] = [:]
        for (key, instance) in t.instances.sorted(by: { $0.key < $1.key }) {
            let path = "instances[\"\(key)\"]"
            checkID("instances", key: key, id: instance.id, kind: "instance")
            guard let vsw = t.vSwitches[instance.vSwitch] else {
                add("\(path).vSwitch", "vSwitch \(q(instance.vSwitch)) does not exist")
                continue
            }
            if !vsw.cidrBlock.contains(instance.privateIP) {
                add("\(path).privateIP", "private IP \(q(instance.privateIP)) is not inside the block \(q(vsw.cidrBlock)) of vSwitch \(q(vsw.id))")
            }
            if let other = ips[vsw.vpc]?[instance.privateIP] {
                add("\(path).privateIP", "private IP \(q(instance.privateIP)) is also used by instance \(q(other)) in VPC \(q(vsw.vpc))")
            }
            ips[vsw.vpc, default: [:]][instance.privateIP] = key
            if instance.securityGroups.isEmpty { add("\(path).securityGroups", "an instance belongs to at least one security group") }
            for (i, sg) in instance.securityGroups.enumerated() {
                guard let group = t.securityGroups[sg] else {
                    add("\(path).securityGroups[\(i)]", "security group \(q(sg)) does not exist")
                    continue
                }
                if group.vpc != vsw.vpc { add("\(path).securityGroups[\(i)]", "security group \(q(sg)) belongs to VPC \(q(group.vpc)), the instance is in \(q(vsw.vpc))") }
            }
        }
    }

    // MARK: Sites

    mutating func checkSites() {
        var publicIPs: [IPv4Address: SiteID] = [:]
        for (key, site) in t.sites.sorted(by: { $0.key < $1.key }) {
            let path = "sites[\"\(key)\"]"
            checkID("sites", key: key, id: site.id, kind: "site")
            if let region = site.region { checkRegion("\(path).region", region) }
            if site.cidrs.isEmpty { add("\(path).cidrs", "a site needs at least one CIDR block") }
            var seenBlocks: [IPv4Prefix: Int] = [:]
            for (i, block) in site.cidrs.enumerated() {
                if let first = seenBlocks[block] {
                    add("\(path).cidrs[\(i)]", "CIDR block \(q(block)) duplicates cidrs[\(first)]; duplicated rows are not merged")
                } else {
                    for (other, j) in seenBlocks where other.overlaps(block) {
                        add("\(path).cidrs[\(i)]", "CIDR block \(q(block)) overlaps cidrs[\(j)] \(q(other))")
                    }
                }
                seenBlocks[block] = seenBlocks[block] ?? i
            }
            for ip in site.publicIPs {
                if let other = publicIPs[ip], other != key {
                    add("\(path).gatewayIP", "public IP \(q(ip)) is also the IP of site \(q(other))")
                }
                publicIPs[ip] = key
            }
            var seenRoutes: [SiteStaticRoute: Int] = [:]
            for (i, route) in site.staticRoutes.enumerated() {
                let rp = "\(path).staticRoutes[\(i)]"
                if let first = seenRoutes[route] {
                    add(rp, "static route \(q(route)) duplicates staticRoutes[\(first)]; duplicated rows are not merged")
                } else if let other = seenRoutes.first(where: { $0.key.destination == route.destination }) {
                    add("\(rp).destination", "destination \(q(route.destination)) is already routed by staticRoutes[\(other.value)] via \(q(other.key.nextHop))")
                }
                seenRoutes[route] = seenRoutes[route] ?? i
            }
            var seenPeers: [String: Int] = [:]
            for (i, config) in site.ipsecConfigurations.enumerated() {
                let cp = "\(path).ipsecConfigurations[\(i)]"
                let local = config.localIP ?? site.gatewayIP
                if !site.publicIPs.contains(local) {
                    add("\(cp).localIP", "local IP \(q(local)) is not one of the site's public IPs \(site.publicIPs.map(\.description))")
                }
                let pair = "\(local)|\(config.peerIP)"
                if let first = seenPeers[pair] { add("\(cp).peerIP", "a configuration for peer \(q(config.peerIP)) from \(q(local)) is already loaded at ipsecConfigurations[\(first)]") }
                seenPeers[pair] = seenPeers[pair] ?? i
                if config.preSharedKey.isEmpty { add("\(cp).preSharedKey", "the pre-shared key is empty") }
                if config.ikeProposals.isEmpty { add("\(cp).ikeProposals", "no phase-1 proposal is configured") }
                if config.ipsecProposals.isEmpty { add("\(cp).ipsecProposals", "no phase-2 proposal is configured") }
                if config.localSubnet.isEmpty { add("\(cp).localSubnet", "the local network is empty") }
                if config.remoteSubnet.isEmpty { add("\(cp).remoteSubnet", "the remote network is empty") }
            }
        }
    }
}
