public import Foundation
public import IPAddressing

/// A VPC with its vRouter and system route table (reference §4).
public struct VPC: Sendable, Hashable, Codable {
    public var id: String
    public var regionId: String
    public var name: String
    public var description: String
    public var cidrBlock: IPv4Prefix
    public var vRouterId: String
    public var routeTableId: String
    /// The id of the system route `100.64.0.0/10 → service`.
    public var serviceRouteEntryId: String
    public var creationTime: Date
    public var status: String
}

/// A vSwitch: a zone's slice of its VPC's CIDR.
public struct VSwitch: Sendable, Hashable, Codable {
    public var id: String
    public var vpcId: String
    public var regionId: String
    public var zoneId: String
    public var name: String
    public var description: String
    public var cidrBlock: IPv4Prefix
    /// The id of this vSwitch's system route in the VPC's system table.
    public var systemRouteEntryId: String
    public var creationTime: Date
    public var status: String

    /// Usable addresses: the first and the last three of the block are reserved (reference §4).
    public var availableIpAddressCount: Int { max(0, Int(cidrBlock.addressCount) - 4) }
}

/// A custom route entry a user created in a route table.
public struct RouteEntry: Sendable, Hashable, Codable {
    public var id: String
    public var routeTableId: String
    public var destination: IPv4Prefix
    public var nextHopType: String
    public var nextHopId: String
    public var name: String
    public var description: String
    public var creationTime: Date
}

/// A VPN gateway (reference §5).
public struct VPNGateway: Sendable, Hashable, Codable {
    public var id: String
    public var regionId: String
    public var vpcId: String
    public var vSwitchId: String
    public var name: String
    public var description: String
    /// Mbit/s.
    public var bandwidth: Int
    public var enableIpsec: Bool
    public var enableSsl: Bool
    public var sslConnections: Int
    public var internetIp: IPv4Address
    public var chargeType: String
    public var createTime: Date
    public var status: String
    public var businessStatus: String
}

/// A customer gateway: the office or IDC device's public address.
public struct CustomerGateway: Sendable, Hashable, Codable {
    public var id: String
    public var regionId: String
    public var ipAddress: IPv4Address
    public var name: String
    public var description: String
    public var asn: Int64?
    public var createTime: Date
}

/// Phase-1 (IKE) settings of an IPsec connection, with the cloud's defaults filled in.
public struct IKEConfig: Sendable, Hashable, Codable {
    public var psk: String
    public var ikeVersion: String
    public var ikeMode: String
    public var ikeEncAlg: String
    public var ikeAuthAlg: String
    public var ikePfs: String
    public var ikeLifetime: Int
    public var localId: String
    public var remoteId: String
}

/// Phase-2 (IPsec) settings of an IPsec connection.
public struct IPsecConfig: Sendable, Hashable, Codable {
    public var ipsecEncAlg: String
    public var ipsecAuthAlg: String
    public var ipsecPfs: String
    public var ipsecLifetime: Int
}

/// An IPsec-VPN connection between a VPN gateway and a customer gateway.
public struct VPNConnection: Sendable, Hashable, Codable {
    public var id: String
    public var regionId: String
    public var vpnGatewayId: String
    public var customerGatewayId: String
    public var name: String
    public var localSubnet: [IPv4Prefix]
    public var remoteSubnet: [IPv4Prefix]
    public var effectImmediately: Bool
    public var ikeConfig: IKEConfig
    public var ipsecConfig: IPsecConfig
    public var enableDpd: Bool
    public var enableNatTraversal: Bool
    public var createTime: Date
    // No stored status: `Status` is the route engine's tunnel state (`CloudView.connectionStatus(_:in:)`).
}

/// A VPN gateway route: destination-based (`routeSource == nil`) or policy-based (reference §5).
public struct VPNRouteEntry: Sendable, Hashable, Codable {
    public var id: String
    public var regionId: String
    public var vpnGatewayId: String
    /// Source CIDR of a policy-based route; `nil` for a destination-based route.
    public var routeSource: IPv4Prefix?
    public var routeDest: IPv4Prefix
    /// The IPsec connection (`vco-…`).
    public var nextHop: String
    /// 100 active, 0 standby.
    public var weight: Int
    /// Policy-based routes only: 1 (highest) to 100; default 10.
    public var priority: Int?
    /// Advertised to the VPC's system route table.
    public var published: Bool
    /// The id the published route has in the VPC's table.
    public var publishedRouteEntryId: String
    public var description: String
    public var createTime: Date

    public var isPolicyBased: Bool { routeSource != nil }
}

/// A Cloud Enterprise Network instance (global, reference §7).
public struct CEN: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var description: String
    public var protectionLevel: String
    public var creationTime: Date
    public var status: String
    /// Routes published to the CEN by hand (`PublishRouteEntries`), in publication order.
    public var publishedRoutes: [CENRoute] = []
    /// Routes advertised by default (vSwitch routes) but withdrawn (`WithdrawPublishedRouteEntries`).
    public var withdrawnRoutes: [CENRoute] = []
}

/// A route of an attached VPC's system table, named by the VPC and the destination.
public struct CENRoute: Sendable, Hashable, Codable {
    public var vpcId: String
    public var destination: IPv4Prefix
    public init(vpcId: String, destination: IPv4Prefix) {
        self.vpcId = vpcId
        self.destination = destination
    }
}

/// A network attached to a CEN.
public struct CENAttachment: Sendable, Hashable, Codable {
    public var cenId: String
    public var childInstanceId: String
    public var childInstanceType: String
    public var childInstanceRegionId: String
    public var attachTime: Date
    public var status: String

    /// The record id: one attachment per child network.
    public var id: String { "cenattach-" + childInstanceId }
}
