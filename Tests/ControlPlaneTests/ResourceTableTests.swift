import ControlPlane
import Foundation
import MeridianTestSupport
import Testing

/// A resource with a region and two owned ids, like a VPC with its vRouter and route table, in a group (as VPN
/// connections are grouped by their gateway).
private struct Owner: RegionalResource, SecondaryKeyed, TableIndexed, Codable, Hashable {
    var regionId: String
    var router: String
    var table: String
    var team = "t-1"
    var secondaryKeys: [String] { [router, table] }
    var tableGroup: String? { team }
}

/// The table's per-region counts and owner index against a linear scan of its contents, after every step.
struct ResourceTableTests {
    private static func expectIndexes(_ table: ResourceTable<Owner>, regions: [String], keys: [String]) {
        for region in regions {
            #expect(table.count(inRegion: region) == table.values.count { $0.regionId == region }, "region \(region)")
        }
        for key in keys {
            let scanned = table.values.first { $0.secondaryKeys.contains(key) }
            #expect(table.owner(of: key) == scanned, "key \(key)")
        }
        for team in ["t-1", "t-2", "t-3", "t-none"] {
            let scanned = table.values.filter { $0.team == team }
            let grouped = table.values(inGroup: team)
            #expect(grouped.count == scanned.count && Set(grouped) == Set(scanned), "group \(team)")
        }
    }

    /// The state's value types index what their protocols say (the defaults of `TableIndexed` are chosen per type).
    @Test func stateValueTypesKeepTheIndexesTheirProtocolsCallFor() {
        #expect(VPC.keepsTableIndexes && VirtualBorderRouter.keepsTableIndexes && Owner.keepsTableIndexes)
        #expect(VPNGateway.keepsTableIndexes && ECSInstance.keepsTableIndexes && RouterInterface.keepsTableIndexes)
        #expect(!Int.keepsTableIndexes && !RouteEntry.keepsTableIndexes && !CEN.keepsTableIndexes)
        #expect(!SiteResource.keepsTableIndexes && !CENAttachment.keepsTableIndexes)
        let owner = Owner(regionId: "r-a", router: "vrt-1", table: "vtb-1")
        #expect(owner.tableRegion == "r-a" && owner.tableSecondaryKeys == ["vrt-1", "vtb-1"])
        #expect(7.tableRegion == nil && 7.tableSecondaryKeys.isEmpty && 7.tableGroup == nil)
    }

    @Test(arguments: [1, 2, 3, 4])
    func indexesAgreeWithAScanAfterRandomChanges(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let regions = ["r-a", "r-b", "r-c"]
        var table: ResourceTable<Owner> = [:]
        var keys: [String] = []
        for step in 0..<200 {
            let id = "o-\(Int.random(in: 0..<40, using: &random))"
            switch Int.random(in: 0..<5, using: &random) {
            case 0, 1:  // create or replace through the setter
                let owner = Owner(
                    regionId: regions.randomElement(using: &random)!,
                    router: "vrt-\(step)",
                    table: "vtb-\(step)",
                    team: ["t-1", "t-2", "t-3"].randomElement(using: &random)!
                )
                keys += owner.secondaryKeys
                table[id] = owner
            case 2:  // change in place (the _modify path): another region, another table, another group
                table[id]?.regionId = regions.randomElement(using: &random)!
                table[id]?.table = "vtb-moved-\(step)"
                table[id]?.team = ["t-1", "t-2", "t-3"].randomElement(using: &random)!
                keys.append("vtb-moved-\(step)")
            case 3:
                table.removeValue(forKey: id)
            default:
                table[id] = nil
            }
            Self.expectIndexes(table, regions: regions, keys: keys)
        }
        // Tables built from entries or decoded build their indexes.
        let filtered = ResourceTable(
            uniqueKeysWithValues: table.filter { $0.value.regionId != "r-b" }.map { ($0.key, $0.value) }
        )
        Self.expectIndexes(filtered, regions: regions, keys: keys)
        #expect(filtered.count(inRegion: "r-b") == 0)
        let decoded = try JSONDecoder().decode(ResourceTable<Owner>.self, from: JSONEncoder().encode(table))
        #expect(decoded == table)
        Self.expectIndexes(decoded, regions: regions, keys: keys)
    }

    @Test func encodesAsAnObjectKeyedByIdLikeADictionary() throws {
        let table: ResourceTable<Owner> = ["o-1": Owner(regionId: "r-a", router: "vrt-1", table: "vtb-1")]
        let dictionary: [String: Owner] = ["o-1": Owner(regionId: "r-a", router: "vrt-1", table: "vtb-1")]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(table) == encoder.encode(dictionary))
        let decoded = try JSONDecoder().decode(ResourceTable<Owner>.self, from: encoder.encode(dictionary))
        #expect(decoded["o-1"] == dictionary["o-1"])
    }

    @Test func aCopyIsIndependentOfItsOriginal() {
        var original: ResourceTable<Owner> = ["o-1": Owner(regionId: "r-a", router: "vrt-1", table: "vtb-1")]
        let copy = original
        original["o-2"] = Owner(regionId: "r-a", router: "vrt-2", table: "vtb-2")
        original["o-1"]?.regionId = "r-b"
        #expect(copy.count == 1 && copy.count(inRegion: "r-a") == 1 && copy.owner(of: "vtb-2") == nil)
        #expect(original.count(inRegion: "r-a") == 1 && original.count(inRegion: "r-b") == 1)
        #expect(copy != original)
    }
}

/// Listings in creation order, page by page, while the state changes between pages.
struct CreationOrderListingTests {
    @Test func pagesFollowCreationOrderAcrossChanges() throws {
        var state = CloudState()
        var next = 0
        let context = MutationContext(
            now: Date(timeIntervalSince1970: 0),
            quotas: { var q = Quotas(); q.vpcsPerRegion = 1000; return q }(),
            makeID: { prefix in
                next += 1
                // Ids whose text order is the reverse of their creation order, so a sort by id would show.
                return prefix + String(format: "%05d", 99_999 - next)
            },
            randomString: { String(repeating: "x", count: $0) }
        )
        var created: [String] = []
        for index in 0..<120 {
            let region = index % 3 == 0 ? "r-b" : "r-a"
            let vpc = try state.createVPC(.init(regionId: region, cidrBlock: "10.0.0.0/16"), context)
            if region == "r-a" { created.append(vpc.id) }
        }
        /// Every page, read three ways: filtering the whole kind, the region's remembered order without a filter,
        /// and with one; each must give the same pages.
        func all(pageSize: Int) -> [String] {
            var ids: [String] = []
            var offset = 0
            while true {
                let page = state.page(of: state.vpcs, offset: offset, limit: pageSize) { $0.regionId == "r-a" }
                let region = state.page(of: state.vpcs, region: "r-a", offset: offset, limit: pageSize, where: nil)
                let filtered = state.page(of: state.vpcs, region: "r-a", offset: offset, limit: pageSize) { _ in true }
                #expect(page.total == created.count)
                #expect(region.total == page.total && region.items.map(\.id) == page.items.map(\.id))
                #expect(filtered.total == page.total && filtered.items.map(\.id) == page.items.map(\.id))
                ids += page.items.map(\.id)
                offset += pageSize
                if offset >= page.total { return ids }
            }
        }
        let empty = state.page(of: state.vpcs, region: "r-none", offset: 0, limit: 10, where: nil)
        #expect(empty.total == 0 && empty.items.isEmpty)
        let beyond = state.page(of: state.vpcs, region: "r-a", offset: 5000, limit: 10, where: nil)
        #expect(beyond.total == created.count && beyond.items.isEmpty)
        #expect(all(pageSize: 7) == created)
        #expect(state.ordered(state.vpcs).map(\.id).filter(created.contains) == created)
        // A change between pages: the next listing sees it.
        try state.deleteVPC(created[5], region: "r-a")
        created.remove(at: 5)
        #expect(all(pageSize: 50) == created)
        #expect(state.ordered(state.vpcs).map(\.id).filter(created.contains) == created)  // values memo forgotten too
        let vpc = try state.createVPC(.init(regionId: "r-a", cidrBlock: "10.1.0.0/16"), context)
        created.append(vpc.id)
        #expect(all(pageSize: 50) == created)
        #expect(state.ordered(state.vpcs, where: { $0.regionId == "r-a" }).map(\.id) == created)
        // A copy taken before a change keeps its own order.
        let before = state
        _ = try state.createVPC(.init(regionId: "r-a", cidrBlock: "10.2.0.0/16"), context)
        func regionA(_ state: CloudState) -> (total: Int, items: [String]) {
            let page = state.page(of: state.vpcs, region: "r-a", offset: 0, limit: 1000, where: nil)
            return (page.total, page.items.map(\.id))
        }
        let filteredA = before.page(of: before.vpcs, offset: 0, limit: 1000) { $0.regionId == "r-a" }
        #expect(filteredA.items.map(\.id) == created)
        #expect(regionA(before).items == created)
        #expect(regionA(state).total == created.count + 1)
        // A change made in place, to a table no copy shares: its remembered orders are forgotten too.
        var alone = CloudState()
        alone.order = state.order
        alone.vpcs = ResourceTable(uniqueKeysWithValues: state.vpcs.map { ($0.key, $0.value) })
        let listed = regionA(alone).items
        alone.vpcs.removeValue(forKey: listed[0])
        #expect(regionA(alone).items == Array(listed.dropFirst()))
    }
}
