import Foundation
public import IPAddressing

/// Sites (offices and data centres), their device routes and loaded IPsec configurations: Meridian's API
/// version 2026-11-01, for what the cloud's own API does not describe (DESIGN §4, "tunnel state without real
/// packets").
extension CloudState {
    /// Most CIDR blocks one site may have.
    public static let maxSiteCIDRBlocks = 10
    /// Most static routes on one site's device.
    public static let maxSiteRouteEntries = 100
    /// Most sites in one state.
    public static let maxSites = 500

    /// Ranges a site's public gateway IP cannot lie in: private (RFC 1918), shared (RFC 6598), loopback,
    /// link-local, multicast, "this network", reserved and broadcast.
    static let nonPublicRanges: [(IPv4Prefix, String)] = [
        ("10.0.0.0/8", "private (RFC 1918)"), ("172.16.0.0/12", "private (RFC 1918)"),
        ("192.168.0.0/16", "private (RFC 1918)"), ("100.64.0.0/10", "shared address space (RFC 6598)"),
        ("127.0.0.0/8", "loopback"), ("169.254.0.0/16", "link-local"), ("224.0.0.0/4", "multicast"),
        ("0.0.0.0/8", "this network"), ("240.0.0.0/4", "reserved and broadcast"),
    ].map { (IPv4Prefix($0.0)!, $0.1) }

    // MARK: Look-ups

    public func site(_ id: String) throws(ControlPlaneError) -> SiteResource {
        guard let site = sites[id] else {
            throw .notFound("InvalidSiteId.NotFound", "The specified SiteId '\(id)' does not exist.")
        }
        return site
    }

    static func address(_ text: String, parameter: String) throws(ControlPlaneError) -> IPv4Address {
        do {
            return try IPv4Address(parsing: text)
        } catch {
            throw .invalid(
                "Invalid\(parameter).Malformed",
                "The specified \(parameter) '\(text)' is not an IPv4 address (a.b.c.d): \(error)."
            )
        }
    }

    // MARK: Site

    public struct CreateSite: Sendable {
        public var regionId: String?
        public var name: String?
        public var description: String?
        /// `CidrBlock.N`, as given.
        public var cidrBlocks: [String]
        public var gatewayIpAddress: String
        public init(
            regionId: String? = nil,
            name: String? = nil,
            description: String? = nil,
            cidrBlocks: [String],
            gatewayIpAddress: String
        ) {
            self.regionId = regionId
            self.name = name
            self.description = description
            self.cidrBlocks = cidrBlocks
            self.gatewayIpAddress = gatewayIpAddress
        }
    }

    /// Creates a site: its blocks must not overlap each other nor another site's, and its gateway IP must be a
    /// public address that no other site or VPN gateway has.
    public mutating func createSite(
        _ request: CreateSite,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> SiteResource {
        guard (1...Self.maxSiteCIDRBlocks).contains(request.cidrBlocks.count) else {
            throw .invalid(
                request.cidrBlocks.isEmpty ? "MissingCidrBlock" : "InvalidCidrBlock.Count",
                "A site needs 1 to \(Self.maxSiteCIDRBlocks) CIDR blocks (CidrBlock.1, CidrBlock.2, …); got \(request.cidrBlocks.count)."
            )
        }
        var blocks: [IPv4Prefix] = []
        for (i, text) in request.cidrBlocks.enumerated() {
            let parameter = "CidrBlock.\(i + 1)"
            let block = try Check.prefix(text, parameter: parameter)
            if case let (range, what)? = Check.reserved(block) {
                throw .invalid(
                    "InvalidCidrBlock.Reserved",
                    "The specified \(parameter) '\(block)' overlaps \(range) (\(what)), which a site cannot use."
                )
            }
            if let j = blocks.firstIndex(where: { $0.overlaps(block) }) {
                throw .invalid(
                    "InvalidCidrBlock.Overlapped",
                    "The specified \(parameter) '\(block)' overlaps CidrBlock.\(j + 1) '\(blocks[j])' of the same request."
                )
            }
            for other in ordered(sites) {
                if let theirs = other.cidrBlocks.first(where: { $0.overlaps(block) }) {
                    throw .invalid(
                        "InvalidCidrBlock.Overlapped",
                        "The specified \(parameter) '\(block)' overlaps \(theirs) of site '\(other.id)' (\(other.name)); an address must belong to one site only."
                    )
                }
            }
            blocks.append(block)
        }
        let gatewayIP = try Self.address(request.gatewayIpAddress, parameter: "GatewayIpAddress")
        if case let (range, what)? = Self.nonPublicRanges.first(where: { $0.0.contains(gatewayIP) }) {
            throw .invalid(
                "InvalidGatewayIpAddress.NotPublic",
                "The specified GatewayIpAddress '\(gatewayIP)' lies in \(range) (\(what)); the device's gateway IP must be a public address, as a customer gateway records it."
            )
        }
        if let block = blocks.first(where: { $0.contains(gatewayIP) }) {
            throw .invalid(
                "InvalidGatewayIpAddress.InsideSite",
                "The specified GatewayIpAddress '\(gatewayIP)' lies in the site's own CIDR block \(block); the public IP must be outside the office networks."
            )
        }
        if let other = ordered(sites.filter { $0.value.gatewayIpAddress == gatewayIP }).first {
            throw .invalid(
                "InvalidGatewayIpAddress.AlreadyExist",
                "The GatewayIpAddress '\(gatewayIP)' is already the gateway IP of site '\(other.id)' (\(other.name))."
            )
        }
        if let other = ordered(sites).first(where: { $0.cidrBlocks.contains { $0.contains(gatewayIP) } }) {
            throw .invalid(
                "InvalidGatewayIpAddress.InsideSite",
                "The specified GatewayIpAddress '\(gatewayIP)' lies inside site '\(other.id)' (\(other.name))'s networks."
            )
        }
        if let gateway = ordered(vpnGateways.filter { $0.value.internetIp == gatewayIP }).first {
            throw .invalid(
                "InvalidGatewayIpAddress.Conflict",
                "The GatewayIpAddress '\(gatewayIP)' is the public IP of VPN gateway '\(gateway.id)'; a site's device needs its own address."
            )
        }
        if let region = request.regionId {
            guard region.count <= 64, region.contains("-"),
                region.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
            else {
                throw .notFound(
                    "InvalidRegionId.NotFound",
                    "The specified RegionId '\(region)' does not exist; a region id looks like cn-hangzhou."
                )
            }
        }
        guard sites.count < Self.maxSites else {
            throw .invalid("Resource.QuotaFull", "The site quota is used up: \(sites.count) of \(Self.maxSites).")
        }
        let name = try Check.name(request.name, parameter: "Name", code: "InvalidName")
        let description = try Check.description(request.description)
        let id = context.makeID("site-")
        let site = SiteResource(
            id: id,
            regionId: request.regionId ?? "",
            name: name.isEmpty ? id : name,
            description: description,
            cidrBlocks: blocks,
            gatewayIpAddress: gatewayIP,
            routeEntries: [],
            connectionConfigs: [],
            createTime: context.now
        )
        sites[id] = site
        remember(id)
        return site
    }

    /// Deletes a site with its routes and loaded configurations (they live on its device).
    public mutating func deleteSite(_ id: String) throws(ControlPlaneError) {
        let site = try site(id)
        sites[site.id] = nil
        touch(site.id)
    }

    // MARK: Device routes

    public struct CreateSiteRouteEntry: Sendable {
        public var siteId: String
        public var destinationCidrBlock: String
        public var nextHopIp: String
        public init(siteId: String, destinationCidrBlock: String, nextHopIp: String) {
            self.siteId = siteId
            self.destinationCidrBlock = destinationCidrBlock
            self.nextHopIp = nextHopIp
        }
    }

    /// Adds `ip route <destination> <next hop>` to a site's device.
    ///
    /// The next hop must be a VPN gateway's public
    /// IP (the device sends the traffic into its tunnel to that gateway): an address inside the site, or one
    /// the device cannot reach, is rejected.
    public mutating func createSiteRouteEntry(
        _ request: CreateSiteRouteEntry,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> SiteRouteEntry {
        var site = try site(request.siteId)
        let destination = try Check.prefix(
            request.destinationCidrBlock,
            parameter: "DestinationCidrBlock",
            code: "InvalidDestinationCidrBlock.Malformed"
        )
        let nextHop = try Self.address(request.nextHopIp, parameter: "NextHopIp")
        if let block = site.cidrBlocks.first(where: { $0 == destination }) {
            throw .invalid(
                "InvalidDestinationCidrBlock.SiteNetwork",
                "The specified DestinationCidrBlock '\(destination)' is the site's own network \(block), which the device reaches directly."
            )
        }
        if let block = site.cidrBlocks.first(where: { $0.contains(nextHop) }) {
            throw .invalid(
                "InvalidNextHopIp.InsideSite",
                "The specified NextHopIp '\(nextHop)' lies in the site's own network \(block); a static route of the device points at a VPN gateway's public IP (its tunnel), not into the office."
            )
        }
        guard vpnGateways.values.contains(where: { $0.internetIp == nextHop }) else {
            let known = ordered(vpnGateways).map { "\($0.internetIp) (\($0.id))" }
            throw .invalid(
                "InvalidNextHopIp.Unreachable",
                "The specified NextHopIp '\(nextHop)' is outside the site and is no VPN gateway's public IP, so the device has no way to reach it; use a VPN gateway's InternetIp\(known.isEmpty ? " (there is no VPN gateway yet)" : ": " + known.joined(separator: ", "))."
            )
        }
        if let existing = site.routeEntries.first(where: { $0.destinationCidrBlock == destination }) {
            throw .invalid(
                "InvalidDestinationCidrBlock.Duplicate",
                "The site '\(site.id)' already routes \(destination) via \(existing.nextHopIp); delete that route first."
            )
        }
        guard site.routeEntries.count < Self.maxSiteRouteEntries else {
            throw .invalid(
                "Resource.QuotaFull",
                "The site '\(site.id)' already has \(site.routeEntries.count) routes, its quota."
            )
        }
        let entry = SiteRouteEntry(destinationCidrBlock: destination, nextHopIp: nextHop, createTime: context.now)
        site.routeEntries.append(entry)
        sites[site.id] = site
        touch(site.id)
        return entry
    }

    /// Removes the device route for `destination` (and, when given, via `nextHopIp`).
    public mutating func deleteSiteRouteEntry(
        siteId: String,
        destinationCidrBlock: String,
        nextHopIp: String?
    ) throws(ControlPlaneError) {
        var site = try site(siteId)
        let destination = try Check.prefix(
            destinationCidrBlock,
            parameter: "DestinationCidrBlock",
            code: "InvalidDestinationCidrBlock.Malformed"
        )
        let nextHop = try nextHopIp.map { (text: String) throws(ControlPlaneError) -> IPv4Address in
            try Self.address(text, parameter: "NextHopIp")
        }
        guard
            let index = site.routeEntries.firstIndex(where: {
                $0.destinationCidrBlock == destination && (nextHop == nil || $0.nextHopIp == nextHop)
            })
        else {
            throw .notFound(
                "InvalidSiteRouteEntry.NotFound",
                "The site '\(site.id)' has no route for \(destination)\(nextHop.map { " via \($0)" } ?? "")."
            )
        }
        site.routeEntries.remove(at: index)
        sites[site.id] = site
        touch(site.id)
    }

    // MARK: Loaded configurations

    public struct LoadVPNConnectionConfig: Sendable {
        public var siteId: String
        public var vpnConnectionId: String
        /// Overrides `IkeConfig.Psk`.
        public var psk: String?
        public var ikeConfig: IKEConfigInput?
        public var ipsecConfig: IPsecConfigInput?
        /// Office-side selectors, comma-separated (default: the connection's `RemoteSubnet`).
        public var localSubnet: String?
        /// Cloud-side selectors, comma-separated (default: the connection's `LocalSubnet`).
        public var remoteSubnet: String?
        public init(
            siteId: String,
            vpnConnectionId: String,
            psk: String? = nil,
            ikeConfig: IKEConfigInput? = nil,
            ipsecConfig: IPsecConfigInput? = nil,
            localSubnet: String? = nil,
            remoteSubnet: String? = nil
        ) {
            self.siteId = siteId
            self.vpnConnectionId = vpnConnectionId
            self.psk = psk
            self.ikeConfig = ikeConfig
            self.ipsecConfig = ipsecConfig
            self.localSubnet = localSubnet
            self.remoteSubnet = remoteSubnet
        }
    }

    /// Loads an IPsec connection's configuration on the site's device.
    ///
    /// It is what `DownloadVpnConnectionConfig` gives now, with the overrides applied. Loading the same
    /// connection again replaces the earlier one.
    public mutating func loadVPNConnectionConfig(
        _ request: LoadVPNConnectionConfig,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> SiteConnectionConfig {
        var site = try site(request.siteId)
        let connection = try vpnConnection(request.vpnConnectionId)
        let gateway = try vpnGateway(connection.vpnGatewayId)
        let customer = try customerGateway(connection.customerGatewayId)
        guard customer.ipAddress == site.gatewayIpAddress else {
            throw .invalid(
                "InvalidVpnConnection.SiteMismatch",
                "The IPsec connection '\(connection.id)' goes to customer gateway '\(customer.id)' with IP \(customer.ipAddress), but site '\(site.id)' has gateway IP \(site.gatewayIpAddress); load a connection whose customer gateway is this site's device."
            )
        }
        // The device's view: its local id is the cloud's remote id and the other way round.
        var ike = connection.ikeConfig
        (ike.localId, ike.remoteId) = (ike.remoteId, ike.localId)
        var ipsec = connection.ipsecConfig
        if let input = request.ikeConfig {
            ike = try Self.applying(input, to: ike)
        }
        if let psk = request.psk {
            if let other = request.ikeConfig?.Psk, other != psk {
                throw .invalid(
                    "InvalidParameter",
                    "Psk and IkeConfig.Psk are both given and differ; give the device's pre-shared key once."
                )
            }
            ike.psk = try Self.checkedPSK(psk, parameter: "Psk")
        }
        if let input = request.ipsecConfig {
            ipsec = try Self.applying(input, to: ipsec)
        }
        let local =
            try request.localSubnet.map { (text: String) throws(ControlPlaneError) -> [IPv4Prefix] in
                try Self.subnets(text, parameter: "LocalSubnet")
            } ?? connection.remoteSubnet
        let remote =
            try request.remoteSubnet.map { (text: String) throws(ControlPlaneError) -> [IPv4Prefix] in
                try Self.subnets(text, parameter: "RemoteSubnet")
            } ?? connection.localSubnet
        if ike.ikeVersion == "ikev1", local.count > 1 || remote.count > 1 {
            throw .invalid(
                "InvalidParameter",
                "Several CIDR blocks in LocalSubnet or RemoteSubnet need IkeConfig.IkeVersion 'ikev2' (the device's is 'ikev1')."
            )
        }
        let config = SiteConnectionConfig(
            vpnConnectionId: connection.id,
            peerIp: gateway.internetIp,
            localIp: customer.ipAddress,
            ikeConfig: ike,
            ipsecConfig: ipsec,
            localSubnet: local,
            remoteSubnet: remote,
            loadTime: context.now
        )
        if let index = site.connectionConfigs.firstIndex(where: {
            $0.vpnConnectionId == connection.id || ($0.peerIp == config.peerIp && $0.localIp == config.localIp)
        }) {
            site.connectionConfigs[index] = config
        } else {
            site.connectionConfigs.append(config)
        }
        sites[site.id] = site
        touch(site.id)
        return config
    }

    /// Removes a loaded configuration from the site's device.
    public mutating func unloadVPNConnectionConfig(siteId: String, vpnConnectionId: String) throws(ControlPlaneError) {
        var site = try site(siteId)
        guard let index = site.connectionConfigs.firstIndex(where: { $0.vpnConnectionId == vpnConnectionId }) else {
            throw .notFound(
                "InvalidVpnConnectionConfig.NotFound",
                "The site '\(site.id)' has no configuration loaded for IPsec connection '\(vpnConnectionId)'."
            )
        }
        site.connectionConfigs.remove(at: index)
        sites[site.id] = site
        touch(site.id)
    }

    static func checkedPSK(_ psk: String, parameter: String) throws(ControlPlaneError) -> String {
        guard (1...100).contains(psk.count), !psk.contains(" "), psk.allSatisfy({ $0.isASCII && !$0.isNewline }) else {
            throw .invalid(
                "InvalidParameter",
                "The specified \(parameter) is not valid: use 1 to 100 printable ASCII characters without spaces."
            )
        }
        return psk
    }

    static func lifetime(_ value: Int?, _ key: String, default defaultValue: Int) throws(ControlPlaneError) -> Int {
        guard let value else { return defaultValue }
        guard (0...86400).contains(value) else {
            throw .invalid(
                "InvalidParameter",
                "The specified \(key) '\(value)' is not valid; allowed: 0 to 86400 seconds."
            )
        }
        return value
    }

    /// `base` with the keys `input` gives, checked as `CreateVpnConnection` checks them.
    static func applying(_ input: IKEConfigInput, to base: IKEConfig) throws(ControlPlaneError) -> IKEConfig {
        var c = base
        if let psk = input.Psk { c.psk = try checkedPSK(psk, parameter: "IkeConfig.Psk") }
        c.ikeVersion = try choose(
            input.IkeVersion,
            "IkeConfig.IkeVersion",
            allowed: ["ikev1", "ikev2"],
            default: c.ikeVersion
        )
        c.ikeMode = try choose(input.IkeMode, "IkeConfig.IkeMode", allowed: ["main", "aggressive"], default: c.ikeMode)
        c.ikeEncAlg = try choose(
            input.IkeEncAlg,
            "IkeConfig.IkeEncAlg",
            allowed: encryptionAlgorithms,
            default: c.ikeEncAlg
        )
        c.ikeAuthAlg = try choose(
            input.IkeAuthAlg,
            "IkeConfig.IkeAuthAlg",
            allowed: integrityAlgorithms,
            default: c.ikeAuthAlg
        )
        c.ikePfs = try choose(input.IkePfs, "IkeConfig.IkePfs", allowed: dhGroups, default: c.ikePfs)
        c.ikeLifetime = try lifetime(input.IkeLifetime, "IkeConfig.IkeLifetime", default: c.ikeLifetime)
        if let value = input.LocalId { c.localId = value }
        if let value = input.RemoteId { c.remoteId = value }
        return c
    }

    static func applying(_ input: IPsecConfigInput, to base: IPsecConfig) throws(ControlPlaneError) -> IPsecConfig {
        var c = base
        c.ipsecEncAlg = try choose(
            input.IpsecEncAlg,
            "IpsecConfig.IpsecEncAlg",
            allowed: encryptionAlgorithms,
            default: c.ipsecEncAlg
        )
        c.ipsecAuthAlg = try choose(
            input.IpsecAuthAlg,
            "IpsecConfig.IpsecAuthAlg",
            allowed: integrityAlgorithms,
            default: c.ipsecAuthAlg
        )
        c.ipsecPfs = try choose(
            input.IpsecPfs,
            "IpsecConfig.IpsecPfs",
            allowed: ["disabled"] + dhGroups,
            default: c.ipsecPfs
        )
        c.ipsecLifetime = try lifetime(input.IpsecLifetime, "IpsecConfig.IpsecLifetime", default: c.ipsecLifetime)
        return c
    }

    static let encryptionAlgorithms = ["aes", "aes192", "aes256", "des", "3des"]
    static let integrityAlgorithms = ["md5", "sha1", "sha256", "sha384", "sha512"]
    static let dhGroups = ["group1", "group2", "group5", "group14", "group24"]
}
