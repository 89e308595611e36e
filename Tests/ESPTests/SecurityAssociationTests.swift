import Crypto
import ESP
import Foundation
import Testing
import _CryptoExtras

struct SecurityAssociationTests {
    static let transforms: [String] = [
        "aes128gcm16", "aes192gcm16", "aes256gcm16", "aes128-sha1", "aes256-sha1", "aes128-sha256",
        "aes192-sha384", "aes256-sha512",
    ]

    /// An outbound/inbound pair sharing keys derived deterministically from `seed`.
    static func pair(_ proposal: String, spi: UInt32 = 0x1234_5678, seed: UInt64 = 1) throws -> (
        out: SecurityAssociation, in: SecurityAssociation, keys: ESPKeys
    ) {
        let transform = try ESPProposal(parsing: proposal).transform
        var rng = SeededRNG(seed: seed)
        let keys = ESPKeys(
            encryption: (0..<transform.encryptionKeyBytes).map { _ in UInt8.random(in: 0...255, using: &rng) },
            integrity: (0..<transform.integrityKeyBytes).map { _ in UInt8.random(in: 0...255, using: &rng) })
        return (
            try SecurityAssociation(spi: spi, direction: .outbound, transform: transform, keys: keys),
            try SecurityAssociation(spi: spi, direction: .inbound, transform: transform, keys: keys),
            keys
        )
    }

    static func seal(_ sa: SecurityAssociation, _ payload: [UInt8], nextHeader: UInt8 = 4) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: sa.sealedLength(payload: payload.count))
        var rng = SeededRNG(seed: 99)
        let n = try payload.withUnsafeBytes { p in
            try out.withUnsafeMutableBytes { o in try sa.seal(p, nextHeader: nextHeader, into: o, using: &rng) }
        }
        #expect(n == out.count)
        return out
    }

    static func open(_ sa: SecurityAssociation, _ packet: [UInt8]) throws -> ([UInt8], UInt8) {
        var out = [UInt8](repeating: 0, count: max(packet.count, 1))
        let opened = try packet.withUnsafeBytes { p in
            try out.withUnsafeMutableBytes { o in try sa.open(p, into: o) }
        }
        return (Array(out.prefix(opened.length)), opened.nextHeader)
    }

    static func open(_ db: SADatabase, _ packet: [UInt8]) throws -> (SecurityAssociation, Int) {
        var out = [UInt8](repeating: 0, count: max(packet.count, 1))
        let r = try packet.withUnsafeBytes { p in
            try out.withUnsafeMutableBytes { o in try db.open(p, into: o) }
        }
        return (r.sa, r.opened.length)
    }

    @Test(arguments: transforms)
    func roundTripsEveryLength(proposal: String) throws {
        let (out, inb, _) = try Self.pair(proposal)
        for length in [0, 1, 2, 3, 15, 16, 17, 20, 64, 1400] {
            let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
            let packet = try Self.seal(out, payload)
            #expect((packet.count - 8) % 4 == 0, "ESP packet not 4-byte aligned for \(proposal)")
            let (back, nh) = try Self.open(inb, packet)
            #expect(back == payload)
            #expect(nh == 4)
        }
        #expect(inb.counters.packets == 10)
        #expect(out.nextSequence == 11)
    }

    /// AES-GCM ESP per RFC 4106, checked with swift-crypto: nonce = salt ‖ IV, AAD = SPI ‖ seq.
    @Test(arguments: ["aes128gcm16", "aes256gcm16"])
    func gcmMatchesRFC4106Construction(proposal: String) throws {
        let (out, _, keys) = try Self.pair(proposal, spi: 0xCAFE_0001)
        let payload = Array("an inner IPv4 packet, more or less".utf8)
        let packet = try Self.seal(out, payload)
        #expect(Array(packet[0..<4]) == [0xCA, 0xFE, 0x00, 0x01])
        #expect(Array(packet[4..<8]) == [0, 0, 0, 1])
        #expect(Array(packet[8..<16]) == [0, 0, 0, 0, 0, 0, 0, 1], "IV is the 64-bit sequence number")
        let keyBytes = keys.encryption.count - 4
        let nonce = try AES.GCM.Nonce(data: keys.encryption[keyBytes...] + packet[8..<16])
        let box = try AES.GCM.SealedBox(
            nonce: nonce, ciphertext: packet[16..<(packet.count - 16)], tag: packet[(packet.count - 16)...])
        let plain = try AES.GCM.open(
            box, using: SymmetricKey(data: keys.encryption[..<keyBytes]), authenticating: packet[0..<8])
        let body = [UInt8](plain)
        #expect(Array(body.prefix(payload.count)) == payload)
        let padLength = Int(body[body.count - 2])
        #expect(body.count == payload.count + padLength + 2)
        let padding: [UInt8] = Array(body[payload.count..<(payload.count + padLength)])
        let expectedPadding: [UInt8] = (0..<padLength).map { UInt8($0 + 1) }
        #expect(padding == expectedPadding)
        #expect(body.last == 4)
    }

    /// AES-CBC + HMAC ESP per RFC 3602/2404/4868, checked with swift-crypto: ICV = truncated HMAC over
    /// SPI … ciphertext; CBC over the padded body with the packet's IV.
    @Test(arguments: ["aes128-sha1", "aes256-sha256", "aes192-sha384", "aes256-sha512"])
    func cbcMatchesRFC3602Construction(proposal: String) throws {
        let (out, _, keys) = try Self.pair(proposal)
        let payload = Array("0123456789abcdef0123456789".utf8)
        let packet = try Self.seal(out, payload)
        let t = out.transform
        let icvStart = packet.count - t.icvBytes
        let macKey = SymmetricKey(data: keys.integrity)
        let signed = Data(packet[..<icvStart])
        let full: [UInt8]
        switch t.integrity {
        case .hmacSHA1_96: full = Array(HMAC<Insecure.SHA1>.authenticationCode(for: signed, using: macKey))
        case .hmacSHA256_128: full = Array(HMAC<SHA256>.authenticationCode(for: signed, using: macKey))
        case .hmacSHA384_192: full = Array(HMAC<SHA384>.authenticationCode(for: signed, using: macKey))
        case .hmacSHA512_256: full = Array(HMAC<SHA512>.authenticationCode(for: signed, using: macKey))
        case .none: full = []
        }
        #expect(Array(full.prefix(t.icvBytes)) == Array(packet[icvStart...]))
        let plain = try AES._CBC.decrypt(
            packet[24..<icvStart], using: SymmetricKey(data: keys.encryption),
            iv: AES._CBC.IV(ivBytes: packet[8..<24]), noPadding: true)
        #expect(Array(plain.prefix(payload.count)) == payload)
        #expect(plain.count % 16 == 0)
    }

    @Test(arguments: transforms)
    func replayedPacketIsCountedAndDropped(proposal: String) throws {
        let (out, inb, _) = try Self.pair(proposal)
        let first = try Self.seal(out, [1, 2, 3])
        let second = try Self.seal(out, [4, 5, 6])
        _ = try Self.open(inb, second)
        _ = try Self.open(inb, first)  // out of order but inside the window: accepted
        #expect(throws: ESPError.replayed) { try Self.open(inb, first) }
        #expect(throws: ESPError.replayed) { try Self.open(inb, second) }
        #expect(inb.counters.replayed == 2)
        #expect(inb.counters.packets == 2)
    }

    @Test(arguments: transforms)
    func everyFlippedBitIsRejected(proposal: String) throws {
        let (out, inb, _) = try Self.pair(proposal)
        let packet = try Self.seal(out, Array(repeating: 0xAB, count: 40))
        for bit in 32..<(packet.count * 8) {  // past the SPI (a wrong SPI is unknownSPI)
            var forged = packet
            forged[bit / 8] ^= 1 << (bit % 8)
            #expect(throws: ESPError.self) { try Self.open(inb, forged) }
        }
        #expect(inb.counters.packets == 0)
        #expect(inb.counters.authenticationFailed + inb.counters.replayed + inb.counters.malformed > 0)
        // The genuine packet still opens: forgeries did not move the replay window.
        _ = try Self.open(inb, packet)
        #expect(inb.counters.packets == 1)
    }

    @Test func wrongKeyIsAuthenticationFailure() throws {
        let (out, _, _) = try Self.pair("aes128gcm16", seed: 1)
        let (_, other, _) = try Self.pair("aes128gcm16", seed: 2)
        let packet = try Self.seal(out, [9, 9, 9])
        #expect(throws: ESPError.authenticationFailed) { try Self.open(other, packet) }
        #expect(other.counters.authenticationFailed == 1)
    }

    /// A correctly authenticated packet whose padding is not 1, 2, 3, … (hand-built with swift-crypto).
    @Test func badPaddingIsCountedAndDropped() throws {
        let (_, inb, keys) = try Self.pair("aes128gcm16", spi: 7)
        var header: [UInt8] = [0, 0, 0, 7, 0, 0, 0, 1]
        let iv: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 1]
        let body: [UInt8] = [0x45, 0, 0, 0, 9, 9, 2, 4]  // payload 4 bytes, pad "9 9", pad length 2, next header 4
        let box = try AES.GCM.seal(
            body, using: SymmetricKey(data: keys.encryption[..<16]),
            nonce: AES.GCM.Nonce(data: keys.encryption[16...] + iv), authenticating: header)
        header += iv + box.ciphertext + box.tag
        #expect(throws: ESPError.badPadding) { try Self.open(inb, header) }
        #expect(inb.counters.badPadding == 1)
    }

    @Test func dummyPacketIsDroppedQuietly() throws {
        let (out, inb, _) = try Self.pair("aes128-sha256")
        let packet = try Self.seal(out, [], nextHeader: 59)
        let (back, nh) = try Self.open(inb, packet)
        #expect(back.isEmpty && nh == 59)
        #expect(inb.counters.dummy == 1 && inb.counters.packets == 0)
    }

    /// Random and truncated input never traps; it throws and is counted.
    @Test(arguments: transforms)
    func malformedCorpusNeverTraps(proposal: String) throws {
        let (out, inb, _) = try Self.pair(proposal, spi: 0x0102_0304)
        let good = try Self.seal(out, Array(repeating: 1, count: 50))
        var rng = SeededRNG(seed: 0xE5B)
        var corpus: [[UInt8]] = (0..<good.count).map { Array(good.prefix($0)) }
        for _ in 0..<300 {
            var junk = (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if junk.count >= 4 { junk.replaceSubrange(0..<4, with: [1, 2, 3, 4]) }
            corpus.append(junk)
        }
        for packet in corpus {
            #expect(throws: ESPError.self) { try Self.open(inb, packet) }
        }
        #expect(inb.counters.packets == 0)
        #expect(inb.counters.dropped == UInt64(corpus.count))
    }

    @Test func sequenceNumbersCountUpAndExhaust() throws {
        let (out, _, _) = try Self.pair("aes128gcm16")
        for expected in UInt32(1)...3 {
            let packet = try Self.seal(out, [0])
            let header = packet.withUnsafeBytes { ESPPacketHeader(checking: $0) }
            #expect(header?.sequence == expected)
        }
    }

    @Test func rejectsWrongKeyLengths() throws {
        let t = try ESPTransform(encryption: .aesGCM16(keyBits: 128), integrity: .none)
        #expect(throws: ESPError.invalidKeyLength("encryption", 16, 20)) {
            try SecurityAssociation(
                spi: 1, direction: .inbound, transform: t, keys: ESPKeys(encryption: Array(repeating: 0, count: 16)))
        }
        let c = try ESPTransform(encryption: .aesCBC(keyBits: 128), integrity: .hmacSHA256_128)
        #expect(throws: ESPError.invalidKeyLength("integrity", 20, 32)) {
            try SecurityAssociation(
                spi: 1, direction: .inbound, transform: c,
                keys: ESPKeys(encryption: Array(repeating: 0, count: 16), integrity: Array(repeating: 0, count: 20)))
        }
    }

    @Test func outputBufferTooSmallThrows() throws {
        let (out, _, _) = try Self.pair("aes128gcm16")
        let small = UnsafeMutableRawBufferPointer.allocate(byteCount: 10, alignment: 1)
        defer { small.deallocate() }
        let payload: [UInt8] = [1, 2, 3]
        #expect(throws: ESPError.bufferTooSmall) {
            try payload.withUnsafeBytes { p in try out.seal(p, nextHeader: 4, into: small) }
        }
    }

    @Test func databaseRoutesBySPI() throws {
        var db = SADatabase()
        var rng = SeededRNG(seed: 5)
        let spi1 = db.allocateSPI(using: &rng)
        let a = try Self.pair("aes128gcm16", spi: spi1, seed: 1)
        db.insert(a.in)
        let spi2 = db.allocateSPI(using: &rng)
        #expect(spi1 >= 256 && spi2 >= 256 && spi1 != spi2)
        let b = try Self.pair("aes128-sha1", spi: spi2, seed: 2)
        db.insert(b.in)
        let pb = try Self.seal(b.out, [7, 7])
        let (sa, length) = try Self.open(db, pb)
        #expect(sa === b.in)
        #expect(length == 2)
        let unknown: [UInt8] = [0, 0, 0, 1] + Array(repeating: 0, count: 60)
        #expect(throws: ESPError.unknownSPI) { try Self.open(db, unknown) }
        db.remove(spi: spi1)
        #expect(db.count == 1 && db[spi1] == nil)
    }
}
