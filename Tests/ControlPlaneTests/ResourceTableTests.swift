import ControlPlane
import Foundation
import Testing

/// A resource with a region and two owned ids, like a VPC with its vRouter and route table.
private struct Owner: RegionalResource, SecondaryKeyed, Codable, Hashable {
    var regionId: String
    var router: String
    var table: String
    var secondaryKeys: [String] { [router, table] }
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
    }

    @Test(arguments: [1, 2, 3, 4])
    func indexesAgreeWithAScanAfterRandomChanges(seed: UInt64) throws {
        var random = SeededGenerator(state: seed)
        let regions = ["r-a", "r-b", "r-c"]
        var table: ResourceTable<Owner> = [:]
        var keys: [String] = []
        for step in 0..<400 {
            let id = "o-\(Int.random(in: 0..<40, using: &random))"
            switch Int.random(in: 0..<5, using: &random) {
            case 0, 1:  // create or replace through the setter
                let owner = Owner(
                    regionId: regions.randomElement(using: &random)!,
                    router: "vrt-\(step)",
                    table: "vtb-\(step)"
                )
                keys += owner.secondaryKeys
                table[id] = owner
            case 2:  // change in place (the _modify path): another region, another table
                table[id]?.regionId = regions.randomElement(using: &random)!
                table[id]?.table = "vtb-moved-\(step)"
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
