public import IPAddressing
public import NetworkModel

private let cloudServiceBlock = IPv4Prefix(containing: IPv4Address(100, 64, 0, 0), length: 10)

/// The own routes of one VPC or VBR.
struct _NetworkTable: Sendable {
    /// Active own entries.
    var own = PrefixTrie<RouteTableEntry>()
    /// Own entries that lost (duplicates, conflicts, dangling next hops).
    var rejected: [RouteTableEntry] = []
    /// vSwitch blocks: learned routes equal to or inside one are rejected.
    var vSwitchBlocks: [IPv4Prefix] = []
    var region: RegionID
}

/// One route a member advertises to its CEN.
struct _Advertisement: Sendable {
    var origin: NetworkReference
    /// Earlier advertisements win among identical prefixes (decision 1).
    var rank: Int
    /// The entry as other members see it (`Type=CEN`, next hop the origin).
    var learned: RouteTableEntry
    /// The entry in the origin's own table.
    var ownType: RouteEntryType
}

/// The routes one CEN has learned, shared by all its members.
struct _CENTable: Sendable {
    var learned = PrefixTrie<[_Advertisement]>()
    var advertisedBy: [NetworkReference: [IPv4Prefix]] = [:]
    /// Stable ranks: attachment order for default-advertised routes, publication order for published ones.
    var attachRank: [NetworkReference: Int] = [:]
    var publishRank: [CENRouteReference: Int] = [:]
    var withdrawn: Set<CENRouteReference> = []
    var nextRank = 0
}

extension RouteEngine {
    // MARK: Own tables

    mutating func rebuildNetwork(_ network: NetworkReference) {
        var table: _NetworkTable
        switch network {
        case .vpc(let id):
            guard let vpc = topology.vpcs[id] else {
                networks[network] = nil
                return
            }
            table = _NetworkTable(region: vpc.region)
            for vsw in topology.vSwitches.values.filter({ $0.vpc == id }).sorted(by: { $0.id < $1.id }) {
                let entry = RouteTableEntry(
                    destination: vsw.cidrBlock, type: .system, nextHop: .local(vsw.id), origin: .vSwitch(vsw.id),
                    reason: "system route of vSwitch \(vsw.id)")
                insertOwn(&table, entry)
                table.vSwitchBlocks.append(vsw.cidrBlock)
            }
            insertOwn(
                &table,
                RouteTableEntry(
                    destination: cloudServiceBlock, type: .system, nextHop: .service, origin: .cloudService,
                    reason: "system route to cloud services"))
            for route in vpc.routes { insertCustom(&table, route, owner: network) }
            for gateway in topology.vpnGateways.values.filter({ $0.vpc == id }).sorted(by: { $0.id < $1.id }) {
                var published: Set<IPv4Prefix> = []
                let destinations =
                    gateway.policyRoutes.filter(\.publishToVPC).map(\.destination)
                    + gateway.routes.filter(\.publishToVPC).map(\.destination)
                for destination in destinations where published.insert(destination).inserted {
                    let entry = RouteTableEntry(
                        destination: destination, type: .custom, nextHop: .vpnGateway(gateway.id),
                        origin: .vpnGatewayPublished(gateway.id),
                        reason: "published to the VPC by VPN gateway \(gateway.id)")
                    insertOwn(&table, entry)
                }
            }
        case .vbr(let id):
            guard let vbr = topology.vbrs[id] else {
                networks[network] = nil
                return
            }
            table = _NetworkTable(region: vbr.region)
            for route in vbr.routes { insertCustom(&table, route, owner: network) }
        }
        networks[network] = table
    }

    private func insertCustom(_ table: inout _NetworkTable, _ route: RouteEntry, owner: NetworkReference) {
        var entry = RouteTableEntry(
            destination: route.destination, type: .custom, nextHop: NextHop(route.nextHop), origin: .routeEntry(route.id),
            reason: "custom route \(route.id)", routeEntryID: route.id)
        if let block = table.vSwitchBlocks.first(where: { $0.contains(route.destination) }) {
            entry.status = .rejected
            entry.reason = "\(route.destination) is equal to or inside vSwitch block \(block); the vSwitch route wins"
            table.rejected.append(entry)
            return
        }
        if let problem = danglingNextHop(route.nextHop, owner: owner) {
            entry.status = .rejected
            entry.reason = problem
            table.rejected.append(entry)
            return
        }
        insertOwn(&table, entry)
    }

    private func danglingNextHop(_ hop: RouteNextHop, owner: NetworkReference) -> String? {
        switch hop {
        case .instance(let id): topology.instances[id] == nil ? "next hop instance \(id) does not exist" : nil
        case .vpnGateway(let id): topology.vpnGateways[id] == nil ? "next hop VPN gateway \(id) does not exist" : nil
        case .routerInterface(let id):
            topology.routerInterfaces[id]?.router == owner ? nil : "next hop router interface \(id) does not exist on \(owner)"
        case .haVip: nil
        case .site(let id): topology.sites[id] == nil ? "next hop site \(id) does not exist" : nil
        }
    }

    private func insertOwn(_ table: inout _NetworkTable, _ entry: RouteTableEntry) {
        if let existing = table.own[entry.destination] {
            var loser = entry
            loser.status = .rejected
            loser.reason = "\(entry.destination) is already routed by \(existing.origin); a destination appears once per table"
            table.rejected.append(loser)
        } else {
            table.own.insert(entry, for: entry.destination)
        }
    }

    // MARK: CEN

    mutating func rebuildCEN(_ id: CENID) {
        guard let cen = topology.cens[id] else {
            cenTables[id] = nil
            return
        }
        var table = _CENTable()
        for network in cen.attachments where table.attachRank[network] == nil {
            table.attachRank[network] = table.nextRank
            table.nextRank += 1
        }
        for ref in cen.publishedRoutes where table.publishRank[ref] == nil {
            table.publishRank[ref] = table.nextRank
            table.nextRank += 1
        }
        table.withdrawn = Set(cen.withdrawnRoutes)
        cenTables[id] = table
        for network in cen.attachments { readvertise(network, in: id) }
    }

    /// Replaces everything `network` advertises to CEN `id` by what its own table advertises now.
    ///
    /// - Complexity: O(routes of the network × 32).
    mutating func readvertise(_ network: NetworkReference, in id: CENID) {
        guard var table = cenTables[id] else { return }
        cenTables[id] = nil  // keep the table uniquely referenced while it is mutated
        for prefix in table.advertisedBy[network] ?? [] {
            guard var list = table.learned[prefix] else { continue }
            list.removeAll { $0.origin == network }
            if list.isEmpty { table.learned.removeValue(for: prefix) } else { table.learned.insert(list, for: prefix) }
        }
        table.advertisedBy[network] = nil
        if let attachRank = table.attachRank[network], let own = networks[network],
            let region = topology.region(of: network)
        {
            var prefixes: [IPv4Prefix] = []
            for (prefix, entry) in own.own.entries {
                let ref = CENRouteReference(network: network, destination: prefix)
                let rank: Int
                if table.withdrawn.contains(ref) { continue }
                if Self.advertisedByDefault(entry) {
                    rank = attachRank
                } else if let published = table.publishRank[ref] {
                    rank = published
                } else {
                    continue
                }
                let learned = RouteTableEntry(
                    destination: prefix, type: .cen, nextHop: .network(network, region: region),
                    origin: .cen(id, from: network, region: region),
                    reason: "learned from \(network) in \(region) through \(id)")
                let ad = _Advertisement(origin: network, rank: rank, learned: learned, ownType: entry.type)
                var list = table.learned[prefix] ?? []
                let at = list.firstIndex { $0.rank > rank } ?? list.endIndex
                list.insert(ad, at: at)
                table.learned.insert(list, for: prefix)
                prefixes.append(prefix)
            }
            table.advertisedBy[network] = prefixes
        }
        cenTables[id] = table
    }

    /// The legacy default-publish table (seed 003): vSwitch routes of a VPC and a VBR's routes to its data
    /// centre are advertised; routes to instances, VPN gateways, HaVips and router interfaces are not.
    static func advertisedByDefault(_ entry: RouteTableEntry) -> Bool {
        switch entry.nextHop {
        case .local: true
        case .site: true
        default: false
        }
    }

    /// The active learned advertisement for a prefix as seen by `network`, or why it is not used.
    func learnedChoice(_ ads: [_Advertisement], prefix: IPv4Prefix, for network: NetworkReference, own: _NetworkTable)
        -> (active: _Advertisement?, rejection: String?)
    {
        if let block = own.vSwitchBlocks.first(where: { $0.contains(prefix) }) {
            return (nil, "\(prefix) is equal to or more specific than vSwitch block \(block); a VPC never accepts such a learned route")
        }
        if let mine = own.own[prefix] {
            return (nil, "the network's own route (\(mine.origin)) beats the learned one")
        }
        return (ads.first { $0.origin != network }, nil)
    }

    func lookupNetwork(_ network: NetworkReference, _ address: IPv4Address) -> RouteTableEntry? {
        // Read the tables in place (array addressors), never copying a table out.
        guard let slot = networks.slots[network], networks.values[slot] != nil else { return nil }
        let own = networks.values[slot]!.own.longestMatch(for: address)
        guard let cenID = cenOfNetwork[network], let cenSlot = cenTables.slots[cenID], cenTables.values[cenSlot] != nil else {
            return own?.value
        }
        let ownLength = own?.prefix.length ?? -1
        let vSwitchBlocks = networks.values[slot]!.vSwitchBlocks
        // The shared learned trie, longest first; this member's rejections are applied here, not stored.
        // An own route of the same length wins (own beats learned), so only longer learned prefixes are tried.
        var chosen: RouteTableEntry?
        _ = cenTables.values[cenSlot]!.learned.longestMatch(for: address) { prefix, ads in
            if prefix.length <= ownLength { return false }
            for block in vSwitchBlocks where block.contains(prefix) { return false }
            for ad in ads where ad.origin != network {
                chosen = ad.learned
                return true
            }
            return false
        }
        return chosen ?? own?.value
    }

    func networkEntries(_ network: NetworkReference) -> [RouteTableEntry] {
        guard let table = networks[network] else { return [] }
        var result = table.own.entries.map(\.value) + table.rejected
        guard let cenID = cenOfNetwork[network], let cen = cenTables[cenID] else { return _sorted(result) }
        for index in result.indices where result[index].status == .active {
            let prefix = result[index].destination
            if let ads = cen.learned[prefix], ads.contains(where: { $0.origin != network }) {
                result[index].isConflict = true
            }
        }
        for (prefix, ads) in cen.learned.entries {
            let others = ads.filter { $0.origin != network }
            guard !others.isEmpty else { continue }
            let conflict = Set(ads.map(\.origin)).count > 1
            let choice = learnedChoice(ads, prefix: prefix, for: network, own: table)
            for ad in others {
                var entry = ad.learned
                entry.isConflict = conflict
                if let rejection = choice.rejection {
                    entry.status = .rejected
                    entry.reason = rejection
                } else if ad.origin != choice.active?.origin {
                    entry.status = .candidate
                    entry.reason = "\(prefix) is also advertised by \(choice.active!.origin), which published it earlier"
                }
                result.append(entry)
            }
        }
        return _sorted(result)
    }

    func cenEntries(_ id: CENID) -> [RouteTableEntry] {
        guard let cen = cenTables[id] else { return [] }
        var result: [RouteTableEntry] = []
        for (prefix, ads) in cen.learned.entries {
            let conflict = Set(ads.map(\.origin)).count > 1
            for (index, ad) in ads.enumerated() {
                var entry = ad.learned
                entry.isConflict = conflict
                if index > 0 {
                    entry.status = .candidate
                    entry.reason = "\(prefix) was advertised earlier by \(ads[0].origin)"
                }
                result.append(entry)
            }
        }
        return _sorted(result)
    }

    /// Whether a route of a network is advertised to its CEN, and if not, why.
    public func publishStatus(of ref: CENRouteReference) -> (isPublished: Bool, reason: String) {
        guard let cenID = cenOfNetwork[ref.network], let cen = cenTables[cenID] else {
            return (false, "\(ref.network) is not attached to a CEN")
        }
        guard let entry = networks[ref.network]?.own[ref.destination] else {
            return (false, "\(ref.network) has no active route to \(ref.destination)")
        }
        if cen.withdrawn.contains(ref) { return (false, "\(ref.destination) was withdrawn from \(cenID)") }
        if Self.advertisedByDefault(entry) { return (true, "\(entry.type.rawValue) routes are published by default") }
        if cen.publishRank[ref] != nil { return (true, "published with PublishRouteEntries") }
        return (false, "routes to \(entry.nextHop.typeName) are not published to CEN by default; use PublishRouteEntries")
    }

    /// Routes of other members of the network's CEN that cover `address` but are not advertised: the
    /// explanation of a missing learned route.
    public func unpublishedRoutes(covering address: IPv4Address, near network: NetworkReference) -> [(
        network: NetworkReference, entry: RouteTableEntry
    )] {
        guard let cenID = cenOfNetwork[network], let cen = topology.cens[cenID] else { return [] }
        var result: [(NetworkReference, RouteTableEntry)] = []
        for member in cen.attachments where member != network {
            guard let match = networks[member]?.own.longestMatch(for: address) else { continue }
            let ref = CENRouteReference(network: member, destination: match.prefix)
            if !publishStatus(of: ref).isPublished { result.append((member, match.value)) }
        }
        return result
    }
}
