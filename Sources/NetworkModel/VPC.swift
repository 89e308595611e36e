public import IPAddressing

/// A virtual private cloud: one vRouter and one system route table in one region.
public struct VPC: Sendable, Hashable, Codable {
    public var id: VPCID
    public var name: String
    public var region: RegionID
    /// The VPC's CIDR block (legacy: /8–/24 inside the RFC 1918 ranges).
    public var cidrBlock: IPv4Prefix
    /// The system route table (`vtb-…`).
    public var routeTableID: RouteTableID
    /// Custom route entries of the system table, in creation order. System routes (one per vSwitch) are not
    /// listed: the route engine derives them from the vSwitches.
    public var routes: [RouteEntry]

    public init(
        id: VPCID, name: String = "", region: RegionID, cidrBlock: IPv4Prefix, routeTableID: RouteTableID? = nil,
        routes: [RouteEntry] = []
    ) {
        self.id = id
        self.name = name
        self.region = region
        self.cidrBlock = cidrBlock
        self.routeTableID = routeTableID ?? RouteTableID("vtb-" + id.rawValue.dropFirst(VPCID.prefix.count))
        self.routes = routes
    }
}

/// A vSwitch: a subnet of a VPC in one zone.
public struct VSwitch: Sendable, Hashable, Codable {
    public var id: VSwitchID
    public var name: String
    public var vpc: VPCID
    /// The vSwitch CIDR block (/16–/29, inside the VPC's block).
    public var cidrBlock: IPv4Prefix
    public var zone: String?

    public init(id: VSwitchID, name: String = "", vpc: VPCID, cidrBlock: IPv4Prefix, zone: String? = nil) {
        self.id = id
        self.name = name
        self.vpc = vpc
        self.cidrBlock = cidrBlock
        self.zone = zone
    }
}

/// A custom route entry of a VPC's or a VBR's route table.
public struct RouteEntry: Sendable, Hashable, Codable {
    public var id: RouteEntryID
    public var destination: IPv4Prefix
    public var nextHop: RouteNextHop
    public var name: String

    public init(id: RouteEntryID, destination: IPv4Prefix, nextHop: RouteNextHop, name: String = "") {
        self.id = id
        self.destination = destination
        self.nextHop = nextHop
        self.name = name
    }
}

/// The next hop of a custom route (`NextHopType` + `NextHopId` in the cloud's API).
///
/// Encoded as `{"type": "VpnGateway", "id": "vpn-…"}` with the cloud's `NextHopType` names; `Site` is Meridian's
/// name for a VBR's route to the data centre at the other end of its physical connection.
public enum RouteNextHop: Sendable, Hashable, Codable, CustomStringConvertible {
    case instance(InstanceID)
    case vpnGateway(VPNGatewayID)
    case routerInterface(RouterInterfaceID)
    case haVip(String)
    /// VBR only: the IDC reached over the physical connection.
    case site(SiteID)

    /// The cloud's `NextHopType`.
    public var typeName: String {
        switch self {
        case .instance: "Instance"
        case .vpnGateway: "VpnGateway"
        case .routerInterface: "RouterInterface"
        case .haVip: "HaVip"
        case .site: "Site"
        }
    }

    /// The next hop's identifier.
    public var idText: String {
        switch self {
        case .instance(let id): id.rawValue
        case .vpnGateway(let id): id.rawValue
        case .routerInterface(let id): id.rawValue
        case .haVip(let id): id
        case .site(let id): id.rawValue
        }
    }

    public var description: String { "\(typeName) \(idText)" }

    /// The allowed `type` values.
    public static let typeNames = ["Instance", "VpnGateway", "RouterInterface", "HaVip", "Site"]

    /// Builds a next hop from the cloud's `NextHopType` and `NextHopId`; `nil` for an unknown type.
    public init?(type: String, id: String) {
        switch type {
        case "Instance": self = .instance(InstanceID(id))
        case "VpnGateway": self = .vpnGateway(VPNGatewayID(id))
        case "RouterInterface": self = .routerInterface(RouterInterfaceID(id))
        case "HaVip": self = .haVip(id)
        case "Site": self = .site(SiteID(id))
        default: return nil
        }
    }

    private enum CodingKeys: String, CodingKey { case type, id }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        let id = try container.decode(String.self, forKey: .id)
        guard let value = RouteNextHop(type: type, id: id) else {
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "unknown next hop type '\(type)'; allowed: \(RouteNextHop.typeNames.joined(separator: ", "))"
            )
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(typeName, forKey: .type)
        try container.encode(idText, forKey: .id)
    }
}
