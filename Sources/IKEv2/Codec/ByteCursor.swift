/// A bounds-checked reader over received octets: every read returns `nil` when too few octets remain.
struct ByteCursor {
    let bytes: ArraySlice<UInt8>
    var index: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    var remaining: Int { bytes.endIndex - index }
    var isAtEnd: Bool { index >= bytes.endIndex }

    mutating func readUInt8() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func readUInt16() -> UInt16? {
        guard remaining >= 2 else { return nil }
        defer { index += 2 }
        return UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
    }

    mutating func readUInt32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        var v: UInt32 = 0
        for i in 0..<4 { v = v << 8 | UInt32(bytes[index + i]) }
        index += 4
        return v
    }

    mutating func readUInt64() -> UInt64? {
        guard remaining >= 8 else { return nil }
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | UInt64(bytes[index + i]) }
        index += 8
        return v
    }

    mutating func readBytes(_ n: Int) -> ArraySlice<UInt8>? {
        guard n >= 0, remaining >= n else { return nil }
        defer { index += n }
        return bytes[index..<index + n]
    }
}

extension Array where Element == UInt8 {
    mutating func append(uint16 v: UInt16) { append(contentsOf: [UInt8(v >> 8), UInt8(truncatingIfNeeded: v)]) }
    mutating func append(uint32 v: UInt32) {
        for s in [24, 16, 8, 0] { append(UInt8(truncatingIfNeeded: v >> UInt32(s))) }
    }
    mutating func append(uint64 v: UInt64) {
        for s in stride(from: 56, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: v >> UInt64(s))) }
    }
    mutating func setUInt16(_ v: UInt16, at i: Int) {
        self[i] = UInt8(v >> 8)
        self[i + 1] = UInt8(truncatingIfNeeded: v)
    }
    mutating func setUInt32(_ v: UInt32, at i: Int) {
        for k in 0..<4 { self[i + k] = UInt8(truncatingIfNeeded: v >> UInt32(24 - 8 * k)) }
    }
}
