public import IPsecCrypto

extension ESPTransform {
    /// The ESP transform for algorithms negotiated by IKEv2.
    public init(encryption: EncryptionAlgorithm, integrity: IntegrityAlgorithm?) throws(ESPError) {
        let enc: ESPEncryption
        switch encryption {
        case .aesCBC(let bits): enc = .aesCBC(keyBits: bits)
        case .aesGCM16(let bits): enc = .aesGCM16(keyBits: bits)
        }
        let integ: ESPIntegrity
        switch integrity {
        case nil: integ = .none
        case .hmacSHA1_96?: integ = .hmacSHA1_96
        case .hmacSHA256_128?: integ = .hmacSHA256_128
        case .hmacSHA384_192?: integ = .hmacSHA384_192
        case .hmacSHA512_256?: integ = .hmacSHA512_256
        case let other?: throw .invalidProposal("\(other)", "integrity algorithm not implemented for ESP")
        }
        try self.init(encryption: enc, integrity: integ)
    }
}

extension SecurityAssociation {
    /// Both SAs of a Child SA negotiated by IKEv2 (keys from RFC 7296 §2.17 KEYMAT).
    public static func pair(
        from keys: ChildSAKeys
    ) throws(ESPError) -> (inbound: SecurityAssociation, outbound: SecurityAssociation) {
        guard !keys.extendedSequenceNumbers else {
            throw .invalidProposal("ESN", "extended sequence numbers are not supported")
        }
        let transform = try ESPTransform(encryption: keys.encryption, integrity: keys.integrity)
        let inbound = try SecurityAssociation(
            spi: keys.inboundSPI, direction: .inbound, transform: transform,
            keys: ESPKeys(
                encryption: keys.inbound.encryptionKey + keys.inbound.salt, integrity: keys.inbound.integrityKey))
        let outbound = try SecurityAssociation(
            spi: keys.outboundSPI, direction: .outbound, transform: transform,
            keys: ESPKeys(
                encryption: keys.outbound.encryptionKey + keys.outbound.salt, integrity: keys.outbound.integrityKey))
        return (inbound, outbound)
    }
}
