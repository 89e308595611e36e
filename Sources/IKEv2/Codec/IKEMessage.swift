public import IPsecCrypto

/// The fixed IKE header (RFC 7296 §3.1).
public struct IKEHeader: Sendable, Hashable {
    public var initiatorSPI: UInt64
    public var responderSPI: UInt64
    public var nextPayload: UInt8
    public var exchangeType: UInt8
    /// Flags: 0x08 Initiator, 0x10 Version, 0x20 Response.
    public var flags: UInt8
    public var messageID: UInt32
    public var length: UInt32

    public static let size = 28

    public var isInitiator: Bool { flags & 0x08 != 0 }
    public var isResponse: Bool { flags & 0x20 != 0 }

    public init(
        initiatorSPI: UInt64,
        responderSPI: UInt64,
        nextPayload: UInt8 = 0,
        exchangeType: UInt8,
        flags: UInt8,
        messageID: UInt32,
        length: UInt32 = 0
    ) {
        self.initiatorSPI = initiatorSPI
        self.responderSPI = responderSPI
        self.nextPayload = nextPayload
        self.exchangeType = exchangeType
        self.flags = flags
        self.messageID = messageID
        self.length = length
    }

    /// Parses the header; `nil` if fewer than 28 octets are given.
    public init?(_ bytes: ArraySlice<UInt8>) {
        var c = ByteCursor(bytes)
        guard let spiI = c.readUInt64(), let spiR = c.readUInt64(), let next = c.readUInt8(),
            let version = c.readUInt8(),
            let exchange = c.readUInt8(), let flags = c.readUInt8(), let mid = c.readUInt32(), let len = c.readUInt32()
        else { return nil }
        _ = version
        self.init(
            initiatorSPI: spiI,
            responderSPI: spiR,
            nextPayload: next,
            exchangeType: exchange,
            flags: flags,
            messageID: mid,
            length: len
        )
        self.majorVersion = version >> 4
    }

    /// Major version from the received octet (2 for IKEv2).
    public var majorVersion: UInt8 = 2

    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.append(uint64: initiatorSPI)
        out.append(uint64: responderSPI)
        out += [nextPayload, 0x20, exchangeType, flags]
        out.append(uint32: messageID)
        out.append(uint32: length)
        return out
    }
}

/// Keys protecting the SK payload in one direction (RFC 7296 §3.14; RFC 5282 for AES-GCM).
public struct SKProtection: Sendable {
    public var encryption: EncryptionAlgorithm
    public var integrity: IntegrityAlgorithm?
    public var encryptionKey: [UInt8]
    public var salt: [UInt8]
    public var integrityKey: [UInt8]

    /// The keys a sender with `isInitiator` uses (SK_ei/SK_ai, or SK_er/SK_ar).
    public init(suite: IKESuite, keys: IKESAKeys, senderIsInitiator: Bool) {
        encryption = suite.encryption
        integrity = suite.integrity
        let ek = senderIsInitiator ? keys.ei : keys.er
        encryptionKey = Array(ek.prefix(ek.count - suite.encryption.saltLength))
        salt = Array(ek.suffix(suite.encryption.saltLength))
        integrityKey = senderIsInitiator ? keys.ai : keys.ar
    }
}

/// An IKE message: header and payloads; the payloads of an SK payload appear decrypted in `payloads`
/// when `isEncrypted` is true.
public struct IKEMessage: Sendable, Hashable {
    public var header: IKEHeader
    public var payloads: [Payload]
    /// Whether the payloads travel inside an Encrypted (SK) payload.
    public var isEncrypted: Bool

    public init(header: IKEHeader, payloads: [Payload], isEncrypted: Bool) {
        self.header = header
        self.payloads = payloads
        self.isEncrypted = isEncrypted
    }

    static func encodeChain(_ payloads: [Payload]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, p) in payloads.enumerated() {
            let body = p.body
            let next = i + 1 < payloads.count ? payloads[i + 1].type : 0
            var critical: UInt8 = 0
            if case .unknown(_, let c, _) = p, c { critical = 0x80 }
            out += [next, critical]
            out.append(uint16: UInt16(4 + body.count))
            out += body
        }
        return out
    }

    /// Encodes the message; with `protection`, payloads go into an SK payload with a fresh IV from `rng`.
    public func encode(
        protection: SKProtection?,
        using rng: inout some RandomNumberGenerator
    ) throws(IPsecCryptoError) -> [UInt8] {
        var header = self.header
        guard isEncrypted, let protection else {
            header.nextPayload = payloads.first?.type ?? 0
            let chain = IKEMessage.encodeChain(payloads)
            header.length = UInt32(IKEHeader.size + chain.count)
            return header.encoded() + chain
        }
        let inner = IKEMessage.encodeChain(payloads)
        let iv = (0..<protection.encryption.ivLength).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let block = protection.encryption.blockSize
        let padLength = (block - (inner.count + 1) % block) % block
        let plaintext = inner + [UInt8](repeating: 0, count: padLength) + [UInt8(padLength)]
        let icvLength =
            protection.encryption.isAEAD ? protection.encryption.icvLength : (protection.integrity?.icvLength ?? 0)
        let skLength = 4 + iv.count + plaintext.count + icvLength
        header.nextPayload = PayloadType.encrypted.rawValue
        header.length = UInt32(IKEHeader.size + skLength)
        var skHeader: [UInt8] = [payloads.first?.type ?? 0, 0]
        skHeader.append(uint16: UInt16(skLength))
        let aad = header.encoded() + skHeader
        if protection.encryption.isAEAD {
            let sealed = try Cipher.gcmSeal(
                plaintext,
                key: protection.encryptionKey,
                salt: protection.salt,
                iv: iv,
                aad: aad
            )
            return aad + iv + sealed
        }
        let ct = try Cipher.cbcEncrypt(plaintext, key: protection.encryptionKey, iv: iv)
        let signed = aad + iv + ct
        let icv = PRF.integrityCheckValue(
            protection.integrity ?? .hmacSHA256_128,
            key: protection.integrityKey,
            data: signed
        )
        return signed + icv
    }

    /// Parses a datagram (without the non-ESP marker). Encrypted payloads are decrypted with `protection`
    /// (the peer's sending keys) when it is given; without it, a message with an SK payload throws.
    ///
    /// - Throws: ``IKEv2Error`` on truncation, bad lengths, unknown critical payloads or a failed integrity check.
    public static func decode(_ datagram: [UInt8], protection: SKProtection?) throws(IKEv2Error) -> IKEMessage {
        guard let header = IKEHeader(datagram[...]) else { throw .malformed("shorter than the 28-octet IKE header") }
        guard header.majorVersion == 2 else { throw .unsupportedVersion(header.majorVersion) }
        guard Int(header.length) == datagram.count else {
            throw .malformed("header length \(header.length) but datagram has \(datagram.count) octets")
        }
        var c = ByteCursor(datagram[IKEHeader.size...])
        var next = header.nextPayload
        var payloads: [Payload] = []
        while next != 0 {
            let start = c.index
            guard let following = c.readUInt8(), let flags = c.readUInt8(), let length = c.readUInt16(), length >= 4,
                let body = c.readBytes(Int(length) - 4)
            else { throw .malformed("payload header or body truncated") }
            if next == PayloadType.encrypted.rawValue {
                guard c.isAtEnd else { throw .malformed("Encrypted payload is not the last payload") }
                guard let protection else { throw .integrityCheckFailed }
                let inner = try decrypt(
                    signed: Array(datagram[..<start]),
                    skHeader: Array(datagram[start..<start + 4]),
                    body: Array(body),
                    protection: protection
                )
                payloads += try parseChain(inner[...], first: following)
                return IKEMessage(header: header, payloads: payloads, isEncrypted: true)
            }
            let payload = try Payload.parse(type: next, critical: flags & 0x80 != 0, body: body)
            if case .unknown(let t, true, _) = payload { throw .unsupportedCriticalPayload(t) }
            payloads.append(payload)
            next = following
        }
        guard c.isAtEnd else { throw .malformed("\(c.remaining) octets after the last payload") }
        return IKEMessage(header: header, payloads: payloads, isEncrypted: false)
    }

    static func parseChain(_ bytes: ArraySlice<UInt8>, first: UInt8) throws(IKEv2Error) -> [Payload] {
        var c = ByteCursor(bytes)
        var next = first
        var payloads: [Payload] = []
        while next != 0 {
            guard let following = c.readUInt8(), let flags = c.readUInt8(), let length = c.readUInt16(), length >= 4,
                let body = c.readBytes(Int(length) - 4)
            else { throw .malformed("inner payload header or body truncated") }
            guard next != PayloadType.encrypted.rawValue else { throw .malformed("nested Encrypted payload") }
            let payload = try Payload.parse(type: next, critical: flags & 0x80 != 0, body: body)
            if case .unknown(let t, true, _) = payload { throw .unsupportedCriticalPayload(t) }
            payloads.append(payload)
            next = following
        }
        return payloads
    }

    static func decrypt(
        signed prefix: [UInt8],
        skHeader: [UInt8],
        body: [UInt8],
        protection: SKProtection
    ) throws(IKEv2Error)
        -> [UInt8]
    {
        let enc = protection.encryption
        let ivLength = enc.ivLength
        let plaintext: [UInt8]
        if enc.isAEAD {
            guard body.count >= ivLength + enc.icvLength + 1 else { throw .malformed("Encrypted payload too short") }
            let iv = Array(body.prefix(ivLength))
            do {
                plaintext = try Cipher.gcmOpen(
                    Array(body.dropFirst(ivLength)),
                    key: protection.encryptionKey,
                    salt: protection.salt,
                    iv: iv,
                    aad: prefix + skHeader
                )
            } catch { throw .integrityCheckFailed }
        } else {
            let icvLength = protection.integrity?.icvLength ?? 0
            guard let integ = protection.integrity, body.count >= ivLength + 16 + icvLength,
                (body.count - ivLength - icvLength) % 16 == 0
            else { throw .malformed("Encrypted payload length \(body.count) does not fit IV, blocks and ICV") }
            let icv = Array(body.suffix(icvLength))
            let expected = PRF.integrityCheckValue(
                integ,
                key: protection.integrityKey,
                data: prefix + skHeader + body.dropLast(icvLength)
            )
            guard constantTimeEquals(icv, expected) else { throw .integrityCheckFailed }
            do {
                plaintext = try Cipher.cbcDecrypt(
                    Array(body[ivLength..<(body.count - icvLength)]),
                    key: protection.encryptionKey,
                    iv: Array(body.prefix(ivLength))
                )
            } catch { throw .integrityCheckFailed }
        }
        guard let padLength = plaintext.last, Int(padLength) + 1 <= plaintext.count else {
            throw .malformed("Encrypted payload pad length exceeds the plaintext")
        }
        return Array(plaintext.dropLast(Int(padLength) + 1))
    }
}
