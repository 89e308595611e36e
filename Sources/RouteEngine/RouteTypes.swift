public import IPAddressing
public import NetworkModel

/// Anything a packet can be at: a router (VPC vRouter, VBR, VPN gateway, CEN, a site's gateway device) or an
/// instance.
public enum NodeID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    case vpc(VPCID)
    case vbr(VBRID)
    case vpnGateway(VPNGatewayID)
    case site(SiteID)
    case cen(CENID)
    case instance(InstanceID)

    /// The router of a network.
    public init(_ network: NetworkReference) {
        switch network {
        case .vpc(let id): self = .vpc(id)
        case .vbr(let id): self = .vbr(id)
        }
    }

    public var description: String {
        switch self {
        case .vpc(let id): id.rawValue
        case .vbr(let id): id.rawValue
        case .vpnGateway(let id): id.rawValue
        case .site(let id): id.rawValue
        case .cen(let id): id.rawValue
        case .instance(let id): id.rawValue
        }
    }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.description < rhs.description }
}

/// The kind of a route entry.
public enum RouteEntryType: String, Sendable, Hashable, Codable, CaseIterable {
    /// A vSwitch route or the cloud-service route of a VPC (`Type=System`).
    case system = "System"
    /// A custom route, or a route a VPN gateway publishes to its VPC (`Type=Custom`, decision 4).
    case custom = "Custom"
    /// A route learned from CEN (`Type=CEN`).
    case cen = "CEN"
    /// A destination-based VPN gateway route.
    case vpnDestination = "DestinationBased"
    /// A policy-based VPN gateway route.
    case vpnPolicy = "PolicyBased"
    /// VPN-Hub: a gateway without explicit routes forwards by its connections' remote networks.
    case vpnHub = "Hub"
    /// A site's own network.
    case connected = "Connected"
    /// A site device's static route.
    case staticRoute = "Static"
    /// A site device's route into a tunnel, from the remote network of a loaded IPsec configuration.
    case ipsecSelector = "IPsecSelector"
}

/// Whether an entry is used.
public enum RouteStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Used for forwarding.
    case active = "Active"
    /// Valid but another entry for the same destination wins (standby, later-published duplicate).
    case candidate = "Candidate"
    /// Not used: it conflicts with a rule (a vSwitch block, an own route, a duplicate).
    case rejected = "Rejected"
}

/// Where an entry sends traffic.
public enum NextHop: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Delivered inside the VPC on a vSwitch (`NextHopType=local`).
    case local(VSwitchID)
    /// Cloud services (`100.64.0.0/10`, `NextHopType=service`).
    case service
    case instance(InstanceID)
    case vpnGateway(VPNGatewayID)
    case routerInterface(RouterInterfaceID)
    case haVip(String)
    /// Learned from CEN: the advertising VPC or VBR and its region.
    case network(NetworkReference, region: RegionID)
    /// A VPN gateway route's IPsec connection.
    case vpnConnection(VPNConnectionID)
    /// A VBR's data centre.
    case site(SiteID)
    /// A site's own LAN.
    case connected
    /// A site's static route gateway address.
    case ipAddress(IPv4Address)
    /// A site's tunnel to the VPN gateway with this public IP.
    case ipsecTunnel(peer: IPv4Address)

    /// The cloud's `NextHopType` (or Meridian's name for site devices).
    public var typeName: String {
        switch self {
        case .local: "local"
        case .service: "service"
        case .instance: "Instance"
        case .vpnGateway: "VpnGateway"
        case .routerInterface: "RouterInterface"
        case .haVip: "HaVip"
        case .network(let network, _): network.childInstanceType
        case .vpnConnection: "IPsecConnection"
        case .site: "Site"
        case .connected: "Connected"
        case .ipAddress: "IP"
        case .ipsecTunnel: "Tunnel"
        }
    }

    /// The next hop's identifier (empty for `local`'s table view is the vSwitch id).
    public var idText: String {
        switch self {
        case .local(let id): id.rawValue
        case .service: ""
        case .instance(let id): id.rawValue
        case .vpnGateway(let id): id.rawValue
        case .routerInterface(let id): id.rawValue
        case .haVip(let id): id
        case .network(let network, _): network.description
        case .vpnConnection(let id): id.rawValue
        case .site(let id): id.rawValue
        case .connected: ""
        case .ipAddress(let address): address.description
        case .ipsecTunnel(let peer): peer.description
        }
    }

    public var description: String {
        switch self {
        case .network(let network, let region): "\(network.childInstanceType) \(network) (\(region))"
        case .service: "service"
        case .connected: "connected"
        default: "\(typeName) \(idText)"
        }
    }

    init(_ hop: RouteNextHop) {
        switch hop {
        case .instance(let id): self = .instance(id)
        case .vpnGateway(let id): self = .vpnGateway(id)
        case .routerInterface(let id): self = .routerInterface(id)
        case .haVip(let id): self = .haVip(id)
        case .site(let id): self = .site(id)
        }
    }
}

/// Where an entry comes from.
public enum RouteOrigin: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The system route of a vSwitch.
    case vSwitch(VSwitchID)
    /// The cloud-service system route.
    case cloudService
    /// A custom route entry.
    case routeEntry(RouteEntryID)
    /// A route a VPN gateway publishes to its VPC.
    case vpnGatewayPublished(VPNGatewayID)
    /// Learned from a CEN, advertised by a network in a region.
    case cen(CENID, from: NetworkReference, region: RegionID)
    /// A route of a VPN gateway's own tables (index in `routes` or `policyRoutes`).
    case vpnGatewayRoute(index: Int)
    /// VPN-Hub: an IPsec connection's remote network.
    case vpnHub(VPNConnectionID)
    /// A site's CIDR block.
    case siteNetwork
    /// A site's static route (index in `staticRoutes`).
    case siteStaticRoute(index: Int)
    /// A loaded IPsec configuration's remote network.
    case siteIPsecConfiguration(peer: IPv4Address)

    public var description: String {
        switch self {
        case .vSwitch(let id): "vSwitch \(id)"
        case .cloudService: "cloud services"
        case .routeEntry(let id): "route entry \(id)"
        case .vpnGatewayPublished(let id): "published by VPN gateway \(id)"
        case .cen(let cen, let from, let region): "learned from \(from) in \(region) via \(cen)"
        case .vpnGatewayRoute(let index): "gateway route #\(index)"
        case .vpnHub(let id): "remote network of \(id) (VPN-Hub)"
        case .siteNetwork: "site network"
        case .siteStaticRoute(let index): "static route #\(index)"
        case .siteIPsecConfiguration(let peer): "IPsec configuration for \(peer)"
        }
    }
}

/// One entry of an effective route table, with the reason for its status.
public struct RouteTableEntry: Sendable, Hashable, Codable, CustomStringConvertible {
    public var destination: IPv4Prefix
    /// Policy-based VPN routes only.
    public var source: IPv4Prefix?
    public var type: RouteEntryType
    public var nextHop: NextHop
    public var origin: RouteOrigin
    public var status: RouteStatus
    /// Why the entry has its status, in one sentence.
    public var reason: String
    public var weight: Int?
    public var priority: Int?
    /// The same destination is advertised by more than one network (CEN `Conflicts[].Status=conflict`).
    public var isConflict: Bool
    /// The custom route entry this comes from.
    public var routeEntryID: RouteEntryID?

    public init(
        destination: IPv4Prefix, source: IPv4Prefix? = nil, type: RouteEntryType, nextHop: NextHop, origin: RouteOrigin,
        status: RouteStatus = .active, reason: String = "", weight: Int? = nil, priority: Int? = nil,
        isConflict: Bool = false, routeEntryID: RouteEntryID? = nil
    ) {
        self.destination = destination
        self.source = source
        self.type = type
        self.nextHop = nextHop
        self.origin = origin
        self.status = status
        self.reason = reason
        self.weight = weight
        self.priority = priority
        self.isConflict = isConflict
        self.routeEntryID = routeEntryID
    }

    public var description: String {
        var text = source.map { "\($0) → \(destination)" } ?? destination.description
        text += " \(type.rawValue) → \(nextHop) [\(status.rawValue)"
        if isConflict { text += ", conflict" }
        if let weight { text += ", weight \(weight)" }
        return text + "]"
    }
}

/// The effective table of one router.
public struct RouteTable: Sendable, Hashable, Codable {
    public var node: NodeID
    /// The cloud's table id for VPCs and VBRs.
    public var routeTableID: RouteTableID?
    /// Sorted by destination (then source, then status).
    public var entries: [RouteTableEntry]

    public init(node: NodeID, routeTableID: RouteTableID? = nil, entries: [RouteTableEntry]) {
        self.node = node
        self.routeTableID = routeTableID
        self.entries = entries
    }

    /// The entries with a given status.
    public func entries(_ status: RouteStatus) -> [RouteTableEntry] { entries.filter { $0.status == status } }
}

/// The negotiated state of an IPsec connection, without real packets (DESIGN §4).
public enum TunnelState: String, Sendable, Hashable, Codable {
    /// Phase 2 is up: the tunnel carries traffic (`ipsec_sa_established`).
    case established = "ipsec_sa_established"
    /// Everything matches but `EffectImmediately=false`: it negotiates when traffic arrives.
    case waitingForTraffic = "waiting_for_traffic"
    /// Phase 1 fails (`ike_sa_not_established`).
    case ikeNotEstablished = "ike_sa_not_established"
    /// Phase 1 is up, phase 2 fails (`ipsec_sa_not_established`).
    case ipsecNotEstablished = "ipsec_sa_not_established"

    /// The cloud's `Status` value.
    public var cloudStatus: String {
        self == .waitingForTraffic ? TunnelState.ikeNotEstablished.rawValue : rawValue
    }

    /// Whether traffic can use the tunnel (traffic brings a waiting tunnel up).
    public var carriesTraffic: Bool { self == .established || self == .waitingForTraffic }
}

/// Why a tunnel is down.
public enum TunnelDownCause: Sendable, Hashable, Codable, CustomStringConvertible {
    case gatewayInactive(VPNGatewayStatus)
    case ipsecDisabled
    case missingResource(String)
    /// No site's device owns the customer gateway's IP.
    case noSite(IPv4Address)
    /// The site has not loaded a configuration for this gateway.
    case configurationNotLoaded(SiteID, peer: IPv4Address)
    case preSharedKeyMismatch
    case ikeVersionMismatch(cloud: IKEVersion, site: IKEVersion)
    /// No proposal in common in phase 1 or 2.
    case noProposalInCommon(phase: Int, cloud: String, site: [String])
    /// The two sides' selectors have nothing in common (TS_UNACCEPTABLE).
    case selectorsDoNotMatch
    /// A policy-based site does not carry a flow outside its selectors.
    case selectorsDoNotCoverFlow

    public var description: String {
        switch self {
        case .gatewayInactive(let status): "the VPN gateway is not active (status '\(status.rawValue)')"
        case .ipsecDisabled: "IPsec-VPN is disabled on the VPN gateway"
        case .missingResource(let text): text
        case .noSite(let ip): "no site's gateway device has the customer gateway's IP \(ip)"
        case .configurationNotLoaded(let site, let peer): "site \(site) has not loaded an IPsec configuration for \(peer)"
        case .preSharedKeyMismatch: "the pre-shared keys differ (key mismatch)"
        case .ikeVersionMismatch(let cloud, let site): "IKE versions differ: cloud \(cloud.rawValue), site \(site.rawValue)"
        case .noProposalInCommon(let phase, let cloud, let site):
            "no phase-\(phase) proposal in common: cloud offers \(cloud), site accepts \(site.joined(separator: ", "))"
        case .selectorsDoNotMatch: "the selectors do not match (local and remote networks are not mirrored)"
        case .selectorsDoNotCoverFlow: "the selectors do not cover the flow"
        }
    }
}

/// The state of one IPsec connection and why.
public struct TunnelStatus: Sendable, Hashable, Codable {
    public var connection: VPNConnectionID
    public var state: TunnelState
    public var cause: TunnelDownCause?
    /// The site at the other end, when one is found.
    public var site: SiteID?
    /// The index of the site configuration in use.
    public var configurationIndex: Int?
    /// One sentence.
    public var message: String
}

/// A change to apply to a ``RouteEngine`` without recomputing the world.
public enum TopologyChange: Sendable, Hashable {
    case addRouteEntry(NetworkReference, RouteEntry)
    case removeRouteEntry(NetworkReference, RouteEntryID)
    case addVPNRoute(VPNGatewayID, VPNRoute)
    case removeVPNRoute(VPNGatewayID, destination: IPv4Prefix, nextHop: VPNConnectionID)
    /// `PublishVpnRouteEntry` for destination-based routes.
    case setVPNRoutePublished(VPNGatewayID, destination: IPv4Prefix, nextHop: VPNConnectionID, published: Bool)
    case addVPNPolicyRoute(VPNGatewayID, VPNPolicyRoute)
    /// `PublishRouteEntries`.
    case publishRoute(CENID, CENRouteReference)
    /// `WithdrawPublishedRouteEntries`.
    case withdrawRoute(CENID, CENRouteReference)
    case attach(CENID, NetworkReference)
    case detach(CENID, NetworkReference)
    case setRouterInterfaceStatus(RouterInterfaceID, RouterInterfaceStatus)
    case setVPNGatewayStatus(VPNGatewayID, VPNGatewayStatus)
    case upsertVPNConnection(VPNConnection)
    case upsertSite(Site)
    case upsertInstance(Instance)
    case upsertSecurityGroup(SecurityGroup)
    case upsertCEN(CENInstance)
    case upsertBandwidthPackage(CENBandwidthPackage)
    /// Anything else: the whole topology is replaced and recomputed.
    case replace(Topology)
}

/// A change that cannot be applied; the engine is left unchanged.
public struct RouteEngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The cloud's error code where one exists.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
