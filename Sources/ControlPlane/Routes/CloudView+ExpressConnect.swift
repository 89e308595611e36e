import NetworkModel
import RouteEngine

extension CloudView {
    /// Every entry of a VBR's effective table (its custom routes to router interfaces and what it learned from its
    /// CEN), as the route engine computed it; empty for an unknown VBR.
    public func routes(ofVBR vbrId: String) -> [EffectiveRoute] {
        guard let vbr = state.vbrs[vbrId], let table = engine.routeTable(for: .vbr(VBRID(vbrId))) else { return [] }
        let network = NetworkReference.vbr(VBRID(vbrId))
        return table.entries.map { entry in
            var route = EffectiveRoute(
                routeEntryId: "",
                routeTableId: vbr.routeTableId,
                destination: entry.destination,
                type: entry.type.rawValue,
                nextHopType: entry.nextHop.typeName,
                nextHopId: entry.nextHop.idText,
                nextHopRegionId: "",
                name: "",
                description: "",
                modified: vbr.creationTime,
                status: entry.status.rawValue,
                reason: entry.reason,
                isConflict: entry.isConflict,
                isPublishedToCEN: false,
                isUserEntry: false
            )
            switch entry.origin {
            case .routeEntry(let id):
                if let custom = state.routeEntries[id.rawValue] {
                    route.routeEntryId = custom.id
                    route.name = custom.name
                    route.description = custom.description
                    route.modified = custom.creationTime
                    route.isUserEntry = true
                }
            case .cen(_, _, let region):
                route.nextHopRegionId = region.rawValue
            default:
                break
            }
            if entry.type != .cen, entry.status == .active {
                route.isPublishedToCEN =
                    engine.publishStatus(of: CENRouteReference(network: network, destination: entry.destination))
                    .isPublished
            }
            return route
        }
    }
}
