public import Foundation
public import IPAddressing

/// Everything the control plane holds, as one value: the unit that is validated, stored and replaced.
///
/// Mutating methods check every rule first and change the value only when all pass, so a rejected change
/// never leaves half-written state. Resources keep creation order (each dictionary's values are sorted by
/// `order`).
public struct CloudState: Sendable, Hashable, Codable {
    public var vpcs: ResourceTable<VPC> = [:]
    public var vSwitches: ResourceTable<VSwitch> = [:]
    public var routeEntries: ResourceTable<RouteEntry> = [:]
    public var vpnGateways: ResourceTable<VPNGateway> = [:]
    public var customerGateways: ResourceTable<CustomerGateway> = [:]
    public var vpnConnections: ResourceTable<VPNConnection> = [:]
    public var vpnRouteEntries: ResourceTable<VPNRouteEntry> = [:]
    public var cens: ResourceTable<CEN> = [:]
    /// Attachments keyed by `CENAttachment.id`.
    public var cenAttachments: ResourceTable<CENAttachment> = [:]
    /// ECS security groups with their rules.
    public var securityGroups: ResourceTable<ECSSecurityGroup> = [:]
    /// ECS instances.
    public var instances: ResourceTable<ECSInstance> = [:]
    /// Offices and data centres (API version 2026-11-01), keyed by `site-…` id.
    public var sites: ResourceTable<SiteResource> = [:]
    /// Router interfaces, VBRs and CEN bandwidth (see `ExpressConnectResources.swift`); `nil` until one exists.
    public var expressConnect: ExpressConnectState? = nil
    /// Creation order of every id.
    public var order: ResourceTable<Int> = [:]
    package var nextOrder = 0
    /// The ids the running change created, changed or deleted (set by `ControlPlane.mutate`, `nil` at rest).
    package var journal: ChangeJournal?

    public init() {}

    /// Gives a new resource its creation order and records it as touched.
    ///
    /// Every mutation calls `remember` for each id it creates and ``touch(_:)`` for each resource it changes
    /// or deletes: for the kinds `ResourceStoreStateStore` marks `journaled: true`, the store compares and
    /// writes only those (a change costs what it touched, not the size of the state). Debug builds check the
    /// journal against a full comparison on every save; kinds not marked are compared in full.
    mutating func remember(_ id: String) {
        order[id] = nextOrder
        nextOrder += 1
        journal?.ids.insert(id)
    }

    /// Records that the resource `id` was changed or deleted by the running change.
    mutating func touch(_ id: String) {
        journal?.ids.insert(id)
    }

    /// The resources of `entries` (the entries of a table that pass a filter) sorted by creation order.
    ///
    /// - Complexity: O(n log n) (see ``ResourceTable/creationSorted(_:order:)``).
    public func ordered<S: Sequence, T: TableIndexed>(_ entries: S) -> [T] where S.Element == (key: String, value: T) {
        ResourceTable<T>.creationSorted(entries, order: order)
    }

    /// The resources of `table` in creation order.
    ///
    /// - Complexity: O(n) once the table's creation order is known; O(n log n) on the first call after a change.
    @inlinable
    public func ordered<T: TableIndexed>(_ table: ResourceTable<T>) -> [T] {
        table.valuesInCreationOrder(order)
    }

    /// The resources of `table` that pass `isIncluded`, in creation order.
    @inlinable
    public func ordered<T: TableIndexed>(
        _ table: ResourceTable<T>,
        where isIncluded: (borrowing T) throws -> Bool
    ) rethrows -> [T] {
        try page(of: table, offset: 0, limit: .max, where: isIncluded).items
    }

    /// The page `offset..<offset + limit` of the resources of `table` that pass `isIncluded`, in creation order,
    /// and how many pass in all (a listing's `TotalCount`).
    @inlinable
    public func page<T: TableIndexed>(
        of table: ResourceTable<T>,
        offset: Int,
        limit: Int,
        where isIncluded: (borrowing T) throws -> Bool
    ) rethrows -> (total: Int, items: [T]) {
        try Self.page(of: table.boxesInCreationOrder(order), offset: offset, limit: limit, where: isIncluded)
    }

    /// The page `offset..<offset + limit` of the resources of `table` in `region` that pass `isIncluded` (all of
    /// them when it is `nil`), in creation order, and how many pass in all.
    ///
    /// - Complexity: without a filter, O(`limit`) once the region's creation order is known (a listing's first
    ///   page after a change finds it); with one, O(resources in the region).
    @inlinable
    public func page<T: TableIndexed>(
        of table: ResourceTable<T>,
        region: String,
        offset: Int,
        limit: Int,
        where isIncluded: ((borrowing T) -> Bool)?
    ) -> (total: Int, items: [T]) {
        let boxes = table.boxesInCreationOrder(order, region: region)
        guard let isIncluded else {
            let start = min(max(offset, 0), boxes.count)
            let end = start + min(limit, boxes.count - start)
            return (boxes.count, boxes[start..<end].map { $0.value })
        }
        return Self.page(of: boxes, offset: offset, limit: limit, where: isIncluded)
    }

    /// The page of `boxes` (in creation order) that pass `isIncluded`, and how many pass. The filter borrows each
    /// resource from its box: only the listed ones are copied (see `ResourceTable.boxesInCreationOrder`).
    @inlinable
    static func page<T>(
        of boxes: [Box<T>],
        offset: Int,
        limit: Int,
        where isIncluded: (borrowing T) throws -> Bool
    ) rethrows -> (total: Int, items: [T]) {
        var total = 0
        var items: [T] = []
        for box in boxes where try isIncluded(box.value) {
            if total >= offset && items.count < limit { items.append(box.value) }
            total += 1
        }
        return (total, items)
    }

    /// Every id in use, to keep generated ids unique.
    func contains(id: String) -> Bool { order[id] != nil }
}

/// What one change touched: the ids of the resources it created, changed or deleted.
///
/// Not part of the state's value: two states are equal whatever their journals hold, and it is never encoded.
package struct ChangeJournal: Sendable, Hashable, Codable {
    package var ids: Set<String> = []

    package init() {}

    package static func == (lhs: Self, rhs: Self) -> Bool { true }
    package func hash(into hasher: inout Hasher) {}
    package init(from decoder: any Decoder) throws {}
    package func encode(to encoder: any Encoder) throws {}
}

/// Limits the control plane enforces (reference §9, legacy column).
public struct Quotas: Sendable, Hashable {
    public var vpcsPerRegion = 10
    public var vSwitchesPerVPC = 24
    public var customRouteEntriesPerTable = 48
    public var vpnGatewaysPerRegion = 30
    public var customerGatewaysPerRegion = 100
    public var connectionsPerVPNGateway = 10
    public var destinationRoutesPerVPNGateway = 20
    public var policyRoutesPerVPNGateway = 20
    public var routerInterfacesPerRouter = 5

    public init() {}
}

/// Inputs a mutation needs besides its parameters: the time and fresh ids.
public struct MutationContext {
    public var now: Date
    public var quotas: Quotas
    var makeID: (String) -> String
    var randomString: (Int) -> String

    public init(
        now: Date,
        quotas: Quotas,
        makeID: @escaping (String) -> String,
        randomString: @escaping (Int) -> String
    ) {
        self.now = now
        self.quotas = quotas
        self.makeID = makeID
        self.randomString = randomString
    }
}

// MARK: - Shared checks

package enum Check {
    /// Parses a CIDR block parameter, reporting the canonical form when host bits are set.
    static func prefix(
        _ text: String,
        parameter: String,
        code: String = "InvalidCidrBlock.Malformed"
    ) throws(ControlPlaneError) -> IPv4Prefix {
        do {
            return try IPv4Prefix(parsing: text)
        } catch {
            throw .invalid(code, "The specified \(parameter) '\(text)' is not a valid CIDR block: \(error).")
        }
    }

    /// A name: 1–128 characters, not starting with `http://` or `https://`.
    static func name(
        _ text: String?,
        parameter: String,
        code: String,
        maxLength: Int = 128
    ) throws(ControlPlaneError) -> String {
        guard let text else { return "" }
        guard (1...maxLength).contains(text.count), !text.hasPrefix("http://"), !text.hasPrefix("https://"),
            !hasControlCharacter(text)
        else {
            throw .invalid(
                code,
                "The specified \(parameter) '\(text)' is not valid: use 1 to \(maxLength) characters, not starting with http:// or https://, without control characters."
            )
        }
        return text
    }

    /// A description: 1–256 characters, not starting with `http://` or `https://`. The VPN Gateway actions answer
    /// `InvalidDescription` (reference §1.6), the VPC actions `InvalidDescription.Malformed`.
    static func description(
        _ text: String?,
        code: String = "InvalidDescription.Malformed"
    ) throws(ControlPlaneError) -> String {
        guard let text else { return "" }
        guard (1...256).contains(text.count), !text.hasPrefix("http://"), !text.hasPrefix("https://"),
            !hasControlCharacter(text)
        else {
            throw .invalid(
                code,
                "The specified Description '\(text)' is not valid: use 1 to 256 characters, not starting with http:// or https://, without control characters."
            )
        }
        return text
    }

    /// Whether `text` holds a control character (U+0000–U+001F, U+007F–U+009F). Names and descriptions are
    /// shown in consoles and stored as JSON text: the cloud refuses them, and PostgreSQL's jsonb cannot hold U+0000.
    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    /// `text` without leading and trailing spaces and tabs (compared as bytes; Foundation's
    /// `trimmingCharacters(in:)` walks a character set per character).
    package static func trimmingSpaces(_ text: Substring) -> String {
        let utf8 = text.utf8
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(Substring(utf8[first...last]))
    }

    static let reservedRanges: [(IPv4Prefix, String)] = [
        (IPv4Prefix("100.64.0.0/10")!, "shared address space for cloud services"),
        (IPv4Prefix("224.0.0.0/4")!, "multicast"),
        (IPv4Prefix("127.0.0.0/8")!, "loopback"),
        (IPv4Prefix("169.254.0.0/16")!, "link-local"),
        (IPv4Prefix("0.0.0.0/8")!, "this network"),
        (IPv4Prefix("240.0.0.0/4")!, "reserved"),
    ]

    static func reserved(_ prefix: IPv4Prefix) -> (IPv4Prefix, String)? {
        reservedRanges.first { $0.0.overlaps(prefix) }
    }
}

// MARK: - Look-ups by id

/// A resource that lives in one region.
public protocol RegionalResource {
    var regionId: String { get }
}

extension VPC: RegionalResource {}
extension VSwitch: RegionalResource {}
extension VPNGateway: RegionalResource {}
extension CustomerGateway: RegionalResource {}
extension VPNConnection: RegionalResource {}
extension RouterInterface: RegionalResource {}
extension VirtualBorderRouter: RegionalResource {}
extension ECSSecurityGroup: RegionalResource {}
extension ECSInstance: RegionalResource {}

extension VPC: SecondaryKeyed {
    public var secondaryKeys: [String] { [vRouterId, routeTableId] }
}

extension VirtualBorderRouter: SecondaryKeyed {
    public var secondaryKeys: [String] { [routeTableId] }
}

// The value types of the state's tables (see `TableIndexed`: the indexes follow from the two protocols above).
extension VPC: TableIndexed {}
extension VSwitch: TableIndexed {}
extension RouteEntry: TableIndexed {}
extension VPNGateway: TableIndexed {}
extension CustomerGateway: TableIndexed {
    /// A region's customer gateways by address (at most one each).
    public var tableGroup: String? { Self.group(address: ipAddress, region: regionId) }

    /// The group of the customer gateways with `address` in `region`.
    static func group(address: IPv4Address, region: String) -> String { address.description + " in " + region }
}
extension VPNConnection: TableIndexed {
    /// A VPN gateway's connections.
    public var tableGroup: String? { vpnGatewayId }
}
extension VPNRouteEntry: TableIndexed {}
extension CEN: TableIndexed {}
extension CENAttachment: TableIndexed {}
extension ECSSecurityGroup: TableIndexed {}
extension ECSInstance: TableIndexed {}
extension SiteResource: TableIndexed {}
extension RouterInterface: TableIndexed {}
extension VirtualBorderRouter: TableIndexed {}
extension CENBandwidthPackage: TableIndexed {}
extension CENInterRegionBandwidthLimit: TableIndexed {}

extension CloudState {
    /// The resource `id` of `values`, which must be in `region` when one is given; otherwise `code` (404),
    /// with a message naming the `noun`, the id and the region.
    func lookup<T: RegionalResource & TableIndexed>(
        _ values: ResourceTable<T>,
        _ id: String,
        region: String?,
        code: String,
        noun: String
    ) throws(ControlPlaneError) -> T {
        guard let resource = values[id], region == nil || resource.regionId == region else {
            throw .notFound(
                code,
                "The specified \(noun) '\(id)' does not exist\(region.map { " in region \($0)" } ?? "")."
            )
        }
        return resource
    }
}
