/// A read-only view of an ESP packet's fixed header (RFC 4303 §2): SPI and sequence number, big-endian.
///
/// Build it with ``init(checking:)`` from untrusted bytes; it returns nil when the bytes are too short.
public struct ESPPacketHeader: Sendable, Hashable {
    public let spi: UInt32
    public let sequence: UInt32

    /// Bytes of the fixed header.
    public static let length = 8

    public init(spi: UInt32, sequence: UInt32) {
        self.spi = spi
        self.sequence = sequence
    }

    /// Reads the header, or nil if `bytes` has fewer than 8 bytes.
    public init?(checking bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= ESPPacketHeader.length else { return nil }
        spi = bytes.readBigEndianUInt32(at: 0)
        sequence = bytes.readBigEndianUInt32(at: 4)
    }

    /// Writes the header at the start of `bytes` (which must hold 8 bytes).
    public func emit(into bytes: UnsafeMutableRawBufferPointer) {
        bytes.storeBigEndian(spi, at: 0)
        bytes.storeBigEndian(sequence, at: 4)
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always)
    func readBigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8
            | UInt32(self[offset + 3])
    }
}

extension UnsafeMutableRawBufferPointer {
    @inline(__always)
    func storeBigEndian(_ value: UInt32, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value >> 24)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 3] = UInt8(truncatingIfNeeded: value)
    }
}
