public import Foundation
public import IPAddressing

/// An office or data centre outside the cloud, modelled by its gateway device (API version 2026-11-01).
///
/// It maps onto `NetworkModel.Site`: its CIDR blocks are the device's connected networks, `routeEntries` its
/// `ip route` lines, `connectionConfigs` the IPsec configurations loaded on it.
public struct SiteResource: Sendable, Hashable, Codable {
    public var id: String
    /// Informational; empty when the caller gave none.
    public var regionId: String
    public var name: String
    public var description: String
    /// The site's own networks, in the order given.
    public var cidrBlocks: [IPv4Prefix]
    /// The device's public IP: what a customer gateway records.
    public var gatewayIpAddress: IPv4Address
    public var routeEntries: [SiteRouteEntry]
    public var connectionConfigs: [SiteConnectionConfig]
    public var createTime: Date
}

/// A static route on a site's device: `ip route <destination> <nextHopIp>`.
public struct SiteRouteEntry: Sendable, Hashable, Codable {
    public var destinationCidrBlock: IPv4Prefix
    public var nextHopIp: IPv4Address
    public var createTime: Date
}

/// An IPsec connection's configuration as loaded on a site's device: what `DownloadVpnConnectionConfig` gave
/// at load time, with the caller's overrides. Later changes on the cloud side do not change it (a device keeps
/// what was loaded), which is how a stale or mistyped device configuration is modelled.
public struct SiteConnectionConfig: Sendable, Hashable, Codable {
    public var vpnConnectionId: String
    /// The VPN gateway's public IP (the tunnel's peer).
    public var peerIp: IPv4Address
    /// The device IP the tunnel uses (the customer gateway's IP).
    public var localIp: IPv4Address
    /// Phase 1 as the device has it (`LocalId`/`RemoteId` from the device's point of view).
    public var ikeConfig: IKEConfig
    /// Phase 2 as the device has it.
    public var ipsecConfig: IPsecConfig
    /// The office-side selectors (the connection's `RemoteSubnet` unless overridden).
    public var localSubnet: [IPv4Prefix]
    /// The cloud-side selectors (the connection's `LocalSubnet` unless overridden).
    public var remoteSubnet: [IPv4Prefix]
    public var loadTime: Date
}
