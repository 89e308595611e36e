public import IPAddressing

/// The role of a router interface in its pair.
public enum RouterInterfaceRole: String, Sendable, Hashable, Codable, CaseIterable {
    case initiatingSide = "InitiatingSide"
    case acceptingSide = "AcceptingSide"
}

/// Router interface status (reference §6). Traffic flows only while both ends are `Active`.
public enum RouterInterfaceStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case idle = "Idle"
    case acceptingConnecting = "AcceptingConnecting"
    case connecting = "Connecting"
    case activating = "Activating"
    case active = "Active"
    case modifying = "Modifying"
    case deactivating = "Deactivating"
    case inactive = "Inactive"
    case deleting = "Deleting"
    case deleted = "Deleted"
}

/// One end of an Express Connect router interface pair.
public struct RouterInterface: Sendable, Hashable, Codable {
    public var id: RouterInterfaceID
    public var name: String
    /// The VPC (its vRouter) or VBR the interface sits on.
    public var router: NetworkReference
    public var role: RouterInterfaceRole
    /// `Small.1` … for the initiator, `Negative` for the acceptor.
    public var spec: String
    public var oppositeInterface: RouterInterfaceID?
    public var status: RouterInterfaceStatus

    public init(
        id: RouterInterfaceID, name: String = "", router: NetworkReference, role: RouterInterfaceRole,
        spec: String? = nil, oppositeInterface: RouterInterfaceID?, status: RouterInterfaceStatus = .active
    ) {
        self.id = id
        self.name = name
        self.router = router
        self.role = role
        self.spec = spec ?? (role == .initiatingSide ? "Small.1" : "Negative")
        self.oppositeInterface = oppositeInterface
        self.status = status
    }
}

/// A virtual border router: the cloud end of a physical connection to a data centre.
public struct VirtualBorderRouter: Sendable, Hashable, Codable {
    public var id: VBRID
    public var name: String
    public var region: RegionID
    public var routeTableID: RouteTableID
    /// The data centre at the other end of the physical connection.
    public var site: SiteID?
    /// The VBR's address on the peering subnet; a site's static route to it sends traffic to the VBR.
    public var localGatewayIP: IPv4Address?
    public var peerGatewayIP: IPv4Address?
    /// The VBR's route entries: to the IDC (`Site` next hop) or to router interfaces.
    public var routes: [RouteEntry]

    public init(
        id: VBRID, name: String = "", region: RegionID, routeTableID: RouteTableID? = nil, site: SiteID? = nil,
        localGatewayIP: IPv4Address? = nil, peerGatewayIP: IPv4Address? = nil, routes: [RouteEntry] = []
    ) {
        self.id = id
        self.name = name
        self.region = region
        self.routeTableID = routeTableID ?? RouteTableID("vtb-vbr-" + id.rawValue.dropFirst(VBRID.prefix.count))
        self.site = site
        self.localGatewayIP = localGatewayIP
        self.peerGatewayIP = peerGatewayIP
        self.routes = routes
    }
}
