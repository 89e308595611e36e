public import IPAddressing

/// What kind of place a site is.
public enum SiteKind: String, Sendable, Hashable, Codable, CaseIterable {
    case office, idc
}

/// An office or a data centre outside the cloud, modelled by its gateway device.
///
/// Any address inside one of its CIDR blocks answers like a PC in that office.
public struct Site: Sendable, Hashable, Codable {
    public var id: SiteID
    public var name: String
    public var kind: SiteKind
    public var region: RegionID?
    /// The site's own networks (connected to its gateway device).
    public var cidrs: [IPv4Prefix]
    /// The gateway device's static public IP: what a customer gateway records.
    public var gatewayIP: IPv4Address
    /// Further public IPs of the device (a second line for an active/standby pair of connections).
    public var standbyGatewayIPs: [IPv4Address]
    /// The device's static routes, such as `ip route 192.168.0.0/16 5.5.5.5`.
    public var staticRoutes: [SiteStaticRoute]
    /// The IPsec configurations loaded on the device, one per tunnel.
    public var ipsecConfigurations: [SiteIPsecConfiguration]

    public init(
        id: SiteID, name: String = "", kind: SiteKind = .office, region: RegionID? = nil, cidrs: [IPv4Prefix],
        gatewayIP: IPv4Address, standbyGatewayIPs: [IPv4Address] = [], staticRoutes: [SiteStaticRoute] = [],
        ipsecConfigurations: [SiteIPsecConfiguration] = []
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.region = region
        self.cidrs = cidrs
        self.gatewayIP = gatewayIP
        self.standbyGatewayIPs = standbyGatewayIPs
        self.staticRoutes = staticRoutes
        self.ipsecConfigurations = ipsecConfigurations
    }

    /// All public IPs of the device, the main one first.
    public var publicIPs: [IPv4Address] { [gatewayIP] + standbyGatewayIPs }

    /// A host address inside the site that stands for "a PC in this office": the tenth address of its first
    /// block (or the first usable one for small blocks).
    public var representativeAddress: IPv4Address? {
        guard let block = cidrs.first else { return nil }
        let offset: UInt32 = block.addressCount > 16 ? 10 : (block.addressCount > 2 ? 1 : 0)
        return IPv4Address(block.network.rawValue &+ offset)
    }
}

/// A static route on a site's gateway device: `ip route <destination> <nextHop>`.
public struct SiteStaticRoute: Sendable, Hashable, Codable, CustomStringConvertible {
    public var destination: IPv4Prefix
    /// Usually a VPN gateway's public IP (the tunnel to it) or a VBR's gateway IP.
    public var nextHop: IPv4Address

    public init(destination: IPv4Prefix, nextHop: IPv4Address) {
        self.destination = destination
        self.nextHop = nextHop
    }

    public var description: String { "ip route \(destination) \(nextHop)" }
}

/// An IPsec configuration loaded on a site's device (what `DownloadVpnConnectionConfig` gives, perhaps edited).
///
/// Selectors are from the device's point of view: `localSubnet` is the office side.
public struct SiteIPsecConfiguration: Sendable, Hashable, Codable {
    /// The VPN gateway's public IP this configuration talks to.
    public var peerIP: IPv4Address
    /// The device IP the tunnel uses; `nil` means the site's `gatewayIP`.
    public var localIP: IPv4Address?
    public var preSharedKey: String
    public var ikeVersion: IKEVersion
    /// Phase-1 proposals the device accepts.
    public var ikeProposals: [IKEProposal]
    /// Phase-2 proposals the device accepts.
    public var ipsecProposals: [IPsecProposal]
    public var localSubnet: [IPv4Prefix]
    public var remoteSubnet: [IPv4Prefix]
    /// A policy-based device only carries flows inside its selectors; a route-based one (the default) carries
    /// whatever its routes put into the tunnel.
    public var isPolicyBased: Bool

    public init(
        peerIP: IPv4Address, localIP: IPv4Address? = nil, preSharedKey: String, ikeVersion: IKEVersion = .ikev1,
        ikeProposals: [IKEProposal] = [IKEProposal()], ipsecProposals: [IPsecProposal] = [IPsecProposal()],
        localSubnet: [IPv4Prefix], remoteSubnet: [IPv4Prefix], isPolicyBased: Bool = false
    ) {
        self.peerIP = peerIP
        self.localIP = localIP
        self.preSharedKey = preSharedKey
        self.ikeVersion = ikeVersion
        self.ikeProposals = ikeProposals
        self.ipsecProposals = ipsecProposals
        self.localSubnet = localSubnet
        self.remoteSubnet = remoteSubnet
        self.isPolicyBased = isPolicyBased
    }
}
