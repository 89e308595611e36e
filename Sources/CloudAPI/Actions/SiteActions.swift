import ControlPlane
import Foundation
import IPAddressing

extension Product {
    /// Meridian's own API (version 2026-11-01).
    ///
    /// Sites, their devices and connectivity tests, which the cloud's API does not cover. Same endpoint and signatures as the cloud's products.
    public static let meridian = Product(code: "Meridian", version: "2026-11-01", host: "meridian.local")
}

/// Site, device route, loaded configuration and connectivity test actions (docs/api.md, "Version 2026-11-01").
enum SiteActions {
    static func all(_ cp: ControlPlane) -> [any Action] {
        [
            ClosureAction("CreateSite", product: .meridian) { input throws(APIError) in
                let request = CloudState.CreateSite(
                    regionId: input.string("RegionId"),
                    name: input.string("Name"),
                    description: input.string("Description"),
                    cidrBlocks: try input.list("CidrBlock"),
                    gatewayIpAddress: try input.required("GatewayIpAddress")
                )
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.createSite(request, context)
                } respond: { site in
                    [
                        "SiteId": .string(site.id), "Name": .string(site.name),
                        "CreateTime": CloudTime.iso(site.createTime),
                    ]
                }
            },
            ClosureAction("DescribeSites", product: .meridian) { input throws(APIError) in
                let ids = try idFilter(input.string("SiteId"), parameter: "SiteId")
                let region = input.string("RegionId")
                let name = input.string("Name")
                let paging = try input.paging()
                return try await readView(cp) { view in
                    let state = view.state
                    let (total, list) = paging.page(of: state.sites, in: state) {
                        (ids == nil || ids!.contains($0.id)) && (region == nil || $0.regionId == region)
                            && (name == nil || $0.name == name)
                    }
                    let tunnels = view.siteTunnelStates()
                    var body = APIObject(paging.fields(total: total))
                    body["Sites"] = .wrapped("Site", list.map { .object(siteObject($0, tunnels)) })
                    return body
                }
            },
            ClosureAction("DeleteSite", product: .meridian) { input throws(APIError) in
                let id = try input.required("SiteId")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in try state.deleteSite(id) }
                return [:]
            },
            ClosureAction("CreateSiteRouteEntry", product: .meridian) { input throws(APIError) in
                let request = CloudState.CreateSiteRouteEntry(
                    siteId: try input.required("SiteId"),
                    destinationCidrBlock: try input.required("DestinationCidrBlock"),
                    nextHopIp: try input.required("NextHopIp")
                )
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.createSiteRouteEntry(request, context)
                } respond: { entry in
                    [
                        "SiteId": .string(request.siteId),
                        "DestinationCidrBlock": .string(entry.destinationCidrBlock.description),
                        "NextHopIp": .string(entry.nextHopIp.description),
                    ]
                }
            },
            ClosureAction("DeleteSiteRouteEntry", product: .meridian) { input throws(APIError) in
                let id = try input.required("SiteId")
                let destination = try input.required("DestinationCidrBlock")
                let nextHop = input.string("NextHopIp")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.deleteSiteRouteEntry(siteId: id, destinationCidrBlock: destination, nextHopIp: nextHop)
                }
                return [:]
            },
            ClosureAction("LoadVpnConnectionConfig", product: .meridian) { input throws(APIError) in
                let request = CloudState.LoadVPNConnectionConfig(
                    siteId: try input.required("SiteId"),
                    vpnConnectionId: try input.required("VpnConnectionId"),
                    psk: input.string("Psk"),
                    ikeConfig: try input.json("IkeConfig", as: CloudState.IKEConfigInput.self),
                    ipsecConfig: try input.json("IpsecConfig", as: CloudState.IPsecConfigInput.self),
                    localSubnet: input.string("LocalSubnet"),
                    remoteSubnet: input.string("RemoteSubnet")
                )
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.loadVPNConnectionConfig(request, context)
                } respond: { config in
                    var body: APIObject = ["SiteId": .string(request.siteId)]
                    body.fields += configObject(config, tunnel: nil).fields
                    return body
                }
            },
            ClosureAction("UnloadVpnConnectionConfig", product: .meridian) { input throws(APIError) in
                let id = try input.required("SiteId")
                let connection = try input.required("VpnConnectionId")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.unloadVPNConnectionConfig(siteId: id, vpnConnectionId: connection)
                }
                return [:]
            },
            ClosureAction("TestConnectivity", product: .meridian) { input throws(APIError) in
                var port: Int?
                if let text = input.string("DestinationPort") {
                    guard let value = Int(text) else {
                        throw APIError(
                            code: "InvalidDestinationPort",
                            status: 400,
                            message: "The specified DestinationPort '\(text)' is not an integer; allowed: 1 to 65535."
                        )
                    }
                    port = value
                }
                let request = ConnectivityRequest(
                    sourceIp: try input.required("SourceIp"),
                    destinationIp: try input.required("DestinationIp"),
                    ipProtocol: input.string("Protocol"),
                    destinationPort: port
                )
                let report = try await readView(cp) { view throws(ControlPlaneError) in
                    try view.testConnectivity(request)
                }
                return reportObject(report)
            },
        ]
    }

    static func siteObject(_ site: SiteResource, _ tunnels: [String: SiteTunnelState]) -> APIObject {
        [
            "SiteId": .string(site.id), "Name": .string(site.name), "Description": .string(site.description),
            "RegionId": .string(site.regionId), "GatewayIpAddress": .string(site.gatewayIpAddress.description),
            "CidrBlocks": .wrapped("CidrBlock", site.cidrBlocks.map { .string($0.description) }),
            "RouteEntries": .wrapped(
                "RouteEntry",
                site.routeEntries.map { entry in
                    [
                        "DestinationCidrBlock": .string(entry.destinationCidrBlock.description),
                        "NextHopIp": .string(entry.nextHopIp.description),
                        "CreateTime": CloudTime.iso(entry.createTime),
                    ]
                }
            ),
            "VpnConnectionConfigs": .wrapped(
                "VpnConnectionConfig",
                site.connectionConfigs.map { .object(configObject($0, tunnel: tunnels[$0.vpnConnectionId])) }
            ),
            "CreateTime": CloudTime.iso(site.createTime),
        ]
    }

    /// A loaded configuration in `DownloadVpnConnectionConfig`'s shape (from the device's point of view), with
    /// the tunnel's state when known.
    static func configObject(_ c: SiteConnectionConfig, tunnel: SiteTunnelState?) -> APIObject {
        var object: APIObject = [
            "VpnConnectionId": .string(c.vpnConnectionId),
            "Local": .string(c.localIp.description), "Remote": .string(c.peerIp.description),
            "LocalSubnet": .string(c.localSubnet.map(\.description).joined(separator: ",")),
            "RemoteSubnet": .string(c.remoteSubnet.map(\.description).joined(separator: ",")),
            "IkeConfig": [
                "Psk": .string(c.ikeConfig.psk), "IkeVersion": .string(c.ikeConfig.ikeVersion),
                "IkeMode": .string(c.ikeConfig.ikeMode), "IkeEncAlg": .string(c.ikeConfig.ikeEncAlg),
                "IkeAuthAlg": .string(c.ikeConfig.ikeAuthAlg), "IkePfs": .string(c.ikeConfig.ikePfs),
                "IkeLifetime": .int(c.ikeConfig.ikeLifetime), "LocalId": .string(c.ikeConfig.localId),
                "RemoteId": .string(c.ikeConfig.remoteId),
            ],
            "IpsecConfig": [
                "IpsecEncAlg": .string(c.ipsecConfig.ipsecEncAlg), "IpsecAuthAlg": .string(c.ipsecConfig.ipsecAuthAlg),
                "IpsecPfs": .string(c.ipsecConfig.ipsecPfs), "IpsecLifetime": .int(c.ipsecConfig.ipsecLifetime),
            ],
            "LoadTime": CloudTime.iso(c.loadTime),
        ]
        if let tunnel {
            object["TunnelStatus"] = .string(tunnel.status)
            object["TunnelMessage"] = .string(tunnel.message)
        }
        return object
    }

    static func hopObject(_ hop: ConnectivityHop) -> APIValue {
        [
            "NodeId": .string(hop.node), "NodeName": .string(hop.name), "NodeKind": .string(hop.kind),
            "DestinationCidrBlock": .optional(hop.destination), "SourceCidrBlock": .optional(hop.source),
            "RouteType": .optional(hop.routeType), "NextHopType": .optional(hop.nextHopType),
            "NextHop": .optional(hop.nextHop), "Via": .optional(hop.via), "Note": .string(hop.note),
        ]
    }

    static func endpointObject(_ endpoint: ConnectivityEndpoint) -> APIValue {
        ["Ip": .string(endpoint.ip.description), "NodeId": .string(endpoint.node), "Name": .string(endpoint.name)]
    }

    static func reportObject(_ r: ConnectivityReport) -> APIObject {
        [
            "Reachable": .bool(r.isReachable), "Outcome": .string(r.outcome),
            "FailedDirection": .string(r.failedDirection), "Explanation": .string(r.explanation),
            "Fix": .optional(r.fix), "Protocol": .string(r.ipProtocol),
            "DestinationPort": r.destinationPort.map { .int($0) } ?? .null,
            "Source": endpointObject(r.source), "Destination": endpointObject(r.destination),
            "ForwardOutcome": .string(r.forwardOutcome),
            "ForwardHops": .wrapped("Hop", r.forwardHops.map(hopObject)),
            "ReturnOutcome": .optional(r.returnOutcome),
            "ReturnHops": .wrapped("Hop", r.returnHops.map(hopObject)),
            "Warnings": .wrapped(
                "Warning",
                r.warnings.map { ["Kind": .string($0.kind), "Message": .string($0.message), "Fix": .optional($0.fix)] }
            ),
        ]
    }
}
