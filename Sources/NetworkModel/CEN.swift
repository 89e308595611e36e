public import IPAddressing

/// A Cloud Enterprise Network instance (legacy basic edition, overlapping routing enabled).
public struct CENInstance: Sendable, Hashable, Codable {
    public var id: CENID
    public var name: String
    /// Attached VPCs and VBRs, in attachment order (earlier attachments advertise earlier, decision 1).
    public var attachments: [NetworkReference]
    /// Routes published explicitly (`PublishRouteEntries`), in publication order: routes that are not advertised
    /// by default, such as routes to a VPN gateway.
    public var publishedRoutes: [CENRouteReference]
    /// Routes advertised by default but withdrawn (`WithdrawPublishedRouteEntries`), such as a vSwitch route.
    public var withdrawnRoutes: [CENRouteReference]
    /// Bandwidth allocated between two regions (`SetCenInterRegionBandwidthLimit`).
    public var interRegionBandwidths: [InterRegionBandwidth]

    public init(
        id: CENID, name: String = "", attachments: [NetworkReference] = [], publishedRoutes: [CENRouteReference] = [],
        withdrawnRoutes: [CENRouteReference] = [], interRegionBandwidths: [InterRegionBandwidth] = []
    ) {
        self.id = id
        self.name = name
        self.attachments = attachments
        self.publishedRoutes = publishedRoutes
        self.withdrawnRoutes = withdrawnRoutes
        self.interRegionBandwidths = interRegionBandwidths
    }
}

/// A route of an attached network, named by the network and the destination (the route table is the network's
/// system table).
public struct CENRouteReference: Sendable, Hashable, Codable, CustomStringConvertible {
    public var network: NetworkReference
    public var destination: IPv4Prefix

    public init(network: NetworkReference, destination: IPv4Prefix) {
        self.network = network
        self.destination = destination
    }

    public var description: String { "\(destination) of \(network)" }
}

/// Bandwidth between two regions of one CEN, taken from a bandwidth package that covers both regions' areas.
public struct InterRegionBandwidth: Sendable, Hashable, Codable {
    public var localRegion: RegionID
    public var oppositeRegion: RegionID
    /// Mbit/s; `0` means no allocation.
    public var bandwidth: Int

    public init(localRegion: RegionID, oppositeRegion: RegionID, bandwidth: Int) {
        self.localRegion = localRegion
        self.oppositeRegion = oppositeRegion
        self.bandwidth = bandwidth
    }

    /// Whether the allocation connects the two regions (in either order).
    public func connects(_ a: RegionID, _ b: RegionID) -> Bool {
        (localRegion == a && oppositeRegion == b) || (localRegion == b && oppositeRegion == a)
    }
}

/// A CEN bandwidth package between two geographic areas (the same area twice for traffic inside one area).
public struct CENBandwidthPackage: Sendable, Hashable, Codable {
    public var id: CENBandwidthPackageID
    public var name: String
    /// Mbit/s, 2–10000.
    public var bandwidth: Int
    public var geographicRegionA: GeographicArea
    public var geographicRegionB: GeographicArea
    /// The CEN the package is associated with.
    public var cen: CENID?

    public init(
        id: CENBandwidthPackageID, name: String = "", bandwidth: Int, geographicRegionA: GeographicArea,
        geographicRegionB: GeographicArea, cen: CENID? = nil
    ) {
        self.id = id
        self.name = name
        self.bandwidth = bandwidth
        self.geographicRegionA = geographicRegionA
        self.geographicRegionB = geographicRegionB
        self.cen = cen
    }

    /// Whether the package covers traffic between the two areas.
    public func covers(_ a: GeographicArea, _ b: GeographicArea) -> Bool {
        (geographicRegionA == a && geographicRegionB == b) || (geographicRegionA == b && geographicRegionB == a)
    }
}
