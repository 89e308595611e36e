/// A binary trie of IPv4 prefixes for longest-prefix match.
///
/// Nodes live in flat arrays indexed by `Int32` (no class per node, no reference counting on the lookup path),
/// the layout used by software FIBs. Node 0 is the root; a child index of 0 means "no child", which is safe
/// because the root is never anyone's child. Removing a prefix clears its value slot and keeps the nodes,
/// so a trie that churns does not fragment; ``compacted()`` rebuilds it tightly.
///
/// Large tries (``acceleratorThreshold`` prefixes or more) also keep a direct table indexed by the top 16 bits of
/// an address (the idea of DIR-24-8 forwarding tables): it holds the node at depth 16 and the best match above it,
/// so a lookup starts 16 levels down and touches at most 17 nodes instead of 33. Small tries, of which a route
/// engine holds many, do without it (it costs 512 KiB).
///
/// ```swift
/// var trie = PrefixTrie<String>()
/// trie.insert("vpc", for: IPv4Prefix("172.16.0.0/12")!)
/// trie.insert("vsw", for: IPv4Prefix("172.16.1.0/24")!)
/// trie.longestMatch(for: IPv4Address("172.16.1.7")!)?.value  // "vsw"
/// ```
public struct PrefixTrie<Value> {
    @usableFromInline var children: [Int32] = [0, 0]
    @usableFromInline var slotOfNode: [Int32] = [-1]
    @usableFromInline var slots: [(prefix: IPv4Prefix, value: Value)?] = []
    @usableFromInline var freeSlots: [Int32] = []
    /// Direct table for large tries: for each /16, the node at depth 16 (0: none) ...
    @usableFromInline var topNode: [Int32] = []
    /// ... and the slot of the longest stored prefix of length ≤ 16 covering that /16 (-1: none).
    @usableFromInline var topBest: [Int32] = []

    /// The number of prefixes from which a trie keeps its direct table of /16s.
    public static var acceleratorThreshold: Int { 4_096 }

    /// The number of prefixes stored.
    public private(set) var count: Int = 0

    /// Creates an empty trie.
    public init() {}

    /// Creates a trie from `(prefix, value)` pairs; a later duplicate replaces an earlier one.
    public init(_ entries: some Sequence<(IPv4Prefix, Value)>) {
        for (prefix, value) in entries { insert(value, for: prefix) }
    }

    /// Whether the trie holds no prefix.
    public var isEmpty: Bool { count == 0 }

    /// Stores `value` for `prefix`, returning the value it replaces.
    ///
    /// - Complexity: O(prefix length).
    @discardableResult
    public mutating func insert(_ value: Value, for prefix: IPv4Prefix) -> Value? {
        var node: Int32 = 0
        let bits = prefix.network.rawValue
        var depth = 0
        while depth < prefix.length {
            let bit = Int((bits >> UInt32(31 - depth)) & 1)
            let slot = Int(node) &* 2 &+ bit
            var child = children[slot]
            if child == 0 {
                child = Int32(slotOfNode.count)
                slotOfNode.append(-1)
                children.append(0)
                children.append(0)
                children[slot] = child
            }
            node = child
            depth += 1
            if depth == 16 && !topNode.isEmpty { topNode[Int(bits >> 16)] = node }
        }
        let existing = slotOfNode[Int(node)]
        if existing >= 0 {
            let old = slots[Int(existing)]?.value
            slots[Int(existing)] = (prefix, value)
            return old
        }
        let newSlot: Int32
        if let reused = freeSlots.popLast() {
            newSlot = reused
            slots[Int(reused)] = (prefix, value)
        } else {
            newSlot = Int32(slots.count)
            slots.append((prefix, value))
        }
        slotOfNode[Int(node)] = newSlot
        count += 1
        if !topNode.isEmpty {
            if prefix.length <= 16 {
                for index in topRange(prefix) {
                    let current = topBest[index]
                    if current < 0 || slots[Int(current)]!.prefix.length < prefix.length { topBest[index] = newSlot }
                }
            }
        } else if count >= PrefixTrie.acceleratorThreshold {
            buildAccelerator()
        }
        return nil
    }

    private func topRange(_ prefix: IPv4Prefix) -> ClosedRange<Int> {
        Int(prefix.network.rawValue >> 16)...Int(prefix.lastAddress.rawValue >> 16)
    }

    /// Walks the top 16 levels for one /16 and returns its node at depth 16 and the best slot on the way.
    private func walkTop(_ index: Int) -> (node: Int32, best: Int32) {
        var node = 0
        var best = slotOfNode[0]
        for depth in 0..<16 {
            let child = children[node &* 2 &+ ((index >> (15 - depth)) & 1)]
            if child == 0 { return (0, best) }
            node = Int(child)
            if slotOfNode[node] >= 0 { best = slotOfNode[node] }
        }
        return (Int32(node), best)
    }

    private mutating func buildAccelerator() {
        topNode = [Int32](repeating: 0, count: 1 << 16)
        topBest = [Int32](repeating: -1, count: 1 << 16)
        for index in 0..<(1 << 16) {
            (topNode[index], topBest[index]) = walkTop(index)
        }
    }

    /// Removes the value stored for exactly `prefix`, returning it.
    ///
    /// - Complexity: O(prefix length).
    @discardableResult
    public mutating func removeValue(for prefix: IPv4Prefix) -> Value? {
        guard let node = findNode(prefix) else { return nil }
        let slot = slotOfNode[Int(node)]
        guard slot >= 0 else { return nil }
        let old = slots[Int(slot)]?.value
        slots[Int(slot)] = nil
        freeSlots.append(slot)
        slotOfNode[Int(node)] = -1
        count -= 1
        if !topNode.isEmpty && prefix.length <= 16 {
            for index in topRange(prefix) where topBest[index] == slot {
                topBest[index] = walkTop(index).best
            }
        }
        return old
    }

    /// The value stored for exactly `prefix`.
    ///
    /// - Complexity: O(prefix length).
    public subscript(prefix: IPv4Prefix) -> Value? {
        guard let node = findNode(prefix) else { return nil }
        let slot = slotOfNode[Int(node)]
        return slot >= 0 ? slots[Int(slot)]?.value : nil
    }

    @usableFromInline
    func findNodeIndex(_ prefix: IPv4Prefix) -> Int32? { findNode(prefix) }

    private func findNode(_ prefix: IPv4Prefix) -> Int32? {
        var node: Int32 = 0
        let bits = prefix.network.rawValue
        for depth in 0..<prefix.length {
            let bit = Int((bits >> UInt32(31 - depth)) & 1)
            node = children[Int(node) &* 2 &+ bit]
            if node == 0 { return nil }
        }
        return node
    }

    /// The most specific stored prefix that contains `address`, with its value.
    ///
    /// - Complexity: O(32): at most one step per bit of the address.
    @inlinable
    public func longestMatch(for address: IPv4Address) -> (prefix: IPv4Prefix, value: Value)? {
        let slot = longestMatchSlot(address.rawValue)
        return slot >= 0 ? slots[Int(slot)] : nil
    }

    @inlinable
    func longestMatchSlot(_ bits: UInt32) -> Int32 {
        if !topNode.isEmpty {
            let index = Int(bits >> 16)
            let start = topNode[index]
            let best = topBest[index]
            if start == 0 { return best }
            return walk(from: start, best: best, shifted: bits << 16, steps: 16)
        }
        return walk(from: 0, best: slotOfNode[0], shifted: bits, steps: 32)
    }

    @inlinable
    func walk(from start: Int32, best initialBest: Int32, shifted initialShifted: UInt32, steps: Int) -> Int32 {
        children.withUnsafeBufferPointer { children in
            slotOfNode.withUnsafeBufferPointer { slotOfNode in
                var node = Int(start)
                var best = slotOfNode[node] >= 0 ? slotOfNode[node] : initialBest
                var shifted = initialShifted
                for _ in 0..<steps {
                    let child = children[node &* 2 &+ Int(shifted >> 31)]
                    if child == 0 { break }
                    node = Int(child)
                    let slot = slotOfNode[node]
                    if slot >= 0 { best = slot }
                    shifted <<= 1
                }
                return best
            }
        }
    }

    /// The most specific stored prefix that contains `address` and whose entry satisfies `predicate`.
    ///
    /// Candidates are offered longest first and at most as long as `maximumLength`, without copying the stored
    /// values into an array, so a caller can apply its own rejections (a route table that refuses some learned
    /// routes) at lookup time.
    /// - Complexity: O(32 + number of candidates tried).
    @inlinable
    public func longestMatch(
        for address: IPv4Address, maximumLength: Int = 32, where predicate: (IPv4Prefix, Value) throws -> Bool
    ) rethrows -> (prefix: IPv4Prefix, value: Value)? {
        // One walk down records the depths that hold a prefix (as bits) and the slots of the four deepest ones;
        // candidates are then tried longest first, re-walking only for the rare fifth and further candidate.
        var depths: UInt64 = 0
        var recent: (Int32, Int32, Int32, Int32) = (-1, -1, -1, -1)
        var node = 0
        var shifted = address.rawValue
        var depth = 0
        while true {
            let slot = slotOfNode[node]
            if slot >= 0 && depth <= maximumLength {
                depths |= 1 << UInt64(depth)
                recent = (slot, recent.0, recent.1, recent.2)
            }
            if depth == 32 { break }
            let child = children[node &* 2 &+ Int(shifted >> 31)]
            if child == 0 { break }
            node = Int(child)
            shifted <<= 1
            depth += 1
        }
        for index in 0..<4 {
            let slot: Int32
            switch index {
            case 0: slot = recent.0
            case 1: slot = recent.1
            case 2: slot = recent.2
            default: slot = recent.3
            }
            guard slot >= 0 else { return nil }
            depths &= ~(1 << UInt64(63 - depths.leadingZeroBitCount))
            if let entry = slots[Int(slot)], try predicate(entry.prefix, entry.value) { return entry }
        }
        while depths != 0 {
            let length = 63 - depths.leadingZeroBitCount
            depths &= ~(1 << UInt64(length))
            guard let found = findNodeIndex(IPv4Prefix(containing: address, length: length)) else { continue }
            let slot = slotOfNode[Int(found)]
            if slot >= 0, let entry = slots[Int(slot)], try predicate(entry.prefix, entry.value) { return entry }
        }
        return nil
    }

    /// Every stored prefix that contains `address`, shortest first.
    ///
    /// - Complexity: O(32 + number of matches).
    public func matches(for address: IPv4Address) -> [(prefix: IPv4Prefix, value: Value)] {
        var result: [(prefix: IPv4Prefix, value: Value)] = []
        var node = 0
        var depth = 0
        while true {
            let slot = slotOfNode[node]
            if slot >= 0, let entry = slots[Int(slot)] { result.append(entry) }
            if depth == 32 { break }
            let bit = Int((address.rawValue >> UInt32(31 - depth)) & 1)
            let child = children[node &* 2 &+ bit]
            if child == 0 { break }
            node = Int(child)
            depth += 1
        }
        return result
    }

    /// Every stored prefix that lies inside `prefix` (including `prefix` itself), in ascending order.
    public func entries(within prefix: IPv4Prefix) -> [(prefix: IPv4Prefix, value: Value)] {
        guard let start = findNode(prefix) else { return [] }
        var result: [(prefix: IPv4Prefix, value: Value)] = []
        var stack: [Int32] = [start]
        while let node = stack.popLast() {
            let slot = slotOfNode[Int(node)]
            if slot >= 0, let entry = slots[Int(slot)] { result.append(entry) }
            let right = children[Int(node) * 2 + 1]
            let left = children[Int(node) * 2]
            if right != 0 { stack.append(right) }
            if left != 0 { stack.append(left) }
        }
        return result
    }

    /// All stored prefixes in ascending order (by network address, then shorter first).
    public var entries: [(prefix: IPv4Prefix, value: Value)] {
        entries(within: .defaultRoute)
    }

    /// A trie with the same contents whose node arrays hold no nodes left behind by removals.
    public func compacted() -> PrefixTrie<Value> {
        var trie = PrefixTrie<Value>()
        for entry in entries { trie.insert(entry.value, for: entry.prefix) }
        return trie
    }
}

extension PrefixTrie: Sendable where Value: Sendable {}

extension PrefixTrie {
    /// Checks the structural invariants; used by tests and debug builds.
    ///
    /// Every slot referenced by a node holds an entry whose prefix leads to that node, and `count` equals the
    /// number of referenced slots.
    package func _checkInvariants() {
        var referenced = 0
        for (node, slot) in slotOfNode.enumerated() where slot >= 0 {
            referenced += 1
            guard let entry = slots[Int(slot)] else {
                preconditionFailure("node \(node) references empty slot \(slot)")
            }
            precondition(findNode(entry.prefix) == Int32(node), "slot \(slot) for \(entry.prefix) is at the wrong node")
        }
        precondition(referenced == count, "count \(count) differs from \(referenced) referenced slots")
        if !topNode.isEmpty {
            for index in 0..<(1 << 16) {
                let (node, best) = walkTop(index)
                precondition(topNode[index] == node, "direct table: wrong node for /16 #\(index)")
                precondition(topBest[index] == best, "direct table: wrong best match for /16 #\(index)")
            }
        }
    }
}
