extension CloudState {
    /// One `NextHopList.N` entry of CreateRouteEntry (ECMP).
    public struct NextHopListItem: Sendable, Equatable {
        public var nextHopType: String?
        public var nextHopId: String?
        public init(nextHopType: String?, nextHopId: String?) {
            self.nextHopType = nextHopType
            self.nextHopId = nextHopId
        }
    }

    /// Neither `NextHopId` nor `NextHopList` was given (reference §1.6 `InvalidNexthopTypeAndList.BothNull`).
    static func bothNextHopsNull(_ type: String) -> ControlPlaneError {
        .invalid(
            "InvalidNexthopTypeAndList.BothNull",
            "Neither NextHopId nor NextHopList is given (NextHopType is \(type)); give NextHopType and NextHopId for one next hop, or NextHopList for ECMP."
        )
    }

    /// Checks an ECMP `NextHopList` of CreateRouteEntry against the reference's rules (§4 CreateRouteEntry,
    /// §1.6): only in a VPC's system table; 2 to 4 entries; each of type `RouterInterface`, an interface of the
    /// VPC's own vRouter, listed once, whose opposite router is a VBR. Returns normally when all rules pass.
    public func checkNextHopList(
        _ items: [NextHopListItem],
        routeTableId: String,
        region: String?
    ) throws(ControlPlaneError) {
        if let vbr = vbr(routeTable: routeTableId) {
            throw .invalid(
                "InvalidNextHopType",
                "The route table '\(routeTableId)' of VBR '\(vbr.id)' does not take NextHopList (ECMP); give NextHopType=RouterInterface and one NextHopId."
            )
        }
        let vpc = try vpc(routeTable: routeTableId, region: region)
        guard (2...4).contains(items.count) else {
            throw .invalid(
                "InvalidNexthopListSize",
                "The NextHopList has \(items.count) \(items.count == 1 ? "entry" : "entries"); Must be between 2 and 4."
            )
        }
        var seen: Set<String> = []
        for (offset, item) in items.enumerated() {
            let n = offset + 1
            let type = item.nextHopType ?? ""
            guard type == "RouterInterface" else {
                throw .invalid(
                    "InvalidNextHopType",
                    "The specified NextHopList.\(n).NextHopType '\(type)' is not valid; allowed in a NextHopList: RouterInterface."
                )
            }
            let id = item.nextHopId ?? ""
            guard let ri = routerInterfaces[id], ri.routerType == "VRouter", ri.routerId == vpc.vRouterId else {
                throw .invalid(
                    "InvalidRouterInterface",
                    "The specified NextHopList.\(n).NextHopId '\(id)' is not a router interface of VPC '\(vpc.id)' (vRouter '\(vpc.vRouterId)')."
                )
            }
            guard seen.insert(id).inserted else {
                throw .invalid(
                    "InvalidRouterInterface",
                    "The NextHopList names router interface '\(id)' twice (NextHopList.\(n)); each next hop must be a different interface."
                )
            }
            let oppositeType =
                ri.oppositeRouterType.isEmpty
                ? (routerInterfaces[ri.oppositeInterfaceId]?.routerType ?? "") : ri.oppositeRouterType
            guard oppositeType == "VBR" else {
                throw .invalid(
                    "InvalidOppositeRouterType",
                    "The router interface '\(id)' (NextHopList.\(n)) has OppositeRouterType '\(oppositeType)'; ECMP next hops must be router interfaces whose opposite router is a VBR."
                )
            }
        }
    }
}
