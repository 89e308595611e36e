public import IPAddressing

/// The lifecycle status of a VPN gateway (`init`, `provisioning`, `active`, `updating`, `deleting`).
public enum VPNGatewayStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case initializing = "init"
    case provisioning
    case active
    case updating
    case deleting
}

/// A VPN gateway of a VPC, with its two static route tables (reference §5, §8.2).
public struct VPNGateway: Sendable, Hashable, Codable {
    public var id: VPNGatewayID
    public var name: String
    public var vpc: VPCID
    public var vSwitch: VSwitchID?
    /// Peak bandwidth in Mbit/s (legacy: 5, 10, 20, 50, 100, 200).
    public var bandwidth: Int
    public var isIPsecEnabled: Bool
    public var isSSLEnabled: Bool
    /// The gateway's public IP (`InternetIp`); offices route to it (`ip route … 5.5.5.5`).
    public var publicIP: IPv4Address
    public var status: VPNGatewayStatus
    /// Destination-based routes (`CreateVpnRouteEntry`).
    public var routes: [VPNRoute]
    /// Policy-based routes (`CreateVpnPbrRouteEntry`); evaluated before the destination-based ones.
    public var policyRoutes: [VPNPolicyRoute]

    public init(
        id: VPNGatewayID, name: String = "", vpc: VPCID, vSwitch: VSwitchID? = nil, bandwidth: Int = 5,
        isIPsecEnabled: Bool = true, isSSLEnabled: Bool = false, publicIP: IPv4Address,
        status: VPNGatewayStatus = .active, routes: [VPNRoute] = [], policyRoutes: [VPNPolicyRoute] = []
    ) {
        self.id = id
        self.name = name
        self.vpc = vpc
        self.vSwitch = vSwitch
        self.bandwidth = bandwidth
        self.isIPsecEnabled = isIPsecEnabled
        self.isSSLEnabled = isSSLEnabled
        self.publicIP = publicIP
        self.status = status
        self.routes = routes
        self.policyRoutes = policyRoutes
    }

    /// Legacy bandwidth values (reference §9).
    public static let allowedBandwidths = [5, 10, 20, 50, 100, 200]
}

/// A destination-based VPN gateway route.
public struct VPNRoute: Sendable, Hashable, Codable {
    public var destination: IPv4Prefix
    public var nextHop: VPNConnectionID
    /// `100` active, `0` standby.
    public var weight: Int
    /// Whether the route is published to the VPC's system route table (`PublishVpc`).
    public var publishToVPC: Bool

    public init(destination: IPv4Prefix, nextHop: VPNConnectionID, weight: Int = 100, publishToVPC: Bool = false) {
        self.destination = destination
        self.nextHop = nextHop
        self.weight = weight
        self.publishToVPC = publishToVPC
    }
}

/// A policy-based VPN gateway route: matches source and destination.
public struct VPNPolicyRoute: Sendable, Hashable, Codable {
    public var source: IPv4Prefix
    public var destination: IPv4Prefix
    public var nextHop: VPNConnectionID
    public var weight: Int
    /// 1–100, smaller first; `nil` on legacy gateways (then longest destination, then longest source, decision 2).
    public var priority: Int?
    public var publishToVPC: Bool

    public init(
        source: IPv4Prefix, destination: IPv4Prefix, nextHop: VPNConnectionID, weight: Int = 100,
        priority: Int? = nil, publishToVPC: Bool = false
    ) {
        self.source = source
        self.destination = destination
        self.nextHop = nextHop
        self.weight = weight
        self.priority = priority
        self.publishToVPC = publishToVPC
    }
}

/// A customer gateway: the cloud's record of an office's public IP.
public struct CustomerGateway: Sendable, Hashable, Codable {
    public var id: CustomerGatewayID
    public var name: String
    public var region: RegionID
    public var ipAddress: IPv4Address

    public init(id: CustomerGatewayID, name: String = "", region: RegionID, ipAddress: IPv4Address) {
        self.id = id
        self.name = name
        self.region = region
        self.ipAddress = ipAddress
    }
}

/// IKE versions.
public enum IKEVersion: String, Sendable, Hashable, Codable, CaseIterable {
    case ikev1, ikev2
}

/// IKE phase-1 modes.
public enum IKEMode: String, Sendable, Hashable, Codable, CaseIterable {
    case main, aggressive
}

/// Encryption algorithms of both phases.
public enum EncryptionAlgorithm: String, Sendable, Hashable, Codable, CaseIterable {
    case aes, aes192, aes256, des
    case tripleDES = "3des"
}

/// Authentication (integrity) algorithms of both phases.
public enum AuthenticationAlgorithm: String, Sendable, Hashable, Codable, CaseIterable {
    case md5, sha1, sha256, sha384, sha512
}

/// Diffie-Hellman groups; `disabled` is only valid for phase-2 PFS.
public enum DHGroup: String, Sendable, Hashable, Codable, CaseIterable {
    case disabled, group1, group2, group5, group14, group24
}

/// Phase-1 settings of an IPsec connection (`IkeConfig`), with the cloud's defaults (reference §5).
public struct IKEConfig: Sendable, Hashable, Codable {
    public var preSharedKey: String
    public var version: IKEVersion
    public var mode: IKEMode
    public var encryptionAlgorithm: EncryptionAlgorithm
    public var authenticationAlgorithm: AuthenticationAlgorithm
    public var dhGroup: DHGroup
    /// Seconds, 0–86400.
    public var lifetime: Int
    public var localID: String?
    public var remoteID: String?

    public init(
        preSharedKey: String, version: IKEVersion = .ikev1, mode: IKEMode = .main,
        encryptionAlgorithm: EncryptionAlgorithm = .aes, authenticationAlgorithm: AuthenticationAlgorithm = .md5,
        dhGroup: DHGroup = .group2, lifetime: Int = 86400, localID: String? = nil, remoteID: String? = nil
    ) {
        self.preSharedKey = preSharedKey
        self.version = version
        self.mode = mode
        self.encryptionAlgorithm = encryptionAlgorithm
        self.authenticationAlgorithm = authenticationAlgorithm
        self.dhGroup = dhGroup
        self.lifetime = lifetime
        self.localID = localID
        self.remoteID = remoteID
    }

    /// The single phase-1 proposal the cloud side offers.
    public var proposal: IKEProposal {
        IKEProposal(encryptionAlgorithm: encryptionAlgorithm, authenticationAlgorithm: authenticationAlgorithm, dhGroup: dhGroup)
    }
}

/// Phase-2 settings of an IPsec connection (`IpsecConfig`), with the cloud's defaults.
public struct IPsecConfig: Sendable, Hashable, Codable {
    public var encryptionAlgorithm: EncryptionAlgorithm
    public var authenticationAlgorithm: AuthenticationAlgorithm
    public var pfs: DHGroup
    public var lifetime: Int

    public init(
        encryptionAlgorithm: EncryptionAlgorithm = .aes, authenticationAlgorithm: AuthenticationAlgorithm = .md5,
        pfs: DHGroup = .group2, lifetime: Int = 86400
    ) {
        self.encryptionAlgorithm = encryptionAlgorithm
        self.authenticationAlgorithm = authenticationAlgorithm
        self.pfs = pfs
        self.lifetime = lifetime
    }

    /// The single phase-2 proposal the cloud side offers.
    public var proposal: IPsecProposal {
        IPsecProposal(encryptionAlgorithm: encryptionAlgorithm, authenticationAlgorithm: authenticationAlgorithm, pfs: pfs)
    }
}

/// One phase-1 proposal: encryption, integrity and DH group.
public struct IKEProposal: Sendable, Hashable, Codable, CustomStringConvertible {
    public var encryptionAlgorithm: EncryptionAlgorithm
    public var authenticationAlgorithm: AuthenticationAlgorithm
    public var dhGroup: DHGroup

    public init(
        encryptionAlgorithm: EncryptionAlgorithm = .aes, authenticationAlgorithm: AuthenticationAlgorithm = .md5,
        dhGroup: DHGroup = .group2
    ) {
        self.encryptionAlgorithm = encryptionAlgorithm
        self.authenticationAlgorithm = authenticationAlgorithm
        self.dhGroup = dhGroup
    }

    public var description: String {
        "\(encryptionAlgorithm.rawValue)-\(authenticationAlgorithm.rawValue)-\(dhGroup.rawValue)"
    }
}

/// One phase-2 proposal: encryption, integrity and PFS group.
public struct IPsecProposal: Sendable, Hashable, Codable, CustomStringConvertible {
    public var encryptionAlgorithm: EncryptionAlgorithm
    public var authenticationAlgorithm: AuthenticationAlgorithm
    public var pfs: DHGroup

    public init(
        encryptionAlgorithm: EncryptionAlgorithm = .aes, authenticationAlgorithm: AuthenticationAlgorithm = .md5,
        pfs: DHGroup = .group2
    ) {
        self.encryptionAlgorithm = encryptionAlgorithm
        self.authenticationAlgorithm = authenticationAlgorithm
        self.pfs = pfs
    }

    public var description: String { "\(encryptionAlgorithm.rawValue)-\(authenticationAlgorithm.rawValue)-\(pfs.rawValue)" }
}

/// An IPsec-VPN connection between a VPN gateway and a customer gateway.
public struct VPNConnection: Sendable, Hashable, Codable {
    public var id: VPNConnectionID
    public var name: String
    public var vpnGateway: VPNGatewayID
    public var customerGateway: CustomerGatewayID
    /// The cloud-side networks (`LocalSubnet`), at most 5.
    public var localSubnet: [IPv4Prefix]
    /// The office-side networks (`RemoteSubnet`), at most 5.
    public var remoteSubnet: [IPv4Prefix]
    /// `true`: negotiate now; `false` (the cloud's default): negotiate when traffic arrives.
    public var effectImmediately: Bool
    public var ikeConfig: IKEConfig
    public var ipsecConfig: IPsecConfig

    public init(
        id: VPNConnectionID, name: String = "", vpnGateway: VPNGatewayID, customerGateway: CustomerGatewayID,
        localSubnet: [IPv4Prefix], remoteSubnet: [IPv4Prefix], effectImmediately: Bool = false,
        ikeConfig: IKEConfig, ipsecConfig: IPsecConfig = IPsecConfig()
    ) {
        self.id = id
        self.name = name
        self.vpnGateway = vpnGateway
        self.customerGateway = customerGateway
        self.localSubnet = localSubnet
        self.remoteSubnet = remoteSubnet
        self.effectImmediately = effectImmediately
        self.ikeConfig = ikeConfig
        self.ipsecConfig = ipsecConfig
    }
}
