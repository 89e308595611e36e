import ControlPlane
import Foundation

/// CEN bandwidth packages and inter-region bandwidth (reference §7 "Bandwidth packages and inter-region bandwidth").
enum CENBandwidthActions {
    static func all(_ cp: ControlPlane) -> [any Action] {
        [
            ClosureAction("CreateCenBandwidthPackage", product: .cen) { input throws(APIError) in
                guard let bandwidth = try input.int("Bandwidth", in: 0...1_000_000) else { throw .missing("Bandwidth") }
                if let cycle = input.string("PricingCycle"), cycle != "Month", cycle != "Year" {
                    throw .invalid("PricingCycle", cycle, allowed: "Month, Year")
                }
                let request = CloudState.CreateCENBandwidthPackage(
                    bandwidth: bandwidth,
                    geographicRegionAId: try input.required("GeographicRegionAId"),
                    geographicRegionBId: try input.required("GeographicRegionBId"),
                    chargeType: input.string("BandwidthPackageChargeType"),
                    name: input.string("Name"),
                    description: input.string("Description")
                )
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.createCENBandwidthPackage(request, context)
                } respond: { package in
                    [
                        "CenBandwidthPackageId": .string(package.id),
                        "CenBandwidthPackageOrderId": .string(String(ExpressConnectActions.orderId(package.id))),
                    ]
                }
            },
            ClosureAction("AssociateCenBandwidthPackage", product: .cen) { input throws(APIError) in
                let cenId = try input.required("CenId")
                let packageId = try input.required("CenBandwidthPackageId")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.associateCENBandwidthPackage(cenId: cenId, packageId: packageId)
                }
                return [:]
            },
            ClosureAction("UnassociateCenBandwidthPackage", product: .cen) { input throws(APIError) in
                let cenId = try input.required("CenId")
                let packageId = try input.required("CenBandwidthPackageId")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.unassociateCENBandwidthPackage(cenId: cenId, packageId: packageId)
                }
                return [:]
            },
            ClosureAction("DeleteCenBandwidthPackage", product: .cen) { input throws(APIError) in
                let packageId = try input.required("CenBandwidthPackageId")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.deleteCENBandwidthPackage(packageId)
                }
                return [:]
            },
            ClosureAction("DescribeCenBandwidthPackages", product: .cen) { input throws(APIError) in
                let filters = try ExpressConnectActions.filters(
                    input,
                    allowed: ["CenId", "Status", "CenBandwidthPackageId", "Name"]
                )
                let isOr = try input.bool("IsOrKey", default: false)
                let paging = try input.paging()
                return try await read(cp) { state in
                    let (total, list) = paging.page(of: state.cenBandwidthPackages, in: state) { package in
                        let fields = [
                            "CenId": package.cenId ?? "", "Status": package.status,
                            "CenBandwidthPackageId": package.id, "Name": package.name,
                        ]
                        if isOr, !filters.isEmpty {
                            return filters.contains { key, values in values.contains(fields[key] ?? "") }
                        }
                        return ExpressConnectActions.matches(filters, fields)
                    }
                    var body = APIObject(paging.fields(total: total))
                    body["CenBandwidthPackages"] = .wrapped(
                        "CenBandwidthPackage",
                        list.map { packageObject($0, state) }
                    )
                    return body
                }
            },
            ClosureAction("SetCenInterRegionBandwidthLimit", product: .cen) { input throws(APIError) in
                let cenId = try input.required("CenId")
                let local = try input.required("LocalRegionId")
                let opposite = try input.required("OppositeRegionId")
                guard let limit = try input.int("BandwidthLimit", in: 0...10000) else {
                    throw .missing("BandwidthLimit")
                }
                if let type = input.string("BandwidthType"), type != "BandwidthPackage" {
                    throw .invalid("BandwidthType", type, allowed: "BandwidthPackage")
                }
                _ = try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.setCENInterRegionBandwidthLimit(
                        cenId: cenId,
                        localRegionId: local,
                        oppositeRegionId: opposite,
                        bandwidthLimit: limit
                    )
                }
                return [:]
            },
            ClosureAction("DescribeCenInterRegionBandwidthLimits", product: .cen) { input throws(APIError) in
                let cenId = input.string("CenId")
                let region = input.string("TrRegionId")
                let paging = try input.paging()
                return try await read(cp) { state throws(ControlPlaneError) in
                    if let cenId { _ = try state.cen(cenId) }
                    let list = state.ordered(state.cens) { cenId == nil || $0.id == cenId }
                        .flatMap { state.bandwidthLimits(of: $0.id) }
                        .filter { region == nil || $0.localRegionId == region || $0.oppositeRegionId == region }
                    var body = APIObject(paging.fields(total: list.count))
                    body["CenInterRegionBandwidthLimits"] = .wrapped(
                        "CenInterRegionBandwidthLimit",
                        paging.page(of: list).map { limit in
                            let package = state.cenBandwidthPackages[limit.bandwidthPackageId]
                            return [
                                "CenId": .string(limit.cenId), "LocalRegionId": .string(limit.localRegionId),
                                "OppositeRegionId": .string(limit.oppositeRegionId),
                                "BandwidthLimit": .int(limit.bandwidthLimit), "Status": "Active",
                                "GeographicSpanId": .string(package.map(span) ?? ""),
                                "BandwidthPackageId": .string(limit.bandwidthPackageId),
                                "BandwidthType": "BandwidthPackage",
                            ]
                        }
                    )
                    return body
                }
            },
        ]
    }

    /// The cloud's span id, such as `china_asia-pacific`.
    static func span(_ package: CENBandwidthPackage) -> String {
        "\(package.geographicRegionAId.lowercased())_\(package.geographicRegionBId.lowercased())"
    }

    static func packageObject(_ package: CENBandwidthPackage, _ state: CloudState) -> APIValue {
        let limits =
            package.cenId.map { cen in
                state.bandwidthLimits(of: cen).filter { $0.bandwidthPackageId == package.id }
            } ?? []
        return [
            "CenBandwidthPackageId": .string(package.id), "Name": .string(package.name),
            "Description": .string(package.description), "Bandwidth": .int(package.bandwidth),
            "GeographicRegionAId": .string(package.geographicRegionAId),
            "GeographicRegionBId": .string(package.geographicRegionBId), "GeographicSpanId": .string(span(package)),
            "Status": .string(package.status), "BusinessStatus": "Normal",
            "BandwidthPackageChargeType": .string(package.chargeType),
            "CenIds": .wrapped("CenId", package.cenId.map { [.string($0)] } ?? []),
            "CreationTime": .string(String(RequestTimestamp.format(package.creationTime).dropLast(4)) + "Z"),
            "ExpiredTime": "", "IsCrossBorder": .bool(package.geographicRegionAId != package.geographicRegionBId),
            "HasReservationData": "false", "ResourceGroupId": "",
            "OrginInterRegionBandwidthLimits": .wrapped(
                "OrginInterRegionBandwidthLimit",
                limits.map { limit in
                    [
                        "LocalRegionId": .string(limit.localRegionId),
                        "OppositeRegionId": .string(limit.oppositeRegionId),
                        "BandwidthLimit": .string(String(limit.bandwidthLimit)),
                        "GeographicSpanId": .string(span(package)),
                    ]
                }
            ),
            "Tags": .wrapped("Tag", []),
        ]
    }
}
