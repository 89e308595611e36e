import Foundation
public import HashTreeCollections

/// The resources of one kind by id: a persistent hash map (swift-collections' `TreeDictionary`).
///
/// Every change runs on a copy of ``CloudState`` that is kept until the store accepted it. With Swift's
/// `Dictionary` that copy duplicated each changed table whole, so a create cost O(n) in the number of resources
/// of its kind; a `TreeDictionary` shares all unchanged nodes with the copy it came from, so copying is O(1) and a
/// change copies O(log n) nodes. Two tables that share nodes also compare equal without visiting them.
///
/// For resources that live in a region (``RegionalResource``) the table also counts them per region, so the
/// per-region quotas are checked in O(1) instead of by visiting every resource of the kind; for resources
/// that own other ids (``SecondaryKeyed``: a VPC its vRouter and route table) it finds the owner of such an id
/// in O(log n).
///
/// Each resource sits in a box of its own: copying a node of the map (what a change does to the O(log n) nodes on
/// its path, up to 32 entries each) then retains one reference per entry instead of every string and array of every
/// resource in the node.
///
/// The surface is the part of `Dictionary`'s the control plane uses, so callers need not import the collection.
public struct ResourceTable<Value: TableIndexed>: Sequence {
    public typealias Element = (key: String, value: Value)

    @usableFromInline var storage: TreeDictionary<String, Box<Value>>
    /// How many resources each region holds (regional resources only); derived from `storage`.
    @usableFromInline var regionCounts: [String: Int] = [:]
    /// The owner of each secondary key (``SecondaryKeyed`` resources only); derived from `storage`.
    @usableFromInline var owners: TreeDictionary<String, String> = [:]
    /// The ids in each group (``TableIndexed/tableGroup``), in no particular order; derived from `storage`.
    @usableFromInline var groups: TreeDictionary<String, [String]> = [:]
    /// The resources in creation order, once a listing asked for them; emptied by every change.
    @usableFromInline var creationOrder = CreationOrderMemo<Value>()

    public init() { storage = [:] }

    init(_ storage: TreeDictionary<String, Box<Value>>) {
        self.storage = storage
        recount()
    }

    public init<S: Sequence>(uniqueKeysWithValues pairs: S) where S.Element == (String, Value) {
        self.init(TreeDictionary(uniqueKeysWithValues: pairs.lazy.map { ($0.0, Box($0.1)) }))
    }

    public subscript(id: String) -> Value? {
        @inlinable get { storage[id]?.value }
        set {
            let before = Self.facts(of: storage[id]?.value)
            storage[id] = newValue.map(Box.init)
            reindex(id, before: before)
        }
        _modify {
            var value = storage[id]?.value
            let before = Self.facts(of: value)
            yield &value
            storage[id] = value.map(Box.init)
            reindex(id, before: before)
        }
    }

    public subscript(id: String, default defaultValue: @autoclosure () -> Value) -> Value {
        get { storage[id]?.value ?? defaultValue() }
        _modify {
            let old = storage[id]?.value
            let before = Self.facts(of: old)
            var value = old ?? defaultValue()
            yield &value
            storage[id] = Box(value)
            reindex(id, before: before)
        }
    }

    /// How many resources of this table are in `region` (0 for resources that have no region).
    /// - Complexity: O(1).
    public func count(inRegion region: String) -> Int { regionCounts[region] ?? 0 }

    /// The resource that owns the secondary key `key` (see ``SecondaryKeyed``), if any.
    /// - Complexity: O(log n).
    public func owner(of key: String) -> Value? { owners[key].flatMap { storage[$0]?.value } }

    /// The resources whose ``TableIndexed/tableGroup`` is `group`, in no particular order.
    /// - Complexity: O(k log n) for k of them, where a scan for them visited every resource of the kind.
    public func values(inGroup group: String) -> [Value] {
        (groups[group] ?? []).compactMap { storage[$0]?.value }
    }

    /// What the indexes know of one resource.
    private struct Facts: Equatable {
        var region: String?
        var keys: [String] = []
        var group: String?
    }

    private static var isIndexed: Bool { Value.keepsTableIndexes }

    /// The facts through `TableIndexed`'s requirements, resolved when the table is specialized: asking the
    /// value at run time (`as? any RegionalResource`) copied it into an existential box twice per look.
    private static func facts(of value: Value?) -> Facts? {
        guard let value, isIndexed else { return nil }
        return Facts(region: value.tableRegion, keys: value.tableSecondaryKeys, group: value.tableGroup)
    }

    /// Updates the indexes for the resource `id`, which had the facts `before` and now has its current ones.
    private mutating func reindex(_ id: String, before: Facts?) {
        forgetCreationOrder()
        let after = Self.facts(of: storage[id]?.value)
        guard before != after else { return }
        if let before {
            if let region = before.region {
                let left = (regionCounts[region] ?? 0) - 1
                regionCounts[region] = left > 0 ? left : nil
            }
            for key in before.keys where owners[key] == id { owners[key] = nil }
            if let group = before.group, var members = groups[group] {
                members.removeAll { $0 == id }
                groups[group] = members.isEmpty ? nil : members
            }
        }
        if let after {
            if let region = after.region { regionCounts[region, default: 0] += 1 }
            for key in after.keys { owners[key] = id }
            if let group = after.group { groups[group, default: []].append(id) }
        }
    }

    /// Empties the creation-order memo: in place when no copy of the table shares it.
    private mutating func forgetCreationOrder() {
        if isKnownUniquelyReferenced(&creationOrder) {
            creationOrder.forget()
        } else {
            creationOrder = CreationOrderMemo()
        }
    }

    /// The resources in creation order (`order` gives each id's position; ties are broken by id).
    ///
    /// Remembered until the table changes, or a call passes another `order`: paging through a list costs one sort,
    /// not one per page, and no look-up by id.
    @inlinable
    public func valuesInCreationOrder(_ order: ResourceTable<Int>) -> [Value] {
        if let values = creationOrder.values(for: order) { return values }
        let values = boxesInCreationOrder(order).map { $0.value }
        creationOrder.remember(values, for: order)
        return values
    }

    /// The boxed resources in creation order (see ``valuesInCreationOrder(_:)``). A filter that reads
    /// `box.value`, an immutable property of a class instance, reads the resource in place; reading the elements
    /// of an array of resources copied each one (a retain per field).
    @inlinable
    func boxesInCreationOrder(_ order: ResourceTable<Int>) -> [Box<Value>] {
        creationOrder.boxes(for: order) ?? sortByCreation(order)
    }

    @usableFromInline
    func sortByCreation(_ order: ResourceTable<Int>) -> [Box<Value>] {
        let sorted = Self.creationSorted(storage, order: order)
        creationOrder.remember(sorted, for: order)
        return sorted
    }

    /// The boxed resources of `region` in creation order: remembered like ``boxesInCreationOrder(_:)``, for each
    /// region asked for, so a listing's pages neither sort nor visit the resources of the kind again.
    @inlinable
    func boxesInCreationOrder(_ order: ResourceTable<Int>, region: String) -> [Box<Value>] {
        creationOrder.boxes(for: order, region: region) ?? selectRegion(region, order)
    }

    @usableFromInline
    func selectRegion(_ region: String, _ order: ResourceTable<Int>) -> [Box<Value>] {
        // Only regions that hold resources are remembered: a request naming another region adds nothing.
        guard count(inRegion: region) > 0 else { return [] }
        let selected = boxesInCreationOrder(order).filter { $0.value.tableRegion == region }
        creationOrder.remember(selected, region: region, for: order)
        return selected
    }

    /// The elements (resources or their boxes) of `entries` sorted by `order` of their ids; ties (replicas number
    /// their creations independently) are broken by id, the same on every replica.
    ///
    /// - Complexity: O(n log n), sorting integer positions: neither the elements, which may be large structures,
    ///   nor their ids are moved while sorting.
    static func creationSorted<S: Sequence, E>(_ entries: S, order: ResourceTable<Int>) -> [E]
    where S.Element == (key: String, value: E) {
        var ids: [String] = []
        var elements: [E] = []
        var positions: [Int] = []
        ids.reserveCapacity(entries.underestimatedCount)
        for (id, element) in entries {
            ids.append(id)
            elements.append(element)
            positions.append(order[id] ?? 0)
        }
        var indices = Array(ids.indices)
        indices.sort { positions[$0] != positions[$1] ? positions[$0] < positions[$1] : ids[$0] < ids[$1] }
        return indices.map { elements[$0] }
    }

    /// Builds the indexes from `storage`.
    private mutating func recount() {
        regionCounts = [:]
        owners = [:]
        groups = [:]
        guard Self.isIndexed else { return }
        for (id, box) in storage {
            guard let facts = Self.facts(of: box.value) else { continue }
            if let region = facts.region { regionCounts[region, default: 0] += 1 }
            for key in facts.keys { owners[key] = id }
            if let group = facts.group { groups[group, default: []].append(id) }
        }
    }

    @inlinable public var count: Int { storage.count }
    @inlinable public var isEmpty: Bool { storage.isEmpty }
    /// The ids, in the table's (hash) order; the same order as ``values``.
    @inlinable public var keys: some Collection<String> { storage.keys }
    /// The resources, in the table's (hash) order; the same order as ``keys``.
    /// (A closure, not the key path `\.value`: a generic key path is instantiated at run time on every use.)
    @inlinable public var values: some Collection<Value> { storage.values.lazy.map { $0.value } }

    /// Calls `body` with every resource in place, in the table's order: unlike iterating ``values``, which copies
    /// each resource (a retain per field), a scan that reads a field or two costs only those reads.
    @inlinable public func forEachValue<E: Error>(_ body: (borrowing Value) throws(E) -> Void) throws(E) {
        for box in storage.values { try body(box.value) }
    }

    @discardableResult
    public mutating func removeValue(forKey id: String) -> Value? {
        let removed = storage.removeValue(forKey: id)?.value
        reindex(id, before: Self.facts(of: removed))
        return removed
    }

    @inlinable public func makeIterator() -> Iterator { Iterator(base: storage.makeIterator()) }

    public struct Iterator: IteratorProtocol {
        @usableFromInline var base: TreeDictionary<String, Box<Value>>.Iterator

        @inlinable init(base: TreeDictionary<String, Box<Value>>.Iterator) { self.base = base }

        @inlinable public mutating func next() -> Element? { base.next().map { ($0.key, $0.value.value) } }
    }
}

/// One resource in a ``ResourceTable``: immutable, replaced whole by a change.
@usableFromInline
final class Box<Value>: @unchecked Sendable {
    @usableFromInline let value: Value

    @usableFromInline init(_ value: Value) { self.value = value }
}

extension Box: Equatable where Value: Equatable {
    @usableFromInline static func == (lhs: Box, rhs: Box) -> Bool { lhs === rhs || lhs.value == rhs.value }
}

extension Box: Hashable where Value: Hashable {
    @usableFromInline func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

/// A box is encoded as its value, so a table is encoded as a `Dictionary` of its resources is.
extension Box: Codable where Value: Codable {
    @usableFromInline convenience init(from decoder: any Decoder) throws {
        self.init(try Value(from: decoder))
    }

    @usableFromInline func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

extension ResourceTable: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init(uniqueKeysWithValues: elements)
    }
}

extension ResourceTable: Sendable where Value: Sendable {}

extension ResourceTable: Equatable where Value: Equatable {
    /// Equal when both hold the same ids with equal values (shared nodes are not visited).
    @inlinable public static func == (lhs: Self, rhs: Self) -> Bool { lhs.storage == rhs.storage }
}

extension ResourceTable: Hashable where Value: Hashable {
    @inlinable public func hash(into hasher: inout Hasher) { hasher.combine(storage) }
}

/// Encoded as a `Dictionary` is: an object keyed by id (the region counts are derived, not encoded).
extension ResourceTable: Codable where Value: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try TreeDictionary(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try storage.encode(to: encoder)
    }
}

/// The memo behind ``ResourceTable/valuesInCreationOrder(_:)``, shared by copies of a table until one changes.
///
/// Reads of one state may run concurrently (snapshots handed to readers), so it is locked.
@usableFromInline
final class CreationOrderMemo<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var order: ResourceTable<Int>?
    private var sorted: [Box<Value>] = []
    /// The values of `sorted`, once a caller asked for values rather than boxes.
    private var values: [Value]?
    /// The boxes of `sorted` in each region a caller asked for.
    private var regions: [String: [Box<Value>]] = [:]

    @usableFromInline init() {}

    /// The remembered boxes, if they were sorted with `order` (identical tables compare in O(1)).
    @usableFromInline
    func boxes(for order: ResourceTable<Int>) -> [Box<Value>]? {
        lock.withLock {
            guard let known = self.order, known == order else { return nil }
            return sorted
        }
    }

    /// The remembered boxes of `region`, if they were sorted with `order` and asked for before.
    @usableFromInline
    func boxes(for order: ResourceTable<Int>, region: String) -> [Box<Value>]? {
        lock.withLock {
            guard let known = self.order, known == order else { return nil }
            return regions[region]
        }
    }

    /// The remembered values, if they were sorted with `order` and asked for before.
    @usableFromInline
    func values(for order: ResourceTable<Int>) -> [Value]? {
        lock.withLock {
            guard let known = self.order, known == order else { return nil }
            return values
        }
    }

    @usableFromInline
    func remember(_ boxes: [Box<Value>], for order: ResourceTable<Int>) {
        lock.withLock {
            self.order = order
            self.sorted = boxes
            self.values = nil
            self.regions = [:]
        }
    }

    /// Remembers the boxes of `region` among those last remembered for `order`.
    @usableFromInline
    func remember(_ boxes: [Box<Value>], region: String, for order: ResourceTable<Int>) {
        lock.withLock {
            guard let known = self.order, known == order else { return }
            regions[region] = boxes
        }
    }

    /// Remembers the values of the boxes last remembered for `order`.
    @usableFromInline
    func remember(_ values: [Value], for order: ResourceTable<Int>) {
        lock.withLock {
            guard let known = self.order, known == order else { return }
            self.values = values
        }
    }

    @usableFromInline
    func forget() {
        lock.withLock {
            order = nil
            sorted = []
            values = nil
            regions = [:]
        }
    }
}

/// A resource that owns other ids, unique among all resources of its kind (a VPC its vRouter and route table), so
/// its ``ResourceTable`` can find it by them (``ResourceTable/owner(of:)``).
public protocol SecondaryKeyed {
    var secondaryKeys: [String] { get }
}

/// What a ``ResourceTable`` indexes of its values: the region it counts them in (``RegionalResource``) and the
/// ids they own (``SecondaryKeyed``). Every value type of a table conforms, mostly with an empty extension: the
/// defaults below take the region and keys from those two protocols, or say there is nothing to index.
public protocol TableIndexed {
    /// Whether the table keeps per-region counts or an owner index for this type at all.
    static var keepsTableIndexes: Bool { get }
    /// The region the table counts the value in; `nil` for values without one.
    var tableRegion: String? { get }
    /// The ids the value owns.
    var tableSecondaryKeys: [String] { get }
    /// A key the table groups values by (``ResourceTable/values(inGroup:)``), for the checks that look for the
    /// few resources sharing one (a VPN gateway's connections); `nil` for none. Kept only where
    /// ``keepsTableIndexes`` is true.
    var tableGroup: String? { get }
}

extension TableIndexed {
    public static var keepsTableIndexes: Bool { false }
    public var tableRegion: String? { nil }
    public var tableSecondaryKeys: [String] { [] }
    public var tableGroup: String? { nil }
}

extension TableIndexed where Self: RegionalResource {
    public static var keepsTableIndexes: Bool { true }
    public var tableRegion: String? { regionId }
}

extension TableIndexed where Self: SecondaryKeyed {
    public static var keepsTableIndexes: Bool { true }
    public var tableSecondaryKeys: [String] { secondaryKeys }
}

extension TableIndexed where Self: RegionalResource & SecondaryKeyed {
    public static var keepsTableIndexes: Bool { true }
}

extension Int: TableIndexed {}
