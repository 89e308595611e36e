/// The seven secrets of an IKE SA (RFC 7296 §2.14).
public struct IKESAKeys: Sendable, Hashable {
    /// SK_d: keys Child SAs and rekeyed IKE SAs.
    public var d: [UInt8]
    /// SK_ai / SK_ar: integrity keys (empty with AEAD).
    public var ai: [UInt8]
    /// SK_ar.
    public var ar: [UInt8]
    /// SK_ei / SK_er: encryption keys, including the 4-octet salt for AES-GCM.
    public var ei: [UInt8]
    /// SK_er.
    public var er: [UInt8]
    /// SK_pi / SK_pr: used in the AUTH computation.
    public var pi: [UInt8]
    /// SK_pr.
    public var pr: [UInt8]
}

/// Key derivation for IKE SAs and Child SAs.
public enum KeyDerivation {
    /// SKEYSEED = prf(Ni | Nr, g^ir) for a new IKE SA, or prf(SK_d(old), g^ir(new) | Ni | Nr) for a rekeyed
    /// one (RFC 7296 §2.14, §2.18; the old SA's PRF is used when rekeying).
    public static func skeyseed(
        prf: PRFAlgorithm,
        sharedSecret: [UInt8],
        nonceI: [UInt8],
        nonceR: [UInt8],
        rekeying old: (prf: PRFAlgorithm, skD: [UInt8])? = nil
    ) -> [UInt8] {
        if let old {
            return PRF.compute(old.prf, key: old.skD, data: sharedSecret + nonceI + nonceR)
        }
        return PRF.compute(prf, key: nonceI + nonceR, data: sharedSecret)
    }

    /// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) (RFC 7296 §2.14).
    public static func ikeSAKeys(
        suite: IKESuite,
        skeyseed: [UInt8],
        nonceI: [UInt8],
        nonceR: [UInt8],
        spiI: UInt64,
        spiR: UInt64
    ) -> IKESAKeys {
        let prfLength = suite.prf.outputLength
        let integLength = suite.integrity?.keyLength ?? 0
        let encLength = suite.encryption.keyMaterialLength
        let total = 3 * prfLength + 2 * integLength + 2 * encLength
        let seed = nonceI + nonceR + bigEndian(spiI) + bigEndian(spiR)
        let stream = PRF.plus(suite.prf, key: skeyseed, seed: seed, length: total)
        var offset = 0
        func take(_ n: Int) -> [UInt8] {
            defer { offset += n }
            return Array(stream[offset..<offset + n])
        }
        return IKESAKeys(
            d: take(prfLength),
            ai: take(integLength),
            ar: take(integLength),
            ei: take(encLength),
            er: take(encLength),
            pi: take(prfLength),
            pr: take(prfLength)
        )
    }

    /// KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr), split as initiator→responder encryption, integrity, then
    /// responder→initiator encryption, integrity (RFC 7296 §2.17). "Initiator" is the initiator of the exchange
    /// that created the Child SA.
    ///
    /// - Returns: the keys of both directions, `(initiatorToResponder, responderToInitiator)`.
    public static func childSAKeys(
        prf: PRFAlgorithm,
        skD: [UInt8],
        suite: ChildSuite,
        sharedSecret: [UInt8]?,
        nonceI: [UInt8],
        nonceR: [UInt8]
    ) -> (initiatorToResponder: DirectionalKeys, responderToInitiator: DirectionalKeys) {
        let encLength = suite.encryption.keyMaterialLength
        let saltLength = suite.encryption.saltLength
        let integLength = suite.integrity?.keyLength ?? 0
        let stream = PRF.plus(
            prf,
            key: skD,
            seed: (sharedSecret ?? []) + nonceI + nonceR,
            length: 2 * (encLength + integLength)
        )
        func keys(at start: Int) -> DirectionalKeys {
            let enc = Array(stream[start..<start + encLength])
            return DirectionalKeys(
                encryptionKey: Array(enc.prefix(encLength - saltLength)),
                salt: Array(enc.suffix(saltLength)),
                integrityKey: Array(stream[start + encLength..<start + encLength + integLength])
            )
        }
        return (keys(at: 0), keys(at: encLength + integLength))
    }

    /// AUTH for a pre-shared key (RFC 7296 §2.15): prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>),
    /// where SignedOctets = RealMessage | Nonce(peer) | prf(SK_p, IDType | RESERVED | ID data).
    ///
    /// - Parameters:
    ///   - message: the signer's first message (IKE_SA_INIT request for the initiator, response for the responder).
    ///   - peerNonce: the other side's nonce data.
    ///   - skP: SK_pi for the initiator's AUTH, SK_pr for the responder's.
    ///   - identification: the ID payload body (type, 3 reserved octets, data).
    public static func sharedKeyAuthentication(
        prf: PRFAlgorithm,
        sharedKey: [UInt8],
        message: [UInt8],
        peerNonce: [UInt8],
        skP: [UInt8],
        identification: [UInt8]
    ) -> [UInt8] {
        let macedID = PRF.compute(prf, key: skP, data: identification)
        let keyPad = PRF.compute(prf, key: sharedKey, data: Array("Key Pad for IKEv2".utf8))
        return PRF.compute(prf, key: keyPad, data: message + peerNonce + macedID)
    }

    static func bigEndian(_ v: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * UInt64($0))) }
    }
}
