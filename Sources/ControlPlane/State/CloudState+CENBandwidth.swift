import Foundation
import NetworkModel

/// The geographic areas a bandwidth package names (reference §7; `Australia` from the legacy console).
public let cenGeographicAreas = ["China", "North-America", "Asia-Pacific", "Europe", "Australia"]

extension CloudState {
    public func cenBandwidthPackage(_ id: String) throws(ControlPlaneError) -> CENBandwidthPackage {
        guard let package = cenBandwidthPackages[id] else {
            throw .notFound(
                "InvalidCenBandwidthPackageId.NotFound",
                "The specified CEN bandwidth package '\(id)' does not exist."
            )
        }
        return package
    }

    public func bandwidthPackages(of cenId: String) -> [CENBandwidthPackage] {
        ordered(cenBandwidthPackages.filter { $0.value.cenId == cenId })
    }

    public func bandwidthLimits(of cenId: String) -> [CENInterRegionBandwidthLimit] {
        cenBandwidthLimits.values.filter { $0.cenId == cenId }.sorted {
            ($0.localRegionId, $0.oppositeRegionId) < ($1.localRegionId, $1.oppositeRegionId)
        }
    }

    /// The CEN geographic area of a region (2019 membership), `nil` for a region the model does not know.
    public static func geographicArea(of region: String) -> String? { RegionID(region).area?.rawValue }

    public struct CreateCENBandwidthPackage: Sendable {
        public var bandwidth: Int
        public var geographicRegionAId: String
        public var geographicRegionBId: String
        public var chargeType: String?
        public var name: String?
        public var description: String?

        public init(
            bandwidth: Int,
            geographicRegionAId: String,
            geographicRegionBId: String,
            chargeType: String? = nil,
            name: String? = nil,
            description: String? = nil
        ) {
            self.bandwidth = bandwidth
            self.geographicRegionAId = geographicRegionAId
            self.geographicRegionBId = geographicRegionBId
            self.chargeType = chargeType
            self.name = name
            self.description = description
        }
    }

    /// Buys a bandwidth package (`Idle` until associated). The area pair is fixed after purchase.
    public mutating func createCENBandwidthPackage(
        _ request: CreateCENBandwidthPackage,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> CENBandwidthPackage {
        guard (2...10000).contains(request.bandwidth) else {
            throw .invalid(
                "InvalidBandwidth",
                "The specified Bandwidth '\(request.bandwidth)' is not valid; allowed: 2 to 10000 Mbit/s."
            )
        }
        for (parameter, area) in [
            ("GeographicRegionAId", request.geographicRegionAId), ("GeographicRegionBId", request.geographicRegionBId),
        ] where !cenGeographicAreas.contains(area) {
            throw .invalid(
                "InvalidParameter",
                "The specified \(parameter) '\(area)' is not valid; allowed: \(cenGeographicAreas.joined(separator: ", "))."
            )
        }
        let charge = request.chargeType ?? "POSTPAY"
        guard charge == "PREPAY" || charge == "POSTPAY" else {
            throw .invalid(
                "InvalidParameter",
                "The specified BandwidthPackageChargeType '\(charge)' is not valid; allowed: PREPAY, POSTPAY."
            )
        }
        let package = CENBandwidthPackage(
            id: context.makeID("cenbwp-"),
            name: try Check.name(request.name, parameter: "Name", code: "InvalidName"),
            description: try Check.description(request.description),
            bandwidth: request.bandwidth,
            geographicRegionAId: request.geographicRegionAId,
            geographicRegionBId: request.geographicRegionBId,
            chargeType: charge,
            cenId: nil,
            creationTime: context.now
        )
        cenBandwidthPackages[package.id] = package
        remember(package.id)
        return package
    }

    /// Associates an `Idle` package with a CEN; a package belongs to one CEN.
    public mutating func associateCENBandwidthPackage(cenId: String, packageId: String) throws(ControlPlaneError) {
        _ = try cen(cenId)
        let package = try cenBandwidthPackage(packageId)
        if let other = package.cenId {
            throw .invalid(
                "Forbidden.BandwidthPackageAlreadyAssociated",
                "The bandwidth package '\(packageId)' is already associated with CEN '\(other)'; a package belongs to one CEN."
            )
        }
        cenBandwidthPackages[packageId]?.cenId = cenId
        touch(packageId)
    }

    /// Takes a package off its CEN; the inter-region bandwidth allocated from it must be removed first.
    public mutating func unassociateCENBandwidthPackage(cenId: String, packageId: String) throws(ControlPlaneError) {
        _ = try cen(cenId)
        let package = try cenBandwidthPackage(packageId)
        guard package.cenId == cenId else {
            throw .invalid(
                "InvalidOperation.BandwidthPackageNotAssociated",
                "The bandwidth package '\(packageId)' is not associated with CEN '\(cenId)'\(package.cenId.map { " (it belongs to '\($0)')" } ?? "")."
            )
        }
        if let limit = bandwidthLimits(of: cenId).first(where: { $0.bandwidthPackageId == packageId }) {
            throw .invalid(
                "DependencyViolation.BandwidthLimit",
                "\(limit.bandwidthLimit) Mbit/s between \(limit.localRegionId) and \(limit.oppositeRegionId) are allocated from bandwidth package '\(packageId)'; set that limit to 0 first (SetCenInterRegionBandwidthLimit)."
            )
        }
        cenBandwidthPackages[packageId]?.cenId = nil
        touch(packageId)
    }

    /// Deletes an `Idle` package.
    public mutating func deleteCENBandwidthPackage(_ packageId: String) throws(ControlPlaneError) {
        let package = try cenBandwidthPackage(packageId)
        if let cenId = package.cenId {
            throw .invalid(
                "InvalidOperation.BandwidthPackageInUse",
                "The bandwidth package '\(packageId)' is associated with CEN '\(cenId)'; unassociate it first (UnassociateCenBandwidthPackage)."
            )
        }
        cenBandwidthPackages[packageId] = nil
        touch(packageId)
    }

    /// Allocates (or with `0` removes) bandwidth between two regions of a CEN from a package that covers both
    /// regions' areas. One allocation ≤ the package's bandwidth; all allocations of a package together too.
    @discardableResult
    public mutating func setCENInterRegionBandwidthLimit(
        cenId: String,
        localRegionId: String,
        oppositeRegionId: String,
        bandwidthLimit: Int
    ) throws(ControlPlaneError) -> CENInterRegionBandwidthLimit? {
        _ = try cen(cenId)
        guard localRegionId != oppositeRegionId else {
            throw .invalid(
                "InvalidParameter",
                "LocalRegionId and OppositeRegionId are both \(localRegionId); bandwidth is allocated between two different regions (traffic inside one region needs none)."
            )
        }
        var areas: [String] = []
        for (parameter, region) in [("LocalRegionId", localRegionId), ("OppositeRegionId", oppositeRegionId)] {
            guard let area = Self.geographicArea(of: region) else {
                throw .notFound(
                    "InvalidRegionId.NotFound",
                    "The specified \(parameter) '\(region)' is not a region CEN serves; known: \(RegionID.known.keys.map(\.rawValue).sorted().joined(separator: ", "))."
                )
            }
            areas.append(area)
        }
        let key = CENInterRegionBandwidthLimit.id(cenId: cenId, localRegionId, oppositeRegionId)
        guard bandwidthLimit > 0 else {
            guard cenBandwidthLimits[key] != nil else {
                throw .notFound(
                    "InvalidBandwidthLimit.NotFound",
                    "CEN '\(cenId)' has no bandwidth allocated between \(localRegionId) and \(oppositeRegionId)."
                )
            }
            cenBandwidthLimits[key] = nil
            touch(key)
            return nil
        }
        let candidates = bandwidthPackages(of: cenId).filter { $0.covers(areas[0], areas[1]) }
        guard !candidates.isEmpty else {
            throw .invalid(
                "InvalidOperation.NoBandwidthPackage",
                "CEN '\(cenId)' has no bandwidth package for \(areas[0]) ↔ \(areas[1]); buy one (CreateCenBandwidthPackage) and associate it (AssociateCenBandwidthPackage)."
            )
        }
        func used(_ package: CENBandwidthPackage) -> Int {
            bandwidthLimits(of: cenId).filter { $0.bandwidthPackageId == package.id && $0.id != key }
                .reduce(0) { $0 + $1.bandwidthLimit }
        }
        let current = cenBandwidthLimits[key]?.bandwidthPackageId
        let ordered = candidates.sorted { ($0.id == current ? 0 : 1) < ($1.id == current ? 0 : 1) }
        guard let package = ordered.first(where: { used($0) + bandwidthLimit <= $0.bandwidth }) else {
            let free = candidates.map { "\($0.id): \($0.bandwidth - used($0)) of \($0.bandwidth) Mbit/s free" }
            throw .invalid(
                "InvalidOperation.BandwidthLimitExceeded",
                "The BandwidthLimit \(bandwidthLimit) Mbit/s exceeds what the bandwidth packages of CEN '\(cenId)' for \(areas[0]) ↔ \(areas[1]) have left (\(free.joined(separator: "; ")))."
            )
        }
        let limit = CENInterRegionBandwidthLimit(
            cenId: cenId,
            localRegionId: localRegionId,
            oppositeRegionId: oppositeRegionId,
            bandwidthLimit: bandwidthLimit,
            bandwidthPackageId: package.id
        )
        if cenBandwidthLimits[key] == nil { remember(key) } else { touch(key) }
        cenBandwidthLimits[key] = limit
        return limit
    }
}
