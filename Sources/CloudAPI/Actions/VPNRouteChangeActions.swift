import ControlPlane
import Foundation

/// Weight and priority changes of VPN gateway routes (reference §5 "VPN gateway routes").
enum VPNRouteChangeActions {
    static func all(_ cp: ControlPlane) -> [any Action] {
        func weightChange(_ name: String, policyBased: Bool) -> any Action {
            ClosureAction(name, product: .vpc) { input throws(APIError) in
                if let mode = input.string("OverlayMode"), mode != "Ipsec" {
                    throw .invalid("OverlayMode", mode, allowed: "Ipsec")
                }
                let region = try input.regionId()
                let gateway = try input.required("VpnGatewayId")
                let source = policyBased ? try input.required("RouteSource") : nil
                let dest = try input.required("RouteDest")
                let hop = try input.required("NextHop")
                let weight = try VPNRouteActions.weight(input)
                let newWeight = try VPNRouteActions.weight(input, "NewWeight")
                let priority = policyBased ? try input.int("Priority", in: 1...100) : nil
                _ = try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.modifyVPNRouteWeight(
                        gateway: gateway,
                        source: source,
                        dest: dest,
                        nextHop: hop,
                        weight: weight,
                        priority: priority,
                        newWeight: newWeight,
                        region: region
                    )
                }
                return [:]
            }
        }
        return [
            weightChange("ModifyVpnRouteEntryWeight", policyBased: false),
            weightChange("ModifyVpnPbrRouteEntryWeight", policyBased: true),
            ClosureAction("ModifyVpnPbrRouteEntryPriority", product: .vpc) { input throws(APIError) in
                let region = try input.regionId()
                let gateway = try input.required("VpnGatewayId")
                let source = try input.required("RouteSource")
                let dest = try input.required("RouteDest")
                let hop = try input.required("NextHop")
                let weight = try VPNRouteActions.weight(input)
                let priority = try input.int("Priority", in: 1...100)
                guard let newPriority = try input.int("NewPriority", in: 1...100) else { throw .missing("NewPriority") }
                _ = try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.modifyVPNPbrRoutePriority(
                        gateway: gateway,
                        source: source,
                        dest: dest,
                        nextHop: hop,
                        weight: weight,
                        priority: priority,
                        newPriority: newPriority,
                        region: region
                    )
                }
                return [:]
            },
        ]
    }
}
