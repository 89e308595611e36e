import NetworkModel

extension CloudView {
    /// Every entry of a VBR's effective table (its custom routes to router interfaces and what it learned from its
    /// CEN), as the route engine computed it; empty for an unknown VBR.
    public func routes(ofVBR vbrId: String) -> [EffectiveRoute] {
        guard let vbr = state.vbrs[vbrId] else { return [] }
        return routes(
            of: .vbr(VBRID(vbrId)),
            routeTableId: vbr.routeTableId,
            created: vbr.creationTime,
            serviceRouteEntryId: ""
        )
    }
}
