import IPAddressing
import NetworkModel
import Reachability
import RouteEngine
import TopologyFile

/// A loaded topology file with its route engine and analyzer, and the names to show for identifiers.
struct Analysis {
    let document: TopologyDocument
    let engine: RouteEngine
    let analyzer: ReachabilityAnalyzer

    /// Loads and validates a file; every problem becomes one line of the error.
    init(file: String) throws {
        do {
            document = try TopologyFile.load(path: file)
        } catch {
            let count = error.diagnostics.count
            throw CLIError(
                "\(file) has \(count) problem\(count == 1 ? "" : "s"):\n"
                    + error.diagnostics.map { "  \($0)" }.joined(separator: "\n"))
        }
        engine = RouteEngine(document.topology)
        analyzer = ReachabilityAnalyzer(engine)
    }

    // MARK: Names

    func name(_ node: NodeID) -> String {
        document.name(of: node.description)
    }

    func name(_ id: String) -> String {
        document.name(of: id)
    }

    /// Node kinds, next hops and links as a person reads them (shared with the API's `TestConnectivity`).
    var names: HopNames { HopNames(topology: document.topology, engine: engine, name: document.name(of:)) }

    func kind(_ node: NodeID) -> String { names.kind(node) }

    func describe(_ hop: NextHop) -> String { names.describe(hop) }

    // MARK: Routers

    /// Every router with a table, in a stable order: VPCs, VBRs, VPN gateways, CENs, sites.
    var routers: [NodeID] {
        let t = document.topology
        return t.vpcs.keys.sorted().map { .vpc($0) } + t.vbrs.keys.sorted().map { .vbr($0) }
            + t.vpnGateways.keys.sorted().map { .vpnGateway($0) } + t.cens.keys.sorted().map { .cen($0) }
            + t.sites.keys.sorted().map { .site($0) }
    }

    /// A router by its name or identifier.
    func router(named text: String) throws -> NodeID {
        let matches = routers.filter { name($0) == text || $0.description == text }
        if let match = matches.first { return match }
        let known = routers.map { "'\(name($0))'" }.joined(separator: ", ")
        throw CLIError("unknown router '\(text)'; routers in \(document.file): \(known)")
    }

    // MARK: Endpoints

    /// An endpoint by instance or site name, identifier, or an IPv4 address inside an instance or a site.
    func endpoint(_ text: String, role: String) throws -> Endpoint {
        if let instance = document.instance(named: text) {
            return Endpoint(node: .instance(instance.id), address: instance.privateIP, name: instance.name)
        }
        if let site = document.site(named: text) {
            guard let address = site.representativeAddress else {
                throw CLIError("\(role) '\(text)': site has no CIDR block to pick an address from")
            }
            return Endpoint(node: .site(site.id), address: address, name: site.name)
        }
        if let address = IPv4Address(text) {
            if let node = analyzer.endpointNode(for: address) {
                return Endpoint(node: node, address: address, name: name(node))
            }
            // A destination inside a vSwitch that no instance holds can still be traced (to show what happens).
            if role == "destination",
                let vSwitch = document.topology.vSwitches.values.sorted(by: { $0.id < $1.id })
                    .first(where: { $0.cidrBlock.contains(address) })
            {
                return Endpoint(node: .vpc(vSwitch.vpc), address: address, name: "no instance in \(name(vSwitch.vpc.rawValue))")
            }
            guard let node = analyzer.endpointNode(for: address) else {
                throw CLIError(
                    "\(role) \(address) is neither an instance's private IP nor inside a site's CIDR block\(role == "destination" ? " or a vSwitch" : "") in \(document.file)")
            }
            return Endpoint(node: node, address: address, name: name(node))
        }
        let known = analyzer.endpoints().map { "'\($0.name)'" }.joined(separator: ", ")
        throw CLIError("unknown \(role) '\(text)': expected an instance or site name or an IPv4 address; endpoints in \(document.file): \(known)")
    }
}
