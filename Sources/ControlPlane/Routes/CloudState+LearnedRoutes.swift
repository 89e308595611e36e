public import IPAddressing
public import NetworkModel
import RouteEngine

/// A route of a VPC's effective table, as the route engine computed it.
public struct LearnedRoute: Sendable, Hashable {
    public var destination: IPv4Prefix
    /// `System`, `Custom` or `CEN`.
    public var type: String
    /// Whether the route is the CEN's conflict case (same destination from two networks).
    public var isConflict: Bool
    /// `VPC` or `VBR`: the kind of network the route came from.
    public var nextHopType: String
    /// The network the route came from.
    public var nextHopId: String
    public var nextHopRegionId: String
    /// `Active`, `Candidate` or `Rejected`.
    public var status: String
    /// Why the route engine gave it this status.
    public var reason: String
}

extension CloudState {
    /// Routes `vpcId` learned from its CEN, every status, computed by the route engine.
    ///
    /// - Complexity: builds the route engine over the whole state (not yet incremental).
    public func learnedRoutes(of vpcId: String) -> [LearnedRoute] {
        guard cenAttachments["cenattach-" + vpcId] != nil else { return [] }
        return effectiveRoutes(of: vpcId).filter { $0.type == RouteEntryType.cen.rawValue }
    }

    /// Every route of `vpcId`'s effective table (system, custom, CEN-learned), with status and reason.
    public func effectiveRoutes(of vpcId: String) -> [LearnedRoute] {
        guard vpcs[vpcId] != nil else { return [] }
        let engine = RouteEngine(topology)
        guard let table = engine.routeTable(for: .vpc(VPCID(vpcId))) else { return [] }
        return table.entries.map { entry in
            var region = ""
            if case .network(_, let r) = entry.nextHop { region = r.rawValue }
            return LearnedRoute(
                destination: entry.destination,
                type: entry.type.rawValue,
                isConflict: entry.isConflict,
                nextHopType: entry.nextHop.typeName,
                nextHopId: entry.nextHop.idText,
                nextHopRegionId: region,
                status: entry.status.rawValue,
                reason: entry.reason
            )
        }
    }
}
