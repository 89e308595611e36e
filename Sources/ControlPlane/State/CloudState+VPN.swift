import Foundation
public import IPAddressing

extension CloudState {
    // MARK: Look-ups

    public func vpnGateway(_ id: String, region: String? = nil) throws(ControlPlaneError) -> VPNGateway {
        try lookup(vpnGateways, id, region: region, code: "InvalidVpnGatewayInstanceId.NotFound", noun: "VPN gateway")
    }

    public func customerGateway(_ id: String, region: String? = nil) throws(ControlPlaneError) -> CustomerGateway {
        try lookup(customerGateways, id, region: region, code: "InvalidCustomerGatewayInstanceId.NotFound", noun: "customer gateway")
    }

    public func vpnConnection(_ id: String, region: String? = nil) throws(ControlPlaneError) -> VPNConnection {
        try lookup(vpnConnections, id, region: region, code: "InvalidVpnConnectionInstanceId.NotFound", noun: "IPsec connection")
    }

    /// The block public addresses of VPN gateways come from (a documentation range, DESIGN §5).
    public static let gatewayAddressPool = IPv4Prefix("203.0.113.0/24")!

    // MARK: VPN gateway

    public static let vpnBandwidths = [5, 10, 20, 50, 100, 200, 500, 1000]

    public struct CreateVPNGateway: Sendable {
        public var regionId: String
        public var vpcId: String
        public var bandwidth: Int
        public var name: String?
        public var description: String?
        public var enableIpsec: Bool
        public var enableSsl: Bool
        public var sslConnections: Int
        public var vSwitchId: String?
        public var chargeType: String
        public init(
            regionId: String,
            vpcId: String,
            bandwidth: Int,
            name: String? = nil,
            description: String? = nil,
            enableIpsec: Bool = true,
            enableSsl: Bool = false,
            sslConnections: Int = 5,
            vSwitchId: String? = nil,
            chargeType: String = "POSTPAY"
        ) {
            self.regionId = regionId
            self.vpcId = vpcId
            self.bandwidth = bandwidth
            self.name = name
            self.description = description
            self.enableIpsec = enableIpsec
            self.enableSsl = enableSsl
            self.sslConnections = sslConnections
            self.vSwitchId = vSwitchId
            self.chargeType = chargeType
        }
    }

    /// Creates a VPN gateway with a public address from `gatewayAddressPool`; it is `active` at once.
    public mutating func createVPNGateway(
        _ request: CreateVPNGateway,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> VPNGateway {
        let vpc = try vpc(request.vpcId, region: request.regionId)
        guard Self.vpnBandwidths.contains(request.bandwidth) else {
            throw .invalid(
                "InvalidParameter",
                "The specified parameter \"Bandwidth\" is not valid: '\(request.bandwidth)'; allowed: \(Self.vpnBandwidths.map(String.init).joined(separator: ", ")) (Mbit/s)."
            )
        }
        guard [5, 10, 20].contains(request.sslConnections) || !request.enableSsl else {
            throw .invalid(
                "InvalidParameter",
                "The specified parameter \"SslConnections\" is not valid: '\(request.sslConnections)'; allowed: 5, 10, 20."
            )
        }
        var vSwitchId = ""
        if let id = request.vSwitchId {
            let vSwitch = try vSwitch(id, region: request.regionId)
            guard vSwitch.vpcId == vpc.id else {
                throw .invalid(
                    "InvalidVSwitchId.Mismatch",
                    "The vSwitch '\(id)' belongs to VPC '\(vSwitch.vpcId)', not to '\(vpc.id)'."
                )
            }
            vSwitchId = id
        } else if let first = vSwitches(in: vpc.id).first {
            vSwitchId = first.id
        }
        let count = vpnGateways.count(inRegion: request.regionId)
        guard count < context.quotas.vpnGatewaysPerRegion else {
            throw .invalid(
                "Resource.QuotaFull",
                "The VPN gateway quota is used up: \(count) of \(context.quotas.vpnGatewaysPerRegion)."
            )
        }
        // Not an address a customer gateway or a site's device already has: the tunnel's two ends would coincide.
        // The pool is a /24: a table of 256 flags marks its used addresses, filled in one pass without hashing.
        let pool = Self.gatewayAddressPool
        var used = [Bool](repeating: false, count: Int(pool.addressCount))
        func mark(_ address: IPv4Address) {
            if pool.contains(address) { used[Int(address.rawValue - pool.network.rawValue)] = true }
        }
        vpnGateways.forEachValue { mark($0.internetIp) }
        customerGateways.forEachValue { mark($0.ipAddress) }
        sites.forEachValue { mark($0.gatewayIpAddress) }
        guard let free = (1..<used.count - 1).first(where: { !used[$0] }) else {
            throw .invalid("Resource.QuotaFull", "No public address is left in \(pool) for another VPN gateway.")
        }
        let address = IPv4Address(pool.network.rawValue + UInt32(free))
        let id = context.makeID("vpn-")
        let name = try Check.name(request.name, parameter: "Name", code: "InvalidName")
        let gateway = VPNGateway(
            id: id,
            regionId: vpc.regionId,
            vpcId: vpc.id,
            vSwitchId: vSwitchId,
            name: name.isEmpty ? id : name,
            description: try Check.description(request.description, code: "InvalidDescription"),
            bandwidth: request.bandwidth,
            enableIpsec: request.enableIpsec,
            enableSsl: request.enableSsl,
            sslConnections: request.sslConnections,
            internetIp: address,
            chargeType: request.chargeType == "PREPAY" ? "Prepay" : "PostPaid",
            createTime: context.now,
            status: "active",
            businessStatus: "Normal"
        )
        vpnGateways[id] = gateway
        remember(id)
        return gateway
    }

    public mutating func deleteVPNGateway(_ id: String, region: String) throws(ControlPlaneError) {
        let gateway = try vpnGateway(id, region: region)
        if gateway.chargeType == "Prepay" {
            throw ControlPlaneError(
                .forbidden,
                code: "ForbiddenRelease",
                message:
                    "The VPN gateway '\(id)' is a subscription (InstanceChargeType PREPAY) gateway and cannot be released before its term ends; only pay-as-you-go (POSTPAY) gateways can be deleted."
            )
        }
        if let connection = ordered(vpnConnections.values(inGroup: id).map { (key: $0.id, value: $0) }).first {
            throw .invalid(
                "DependencyViolation.VpnConnection",
                "The VPN gateway '\(id)' still has IPsec connection '\(connection.id)'; delete it first."
            )
        }
        if let route = ordered(vpnRouteEntries.filter { $0.value.vpnGatewayId == id }).first {
            throw .invalid(
                "DependencyViolation.VpnRouteEntry",
                "The VPN gateway '\(id)' still has route \(route.routeDest) via '\(route.nextHop)'; delete it first."
            )
        }
        if let route = ordered(routeEntries.filter { $0.value.nextHopId == id }).first {
            throw .invalid(
                "DependencyViolation.RouteEntry",
                "The VPN gateway '\(id)' is the next hop of route entry \(route.destination) ('\(route.id)'); delete it first."
            )
        }
        vpnGateways[gateway.id] = nil
        touch(gateway.id)
    }

    // MARK: Customer gateway

    static let forbiddenCustomerGatewayRanges: [IPv4Prefix] = [
        "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "255.0.0.0/8", "0.0.0.0/8",
    ].map { IPv4Prefix($0)! }

    public struct CreateCustomerGateway: Sendable {
        public var regionId: String
        public var ipAddress: String
        public var name: String?
        public var description: String?
        public var asn: Int64?
        public init(
            regionId: String,
            ipAddress: String,
            name: String? = nil,
            description: String? = nil,
            asn: Int64? = nil
        ) {
            self.regionId = regionId
            self.ipAddress = ipAddress
            self.name = name
            self.description = description
            self.asn = asn
        }
    }

    /// Records an office's gateway; its address must be unique in the region.
    public mutating func createCustomerGateway(
        _ request: CreateCustomerGateway,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> CustomerGateway {
        let address: IPv4Address
        do {
            address = try IPv4Address(parsing: request.ipAddress)
        } catch {
            throw .invalid(
                "InvalidIpAddress.WrongFormat",
                "The specified IpAddress '\(request.ipAddress)' is not an IPv4 address: \(error)."
            )
        }
        if let range = Self.forbiddenCustomerGatewayRanges.first(where: { $0.contains(address) }) {
            throw .invalid(
                "InvalidIpAddress.WrongFormat",
                "The specified IpAddress '\(address)' lies in \(range), which cannot be a customer gateway's public address."
            )
        }
        // At most one gateway of a region has an address (the table groups them by it).
        let sameAddress = CustomerGateway.group(address: address, region: request.regionId)
        if let other = customerGateways.values(inGroup: sameAddress).first {
            throw .invalid(
                "InvalidIpAddress.AlreadyExist",
                "The IpAddress '\(address)' is already used by customer gateway '\(other.id)' in region \(request.regionId)."
            )
        }
        if let asn = request.asn, !(1...4_294_967_295).contains(asn) || asn == 45104 {
            throw .invalid(
                "InvalidParameter",
                "The specified parameter \"Asn\" is not valid: '\(asn)'; allowed: 1 to 4294967295 except 45104."
            )
        }
        let count = customerGateways.count(inRegion: request.regionId)
        guard count < context.quotas.customerGatewaysPerRegion else {
            throw .invalid(
                "Resource.QuotaFull",
                "The customer gateway quota of region \(request.regionId) is used up: \(count) of \(context.quotas.customerGatewaysPerRegion)."
            )
        }
        let id = context.makeID("cgw-")
        let name = try Check.name(request.name, parameter: "Name", code: "InvalidName", maxLength: 100)
        let gateway = CustomerGateway(
            id: id,
            regionId: request.regionId,
            ipAddress: address,
            name: name.isEmpty ? id : name,
            description: try Check.description(request.description, code: "InvalidDescription"),
            asn: request.asn,
            createTime: context.now
        )
        customerGateways[id] = gateway
        remember(id)
        return gateway
    }

    public mutating func deleteCustomerGateway(_ id: String, region: String) throws(ControlPlaneError) {
        let gateway = try customerGateway(id, region: region)
        if let connection = ordered(vpnConnections.filter { $0.value.customerGatewayId == id }).first {
            throw .invalid(
                "DependencyViolation.VpnConnection",
                "The customer gateway '\(id)' is used by IPsec connection '\(connection.id)'; delete it first."
            )
        }
        customerGateways[gateway.id] = nil
        touch(gateway.id)
    }

    // MARK: IPsec connection

    /// `IkeConfig` as the caller sent it; absent keys take the cloud's defaults.
    public struct IKEConfigInput: Sendable, Decodable {
        public var Psk: String?
        public var IkeVersion: String?
        public var IkeMode: String?
        public var IkeEncAlg: String?
        public var IkeAuthAlg: String?
        public var IkePfs: String?
        public var IkeLifetime: Int?
        public var LocalId: String?
        public var RemoteId: String?
        public init() {}
    }

    /// `IpsecConfig` as the caller sent it.
    public struct IPsecConfigInput: Sendable, Decodable {
        public var IpsecEncAlg: String?
        public var IpsecAuthAlg: String?
        public var IpsecPfs: String?
        public var IpsecLifetime: Int?
        public init() {}
    }

    public struct CreateVPNConnection: Sendable {
        public var regionId: String
        public var vpnGatewayId: String
        public var customerGatewayId: String
        public var localSubnet: String
        public var remoteSubnet: String
        public var name: String?
        public var effectImmediately: Bool
        public var ikeConfig: IKEConfigInput?
        public var ipsecConfig: IPsecConfigInput?
        public var enableDpd: Bool
        public var enableNatTraversal: Bool
        public init(
            regionId: String,
            vpnGatewayId: String,
            customerGatewayId: String,
            localSubnet: String,
            remoteSubnet: String,
            name: String? = nil,
            effectImmediately: Bool = false,
            ikeConfig: IKEConfigInput? = nil,
            ipsecConfig: IPsecConfigInput? = nil,
            enableDpd: Bool = true,
            enableNatTraversal: Bool = true
        ) {
            self.regionId = regionId
            self.vpnGatewayId = vpnGatewayId
            self.customerGatewayId = customerGatewayId
            self.localSubnet = localSubnet
            self.remoteSubnet = remoteSubnet
            self.name = name
            self.effectImmediately = effectImmediately
            self.ikeConfig = ikeConfig
            self.ipsecConfig = ipsecConfig
            self.enableDpd = enableDpd
            self.enableNatTraversal = enableNatTraversal
        }
    }

    static func subnets(_ text: String, parameter: String) throws(ControlPlaneError) -> [IPv4Prefix] {
        let parts = text.split(separator: ",").map { Check.trimmingSpaces($0) }
        guard (1...5).contains(parts.count) else {
            throw .invalid(
                "InvalidParameter",
                "The specified parameter \"\(parameter)\" is not valid: '\(text)'; give 1 to 5 comma-separated CIDR blocks."
            )
        }
        var out: [IPv4Prefix] = []
        for part in parts {
            let prefix = try Check.prefix(part, parameter: parameter, code: "InvalidParameter")
            guard !out.contains(prefix) else {
                throw .invalid(
                    "InvalidParameter",
                    "The specified parameter \"\(parameter)\" lists \(prefix) twice: '\(text)'."
                )
            }
            out.append(prefix)
        }
        return out
    }

    static func choose(
        _ value: String?,
        _ key: String,
        allowed: [String],
        default defaultValue: String
    ) throws(ControlPlaneError) -> String {
        guard let value else { return defaultValue }
        let lowered = value.lowercased()
        guard let match = allowed.first(where: { $0.lowercased() == lowered }) else {
            throw .invalid(
                "InvalidParameter",
                "The specified \(key) '\(value)' is not valid; allowed: \(allowed.joined(separator: ", "))."
            )
        }
        return match
    }

    /// Creates an IPsec connection (reference §5 CreateVpnConnection, defaults from its key tables).
    public mutating func createVPNConnection(
        _ request: CreateVPNConnection,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> VPNConnection {
        let gateway = try vpnGateway(request.vpnGatewayId, region: request.regionId)
        let customer = try customerGateway(request.customerGatewayId, region: request.regionId)
        guard gateway.enableIpsec else {
            throw .invalid(
                "VpnGateway.IpsecVpnDisabled",
                "The VPN gateway '\(gateway.id)' was created with EnableIpsec=false; IPsec connections need IPsec-VPN enabled."
            )
        }
        let local = try Self.subnets(request.localSubnet, parameter: "LocalSubnet")
        let remote = try Self.subnets(request.remoteSubnet, parameter: "RemoteSubnet")
        let ike = request.ikeConfig ?? IKEConfigInput()
        let ipsec = request.ipsecConfig ?? IPsecConfigInput()
        let version = try Self.choose(
            ike.IkeVersion,
            "IkeConfig.IkeVersion",
            allowed: ["ikev1", "ikev2"],
            default: "ikev1"
        )
        if version == "ikev1", local.count > 1 || remote.count > 1 {
            throw .invalid(
                "InvalidParameter",
                "Several CIDR blocks in LocalSubnet or RemoteSubnet need IkeConfig.IkeVersion 'ikev2' (got '\(version)')."
            )
        }
        if let psk = ike.Psk,
            !(1...100).contains(psk.count) || psk.contains(" ") || !psk.allSatisfy({ $0.isASCII && !$0.isNewline })
        {
            throw .invalid(
                "InvalidParameter",
                "The specified IkeConfig.Psk is not valid: use 1 to 100 printable ASCII characters without spaces."
            )
        }
        for (key, value) in [
            ("IkeConfig.IkeLifetime", ike.IkeLifetime), ("IpsecConfig.IpsecLifetime", ipsec.IpsecLifetime),
        ] {
            if let value, !(0...86400).contains(value) {
                throw .invalid(
                    "InvalidParameter",
                    "The specified \(key) '\(value)' is not valid; allowed: 0 to 86400 seconds."
                )
            }
        }
        let algorithms = ["aes", "aes192", "aes256", "des", "3des"]
        let hashes = ["md5", "sha1", "sha256", "sha384", "sha512"]
        let groups = ["group1", "group2", "group5", "group14", "group24"]
        let ikeConfig = IKEConfig(
            psk: ike.Psk ?? context.randomString(16),
            ikeVersion: version,
            ikeMode: try Self.choose(
                ike.IkeMode,
                "IkeConfig.IkeMode",
                allowed: ["main", "aggressive"],
                default: "main"
            ),
            ikeEncAlg: try Self.choose(ike.IkeEncAlg, "IkeConfig.IkeEncAlg", allowed: algorithms, default: "aes"),
            ikeAuthAlg: try Self.choose(ike.IkeAuthAlg, "IkeConfig.IkeAuthAlg", allowed: hashes, default: "md5"),
            ikePfs: try Self.choose(ike.IkePfs, "IkeConfig.IkePfs", allowed: groups, default: "group2"),
            ikeLifetime: ike.IkeLifetime ?? 86400,
            localId: ike.LocalId ?? gateway.internetIp.description,
            remoteId: ike.RemoteId ?? customer.ipAddress.description
        )
        let ipsecConfig = IPsecConfig(
            ipsecEncAlg: try Self.choose(
                ipsec.IpsecEncAlg,
                "IpsecConfig.IpsecEncAlg",
                allowed: algorithms,
                default: "aes"
            ),
            ipsecAuthAlg: try Self.choose(
                ipsec.IpsecAuthAlg,
                "IpsecConfig.IpsecAuthAlg",
                allowed: hashes,
                default: "md5"
            ),
            ipsecPfs: try Self.choose(
                ipsec.IpsecPfs,
                "IpsecConfig.IpsecPfs",
                allowed: ["disabled"] + groups,
                default: "group2"
            ),
            ipsecLifetime: ipsec.IpsecLifetime ?? 86400
        )
        // The gateway's own connections (the table groups them by gateway): at most one to each customer gateway.
        let existing = vpnConnections.values(inGroup: gateway.id)
        if let other = existing.first(where: { $0.customerGatewayId == customer.id }) {
            throw .invalid(
                "InvalidVpnConnection.AlreadyExists",
                "The VPN gateway '\(gateway.id)' already has IPsec connection '\(other.id)' to customer gateway '\(customer.id)'."
            )
        }
        guard existing.count < context.quotas.connectionsPerVPNGateway else {
            throw .invalid(
                "Resource.QuotaFull",
                "The VPN gateway '\(gateway.id)' already has \(existing.count) IPsec connections, its quota."
            )
        }
        let id = context.makeID("vco-")
        let name = try Check.name(request.name, parameter: "Name", code: "InvalidName", maxLength: 100)
        let connection = VPNConnection(
            id: id,
            regionId: gateway.regionId,
            vpnGatewayId: gateway.id,
            customerGatewayId: customer.id,
            name: name.isEmpty ? id : name,
            localSubnet: local,
            remoteSubnet: remote,
            effectImmediately: request.effectImmediately,
            ikeConfig: ikeConfig,
            ipsecConfig: ipsecConfig,
            enableDpd: request.enableDpd,
            enableNatTraversal: request.enableNatTraversal,
            createTime: context.now
        )
        vpnConnections[id] = connection
        remember(id)
        return connection
    }

    public mutating func deleteVPNConnection(_ id: String, region: String) throws(ControlPlaneError) {
        let connection = try vpnConnection(id, region: region)
        if let route = ordered(vpnRouteEntries.filter { $0.value.nextHop == id }).first {
            throw .invalid(
                "DependencyViolation.VpnRouteEntry",
                "The IPsec connection '\(id)' is the next hop of VPN route \(route.routeDest) on gateway '\(route.vpnGatewayId)'; delete that route first."
            )
        }
        vpnConnections[connection.id] = nil
        touch(connection.id)
    }
}

extension CloudState {
    public struct ModifyVPNConnection: Sendable {
        public var name: String?
        public var localSubnet: String?
        public var remoteSubnet: String?
        public var effectImmediately: Bool?
        public var ikeConfig: IKEConfigInput?
        public var ipsecConfig: IPsecConfigInput?
        public var enableDpd: Bool?
        public var enableNatTraversal: Bool?
        public init(
            name: String? = nil,
            localSubnet: String? = nil,
            remoteSubnet: String? = nil,
            effectImmediately: Bool? = nil,
            ikeConfig: IKEConfigInput? = nil,
            ipsecConfig: IPsecConfigInput? = nil,
            enableDpd: Bool? = nil,
            enableNatTraversal: Bool? = nil
        ) {
            self.name = name
            self.localSubnet = localSubnet
            self.remoteSubnet = remoteSubnet
            self.effectImmediately = effectImmediately
            self.ikeConfig = ikeConfig
            self.ipsecConfig = ipsecConfig
            self.enableDpd = enableDpd
            self.enableNatTraversal = enableNatTraversal
        }
    }

    /// Changes an IPsec connection; keys not given keep their values (reference §5). The changed connection
    /// is checked with the same rules as a new one.
    public mutating func modifyVPNConnection(
        _ id: String,
        region: String,
        _ change: ModifyVPNConnection,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> VPNConnection {
        var connection = try vpnConnection(id, region: region)
        if let name = change.name {
            connection.name = try Check.name(name, parameter: "Name", code: "InvalidName", maxLength: 100)
        }
        if let text = change.localSubnet { connection.localSubnet = try Self.subnets(text, parameter: "LocalSubnet") }
        if let text = change.remoteSubnet {
            connection.remoteSubnet = try Self.subnets(text, parameter: "RemoteSubnet")
        }
        if let value = change.effectImmediately { connection.effectImmediately = value }
        if let value = change.enableDpd { connection.enableDpd = value }
        if let value = change.enableNatTraversal { connection.enableNatTraversal = value }
        let algorithms = ["aes", "aes192", "aes256", "des", "3des"]
        let hashes = ["md5", "sha1", "sha256", "sha384", "sha512"]
        let groups = ["group1", "group2", "group5", "group14", "group24"]
        if let ike = change.ikeConfig {
            var c = connection.ikeConfig
            if let psk = ike.Psk {
                guard (1...100).contains(psk.count), !psk.contains(" "), psk.allSatisfy({ $0.isASCII && !$0.isNewline })
                else {
                    throw .invalid(
                        "InvalidParameter",
                        "The specified IkeConfig.Psk is not valid: use 1 to 100 printable ASCII characters without spaces."
                    )
                }
                c.psk = psk
            }
            c.ikeVersion = try Self.choose(
                ike.IkeVersion,
                "IkeConfig.IkeVersion",
                allowed: ["ikev1", "ikev2"],
                default: c.ikeVersion
            )
            c.ikeMode = try Self.choose(
                ike.IkeMode,
                "IkeConfig.IkeMode",
                allowed: ["main", "aggressive"],
                default: c.ikeMode
            )
            c.ikeEncAlg = try Self.choose(
                ike.IkeEncAlg,
                "IkeConfig.IkeEncAlg",
                allowed: algorithms,
                default: c.ikeEncAlg
            )
            c.ikeAuthAlg = try Self.choose(
                ike.IkeAuthAlg,
                "IkeConfig.IkeAuthAlg",
                allowed: hashes,
                default: c.ikeAuthAlg
            )
            c.ikePfs = try Self.choose(ike.IkePfs, "IkeConfig.IkePfs", allowed: groups, default: c.ikePfs)
            if let lifetime = ike.IkeLifetime {
                guard (0...86400).contains(lifetime) else {
                    throw .invalid(
                        "InvalidParameter",
                        "The specified IkeConfig.IkeLifetime '\(lifetime)' is not valid; allowed: 0 to 86400 seconds."
                    )
                }
                c.ikeLifetime = lifetime
            }
            if let value = ike.LocalId { c.localId = value }
            if let value = ike.RemoteId { c.remoteId = value }
            connection.ikeConfig = c
        }
        if let ipsec = change.ipsecConfig {
            var c = connection.ipsecConfig
            c.ipsecEncAlg = try Self.choose(
                ipsec.IpsecEncAlg,
                "IpsecConfig.IpsecEncAlg",
                allowed: algorithms,
                default: c.ipsecEncAlg
            )
            c.ipsecAuthAlg = try Self.choose(
                ipsec.IpsecAuthAlg,
                "IpsecConfig.IpsecAuthAlg",
                allowed: hashes,
                default: c.ipsecAuthAlg
            )
            c.ipsecPfs = try Self.choose(
                ipsec.IpsecPfs,
                "IpsecConfig.IpsecPfs",
                allowed: ["disabled"] + groups,
                default: c.ipsecPfs
            )
            if let lifetime = ipsec.IpsecLifetime {
                guard (0...86400).contains(lifetime) else {
                    throw .invalid(
                        "InvalidParameter",
                        "The specified IpsecConfig.IpsecLifetime '\(lifetime)' is not valid; allowed: 0 to 86400 seconds."
                    )
                }
                c.ipsecLifetime = lifetime
            }
            connection.ipsecConfig = c
        }
        if connection.ikeConfig.ikeVersion == "ikev1",
            connection.localSubnet.count > 1 || connection.remoteSubnet.count > 1
        {
            throw .invalid(
                "InvalidParameter",
                "Several CIDR blocks in LocalSubnet or RemoteSubnet need IkeConfig.IkeVersion 'ikev2' (got 'ikev1')."
            )
        }
        vpnConnections[id] = connection
        touch(id)
        return connection
    }
}
