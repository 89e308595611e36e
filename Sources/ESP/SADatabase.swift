/// The inbound SAs of one endpoint, keyed by SPI (RFC 4301 §4.4.2: the SAD), in the manner of
/// wireguard-go's `device/indextable.go`: SPIs are chosen at random and never collide with a live one.
///
/// Lookups are a dictionary probe and allocate nothing. Not thread-safe; the data plane guards it.
public struct SADatabase: Sendable {
    private var byspi: [UInt32: SecurityAssociation] = [:]

    public init() {}

    /// Number of SAs.
    public var count: Int { byspi.count }

    /// All SPIs, in no particular order.
    public var spis: Dictionary<UInt32, SecurityAssociation>.Keys { byspi.keys }

    /// The SA for `spi`, if any.
    public subscript(spi: UInt32) -> SecurityAssociation? { byspi[spi] }

    /// A random SPI that is free and not in the reserved range 0…255 (RFC 4303 §2.1).
    public func allocateSPI(using rng: inout some RandomNumberGenerator) -> UInt32 {
        while true {
            let candidate = UInt32.random(in: 256...UInt32.max, using: &rng)
            if byspi[candidate] == nil { return candidate }
        }
    }

    /// Adds `sa`, replacing any SA with the same SPI (returned).
    @discardableResult
    public mutating func insert(_ sa: SecurityAssociation) -> SecurityAssociation? {
        byspi.updateValue(sa, forKey: sa.spi)
    }

    /// Removes and returns the SA for `spi`.
    @discardableResult
    public mutating func remove(spi: UInt32) -> SecurityAssociation? {
        byspi.removeValue(forKey: spi)
    }

    /// Opens `packet` with the SA its SPI names. Throws ``ESPError/malformed`` if there is no header,
    /// ``ESPError/unknownSPI`` if no SA matches, and otherwise whatever the SA's `open` throws.
    public func open(
        _ packet: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(ESPError) -> (sa: SecurityAssociation, opened: SecurityAssociation.Opened) {
        guard let header = ESPPacketHeader(checking: packet) else { throw .malformed }
        guard let sa = byspi[header.spi] else { throw .unknownSPI }
        return (sa, try sa.open(packet, into: output))
    }
}
