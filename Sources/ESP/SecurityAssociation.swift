internal import CESPCrypto

/// One direction of an ESP Child SA in tunnel mode: its SPI, transform, keys, and sequence state.
///
/// An outbound SA seals packets (assigning sequence numbers 1, 2, 3, …); an inbound SA opens them (checking
/// the anti-replay window). Both work on caller-provided buffers and allocate nothing per packet: the
/// cipher and MAC contexts are keyed once, here, with OpenSSL's libcrypto.
///
/// Not thread-safe: each SA must be used by one thread at a time (the data plane gives every SA a single
/// owner or a lock, as wireguard-go gives each keypair's nonce counter to its send routine; hence
/// `@unchecked Sendable`: it may move between threads, never be used by two at once). It is a class because it
/// owns C contexts that are freed in `deinit`.
public final class SecurityAssociation: @unchecked Sendable {
    public enum Direction: Sendable, Hashable { case inbound, outbound }

    public let spi: UInt32
    public let direction: Direction
    public let transform: ESPTransform
    /// Packet and drop counters.
    public private(set) var counters = ESPCounters()
    /// The anti-replay window (inbound SAs).
    public private(set) var replayWindow = ReplayWindow()

    /// Sequence number the next sealed packet gets (outbound SAs).
    public private(set) var nextSequence: UInt64 = 1

    private let cipher: OpaquePointer
    private let mac: UnsafeMutablePointer<esp_hmac_ctx>?
    private let salt: (UInt8, UInt8, UInt8, UInt8)
    /// 128 bytes of scratch (nonce, full MAC digest), allocated once.
    private let scratch: UnsafeMutableRawPointer

    /// Keys an SA. Throws if a key has the wrong length for `transform`.
    public init(spi: UInt32, direction: Direction, transform: ESPTransform, keys: ESPKeys) throws(ESPError) {
        guard keys.encryption.count == transform.encryptionKeyBytes else {
            throw .invalidKeyLength("encryption", keys.encryption.count, transform.encryptionKeyBytes)
        }
        guard keys.integrity.count == transform.integrityKeyBytes else {
            throw .invalidKeyLength("integrity", keys.integrity.count, transform.integrityKeyBytes)
        }
        let encrypt: Int32 = direction == .outbound ? 1 : 0
        let aesKeyBytes = transform.encryption.keyBytes
        let made: OpaquePointer? = keys.encryption.withUnsafeBufferPointer { key in
            switch transform.encryption {
            case .aesGCM16: esp_gcm_new(key.baseAddress, Int32(aesKeyBytes), encrypt)
            case .aesCBC: esp_cbc_new(key.baseAddress, Int32(aesKeyBytes), encrypt)
            }
        }
        guard let made else { throw .cryptoUnavailable }
        var madeMAC: UnsafeMutablePointer<esp_hmac_ctx>?
        if transform.integrity != .none {
            madeMAC = keys.integrity.withUnsafeBufferPointer { key in
                esp_hmac_new(key.baseAddress, Int32(key.count), transform.integrity.digestSelector)
            }
            guard madeMAC != nil else {
                esp_cipher_free(made)
                throw .cryptoUnavailable
            }
        }
        if case .aesGCM16 = transform.encryption {
            let s = keys.encryption[aesKeyBytes...]
            salt = (s[s.startIndex], s[s.startIndex + 1], s[s.startIndex + 2], s[s.startIndex + 3])
        } else {
            salt = (0, 0, 0, 0)
        }
        self.spi = spi
        self.direction = direction
        self.transform = transform
        self.cipher = made
        self.mac = madeMAC
        self.scratch = UnsafeMutableRawPointer.allocate(byteCount: 128, alignment: 16)
    }

    deinit {
        esp_cipher_free(cipher)
        if let mac { esp_hmac_free(mac) }
        scratch.deallocate()
    }

    /// Bytes `seal` writes for a payload of `count` bytes.
    @inlinable
    public func sealedLength(payload count: Int) -> Int { transform.sealedLength(payload: count) }

    // MARK: Seal

    /// Encapsulates `payload` (a whole inner IP packet; `nextHeader` 4 for IPv4, 41 for IPv6) into an ESP
    /// packet written at the start of `output`. Returns the number of bytes written.
    ///
    /// `rng` supplies AES-CBC's per-packet IV (RFC 3602 §2.1: unpredictable); AES-GCM uses the 64-bit
    /// sequence number as its IV, which is unique per key (RFC 4106 §3.1).
    public func seal<R: RandomNumberGenerator>(
        _ payload: UnsafeRawBufferPointer,
        nextHeader: UInt8,
        into output: UnsafeMutableRawBufferPointer,
        using rng: inout R
    ) throws(ESPError) -> Int {
        precondition(direction == .outbound, "seal on an inbound SA")
        let total = transform.sealedLength(payload: payload.count)
        guard output.count >= total, let base = output.baseAddress else { throw .bufferTooSmall }
        guard nextSequence <= UInt64(UInt32.max) else { throw .sequenceExhausted }
        let sequence = UInt32(truncatingIfNeeded: nextSequence)
        let iv = transform.ivBytes
        let icv = transform.icvBytes
        let bodyStart = 8 + iv
        let bodyLength = total - bodyStart - icv
        let padLength = bodyLength - payload.count - 2

        ESPPacketHeader(spi: spi, sequence: sequence).emit(into: output)
        // Plaintext body: payload, padding 1, 2, 3, … (RFC 4303 §2.4), pad length, next header.
        if payload.count > 0 {
            (base + bodyStart).copyMemory(from: payload.baseAddress!, byteCount: payload.count)
        }
        var i = 0
        while i < padLength {
            output[bodyStart + payload.count + i] = UInt8(truncatingIfNeeded: i + 1)
            i += 1
        }
        output[bodyStart + bodyLength - 2] = UInt8(padLength)
        output[bodyStart + bodyLength - 1] = nextHeader

        let body = (base + bodyStart).assumingMemoryBound(to: UInt8.self)
        switch transform.encryption {
        case .aesGCM16:
            // IV = 64-bit sequence number; nonce = salt || IV; AAD = SPI || seq (RFC 4106 §5).
            let ivOut = UnsafeMutableRawBufferPointer(rebasing: output[8..<16])
            ivOut.storeBigEndian(0, at: 0)
            ivOut.storeBigEndian(sequence, at: 4)
            let nonce = scratch.assumingMemoryBound(to: UInt8.self)
            nonce[0] = salt.0
            nonce[1] = salt.1
            nonce[2] = salt.2
            nonce[3] = salt.3
            (scratch + 4).copyMemory(from: base + 8, byteCount: 8)
            let aad = base.assumingMemoryBound(to: UInt8.self)
            let ok = esp_gcm_seal(
                cipher, nonce, aad, 8, body, Int32(bodyLength), body,
                (base + bodyStart + bodyLength).assumingMemoryBound(to: UInt8.self), Int32(icv))
            guard ok == 1 else { throw .cryptoUnavailable }
        case .aesCBC:
            var j = 0
            while j < 16 {
                let word = rng.next()
                withUnsafeBytes(of: word) { w in
                    for k in 0..<8 { output[8 + j + k] = w[k] }
                }
                j += 8
            }
            let ivPtr = (base + 8).assumingMemoryBound(to: UInt8.self)
            guard esp_cbc(cipher, ivPtr, body, Int32(bodyLength), body) == 1 else { throw .cryptoUnavailable }
            // ICV over SPI … end of ciphertext (RFC 4303 §3.3.4).
            let digest = scratch.assumingMemoryBound(to: UInt8.self)
            guard esp_hmac(mac, base.assumingMemoryBound(to: UInt8.self), bodyStart + bodyLength, digest) == 1 else {
                throw .cryptoUnavailable
            }
            (base + bodyStart + bodyLength).copyMemory(from: scratch, byteCount: icv)
        }
        nextSequence += 1
        counters.packets += 1
        counters.bytes += UInt64(payload.count)
        return total
    }

    /// ``seal(_:nextHeader:into:using:)`` with the system's random number generator.
    public func seal(
        _ payload: UnsafeRawBufferPointer, nextHeader: UInt8, into output: UnsafeMutableRawBufferPointer
    ) throws(ESPError) -> Int {
        var rng = SystemRandomNumberGenerator()
        return try seal(payload, nextHeader: nextHeader, into: output, using: &rng)
    }

    // MARK: Open

    /// The result of opening a packet: the inner packet's length (written at the start of the output
    /// buffer) and its next-header value.
    public struct Opened: Sendable, Hashable {
        public let length: Int
        public let nextHeader: UInt8
        /// The packet's sequence number.
        public let sequence: UInt32
    }

    /// Bytes `open` may write for an ESP packet of `count` bytes (an upper bound on the inner packet).
    public func openedCapacity(packet count: Int) -> Int {
        max(0, count - 8 - transform.ivBytes - transform.icvBytes)
    }

    /// Decapsulates an ESP packet addressed to this SA's SPI: checks length and alignment, the replay
    /// window, the ICV, then the padding, and writes the inner packet to the start of `output`.
    ///
    /// Throws (and counts) ``ESPError/malformed``, ``ESPError/replayed``, ``ESPError/authenticationFailed``
    /// or ``ESPError/badPadding``. Dummy packets (next header 59, RFC 4303 §2.6) are counted and returned
    /// with length 0 so the caller drops them silently.
    public func open(
        _ packet: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(ESPError) -> Opened {
        precondition(direction == .inbound, "open on an outbound SA")
        do {
            return try openCounting(packet, into: output)
        } catch {
            counters.count(error)
            throw error
        }
    }

    private func openCounting(
        _ packet: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(ESPError) -> Opened {
        let iv = transform.ivBytes
        let icv = transform.icvBytes
        let bodyStart = 8 + iv
        let bodyLength = packet.count - bodyStart - icv
        guard let header = ESPPacketHeader(checking: packet), bodyLength >= transform.blockBytes,
            bodyLength % transform.blockBytes == 0, let base = packet.baseAddress
        else { throw .malformed }
        guard header.spi == spi else { throw .unknownSPI }
        guard output.count >= bodyLength, let out = output.baseAddress else { throw .bufferTooSmall }
        let sequence = UInt64(header.sequence)
        guard replayWindow.check(sequence) else { throw .replayed }

        let body = (base + bodyStart).assumingMemoryBound(to: UInt8.self)
        let plain = out.assumingMemoryBound(to: UInt8.self)
        switch transform.encryption {
        case .aesGCM16:
            let nonce = scratch.assumingMemoryBound(to: UInt8.self)
            nonce[0] = salt.0
            nonce[1] = salt.1
            nonce[2] = salt.2
            nonce[3] = salt.3
            (scratch + 4).copyMemory(from: base + 8, byteCount: 8)
            let ok = esp_gcm_open(
                cipher, nonce, base.assumingMemoryBound(to: UInt8.self), 8, body, Int32(bodyLength), plain,
                (base + bodyStart + bodyLength).assumingMemoryBound(to: UInt8.self), Int32(icv))
            guard ok == 1 else { throw .authenticationFailed }
        case .aesCBC:
            let digest = scratch.assumingMemoryBound(to: UInt8.self)
            guard esp_hmac(mac, base.assumingMemoryBound(to: UInt8.self), bodyStart + bodyLength, digest) == 1,
                esp_equal(digest, (base + bodyStart + bodyLength).assumingMemoryBound(to: UInt8.self), icv) == 1
            else { throw .authenticationFailed }
            let ivPtr = (base + 8).assumingMemoryBound(to: UInt8.self)
            guard esp_cbc(cipher, ivPtr, body, Int32(bodyLength), plain) == 1 else { throw .authenticationFailed }
        }
        // Authentic: now the window may move (RFC 4303 §3.4.3).
        replayWindow.accept(sequence)
        let padLength = Int(plain[bodyLength - 2])
        let nextHeader = plain[bodyLength - 1]
        guard padLength + 2 <= bodyLength else { throw .badPadding }
        let payloadLength = bodyLength - 2 - padLength
        var i = 0
        while i < padLength {
            guard plain[payloadLength + i] == UInt8(truncatingIfNeeded: i + 1) else { throw .badPadding }
            i += 1
        }
        if nextHeader == 59 {
            counters.dummy += 1
            return Opened(length: 0, nextHeader: 59, sequence: header.sequence)
        }
        counters.packets += 1
        counters.bytes += UInt64(payloadLength)
        return Opened(length: payloadLength, nextHeader: nextHeader, sequence: header.sequence)
    }
}
