public import Foundation
public import IPAddressing

/// An Express Connect router interface: one end of a pair between two routers (reference §6).
///
/// `routerType` is `VRouter` (a VPC's vRouter, `routerId` = `vrt-…`) or `VBR` (`routerId` = `vbr-…`).
public struct RouterInterface: Sendable, Hashable, Codable {
    public var id: String
    public var regionId: String
    public var routerType: String
    public var routerId: String
    /// `InitiatingSide` or `AcceptingSide`.
    public var role: String
    /// `Small.1` … for the initiator, `Negative` for the acceptor.
    public var spec: String
    public var oppositeRegionId: String
    public var oppositeRouterType: String
    public var oppositeRouterId: String
    public var oppositeInterfaceId: String
    public var oppositeInterfaceOwnerId: String
    public var accessPointId: String
    public var oppositeAccessPointId: String
    public var healthCheckSourceIp: String
    public var healthCheckTargetIp: String
    public var hcRate: Int
    public var hcThreshold: Int
    public var name: String
    public var description: String
    /// `PostPaid` or `PrePaid`.
    public var chargeType: String
    public var creationTime: Date
    /// When the pair was connected; `nil` while it never was.
    public var connectedTime: Date?
    /// Reference §10: `Idle`, `Active`, `Inactive` are the states a change leaves it in.
    public var status: String
    public var businessStatus: String

    public var isInitiator: Bool { role == "InitiatingSide" }
}

/// A virtual border router: the cloud end of a physical connection to a data centre (reference §6).
public struct VirtualBorderRouter: Sendable, Hashable, Codable {
    public var id: String
    public var regionId: String
    public var physicalConnectionId: String
    public var vlanId: Int
    public var localGatewayIp: IPv4Address?
    public var peerGatewayIp: IPv4Address?
    public var peeringSubnetMask: String
    public var name: String
    public var description: String
    /// Mbit/s of a dedicated line; `nil` when not given.
    public var bandwidth: Int?
    public var circuitCode: String
    /// The VBR's own route table (`RouterType=VBR`).
    public var routeTableId: String
    public var creationTime: Date
    /// `active` (the only state a VBR is created in here).
    public var status: String
}

/// A CEN bandwidth package between two geographic areas (reference §7).
public struct CENBandwidthPackage: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var description: String
    /// Mbit/s, 2–10000.
    public var bandwidth: Int
    public var geographicRegionAId: String
    public var geographicRegionBId: String
    /// `PREPAY` or `POSTPAY`.
    public var chargeType: String
    /// The CEN it is associated with; `nil` while `Idle`.
    public var cenId: String?
    public var creationTime: Date

    /// `InUse` once associated with a CEN, else `Idle`.
    public var status: String { cenId == nil ? "Idle" : "InUse" }

    /// Whether the package carries traffic between the two areas (in either order).
    public func covers(_ a: String, _ b: String) -> Bool {
        (geographicRegionAId == a && geographicRegionBId == b) || (geographicRegionAId == b && geographicRegionBId == a)
    }
}

/// Bandwidth a CEN allocates between two regions from one of its bandwidth packages.
public struct CENInterRegionBandwidthLimit: Sendable, Hashable, Codable {
    public var cenId: String
    public var localRegionId: String
    public var oppositeRegionId: String
    /// Mbit/s, at least 1 (0 removes the allocation).
    public var bandwidthLimit: Int
    /// The package the bandwidth is taken from.
    public var bandwidthPackageId: String

    /// The record id: one allocation per CEN and unordered region pair.
    public var id: String { Self.id(cenId: cenId, localRegionId, oppositeRegionId) }

    public static func id(cenId: String, _ a: String, _ b: String) -> String {
        "cenbwl-\(cenId)-" + [a, b].sorted().joined(separator: "-")
    }
}

/// The Express Connect and CEN bandwidth resources of a `CloudState`, kept in one optional stored value so state
/// files written before they existed still decode.
public struct ExpressConnectState: Sendable, Hashable, Codable {
    public var routerInterfaces: ResourceTable<RouterInterface> = [:]
    public var vbrs: ResourceTable<VirtualBorderRouter> = [:]
    public var cenBandwidthPackages: ResourceTable<CENBandwidthPackage> = [:]
    /// Keyed by `CENInterRegionBandwidthLimit.id`.
    public var cenBandwidthLimits: ResourceTable<CENInterRegionBandwidthLimit> = [:]

    public init() {}
}

extension CloudState {
    public var routerInterfaces: ResourceTable<RouterInterface> {
        get { expressConnect?.routerInterfaces ?? [:] }
        set { expressConnect[default: ExpressConnectState()].routerInterfaces = newValue }
    }
    public var vbrs: ResourceTable<VirtualBorderRouter> {
        get { expressConnect?.vbrs ?? [:] }
        set { expressConnect[default: ExpressConnectState()].vbrs = newValue }
    }
    public var cenBandwidthPackages: ResourceTable<CENBandwidthPackage> {
        get { expressConnect?.cenBandwidthPackages ?? [:] }
        set { expressConnect[default: ExpressConnectState()].cenBandwidthPackages = newValue }
    }
    public var cenBandwidthLimits: ResourceTable<CENInterRegionBandwidthLimit> {
        get { expressConnect?.cenBandwidthLimits ?? [:] }
        set { expressConnect[default: ExpressConnectState()].cenBandwidthLimits = newValue }
    }
}

extension Optional {
    fileprivate subscript(default value: @autoclosure () -> Wrapped) -> Wrapped {
        get { self ?? value() }
        set { self = newValue }
    }
}
