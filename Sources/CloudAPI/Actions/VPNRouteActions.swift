import ControlPlane
import Foundation
import IPAddressing
import RouteEngine

/// VPN gateway routes: destination-based, policy-based, publish/withdraw (reference §5).
enum VPNRouteActions {
    static func all(_ cp: ControlPlane) -> [any Action] {
        [
            create("CreateVpnRouteEntry", policyBased: false, cp),
            create("CreateVpnPbrRouteEntry", policyBased: true, cp),
            delete("DeleteVpnRouteEntry", policyBased: false, cp),
            delete("DeleteVpnPbrRouteEntry", policyBased: true, cp),
            describe("DescribeVpnRouteEntries", policyBased: false, cp),
            describe("DescribeVpnPbrRouteEntries", policyBased: true, cp),
            ClosureAction("PublishVpnRouteEntry", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let gateway = try input.required("VpnGatewayId")
                let destText = try input.required("RouteDest")
                let hop = try input.required("NextHop")
                let type = try input.required("RouteType")
                guard type == "dbr" || type == "pbr" else { throw .invalid("RouteType", type, allowed: "dbr, pbr") }
                guard let publish = try input.bool("PublishVpc") else { throw .missing("PublishVpc") }
                guard let dest = IPv4Prefix(destText) else {
                    throw .invalid("RouteDest", destText, allowed: "a CIDR block such as 192.168.1.0/24")
                }
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.publishVPNRoute(
                        gateway: gateway,
                        dest: dest,
                        nextHop: hop,
                        policyBased: type == "pbr",
                        publish: publish,
                        region: region
                    )
                }
                return [:]
            },
        ]
    }

    static func weight(_ input: ActionInput, _ name: String = "Weight") throws(APIError) -> Int {
        guard let weight = try input.int(name, in: 0...100) else { throw .missing(name) }
        return weight
    }

    static func create(_ name: String, policyBased: Bool, _ cp: ControlPlane) -> any Action {
        ClosureAction(name, product: .vpc) { input throws(APIError) in
            if let mode = input.string("OverlayMode"), mode != "Ipsec" {
                throw .invalid("OverlayMode", mode, allowed: "Ipsec")
            }
            guard let publish = try input.bool("PublishVpc") else { throw .missing("PublishVpc") }
            let request = CloudState.CreateVPNRoute(
                regionId: try input.regionId(),
                vpnGatewayId: try input.required("VpnGatewayId"),
                routeSource: policyBased ? try input.required("RouteSource") : nil,
                routeDest: try input.required("RouteDest"),
                nextHop: try input.required("NextHop"),
                weight: try weight(input),
                priority: policyBased ? try input.int("Priority", in: 1...100) : nil,
                publishVpc: publish,
                description: input.string("Description")
            )
            return try await change(cp, input) { state, context throws(ControlPlaneError) in
                try state.createVPNRoute(request, context)
            } respond: { entry in
                var body = object(entry)
                body["OverlayMode"] = "Ipsec"
                body["Description"] = .string(entry.description)
                return body
            }
        }
    }

    static func delete(_ name: String, policyBased: Bool, _ cp: ControlPlane) -> any Action {
        ClosureAction(name, product: .vpc) { input throws(APIError) in
            let region = try input.regionId()
            let gateway = try input.required("VpnGatewayId")
            let source = policyBased ? try input.required("RouteSource") : nil
            let dest = try input.required("RouteDest")
            let hop = try input.required("NextHop")
            let w = try weight(input)
            try await change(cp, input) { state, _ throws(ControlPlaneError) in
                try state.deleteVPNRoute(
                    gateway: gateway,
                    source: source,
                    dest: dest,
                    nextHop: hop,
                    weight: w,
                    region: region
                )
            }
            return [:]
        }
    }

    static func describe(_ name: String, policyBased: Bool, _ cp: ControlPlane) -> any Action {
        ClosureAction(name, product: .vpc) { input throws(APIError) in
            let region = try input.regionId()
            let gatewayId = try input.required("VpnGatewayId")
            if !policyBased, let type = input.string("RouteEntryType"),
                !["custom", "bgp", "all"].contains(type.lowercased())
            {
                throw .invalid("RouteEntryType", type, allowed: "custom, bgp")
            }
            let paging = try input.paging()
            return try await readView(cp) { view throws(ControlPlaneError) in
                _ = try view.state.vpnGateway(gatewayId, region: region)
                // The gateway's table as the route engine holds it (sorted by destination, then source).
                let routes =
                    input.string("RouteEntryType")?.lowercased() == "bgp"
                    ? [] : view.vpnRoutes(of: gatewayId, policyBased: policyBased)
                var body = APIObject(paging.fields(total: routes.count))
                if policyBased {
                    body["VpnPbrRouteEntries"] = .wrapped(
                        "VpnPbrRouteEntry",
                        paging.page(of: routes).map { .object(object($0)) }
                    )
                } else {
                    body["VpnRouteEntries"] = .wrapped(
                        "VpnRouteEntry",
                        paging.page(of: routes).map { route in
                            var o = object(route)
                            o["RouteEntryType"] = "Custom"
                            o["Source"] = ""
                            return .object(o)
                        }
                    )
                    body["VpnRouteCounts"] = .wrapped(
                        "VpnRouteCount",
                        [["RouteCount": .int(routes.count), "RouteEntryType": "custom", "Source": "CUSTOM"]]
                    )
                }
                return body
            }
        }
    }

    /// A gateway route: what the route engine holds (destination, source, next hop, weight, priority) and what
    /// only the stored entry knows (whether it is published, when it was created).
    static func object(_ effective: EffectiveVPNRoute) -> APIObject {
        let entry = effective.entry
        let route = effective.route
        var o: APIObject = ["VpnInstanceId": .string(entry.vpnGatewayId)]
        if let source = route.source { o["RouteSource"] = .string(source.description) }
        o["RouteDest"] = .string(route.destination.description)
        o["NextHop"] = .string(route.nextHop.idText)
        o["Weight"] = .int(route.weight ?? entry.weight)
        if let priority = route.priority { o["Priority"] = .int(priority) }
        o["State"] = .string(entry.published ? "published" : "normal")
        o["CreateTime"] = CloudTime.millis(entry.createTime)
        return o
    }

    static func object(_ entry: VPNRouteEntry) -> APIObject {
        var o: APIObject = ["VpnInstanceId": .string(entry.vpnGatewayId)]
        if let source = entry.routeSource { o["RouteSource"] = .string(source.description) }
        o["RouteDest"] = .string(entry.routeDest.description)
        o["NextHop"] = .string(entry.nextHop)
        o["Weight"] = .int(entry.weight)
        if let priority = entry.priority { o["Priority"] = .int(priority) }
        o["State"] = .string(entry.published ? "published" : "normal")
        o["CreateTime"] = CloudTime.millis(entry.createTime)
        return o
    }
}
