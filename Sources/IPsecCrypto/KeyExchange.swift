import Crypto

/// One side's ephemeral key-exchange secret for a group, with the public value to put in a KE payload.
///
/// The private key is drawn from the caller's random number generator, so tests are repeatable.
/// MODP exponents are 256 bits (at least twice the strength of every supported MODP group); ECP public values
/// are x || y (RFC 5903 §7), shared secrets are the x coordinate (RFC 5903 §9); Curve25519 follows RFC 8031.
public struct KeyExchangePrivateKey: Sendable {
    enum Secret: Sendable {
        case modp(_MODPGroup, exponent: [UInt8])
        case ecp256(P256.KeyAgreement.PrivateKey)
        case ecp384(P384.KeyAgreement.PrivateKey)
        case x25519(Curve25519.KeyAgreement.PrivateKey)
    }

    /// The group.
    public let group: KeyExchangeGroup
    /// The public value for the KE payload.
    public let publicValue: [UInt8]
    let secret: Secret

    /// Generates a key pair for `group` using `rng`.
    public init(group: KeyExchangeGroup, using rng: inout some RandomNumberGenerator) {
        self.group = group
        func randomBytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        switch group {
        case .modp768, .modp1024, .modp1536, .modp2048:
            let modp = KeyExchangePrivateKey.modpGroup(group)
            var exponent = randomBytes(32)
            exponent[0] |= 0x80  // full-length exponent
            secret = .modp(modp, exponent: exponent)
            var two = [UInt8](repeating: 0, count: modp.byteCount)
            two[two.count - 1] = 2
            publicValue = modp.power(base: two, exponent: exponent)
        case .ecp256:
            var key: P256.KeyAgreement.PrivateKey? = nil
            while key == nil { key = try? P256.KeyAgreement.PrivateKey(rawRepresentation: randomBytes(32)) }
            secret = .ecp256(key!)
            publicValue = [UInt8](key!.publicKey.rawRepresentation)
        case .ecp384:
            var key: P384.KeyAgreement.PrivateKey? = nil
            while key == nil { key = try? P384.KeyAgreement.PrivateKey(rawRepresentation: randomBytes(48)) }
            secret = .ecp384(key!)
            publicValue = [UInt8](key!.publicKey.rawRepresentation)
        case .curve25519:
            let key = try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: randomBytes(32))  // any 32 octets are valid
            secret = .x25519(key)
            publicValue = [UInt8](key.publicKey.rawRepresentation)
        }
    }

    static func modpGroup(_ group: KeyExchangeGroup) -> _MODPGroup {
        switch group {
        case .modp768: .modp768
        case .modp1024: .modp1024
        case .modp1536: .modp1536
        default: .modp2048
        }
    }

    /// Computes the shared secret g^ir from the peer's public value.
    ///
    /// - Throws: ``IPsecCryptoError/invalidPublicValue(_:reason:)`` when the value has the wrong length, is not in
    ///   2...p-2 (MODP, RFC 2631 §2.1.5 style check) or is not a point on the curve.
    public func sharedSecret(with peerPublicValue: [UInt8]) throws(IPsecCryptoError) -> [UInt8] {
        guard peerPublicValue.count == group.publicValueLength else {
            throw .invalidPublicValue(
                group,
                reason: "length \(peerPublicValue.count), expected \(group.publicValueLength) octets"
            )
        }
        switch secret {
        case .modp(let modp, let exponent):
            let isOne = peerPublicValue.dropLast().allSatisfy { $0 == 0 } && peerPublicValue.last! <= 1
            guard !isOne, peerPublicValue.lexicographicallyPrecedes(modp.primeMinusOne) else {
                throw .invalidPublicValue(group, reason: "not in the range 2...p-2")
            }
            return modp.power(base: peerPublicValue, exponent: exponent)
        case .ecp256(let key):
            do {
                let peer = try P256.KeyAgreement.PublicKey(rawRepresentation: peerPublicValue)
                return try key.sharedSecretFromKeyAgreement(with: peer).withUnsafeBytes { [UInt8]($0) }
            } catch { throw .invalidPublicValue(group, reason: "not a point on the curve") }
        case .ecp384(let key):
            do {
                let peer = try P384.KeyAgreement.PublicKey(rawRepresentation: peerPublicValue)
                return try key.sharedSecretFromKeyAgreement(with: peer).withUnsafeBytes { [UInt8]($0) }
            } catch { throw .invalidPublicValue(group, reason: "not a point on the curve") }
        case .x25519(let key):
            do {
                let peer = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: peerPublicValue)
                return try key.sharedSecretFromKeyAgreement(with: peer).withUnsafeBytes { [UInt8]($0) }
            } catch { throw .invalidPublicValue(group, reason: "low-order point (all-zero shared secret)") }
        }
    }
}

/// Raw modular exponentiation in a MODP group, for known-answer tests: base^exponent mod p.
package func _modpPower(group: KeyExchangeGroup, base: [UInt8], exponent: [UInt8]) -> [UInt8] {
    KeyExchangePrivateKey.modpGroup(group).power(base: base, exponent: exponent)
}

/// p - 1 of a MODP group, big-endian, for known-answer tests.
package func _modpPrimeMinusOne(_ group: KeyExchangeGroup) -> [UInt8] {
    KeyExchangePrivateKey.modpGroup(group).primeMinusOne
}
