import IPAddressing
import NetworkModel
import Yams

/// Turns the YAML tree of a topology file into a ``NetworkModel/Topology``, resolving names to identifiers and
/// recording every problem with its line and field path.
///
/// Two passes: the first only collects the names declared anywhere in the file (so a connection may name a
/// customer gateway declared further down), the second reads every value.
final class TopologyLoader {
    let reader: YAMLReader
    private var names = NameTable()
    private(set) var topology = Topology()
    private(set) var title: String?
    /// id text → name
    private(set) var displayNames: [String: String] = [:]
    /// Identifiers the file set with `id:`; messages quote them as they are.
    private(set) var explicitIDs: Set<String> = []
    /// model path → file location
    private(set) var sourceLocations: [String: SourceLocation] = [:]

    init(file: String) {
        reader = YAMLReader(file: file)
    }

    // MARK: Kinds of names

    private enum Kind {
        static let vpc = "VPC"
        static let vpnGateway = "VPN gateway"
        static let connection = "IPsec connection"
        static let customerGateway = "customer gateway"
        static let instance = "instance"
        static let site = "site"
        static let routerInterface = "router interface"
        static let vbr = "VBR"
        static let cen = "CEN"
        static let bandwidthPackage = "bandwidth package"
        static func vSwitch(in vpc: String) -> String { "vSwitch of \(vpc)" }
        static func securityGroup(in vpc: String) -> String { "security group of \(vpc)" }
    }

    private static let topKeys = [
        "name", "description", "vpcs", "customer_gateways", "sites", "router_interfaces", "vbrs", "cens",
        "cen_bandwidth_packages",
    ]
    private static let vpcKeys = [
        "name", "id", "description", "region", "cidr", "vswitches", "routes", "vpn_gateways", "security_groups",
        "instances",
    ]

    // MARK: Entry

    func load(_ root: YAMLField) {
        declareNames(root)
        guard let top = reader.mapping(root, allowed: Self.topKeys) else { return }
        if let field = top.optional("name") { title = reader.string(field) }
        if let field = top.optional("description") { _ = reader.string(field) }
        // Customer gateways first: their region may come from the connections that use them.
        for (index, field) in reader.list(top["vpcs"]).enumerated() { loadVPC(field, index: index) }
        for field in reader.list(top["customer_gateways"]) { loadCustomerGateway(field) }
        for field in reader.list(top["sites"]) { loadSite(field) }
        for field in reader.list(top["vbrs"]) { loadVBR(field) }
        for field in reader.list(top["router_interfaces"]) { loadRouterInterface(field) }
        for field in reader.list(top["cen_bandwidth_packages"]) { loadBandwidthPackage(field) }
        for field in reader.list(top["cens"]) { loadCEN(field) }
    }

    // MARK: Pass 1: names

    private func rawName(_ node: Node) -> String? {
        guard case .mapping(let mapping) = node, let value = mapping["name"], case .scalar(let scalar) = value else {
            return nil
        }
        return scalar.string.isEmpty ? nil : scalar.string
    }

    private func rawID(_ node: Node) -> String? {
        guard case .mapping(let mapping) = node, let value = mapping["id"], case .scalar(let scalar) = value else {
            return nil
        }
        return scalar.string.isEmpty ? nil : scalar.string
    }

    private func rawList(_ node: Node?, _ key: String) -> [Node] {
        guard case .mapping(let mapping)? = node, let value = mapping[key], case .sequence(let sequence) = value else {
            return []
        }
        return Array(sequence.prefix(10_000))
    }

    private func declare(_ node: Node, kind: String, prefix: String, path: String) {
        guard let name = rawName(node) else { return }
        _ = names.declare(
            kind: kind, prefix: prefix, name: name, explicitID: rawID(node), field: YAMLField(node: node, path: path))
    }

    private func declareNames(_ root: YAMLField) {
        let top = root.node
        for (i, vpc) in rawList(top, "vpcs").enumerated() {
            declare(vpc, kind: Kind.vpc, prefix: VPCID.prefix, path: "vpcs[\(i)]")
            guard let vpcName = rawName(vpc) else { continue }
            for (j, vsw) in rawList(vpc, "vswitches").enumerated() {
                declare(vsw, kind: Kind.vSwitch(in: vpcName), prefix: VSwitchID.prefix, path: "vpcs[\(i)].vswitches[\(j)]")
            }
            for (j, group) in rawList(vpc, "security_groups").enumerated() {
                declare(
                    group, kind: Kind.securityGroup(in: vpcName), prefix: SecurityGroupID.prefix,
                    path: "vpcs[\(i)].security_groups[\(j)]")
            }
            for (j, instance) in rawList(vpc, "instances").enumerated() {
                declare(instance, kind: Kind.instance, prefix: InstanceID.prefix, path: "vpcs[\(i)].instances[\(j)]")
            }
            for (j, gateway) in rawList(vpc, "vpn_gateways").enumerated() {
                declare(gateway, kind: Kind.vpnGateway, prefix: VPNGatewayID.prefix, path: "vpcs[\(i)].vpn_gateways[\(j)]")
                for (k, connection) in rawList(gateway, "connections").enumerated() {
                    declare(
                        connection, kind: Kind.connection, prefix: VPNConnectionID.prefix,
                        path: "vpcs[\(i)].vpn_gateways[\(j)].connections[\(k)]")
                    // A customer gateway without `region:` takes the region of the first gateway that uses it.
                    if case .mapping(let vpcMap) = vpc, let region = vpcMap["region"]?.string,
                        case .mapping(let map) = connection, let customerGateway = map["customer_gateway"]?.string,
                        customerGatewayRegionsByName[customerGateway] == nil
                    {
                        customerGatewayRegionsByName[customerGateway] = RegionID(region)
                    }
                }
            }
        }
        let lists: [(String, String, String)] = [
            ("customer_gateways", Kind.customerGateway, CustomerGatewayID.prefix),
            ("sites", Kind.site, SiteID.prefix),
            ("router_interfaces", Kind.routerInterface, RouterInterfaceID.prefix),
            ("vbrs", Kind.vbr, VBRID.prefix),
            ("cens", Kind.cen, CENID.prefix),
            ("cen_bandwidth_packages", Kind.bandwidthPackage, CENBandwidthPackageID.prefix),
        ]
        for (key, kind, prefix) in lists {
            for (i, node) in rawList(top, key).enumerated() {
                declare(node, kind: kind, prefix: prefix, path: "\(key)[\(i)]")
            }
        }
    }

    // MARK: Helpers

    private func record(_ modelPath: String, _ field: YAMLField?) {
        guard let field else { return }
        sourceLocations[modelPath] = SourceLocation(line: field.line, column: field.column, path: field.path)
    }

    /// Reads `name` (required) and `id` (optional), reports a duplicate name, and returns the identifier.
    private func readIdentity(_ map: YAMLMapping, kind: String) -> (name: String, id: String)? {
        guard let nameField = map.required("name"), let name = reader.name(nameField) else { return nil }
        guard let declaration = names.lookup(kind: kind, name: name) else { return nil }
        if declaration.field.path != map.field.path {
            let line = declaration.field.line.map { " at line \($0)" } ?? ""
            reader.report(nameField, "duplicate \(kind) name '\(name)': already declared at \(declaration.field.path)\(line); names must be unique")
            return nil
        }
        if let idField = map.optional("id") {
            _ = reader.string(idField)
            if !declaration.id.hasPrefix(declaration.prefix) || declaration.id.count == declaration.prefix.count {
                reader.report(idField, "id '\(declaration.id)' does not name a \(kind): expected '\(declaration.prefix)' followed by letters, digits, '-' or '_'")
                return nil
            }
            if let owner = names.idOwners[declaration.id], owner != map.field.path {
                reader.report(idField, "id '\(declaration.id)' is already used by \(owner); identifiers must be unique")
                return nil
            }
        }
        displayNames[declaration.id] = name
        if declaration.isExplicit { explicitIDs.insert(declaration.id) }
        return (name, declaration.id)
    }

    /// Resolves a reference by name; reports unknown names with the ones that exist.
    private func resolve(_ field: YAMLField, kind: String) -> String? {
        guard let name = reader.name(field) else { return nil }
        if let declaration = names.lookup(kind: kind, name: name) { return declaration.id }
        let known = names.names(of: kind)
        let hint = YAMLReader.closest(to: name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
        let list = known.isEmpty ? "none is declared" : "declared: \(known.map { "'\($0)'" }.joined(separator: ", "))"
        reader.report(field, "unknown \(kind) '\(name)'\(hint); \(list)")
        return nil
    }

    private func readRegion(_ field: YAMLField?) -> RegionID? {
        guard let field, let text = reader.string(field) else { return nil }
        let region = RegionID(text)
        guard region.isKnown else {
            reader.report(field, "unknown region '\(text)'; allowed: \(RegionID.known.keys.sorted().map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return region
    }

    private func choice<T: RawRepresentable & CaseIterable>(_ field: YAMLField?, _: T.Type) -> T? where T.RawValue == String {
        guard let field else { return nil }
        return reader.choice(field, T.allCases.map { ($0.rawValue, $0) })
    }

    // MARK: VPCs

    private func loadVPC(_ field: YAMLField, index: Int) {
        guard let map = reader.mapping(field, allowed: Self.vpcKeys) else { return }
        let identity = readIdentity(map, kind: Kind.vpc)
        let regionID = map.required("region").flatMap { readRegion($0) }
        let cidr = map.required("cidr").flatMap { reader.prefix($0) }
        if let description = map.optional("description") { _ = reader.string(description) }
        guard let identity else {
            // Still read the children, so their problems are reported too.
            loadVPCChildren(map, vpcName: nil, vpcID: nil, region: regionID)
            return
        }
        let vpcID = VPCID(identity.id)
        let path = "vpcs[\"\(vpcID)\"]"
        record(path, field)
        record("\(path).region", map["region"])
        record("\(path).cidrBlock", map["cidr"])
        record("\(path).routes", map["routes"])
        let routes = loadVPCRoutes(map, vpcName: identity.name, vpcID: vpcID, modelPath: path)
        guard let regionID, let cidr else {
            // The VPC is not added, so neither are its children (the model would only say their VPC is missing).
            loadVPCChildren(map, vpcName: identity.name, vpcID: nil, region: nil)
            return
        }
        topology.add(VPC(id: vpcID, name: identity.name, region: regionID, cidrBlock: cidr, routes: routes))
        loadVPCChildren(map, vpcName: identity.name, vpcID: vpcID, region: regionID)
    }

    private func loadVPCChildren(_ map: YAMLMapping, vpcName: String?, vpcID: VPCID?, region: RegionID?) {
        for field in reader.list(map["vswitches"]) { loadVSwitch(field, vpcName: vpcName, vpcID: vpcID) }
        for field in reader.list(map["security_groups"]) { loadSecurityGroup(field, vpcName: vpcName, vpcID: vpcID) }
        for field in reader.list(map["instances"]) { loadInstance(field, vpcName: vpcName, vpcID: vpcID) }
        for field in reader.list(map["vpn_gateways"]) { loadVPNGateway(field, vpcName: vpcName, vpcID: vpcID, region: region) }
        if vpcName == nil { _ = loadVPCRoutes(map, vpcName: nil, vpcID: nil, modelPath: "") }
    }

    private func loadVSwitch(_ field: YAMLField, vpcName: String?, vpcID: VPCID?) {
        guard let map = reader.mapping(field, allowed: ["name", "id", "cidr", "zone"]) else { return }
        let identity = vpcName.flatMap { readIdentity(map, kind: Kind.vSwitch(in: $0)) }
        let cidr = map.required("cidr").flatMap { reader.prefix($0) }
        let zone = map.optional("zone").flatMap { reader.string($0) }
        guard let identity, let vpcID, let cidr else { return }
        let id = VSwitchID(identity.id)
        record("vSwitches[\"\(id)\"]", field)
        record("vSwitches[\"\(id)\"].cidrBlock", map["cidr"])
        topology.add(VSwitch(id: id, name: identity.name, vpc: vpcID, cidrBlock: cidr, zone: zone))
    }

    private static let nextHopKeys = ["vpn_gateway", "router_interface", "instance", "vpc", "havip", "site"]

    private func loadVPCRoutes(_ map: YAMLMapping, vpcName: String?, vpcID: VPCID?, modelPath: String) -> [RouteEntry] {
        var routes: [RouteEntry] = []
        for field in reader.list(map["routes"]) {
            guard let route = reader.mapping(field, allowed: ["destination", "next_hop", "name", "id"]) else { continue }
            let destination = route.required("destination").flatMap { reader.prefix($0) }
            let nextHop = route.required("next_hop").flatMap { loadNextHop($0, owner: vpcID.map { .vpc($0) }) }
            let name = route.optional("name").flatMap { reader.string($0) } ?? ""
            let explicitID = route.optional("id").flatMap { reader.string($0) }
            guard let destination, let nextHop, let vpcID else { continue }
            let index = routes.count
            let idText = explicitID ?? "rte-\(NameTable.slug(vpcID.rawValue))-\(index + 1)"
            record("\(modelPath).routes[\(index)]", field)
            record("\(modelPath).routes[\(index)].destination", route["destination"])
            record("\(modelPath).routes[\(index)].nextHop", route["next_hop"])
            routes.append(RouteEntry(id: RouteEntryID(idText), destination: destination, nextHop: nextHop, name: name))
        }
        return routes
    }

    /// `{vpn_gateway: NAME}`, `{router_interface: NAME}`, `{instance: NAME}`, `{vpc: NAME}` (the router interface
    /// of this router whose opposite end is on that VPC, as the legacy console shows it), `{havip: ID}` or
    /// `{site: NAME}` (VBR only).
    private func loadNextHop(_ field: YAMLField, owner: NetworkReference?) -> RouteNextHop? {
        guard let map = reader.mapping(field, allowed: Self.nextHopKeys) else { return nil }
        guard map.entries.count == 1, let (key, value) = map.entries.first.map({ ($0.key, $0.field) }) else {
            if map.entries.count > 1 {
                reader.report(field, "a next hop names exactly one of \(Self.nextHopKeys.joined(separator: ", ")); found \(map.entries.map(\.key).joined(separator: " and "))")
            } else {
                reader.report(field, "a next hop names exactly one of \(Self.nextHopKeys.joined(separator: ", "))")
            }
            return nil
        }
        switch key {
        case "vpn_gateway": return resolve(value, kind: Kind.vpnGateway).map { .vpnGateway(VPNGatewayID($0)) }
        case "router_interface":
            return resolve(value, kind: Kind.routerInterface).map { .routerInterface(RouterInterfaceID($0)) }
        case "instance": return resolve(value, kind: Kind.instance).map { .instance(InstanceID($0)) }
        case "havip": return reader.string(value).map { .haVip($0) }
        case "site": return resolve(value, kind: Kind.site).map { .site(SiteID($0)) }
        case "vpc":
            guard let target = resolve(value, kind: Kind.vpc) else { return nil }
            guard let owner else { return nil }
            guard let interface = routerInterface(on: owner, towards: .vpc(VPCID(target))) else {
                reader.report(value, "no router interface connects \(displayNames[owner.description] ?? owner.description) to VPC '\(reader.string(value) ?? target)'; declare a pair under router_interfaces")
                return nil
            }
            return .routerInterface(RouterInterfaceID(interface))
        default: return nil
        }
    }

    /// The router interface on `router` whose opposite end sits on `target`, read from the raw file (router
    /// interfaces are loaded after VPCs).
    private var rawInterfaces: [(id: String, router: String, opposite: String?)]?
    private var rootNode: Node?

    func setRoot(_ node: Node) { rootNode = node }

    private func routerInterface(on router: NetworkReference, towards target: NetworkReference) -> String? {
        if rawInterfaces == nil {
            var list: [(String, String, String?)] = []
            for node in rawList(rootNode, "router_interfaces") {
                guard let name = rawName(node), let id = names.lookup(kind: Kind.routerInterface, name: name)?.id,
                    case .mapping(let map) = node, let routerName = map["router"]?.string
                else { continue }
                let routerID =
                    names.lookup(kind: Kind.vpc, name: routerName)?.id ?? names.lookup(kind: Kind.vbr, name: routerName)?.id
                let opposite = map["opposite"]?.string.flatMap { names.lookup(kind: Kind.routerInterface, name: $0)?.id }
                if let routerID { list.append((id, routerID, opposite)) }
            }
            rawInterfaces = list
        }
        let interfaces = rawInterfaces ?? []
        for interface in interfaces where interface.router == router.description {
            if let opposite = interface.opposite, interfaces.contains(where: { $0.id == opposite && $0.router == target.description }) {
                return interface.id
            }
        }
        return nil
    }

    // MARK: Security groups and instances

    private func loadSecurityGroup(_ field: YAMLField, vpcName: String?, vpcID: VPCID?) {
        guard let map = reader.mapping(field, allowed: ["name", "id", "rules"]) else { return }
        let identity = vpcName.flatMap { readIdentity(map, kind: Kind.securityGroup(in: $0)) }
        var rules: [SecurityGroupRule] = []
        let id = identity.map { SecurityGroupID($0.id) }
        if let id {
            record("securityGroups[\"\(id)\"]", field)
        }
        for ruleField in reader.list(map["rules"]) {
            guard
                let rule = reader.mapping(
                    ruleField, allowed: ["direction", "protocol", "ports", "cidr", "policy", "priority", "description"])
            else { continue }
            let direction = choice(rule["direction"], RuleDirection.self) ?? .ingress
            let ipProtocol = rule.required("protocol").flatMap { choice($0, IPProtocol.self) }
            var ports: PortRange?
            if let portsField = rule.optional("ports") {
                if let text = reader.string(portsField) {
                    ports = PortRange(text)
                    if ports == nil {
                        reader.report(portsField, "invalid port range '\(text)'; expected from/to with 1 <= from <= to <= 65535 (such as 22/22), or -1/-1")
                    }
                }
            }
            let cidr = rule.required("cidr").flatMap { reader.prefix($0) }
            let policy = choice(rule["policy"], RulePolicy.self) ?? .accept
            let priority = rule.optional("priority").flatMap { reader.int($0, in: 1...100) } ?? 1
            let description = rule.optional("description").flatMap { reader.string($0) } ?? ""
            guard let ipProtocol, let cidr else { continue }
            if rule.optional("ports") != nil && ports == nil { continue }
            let range = ports ?? ((ipProtocol == .tcp || ipProtocol == .udp) ? PortRange.all : PortRange.any)
            if let id {
                record("securityGroups[\"\(id)\"].rules[\(rules.count)]", ruleField)
                record("securityGroups[\"\(id)\"].rules[\(rules.count)].portRange", rule["ports"])
            }
            rules.append(
                SecurityGroupRule(
                    direction: direction, ipProtocol: ipProtocol, portRange: range, cidr: cidr, policy: policy,
                    priority: priority, description: description))
        }
        guard let identity, let vpcID else { return }
        topology.add(SecurityGroup(id: SecurityGroupID(identity.id), name: identity.name, vpc: vpcID, rules: rules))
    }

    private func loadInstance(_ field: YAMLField, vpcName: String?, vpcID: VPCID?) {
        guard let map = reader.mapping(field, allowed: ["name", "id", "vswitch", "ip", "security_groups"]) else { return }
        let identity = readIdentity(map, kind: Kind.instance)
        let vSwitch = vpcName.flatMap { vpc in map.required("vswitch").flatMap { resolve($0, kind: Kind.vSwitch(in: vpc)) } }
        let ip = map.required("ip").flatMap { reader.address($0) }
        var groups: [SecurityGroupID] = []
        var groupsOK = true
        for groupField in reader.list(map["security_groups"], allowSingle: true) {
            guard let vpcName, let id = resolve(groupField, kind: Kind.securityGroup(in: vpcName)) else {
                groupsOK = false
                continue
            }
            groups.append(SecurityGroupID(id))
        }
        if map["security_groups"] == nil {
            reader.report(field, "missing required key 'security_groups'; an instance belongs to at least one security group")
            groupsOK = false
        }
        guard let identity, let vSwitch, let ip, groupsOK, vpcID != nil else { return }
        let id = InstanceID(identity.id)
        record("instances[\"\(id)\"]", field)
        record("instances[\"\(id)\"].privateIP", map["ip"])
        record("instances[\"\(id)\"].vSwitch", map["vswitch"])
        record("instances[\"\(id)\"].securityGroups", map["security_groups"])
        topology.add(
            Instance(id: id, name: identity.name, vSwitch: VSwitchID(vSwitch), privateIP: ip, securityGroups: groups))
    }

    // MARK: VPN

    private static let gatewayKeys = [
        "name", "id", "public_ip", "bandwidth", "ipsec", "ssl", "vswitch", "status", "connections", "routes",
        "policy_routes",
    ]

    private func loadVPNGateway(_ field: YAMLField, vpcName: String?, vpcID: VPCID?, region: RegionID?) {
        guard let map = reader.mapping(field, allowed: Self.gatewayKeys) else { return }
        let identity = readIdentity(map, kind: Kind.vpnGateway)
        let publicIP = map.required("public_ip").flatMap { reader.address($0) }
        let bandwidth = map.optional("bandwidth").flatMap { reader.int($0, in: 1...10_000, unit: " Mbit/s") } ?? 5
        let ipsec = map.optional("ipsec").flatMap { reader.bool($0) } ?? true
        let ssl = map.optional("ssl").flatMap { reader.bool($0) } ?? false
        let status = choice(map["status"], VPNGatewayStatus.self) ?? .active
        let vSwitch = map.optional("vswitch").flatMap { vsw in vpcName.flatMap { resolve(vsw, kind: Kind.vSwitch(in: $0)) } }
        let gatewayID = identity.map { VPNGatewayID($0.id) }
        for connection in reader.list(map["connections"]) {
            loadConnection(connection, gateway: gatewayID, region: region)
        }
        let path = gatewayID.map { "vpnGateways[\"\($0)\"]" } ?? ""
        var routes: [VPNRoute] = []
        for routeField in reader.list(map["routes"]) {
            guard
                let route = reader.mapping(routeField, allowed: ["destination", "connection", "weight", "publish_to_vpc"])
            else { continue }
            let destination = route.required("destination").flatMap { reader.prefix($0) }
            let connection = route.required("connection").flatMap { resolve($0, kind: Kind.connection) }
            let weight = route.optional("weight").flatMap { reader.int($0, in: 0...100) } ?? 100
            let publish = route.optional("publish_to_vpc").flatMap { reader.bool($0) } ?? false
            guard let destination, let connection else { continue }
            record("\(path).routes[\(routes.count)]", routeField)
            record("\(path).routes[\(routes.count)].weight", route["weight"])
            record("\(path).routes[\(routes.count)].nextHop", route["connection"])
            routes.append(
                VPNRoute(destination: destination, nextHop: VPNConnectionID(connection), weight: weight, publishToVPC: publish))
        }
        var policyRoutes: [VPNPolicyRoute] = []
        for routeField in reader.list(map["policy_routes"]) {
            guard
                let route = reader.mapping(
                    routeField, allowed: ["source", "destination", "connection", "weight", "priority", "publish_to_vpc"])
            else { continue }
            let source = route.required("source").flatMap { reader.prefix($0) }
            let destination = route.required("destination").flatMap { reader.prefix($0) }
            let connection = route.required("connection").flatMap { resolve($0, kind: Kind.connection) }
            let weight = route.optional("weight").flatMap { reader.int($0, in: 0...100) } ?? 100
            let priority = route.optional("priority").flatMap { reader.int($0, in: 1...100) }
            let publish = route.optional("publish_to_vpc").flatMap { reader.bool($0) } ?? false
            guard let source, let destination, let connection else { continue }
            record("\(path).policyRoutes[\(policyRoutes.count)]", routeField)
            policyRoutes.append(
                VPNPolicyRoute(
                    source: source, destination: destination, nextHop: VPNConnectionID(connection), weight: weight,
                    priority: priority, publishToVPC: publish))
        }
        guard let identity, let gatewayID, let vpcID, let publicIP else { return }
        record(path, field)
        record("\(path).publicIP", map["public_ip"])
        record("\(path).bandwidth", map["bandwidth"])
        record("\(path).routes", map["routes"])
        record("\(path).policyRoutes", map["policy_routes"])
        topology.add(
            VPNGateway(
                id: gatewayID, name: identity.name, vpc: vpcID, vSwitch: vSwitch.map { VSwitchID($0) },
                bandwidth: bandwidth, isIPsecEnabled: ipsec, isSSLEnabled: ssl, publicIP: publicIP, status: status,
                routes: routes, policyRoutes: policyRoutes))
    }

    private static let connectionKeys = [
        "name", "id", "customer_gateway", "local_subnets", "remote_subnets", "effect_immediately", "psk", "ike",
        "ipsec",
    ]

    /// Customer gateway name → region of the first VPN gateway that uses it (their default region).
    private var customerGatewayRegionsByName: [String: RegionID] = [:]

    private func loadConnection(_ field: YAMLField, gateway: VPNGatewayID?, region: RegionID?) {
        guard let map = reader.mapping(field, allowed: Self.connectionKeys) else { return }
        let identity = readIdentity(map, kind: Kind.connection)
        let customerGateway = map.required("customer_gateway").flatMap { resolve($0, kind: Kind.customerGateway) }
        let local = map.required("local_subnets").map { reader.prefixes($0) }
        let remote = map.required("remote_subnets").map { reader.prefixes($0) }
        let immediately = map.optional("effect_immediately").flatMap { reader.bool($0) } ?? false
        let psk = map.required("psk").flatMap { reader.string($0) }
        let ike = loadIKEConfig(map.optional("ike"), psk: psk ?? "")
        let ipsec = loadIPsecConfig(map.optional("ipsec"))
        guard let identity, let gateway, let customerGateway, let local, let remote, psk != nil, let ike, let ipsec else {
            return
        }
        let id = VPNConnectionID(identity.id)
        let path = "vpnConnections[\"\(id)\"]"
        record(path, field)
        record("\(path).vpnGateway", field)
        record("\(path).customerGateway", map["customer_gateway"])
        record("\(path).localSubnet", map["local_subnets"])
        record("\(path).remoteSubnet", map["remote_subnets"])
        record("\(path).ikeConfig.preSharedKey", map["psk"])
        record("\(path).ikeConfig", map["ike"])
        record("\(path).ipsecConfig", map["ipsec"])
        topology.add(
            VPNConnection(
                id: id, name: identity.name, vpnGateway: gateway, customerGateway: CustomerGatewayID(customerGateway),
                localSubnet: local, remoteSubnet: remote, effectImmediately: immediately, ikeConfig: ike,
                ipsecConfig: ipsec))
    }

    private func loadIKEConfig(_ field: YAMLField?, psk: String) -> IKEConfig? {
        var config = IKEConfig(preSharedKey: psk)
        guard let field else { return config }
        guard
            let map = reader.mapping(
                field,
                allowed: ["version", "mode", "encryption", "authentication", "dh_group", "lifetime", "local_id", "remote_id"])
        else { return nil }
        var ok = true
        func take<T>(_ value: T?, _ key: String, _ assign: (T) -> Void) {
            guard map[key] != nil else { return }
            if let value { assign(value) } else { ok = false }
        }
        take(choice(map["version"], IKEVersion.self), "version") { config.version = $0 }
        take(choice(map["mode"], IKEMode.self), "mode") { config.mode = $0 }
        take(choice(map["encryption"], EncryptionAlgorithm.self), "encryption") { config.encryptionAlgorithm = $0 }
        take(choice(map["authentication"], AuthenticationAlgorithm.self), "authentication") { config.authenticationAlgorithm = $0 }
        take(choice(map["dh_group"], DHGroup.self), "dh_group") { config.dhGroup = $0 }
        take(map["lifetime"].flatMap { reader.int($0, in: 0...86400, unit: " s") }, "lifetime") { config.lifetime = $0 }
        take(map["local_id"].flatMap { reader.string($0) }, "local_id") { config.localID = $0 }
        take(map["remote_id"].flatMap { reader.string($0) }, "remote_id") { config.remoteID = $0 }
        return ok ? config : nil
    }

    private func loadIPsecConfig(_ field: YAMLField?) -> IPsecConfig? {
        var config = IPsecConfig()
        guard let field else { return config }
        guard let map = reader.mapping(field, allowed: ["encryption", "authentication", "pfs", "lifetime"]) else {
            return nil
        }
        var ok = true
        func take<T>(_ value: T?, _ key: String, _ assign: (T) -> Void) {
            guard map[key] != nil else { return }
            if let value { assign(value) } else { ok = false }
        }
        take(choice(map["encryption"], EncryptionAlgorithm.self), "encryption") { config.encryptionAlgorithm = $0 }
        take(choice(map["authentication"], AuthenticationAlgorithm.self), "authentication") { config.authenticationAlgorithm = $0 }
        take(choice(map["pfs"], DHGroup.self), "pfs") { config.pfs = $0 }
        take(map["lifetime"].flatMap { reader.int($0, in: 0...86400, unit: " s") }, "lifetime") { config.lifetime = $0 }
        return ok ? config : nil
    }

    private func loadCustomerGateway(_ field: YAMLField) {
        guard let map = reader.mapping(field, allowed: ["name", "id", "ip", "region"]) else { return }
        let identity = readIdentity(map, kind: Kind.customerGateway)
        let ip = map.required("ip").flatMap { reader.address($0) }
        let explicitRegion = map.optional("region").flatMap { readRegion($0) }
        guard let identity, let ip else { return }
        guard let region = explicitRegion ?? customerGatewayRegionsByName[identity.name] else {
            if map.optional("region") == nil {
                reader.report(field, "missing 'region': no IPsec connection uses customer gateway '\(identity.name)', so its region cannot be taken from one")
            }
            return
        }
        let id = CustomerGatewayID(identity.id)
        record("customerGateways[\"\(id)\"]", field)
        record("customerGateways[\"\(id)\"].ipAddress", map["ip"])
        record("customerGateways[\"\(id)\"].region", map["region"])
        topology.add(CustomerGateway(id: id, name: identity.name, region: region, ipAddress: ip))
    }

    // MARK: Sites

    private static let siteKeys = [
        "name", "id", "kind", "region", "cidrs", "gateway_ip", "standby_gateway_ips", "routes", "ipsec",
    ]

    private func loadSite(_ field: YAMLField) {
        guard let map = reader.mapping(field, allowed: Self.siteKeys) else { return }
        let identity = readIdentity(map, kind: Kind.site)
        let kind = choice(map["kind"], SiteKind.self) ?? .office
        let region = map.optional("region").flatMap { readRegion($0) }
        let cidrs = map.required("cidrs").map { reader.prefixes($0) }
        let gatewayIP = map.required("gateway_ip").flatMap { reader.address($0) }
        let standby = reader.list(map["standby_gateway_ips"], allowSingle: true).compactMap { reader.address($0) }
        let siteID = identity.map { SiteID($0.id) }
        let path = siteID.map { "sites[\"\($0)\"]" } ?? ""
        var routes: [SiteStaticRoute] = []
        for routeField in reader.list(map["routes"]) {
            guard let route = reader.mapping(routeField, allowed: ["destination", "next_hop"]) else { continue }
            let destination = route.required("destination").flatMap { reader.prefix($0) }
            let nextHop = route.required("next_hop").flatMap { publicAddress($0) }
            guard let destination, let nextHop else { continue }
            record("\(path).staticRoutes[\(routes.count)]", routeField)
            record("\(path).staticRoutes[\(routes.count)].destination", route["destination"])
            routes.append(SiteStaticRoute(destination: destination, nextHop: nextHop))
        }
        var configs: [SiteIPsecConfiguration] = []
        for configField in reader.list(map["ipsec"]) {
            guard let config = loadSiteIPsec(configField) else { continue }
            let cp = "\(path).ipsecConfigurations[\(configs.count)]"
            record(cp, configField)
            configs.append(config)
        }
        guard let identity, let siteID, let cidrs, let gatewayIP else { return }
        record(path, field)
        record("\(path).cidrs", map["cidrs"])
        for (i, element) in reader.list(map["cidrs"], allowSingle: true).enumerated() { record("\(path).cidrs[\(i)]", element) }
        record("\(path).gatewayIP", map["gateway_ip"])
        record("\(path).staticRoutes", map["routes"])
        topology.add(
            Site(
                id: siteID, name: identity.name, kind: kind, region: region, cidrs: cidrs, gatewayIP: gatewayIP,
                standbyGatewayIPs: standby, staticRoutes: routes, ipsecConfigurations: configs))
    }

    /// An IPv4 address, or the name of a VPN gateway standing for its public IP.
    private func publicAddress(_ field: YAMLField) -> IPv4Address? {
        guard let text = reader.string(field) else { return nil }
        if let address = IPv4Address(text) { return address }
        if names.lookup(kind: Kind.vpnGateway, name: text) != nil {
            return gatewayPublicIP(named: text, field: field)
        }
        if text.first?.isNumber == true { return reader.address(field) }
        let known = names.names(of: Kind.vpnGateway)
        reader.report(field, "'\(text)' is neither an IPv4 address nor a VPN gateway; declared VPN gateways: \(known.map { "'\($0)'" }.joined(separator: ", "))")
        return nil
    }

    private func gatewayPublicIP(named name: String, field: YAMLField) -> IPv4Address? {
        guard let declaration = names.lookup(kind: Kind.vpnGateway, name: name),
            case .mapping(let map) = declaration.field.node, let text = map["public_ip"]?.string,
            let address = IPv4Address(text)
        else {
            reader.report(field, "VPN gateway '\(name)' has no valid public_ip to route to")
            return nil
        }
        return address
    }

    private static let siteIPsecKeys = [
        "peer", "local_ip", "psk", "ike_version", "ike_proposals", "ipsec_proposals", "local_subnets", "remote_subnets",
        "policy_based",
    ]

    private func loadSiteIPsec(_ field: YAMLField) -> SiteIPsecConfiguration? {
        guard let map = reader.mapping(field, allowed: Self.siteIPsecKeys) else { return nil }
        let peer = map.required("peer").flatMap { publicAddress($0) }
        let localIP = map.optional("local_ip").flatMap { reader.address($0) }
        let psk = map.required("psk").flatMap { reader.string($0) }
        let version = choice(map["ike_version"], IKEVersion.self) ?? .ikev1
        let ikeProposals = map["ike_proposals"].map { proposals($0, parse: ikeProposal) } ?? [IKEProposal()]
        let ipsecProposals = map["ipsec_proposals"].map { proposals($0, parse: ipsecProposal) } ?? [IPsecProposal()]
        let local = map.required("local_subnets").map { reader.prefixes($0) }
        let remote = map.required("remote_subnets").map { reader.prefixes($0) }
        let policyBased = map.optional("policy_based").flatMap { reader.bool($0) } ?? false
        guard let peer, let psk, let ikeProposals, let ipsecProposals, let local, let remote else { return nil }
        return SiteIPsecConfiguration(
            peerIP: peer, localIP: localIP, preSharedKey: psk, ikeVersion: version, ikeProposals: ikeProposals,
            ipsecProposals: ipsecProposals, localSubnet: local, remoteSubnet: remote, isPolicyBased: policyBased)
    }

    private func proposals<T>(_ field: YAMLField, parse: (YAMLField) -> T?) -> [T]? {
        var result: [T] = []
        var ok = true
        for element in reader.list(field, allowSingle: true) {
            if let value = parse(element) { result.append(value) } else { ok = false }
        }
        return ok ? result : nil
    }

    /// `aes-md5-group2`: encryption, integrity, DH group.
    private func ikeProposal(_ field: YAMLField) -> IKEProposal? {
        guard let parts = proposalParts(field) else { return nil }
        return IKEProposal(encryptionAlgorithm: parts.0, authenticationAlgorithm: parts.1, dhGroup: parts.2)
    }

    /// `aes-md5-group2`: encryption, integrity, PFS group (`disabled` allowed).
    private func ipsecProposal(_ field: YAMLField) -> IPsecProposal? {
        guard let parts = proposalParts(field) else { return nil }
        return IPsecProposal(encryptionAlgorithm: parts.0, authenticationAlgorithm: parts.1, pfs: parts.2)
    }

    private func proposalParts(_ field: YAMLField) -> (EncryptionAlgorithm, AuthenticationAlgorithm, DHGroup)? {
        guard let text = reader.string(field) else { return nil }
        let parts = text.split(separator: "-").map(String.init)
        guard parts.count == 3, let encryption = EncryptionAlgorithm(rawValue: parts[0]),
            let authentication = AuthenticationAlgorithm(rawValue: parts[1]), let group = DHGroup(rawValue: parts[2])
        else {
            reader.report(field, "invalid proposal '\(text)'; expected ENCRYPTION-INTEGRITY-GROUP such as 'aes-sha1-group2' with encryption in \(EncryptionAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")), integrity in \(AuthenticationAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")), group in \(DHGroup.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return (encryption, authentication, group)
    }

    // MARK: Express Connect and VBRs

    private func network(_ field: YAMLField) -> NetworkReference? {
        guard let name = reader.name(field) else { return nil }
        if let vpc = names.lookup(kind: Kind.vpc, name: name) { return .vpc(VPCID(vpc.id)) }
        if let vbr = names.lookup(kind: Kind.vbr, name: name) { return .vbr(VBRID(vbr.id)) }
        let known = names.names(of: Kind.vpc) + names.names(of: Kind.vbr)
        let hint = YAMLReader.closest(to: name, in: known).map { " (did you mean '\($0)'?)" } ?? ""
        reader.report(field, "unknown VPC or VBR '\(name)'\(hint); declared: \(known.map { "'\($0)'" }.joined(separator: ", "))")
        return nil
    }

    private func loadRouterInterface(_ field: YAMLField) {
        guard
            let map = reader.mapping(field, allowed: ["name", "id", "router", "role", "opposite", "spec", "status"])
        else { return }
        let identity = readIdentity(map, kind: Kind.routerInterface)
        let router = map.required("router").flatMap { network($0) }
        let role =
            map.optional("role").flatMap {
                reader.choice($0, [
                    ("initiating", RouterInterfaceRole.initiatingSide), ("accepting", .acceptingSide),
                    ("InitiatingSide", .initiatingSide), ("AcceptingSide", .acceptingSide),
                ])
            } ?? .initiatingSide
        let opposite = map.optional("opposite").flatMap { resolve($0, kind: Kind.routerInterface) }
        let spec = map.optional("spec").flatMap { reader.string($0) }
        let status = choice(map["status"], RouterInterfaceStatus.self) ?? .active
        guard let identity, let router else { return }
        let id = RouterInterfaceID(identity.id)
        record("routerInterfaces[\"\(id)\"]", field)
        record("routerInterfaces[\"\(id)\"].role", map["role"])
        record("routerInterfaces[\"\(id)\"].oppositeInterface", map["opposite"])
        topology.add(
            RouterInterface(
                id: id, name: identity.name, router: router, role: role, spec: spec,
                oppositeInterface: opposite.map { RouterInterfaceID($0) }, status: status))
    }

    private func loadVBR(_ field: YAMLField) {
        guard
            let map = reader.mapping(
                field, allowed: ["name", "id", "region", "site", "local_gateway_ip", "peer_gateway_ip", "routes"])
        else { return }
        let identity = readIdentity(map, kind: Kind.vbr)
        let region = map.required("region").flatMap { readRegion($0) }
        let site = map.optional("site").flatMap { resolve($0, kind: Kind.site) }
        let local = map.optional("local_gateway_ip").flatMap { reader.address($0) }
        let peer = map.optional("peer_gateway_ip").flatMap { reader.address($0) }
        let vbrID = identity.map { VBRID($0.id) }
        let path = vbrID.map { "vbrs[\"\($0)\"]" } ?? ""
        var routes: [RouteEntry] = []
        for routeField in reader.list(map["routes"]) {
            guard let route = reader.mapping(routeField, allowed: ["destination", "next_hop", "name", "id"]) else { continue }
            let destination = route.required("destination").flatMap { reader.prefix($0) }
            let nextHop = route.required("next_hop").flatMap { loadNextHop($0, owner: vbrID.map { .vbr($0) }) }
            let name = route.optional("name").flatMap { reader.string($0) } ?? ""
            let explicitID = route.optional("id").flatMap { reader.string($0) }
            guard let destination, let nextHop, let vbrID else { continue }
            let index = routes.count
            record("\(path).routes[\(index)]", routeField)
            routes.append(
                RouteEntry(
                    id: RouteEntryID(explicitID ?? "rte-\(NameTable.slug(vbrID.rawValue))-\(index + 1)"),
                    destination: destination, nextHop: nextHop, name: name))
        }
        guard let identity, let vbrID, let region else { return }
        record(path, field)
        topology.add(
            VirtualBorderRouter(
                id: vbrID, name: identity.name, region: region, site: site.map { SiteID($0) }, localGatewayIP: local,
                peerGatewayIP: peer, routes: routes))
    }

    // MARK: CEN

    private func loadBandwidthPackage(_ field: YAMLField) {
        guard let map = reader.mapping(field, allowed: ["name", "id", "bandwidth", "areas", "cen"]) else { return }
        let identity = readIdentity(map, kind: Kind.bandwidthPackage)
        let bandwidth = map.required("bandwidth").flatMap { reader.int($0, in: 2...10_000, unit: " Mbit/s") }
        let areaFields = map.required("areas").map { reader.list($0) } ?? []
        let areas = areaFields.compactMap { choice($0, GeographicArea.self) }
        if let areasField = map["areas"], areaFields.count != 2 || areas.count != areaFields.count {
            if areaFields.count != 2 {
                reader.report(areasField, "expected two geographic areas (the same one twice for traffic inside one area), found \(areaFields.count)")
            }
        }
        let cen = map.optional("cen").flatMap { resolve($0, kind: Kind.cen) }
        guard let identity, let bandwidth, areas.count == 2, areaFields.count == 2 else { return }
        let id = CENBandwidthPackageID(identity.id)
        record("cenBandwidthPackages[\"\(id)\"]", field)
        record("cenBandwidthPackages[\"\(id)\"].bandwidth", map["bandwidth"])
        topology.add(
            CENBandwidthPackage(
                id: id, name: identity.name, bandwidth: bandwidth, geographicRegionA: areas[0],
                geographicRegionB: areas[1], cen: cen.map { CENID($0) }))
    }

    private func loadCEN(_ field: YAMLField) {
        guard let map = reader.mapping(field, allowed: ["name", "id", "attach", "publish", "withdraw", "bandwidth"]) else {
            return
        }
        let identity = readIdentity(map, kind: Kind.cen)
        let id = identity.map { CENID($0.id) }
        let path = id.map { "cens[\"\($0)\"]" } ?? ""
        var attachments: [NetworkReference] = []
        for element in reader.list(map["attach"], allowSingle: true) {
            guard let network = network(element) else { continue }
            record("\(path).attachments[\(attachments.count)]", element)
            attachments.append(network)
        }
        func routeReferences(_ key: String, _ modelKey: String) -> [CENRouteReference] {
            var result: [CENRouteReference] = []
            for element in reader.list(map[key]) {
                guard let route = reader.mapping(element, allowed: ["network", "destination"]) else { continue }
                let network = route.required("network").flatMap { self.network($0) }
                let destination = route.required("destination").flatMap { reader.prefix($0) }
                guard let network, let destination else { continue }
                record("\(path).\(modelKey)[\(result.count)]", element)
                record("\(path).\(modelKey)[\(result.count)].network", route["network"])
                record("\(path).\(modelKey)[\(result.count)].destination", route["destination"])
                result.append(CENRouteReference(network: network, destination: destination))
            }
            return result
        }
        let published = routeReferences("publish", "publishedRoutes")
        let withdrawn = routeReferences("withdraw", "withdrawnRoutes")
        var limits: [InterRegionBandwidth] = []
        for element in reader.list(map["bandwidth"]) {
            guard let limit = reader.mapping(element, allowed: ["regions", "bandwidth"]) else { continue }
            let regionFields = limit.required("regions").map { reader.list($0) } ?? []
            let regions = regionFields.compactMap { readRegion($0) }
            if let regionsField = limit["regions"], regionFields.count != 2 {
                reader.report(regionsField, "expected two regions, found \(regionFields.count)")
            }
            let bandwidth = limit.required("bandwidth").flatMap { reader.int($0, in: 0...10_000, unit: " Mbit/s") }
            guard regions.count == 2, regionFields.count == 2, let bandwidth else { continue }
            record("\(path).interRegionBandwidths[\(limits.count)]", element)
            record("\(path).interRegionBandwidths[\(limits.count)].bandwidth", limit["bandwidth"])
            limits.append(InterRegionBandwidth(localRegion: regions[0], oppositeRegion: regions[1], bandwidth: bandwidth))
        }
        guard let identity, let id else { return }
        record(path, field)
        topology.add(
            CENInstance(
                id: id, name: identity.name, attachments: attachments, publishedRoutes: published,
                withdrawnRoutes: withdrawn, interRegionBandwidths: limits))
    }
}
