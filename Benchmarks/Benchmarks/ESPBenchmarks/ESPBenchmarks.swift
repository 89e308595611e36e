import Benchmark
import ESP

/// ESP seal and open of 1,400-byte inner packets, one SA per direction, buffers allocated once (the data
/// plane's per-packet path). Throughput is packets; bytes/s = packets/s × 1,400.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 1_000,
        scalingFactor: .kilo,
        maxDuration: .seconds(3)
    )

    for proposal in ["aes128gcm16", "aes256gcm16", "aes128-sha1", "aes128-sha256"] {
        let transform = try! ESPProposal(parsing: proposal).transform
        let keys = ESPKeys(
            encryption: (0..<transform.encryptionKeyBytes).map { UInt8(truncatingIfNeeded: $0 &* 31) },
            integrity: (0..<transform.integrityKeyBytes).map { UInt8(truncatingIfNeeded: $0 &* 17) })
        let payload = UnsafeMutableRawBufferPointer.allocate(byteCount: 1_400, alignment: 16)
        payload.initializeMemory(as: UInt8.self, repeating: 0x45)
        let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: 2_048, alignment: 16)
        let inner = UnsafeMutableRawBufferPointer.allocate(byteCount: 2_048, alignment: 16)

        Benchmark("ESP seal 1400 B \(proposal)") { benchmark in
            let sa = try SecurityAssociation(spi: 0x1000, direction: .outbound, transform: transform, keys: keys)
            var rng = SystemRandomNumberGenerator()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(try sa.seal(UnsafeRawBufferPointer(payload), nextHeader: 4, into: packet, using: &rng))
            }
        }

        Benchmark("ESP seal+open 1400 B \(proposal)") { benchmark in
            let out = try SecurityAssociation(spi: 0x1000, direction: .outbound, transform: transform, keys: keys)
            let inb = try SecurityAssociation(spi: 0x1000, direction: .inbound, transform: transform, keys: keys)
            var rng = SystemRandomNumberGenerator()
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let n = try out.seal(UnsafeRawBufferPointer(payload), nextHeader: 4, into: packet, using: &rng)
                blackHole(try inb.open(UnsafeRawBufferPointer(rebasing: packet[..<n]), into: inner))
            }
        }
    }
}
