import Foundation
public import Persistence

/// Keeps the control plane's state in a `Persistence.ResourceStore` (SQLite or PostgreSQL), one record
/// per resource.
///
/// `save` compares the new state with the last one it saw and commits only the differences, as one
/// atomic batch whose updates carry the version they were read at, so a concurrent writer is detected
/// (`StoreError.conflict`) instead of being overwritten.
public actor ResourceStoreStateStore: StateStore {
    /// The record kinds this adapter writes.
    public enum Kind: String, CaseIterable, Sendable {
        case vpc
        case vSwitch = "vswitch"
        case routeEntry = "route-entry"
        case vpnGateway = "vpn-gateway"
        case customerGateway = "customer-gateway"
        case vpnConnection = "vpn-connection"
        case vpnRouteEntry = "vpn-route-entry"
        case cen
        case cenAttachment = "cen-attachment"
        case securityGroup = "security-group"
        case instance
        case site
        case routerInterface = "router-interface"
        case vbr
        case cenBandwidthPackage = "cen-bandwidth-package"
        case cenBandwidthLimit = "cen-bandwidth-limit"
    }

    /// A resource with its creation order (the order `Describe*` lists it in).
    struct Stored<Resource: Codable>: Codable {
        var order: Int
        var resource: Resource
    }

    private let store: any ResourceStore
    private var last = CloudState()
    private var versions: [ResourceKey: Int64] = [:]

    public init(store: any ResourceStore) {
        self.store = store
    }

    public func load() async throws -> CloudState? {
        var state = CloudState()
        var any = false
        for kind in Kind.allCases {
            var cursor: String?
            repeat {
                let slice = try await store.list(ResourceQuery(kind: kind.rawValue), after: cursor, limit: 500)
                for record in slice.records {
                    any = true
                    versions[ResourceKey(kind: record.kind, id: record.id)] = record.version
                    try Self.insert(record, kind: kind, into: &state)
                }
                cursor = slice.nextCursor
            } while cursor != nil
        }
        for vpc in state.vpcs.values {
            for id in [vpc.vRouterId, vpc.routeTableId, vpc.serviceRouteEntryId] where state.order[id] == nil {
                state.order[id] = state.order[vpc.id]
            }
        }
        state.nextOrder = (state.order.values.max() ?? -1) + 1
        last = state
        return any ? state : nil
    }

    private static func insert(_ record: ResourceRecord, kind: Kind, into state: inout CloudState) throws {
        func decode<T: Codable>(_ type: T.Type) throws -> Stored<T> {
            do {
                return try record.decode(Stored<T>.self)
            } catch {
                throw StateStoreError(message: "stored \(record.kind) '\(record.id)' cannot be read: \(error)")
            }
        }
        let order: Int
        switch kind {
        case .vpc:
            let stored = try decode(VPC.self)
            state.vpcs[record.id] = stored.resource
            order = stored.order
        case .vSwitch:
            let stored = try decode(VSwitch.self)
            state.vSwitches[record.id] = stored.resource
            order = stored.order
        case .routeEntry:
            let stored = try decode(RouteEntry.self)
            state.routeEntries[record.id] = stored.resource
            order = stored.order
        case .vpnGateway:
            let stored = try decode(VPNGateway.self)
            state.vpnGateways[record.id] = stored.resource
            order = stored.order
        case .customerGateway:
            let stored = try decode(CustomerGateway.self)
            state.customerGateways[record.id] = stored.resource
            order = stored.order
        case .vpnConnection:
            let stored = try decode(VPNConnection.self)
            state.vpnConnections[record.id] = stored.resource
            order = stored.order
        case .vpnRouteEntry:
            let stored = try decode(VPNRouteEntry.self)
            state.vpnRouteEntries[record.id] = stored.resource
            order = stored.order
        case .cen:
            let stored = try decode(CEN.self)
            state.cens[record.id] = stored.resource
            order = stored.order
        case .cenAttachment:
            let stored = try decode(CENAttachment.self)
            state.cenAttachments[record.id] = stored.resource
            order = stored.order
        case .securityGroup:
            let stored = try decode(ECSSecurityGroup.self)
            state.securityGroups[record.id] = stored.resource
            order = stored.order
        case .instance:
            let stored = try decode(ECSInstance.self)
            state.instances[record.id] = stored.resource
            order = stored.order
        case .site:
            let stored = try decode(SiteResource.self)
            state.sites[record.id] = stored.resource
            order = stored.order
        case .routerInterface:
            let stored = try decode(RouterInterface.self)
            state.routerInterfaces[record.id] = stored.resource
            order = stored.order
        case .vbr:
            let stored = try decode(VirtualBorderRouter.self)
            state.vbrs[record.id] = stored.resource
            state.order[stored.resource.routeTableId] = stored.order
            order = stored.order
        case .cenBandwidthPackage:
            let stored = try decode(CENBandwidthPackage.self)
            state.cenBandwidthPackages[record.id] = stored.resource
            order = stored.order
        case .cenBandwidthLimit:
            let stored = try decode(CENInterRegionBandwidthLimit.self)
            state.cenBandwidthLimits[record.id] = stored.resource
            order = stored.order
        }
        state.order[record.id] = order
    }

    public func save(_ state: CloudState) async throws {
        var batch = WriteBatch()
        try diff(\.vpcs, .vpc, region: \.regionId, state, &batch)
        try diff(\.vSwitches, .vSwitch, region: \.regionId, state, &batch)
        try diff(
            \.routeEntries,
            .routeEntry,
            region: { [state] entry in Self.region(ofTable: entry.routeTableId, in: state) },
            state,
            &batch
        )
        try diff(\.vpnGateways, .vpnGateway, region: \.regionId, state, &batch)
        try diff(\.customerGateways, .customerGateway, region: \.regionId, state, &batch)
        try diff(\.vpnConnections, .vpnConnection, region: \.regionId, state, &batch)
        try diff(\.vpnRouteEntries, .vpnRouteEntry, region: \.regionId, state, &batch)
        try diff(\.cens, .cen, region: { _ in "global" }, state, &batch)
        try diff(\.cenAttachments, .cenAttachment, region: \.childInstanceRegionId, state, &batch)
        try diff(\.securityGroups, .securityGroup, region: \.regionId, state, &batch)
        try diff(\.instances, .instance, region: \.regionId, state, &batch)
        try diff(\.sites, .site, region: { $0.regionId.isEmpty ? "global" : $0.regionId }, state, &batch)
        try diff(\.routerInterfaces, .routerInterface, region: \.regionId, state, &batch)
        try diff(\.vbrs, .vbr, region: \.regionId, state, &batch)
        try diff(\.cenBandwidthPackages, .cenBandwidthPackage, region: { _ in "global" }, state, &batch)
        try diff(\.cenBandwidthLimits, .cenBandwidthLimit, region: \.localRegionId, state, &batch)
        if !batch.operations.isEmpty {
            let result = try await store.commit(batch)
            for record in result.records { versions[ResourceKey(kind: record.kind, id: record.id)] = record.version }
            for key in result.deleted { versions[key] = nil }
        }
        last = state
    }

    private static func region(ofTable id: String, in state: CloudState) -> String {
        state.vpcs.values.first { $0.routeTableId == id }?.regionId ?? state.vbr(routeTable: id)?.regionId ?? "unknown"
    }

    private func diff<T: Codable & Equatable>(
        _ path: KeyPath<CloudState, [String: T]>,
        _ kind: Kind,
        region: (T) -> String,
        _ state: CloudState,
        _ batch: inout WriteBatch
    ) throws {
        let old = last[keyPath: path]
        let new = state[keyPath: path]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for (id, resource) in new where old[id] != resource {
            let document = try encoder.encode(Stored(order: state.order[id] ?? 0, resource: resource))
            let key = ResourceKey(kind: kind.rawValue, id: id)
            if old[id] == nil {
                batch.create(kind: kind.rawValue, id: id, regionID: region(resource), document: document)
            } else {
                batch.update(kind: kind.rawValue, id: id, document: document, expectedVersion: versions[key] ?? 1)
            }
        }
        for id in old.keys where new[id] == nil {
            batch.delete(
                kind: kind.rawValue,
                id: id,
                expectedVersion: versions[ResourceKey(kind: kind.rawValue, id: id)]
            )
        }
    }
}
