import Foundation
public import Persistence

/// Keeps the control plane's state in a `Persistence.ResourceStore` (SQLite or PostgreSQL), one record
/// per resource.
///
/// A save commits the resources the change touched (``StateChange/touched``) that differ from the last
/// saved state, with the request's idempotency record, as one atomic batch whose updates carry the version
/// they were read at, so a concurrent writer is detected (``StateStoreConflict``) instead of being
/// overwritten. Other writers' changes (replicas on one PostgreSQL) are read from the store's change log
/// (``changesFromOthers()``), woken by its change signal (PostgreSQL `NOTIFY`).
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
    /// The state as last saved or loaded (shares its storage with the control plane's, so keeping it is free).
    private var last = CloudState()
    /// The stored version of every resource this process has seen.
    private var versions: [ResourceKey: Int64] = [:]
    /// The change-log position up to which other writers' changes are applied.
    private var sequence: Int64 = 0
    /// The store's change signal when the change log was last read.
    private var seenSignal: UInt64 = 0

    /// Whether debug builds compare each change's journal with a full diff (an invariant check that costs
    /// O(state) per save; measurements turn it off).
    private let checksJournal: Bool

    public init(store: any ResourceStore, checksJournal: Bool = true) {
        self.store = store
        self.checksJournal = checksJournal
    }

    public func load() async throws -> CloudState? {
        // The log position first: changes committed while the records are read are then applied again
        // (harmlessly, by version) rather than missed.
        seenSignal = await store.changeSignal.current
        sequence = try await store.latestChangeSequence()
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

    /// Stores `state` by comparing every resource with the last saved state (O(resources)); the control
    /// plane uses ``save(_:change:)``, which compares only what the change touched.
    public func save(_ state: CloudState) async throws {
        try await commit(state, scope: nil, idempotency: nil)
    }

    /// Stores one change: creates, updates and deletes of the touched resources, and the idempotency record,
    /// in one transaction. Costs O(touched resources), not O(state).
    ///
    /// - Throws: ``StateStoreConflict`` when another replica changed a touched resource first,
    ///   ``StateStoreClientTokenInUse`` when the ClientToken was used meanwhile; nothing was written then.
    public func save(_ state: CloudState, change: StateChange) async throws {
        try await commit(state, scope: change.touched, idempotency: change.idempotency)
    }

    private func commit(_ state: CloudState, scope: Set<String>?, idempotency: IdempotencyRecord?) async throws {
        var batch = operations(state, scope: scope)
        #if DEBUG
        if scope != nil && checksJournal {
            // Invariant: the journal names everything the change did (see `CloudState.touch`).
            let full = operations(state, scope: nil)
            assert(
                Set(full.operations) == Set(batch.operations),
                "a mutation changed resources it did not record with remember/touch: "
                    + "\(Set(full.operations.map(\.key)).subtracting(batch.operations.map(\.key)))"
            )
        }
        #endif
        batch.idempotency = idempotency
        if !batch.operations.isEmpty || idempotency != nil {
            let result: CommitResult
            do {
                result = try await store.commit(batch)
            } catch {
                switch error {
                case .conflict, .duplicateID, .notFound:
                    throw StateStoreConflict(message: error.description)
                case .clientTokenInUse(let clientToken, _, _):
                    throw StateStoreClientTokenInUse(clientToken: clientToken)
                default:
                    throw error
                }
            }
            for record in result.records { versions[ResourceKey(kind: record.kind, id: record.id)] = record.version }
            for key in result.deleted { versions[key] = nil }
            // When this commit's log entries directly follow what was read, the reader can skip them: they are
            // this state's own changes.
            let positions = result.changes.map(\.sequence)
            if positions.first == sequence + 1, positions.last == sequence + Int64(positions.count) {
                sequence += Int64(positions.count)
            }
        }
        last = state
    }

    /// The writes that turn the last saved state into `state`, looking only at `scope` (every id: `nil`).
    private func operations(_ state: CloudState, scope: Set<String>?) -> WriteBatch {
        var diff = Diff(order: state.order, versions: versions, scope: scope?.sorted())
        diff.table(last.vpcs, state.vpcs, .vpc, region: \.regionId)
        diff.table(last.vSwitches, state.vSwitches, .vSwitch, region: \.regionId)
        // The closure does not escape: it reads `state` in place (a capture list copied the whole state into it).
        diff.table(last.routeEntries, state.routeEntries, .routeEntry) { entry in
            Self.region(ofTable: entry.routeTableId, in: state)
        }
        diff.table(last.vpnGateways, state.vpnGateways, .vpnGateway, region: \.regionId)
        diff.table(last.customerGateways, state.customerGateways, .customerGateway, region: \.regionId)
        diff.table(last.vpnConnections, state.vpnConnections, .vpnConnection, region: \.regionId)
        diff.table(last.vpnRouteEntries, state.vpnRouteEntries, .vpnRouteEntry, region: \.regionId)
        diff.table(last.cens, state.cens, .cen, region: { _ in "global" })
        diff.table(last.cenAttachments, state.cenAttachments, .cenAttachment, region: \.childInstanceRegionId)
        diff.table(last.sites, state.sites, .site, region: { $0.regionId.isEmpty ? "global" : $0.regionId })
        diff.table(last.securityGroups, state.securityGroups, .securityGroup, region: \.regionId)
        diff.table(last.instances, state.instances, .instance, region: \.regionId)
        diff.table(last.routerInterfaces, state.routerInterfaces, .routerInterface, region: \.regionId)
        diff.table(last.vbrs, state.vbrs, .vbr, region: \.regionId)
        diff.table(last.cenBandwidthPackages, state.cenBandwidthPackages, .cenBandwidthPackage) { _ in "global" }
        diff.table(last.cenBandwidthLimits, state.cenBandwidthLimits, .cenBandwidthLimit, region: \.localRegionId)
        return diff.batch
    }

    /// Removes the resource `id` of `kind` from `state` (a delete made by another replica).
    private static func remove(_ kind: Kind, _ id: String, from state: inout CloudState) {
        switch kind {
        case .vpc: state.vpcs[id] = nil
        case .vSwitch: state.vSwitches[id] = nil
        case .routeEntry: state.routeEntries[id] = nil
        case .vpnGateway: state.vpnGateways[id] = nil
        case .customerGateway: state.customerGateways[id] = nil
        case .vpnConnection: state.vpnConnections[id] = nil
        case .vpnRouteEntry: state.vpnRouteEntries[id] = nil
        case .cen: state.cens[id] = nil
        case .cenAttachment: state.cenAttachments[id] = nil
        case .site: state.sites[id] = nil
        case .securityGroup: state.securityGroups[id] = nil
        case .instance: state.instances[id] = nil
        case .routerInterface: state.routerInterfaces[id] = nil
        case .vbr: state.vbrs[id] = nil
        case .cenBandwidthPackage: state.cenBandwidthPackages[id] = nil
        case .cenBandwidthLimit: state.cenBandwidthLimits[id] = nil
        }
    }

    // MARK: Other replicas

    /// Reads the change log past the last position seen and fetches the resources other writers created,
    /// changed or deleted; own commits are recognised by their version and skipped.
    public func changesFromOthers() async throws -> StateUpdate? {
        let look = await store.changeSignal.look(readUpTo: sequence)
        seenSignal = look.generation
        // Own commits move `sequence` past themselves (see `commit`): a store that signals every write with its
        // position then needs no read when nobody else wrote.
        guard look.mayHoldMore else { return nil }
        var position = sequence
        var latest: [ResourceKey: ChangeRecord] = [:]
        while true {
            let page = try await store.changes(after: position, limit: 1000)
            for change in page { latest[ResourceKey(kind: change.kind, id: change.id)] = change }
            position = page.last?.sequence ?? position
            if page.count < 1000 { break }
        }
        var upserts: [(ResourceRecord, Kind)] = []
        var removals: [(Kind, String)] = []
        var known = versions
        for (key, change) in latest {
            // Kinds this build does not know (a newer replica's) are left alone.
            guard let kind = Kind(rawValue: key.kind) else { continue }
            let version = known[key]
            if change.operation == .delete {
                if version != nil {
                    removals.append((kind, key.id))
                    known[key] = nil
                }
                continue
            }
            if let version, version >= change.version { continue }
            guard let record = try await store.get(kind: key.kind, id: key.id) else {
                if version != nil {
                    removals.append((kind, key.id))
                    known[key] = nil
                }
                continue
            }
            if let version, version >= record.version { continue }
            var scratch = CloudState()
            // A record this build cannot read is skipped (and looked at again with its next change).
            guard (try? Self.insert(record, kind: kind, into: &scratch)) != nil else { continue }
            upserts.append((record, kind))
            known[key] = record.version
        }
        sequence = position
        versions = known
        guard !upserts.isEmpty || !removals.isEmpty else { return nil }
        let update = StateUpdate(ids: Set(upserts.map { $0.0.id } + removals.map { $0.1 })) { [upserts, removals] state in
            for (kind, id) in removals { Self.remove(kind, id, from: &state) }
            for (record, kind) in upserts { try? Self.insert(record, kind: kind, into: &state) }
            Self.fixOrder(&state, ids: upserts.map { $0.0.id })
        }
        update.apply(to: &last)
        return update
    }

    /// Returns when the store signals a write (own or another replica's) since the last look, or after `timeout`.
    public func waitForChangesFromOthers(timeout: Duration) async {
        await store.changeSignal.wait(beyond: seenSignal, timeout: timeout)
    }

    /// Gives a VPC's implicit resources (vRouter, route table, system entry) the VPC's order, and moves
    /// `nextOrder` past every order in use.
    private static func fixOrder(_ state: inout CloudState, ids: [String]) {
        for id in ids {
            if let vpc = state.vpcs[id] {
                for derived in [vpc.vRouterId, vpc.routeTableId, vpc.serviceRouteEntryId]
                where state.order[derived] == nil {
                    state.order[derived] = state.order[vpc.id]
                }
            }
            if let order = state.order[id] { state.nextOrder = max(state.nextOrder, order + 1) }
        }
    }

    private static func region(ofTable id: String, in state: CloudState) -> String {
        (try? state.vpc(routeTable: id))?.regionId ?? state.vbr(routeTable: id)?.regionId ?? "unknown"
    }
}

/// The writes of one save: for each kind, the resources that differ between the last saved state and the new one.
private struct Diff {
    let order: ResourceTable<Int>
    let versions: [ResourceKey: Int64]
    /// The ids the change touched, sorted (`nil`: compare every resource).
    let scope: [String]?
    var batch = WriteBatch()

    init(order: ResourceTable<Int>, versions: [ResourceKey: Int64], scope: [String]?) {
        self.order = order
        self.versions = versions
        self.scope = scope
    }

    /// Adds the writes that turn table `old` into `new`. Tables are passed, not key paths into the states: a key
    /// path projection copied the whole state twice per kind. A table whose storage both states share is untouched
    /// and costs O(1).
    mutating func table<T: Codable & Equatable & TableIndexed>(
        _ old: ResourceTable<T>,
        _ new: ResourceTable<T>,
        _ kind: ResourceStoreStateStore.Kind,
        region: (T) -> String
    ) {
        if old == new { return }  // the same storage, compared in O(1); also when the change did not touch it
        let ids: [String]
        if let scope {
            ids = scope.filter { new[$0] != nil || old[$0] != nil }
        } else {
            ids = new.keys.sorted() + old.keys.sorted().filter { new[$0] == nil }
        }
        for id in ids {
            let key = ResourceKey(kind: kind.rawValue, id: id)
            let previous = old[id]
            guard let resource = new[id] else {
                if previous != nil { batch.delete(kind: kind.rawValue, id: id, expectedVersion: versions[key]) }
                continue
            }
            guard previous != resource else { continue }
            // Resources are plain Codable values: encoding them cannot fail.
            let stored = ResourceStoreStateStore.Stored(order: order[id] ?? 0, resource: resource)
            guard let document = try? DocumentEncoder.encode(stored) else { continue }
            if previous == nil {
                batch.create(kind: kind.rawValue, id: id, regionID: region(resource), document: document)
            } else {
                batch.update(kind: kind.rawValue, id: id, document: document, expectedVersion: versions[key] ?? 1)
            }
        }
    }
}
