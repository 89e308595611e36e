/// Cryptographic algorithm identifiers shared by IKEv2 and ESP, with their IANA numbers
/// ("IKEv2 Parameters" registry; RFC 7296 §3.3.2).
///
/// Only the algorithms Meridian implements have cases. Identifiers that are known but refused (DES, 3DES)
/// are reported by ``IPsecCryptoError/refusedAlgorithm(_:reason:)`` when parsed; when they arrive in a
/// peer's proposal that proposal is simply not chosen.

/// Transform types (RFC 7296 §3.3.2, "Transform Type Values").
public enum TransformType: UInt8, Sendable, Hashable, Codable, CaseIterable {
    /// Encryption algorithm (ENCR).
    case encryption = 1
    /// Pseudorandom function (PRF).
    case prf = 2
    /// Integrity algorithm (INTEG).
    case integrity = 3
    /// Key exchange method (D-H group).
    case keyExchange = 4
    /// Extended sequence numbers (ESN).
    case extendedSequenceNumbers = 5
}

/// An encryption transform: AES-CBC or AES-GCM with a 16-octet ICV, with its key length.
public enum EncryptionAlgorithm: Sendable, Hashable, Codable, CustomStringConvertible {
    /// ENCR_AES_CBC (12), RFC 3602; key length 128, 192 or 256 bits.
    case aesCBC(keyBits: Int)
    /// ENCR_AES_GCM_16 (20), RFC 4106 (ESP) and RFC 5282 (IKEv2); key length 128, 192 or 256 bits.
    /// Its keying material is the key followed by a 4-octet salt.
    case aesGCM16(keyBits: Int)

    /// IANA transform ID (Transform Type 1).
    public var transformID: UInt16 {
        switch self {
        case .aesCBC: 12
        case .aesGCM16: 20
        }
    }

    /// Key length in bits (the Key Length transform attribute, RFC 7296 §3.3.5).
    public var keyBits: Int {
        switch self {
        case .aesCBC(let bits), .aesGCM16(let bits): bits
        }
    }

    /// Whether this is a combined-mode (AEAD) cipher that needs no separate integrity transform.
    public var isAEAD: Bool {
        if case .aesGCM16 = self { return true }
        return false
    }

    /// Octets of keying material taken from KEYMAT / prf+ (key plus 4-octet salt for GCM, RFC 4106 §8.1).
    public var keyMaterialLength: Int { keyBits / 8 + saltLength }

    /// Octets of the salt at the end of the keying material (4 for GCM, 0 otherwise).
    public var saltLength: Int { isAEAD ? 4 : 0 }

    /// Octets of the explicit IV carried in each packet (16 for CBC, 8 for GCM).
    public var ivLength: Int { isAEAD ? 8 : 16 }

    /// Octets of the AEAD integrity check value (16 for GCM-16, 0 for CBC).
    public var icvLength: Int { isAEAD ? 16 : 0 }

    /// Cipher block size used for padding (16 for CBC; GCM needs only 4-octet alignment, RFC 4303 §2.4).
    public var blockSize: Int { isAEAD ? 4 : 16 }

    /// Creates the algorithm from an IANA transform ID and key length, or `nil` if Meridian doesn't implement it.
    public init?(transformID: UInt16, keyBits: Int?) {
        guard let bits = keyBits, [128, 192, 256].contains(bits) else { return nil }
        switch transformID {
        case 12: self = .aesCBC(keyBits: bits)
        case 20: self = .aesGCM16(keyBits: bits)
        default: return nil
        }
    }

    /// The IANA name followed by the key length, as strongSwan logs it (`AES_CBC_128`, `AES_GCM_16_256`).
    public var description: String {
        switch self {
        case .aesCBC(let bits): "AES_CBC_\(bits)"
        case .aesGCM16(let bits): "AES_GCM_16_\(bits)"
        }
    }
}

/// A pseudorandom function (Transform Type 2), used for SKEYSEED, prf+ and AUTH.
public enum PRFAlgorithm: UInt16, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// PRF_HMAC_MD5 (RFC 2104).
    case hmacMD5 = 1
    /// PRF_HMAC_SHA1 (RFC 2104).
    case hmacSHA1 = 2
    /// PRF_HMAC_SHA2_256 (RFC 4868).
    case hmacSHA256 = 5
    /// PRF_HMAC_SHA2_384 (RFC 4868).
    case hmacSHA384 = 6
    /// PRF_HMAC_SHA2_512 (RFC 4868).
    case hmacSHA512 = 7

    /// IANA transform ID.
    public var transformID: UInt16 { rawValue }

    /// Output length in octets; also the preferred key length (RFC 7296 §2.13).
    public var outputLength: Int {
        switch self {
        case .hmacMD5: 16
        case .hmacSHA1: 20
        case .hmacSHA256: 32
        case .hmacSHA384: 48
        case .hmacSHA512: 64
        }
    }

    /// The IANA name (`PRF_HMAC_SHA2_256`).
    public var description: String {
        switch self {
        case .hmacMD5: "PRF_HMAC_MD5"
        case .hmacSHA1: "PRF_HMAC_SHA1"
        case .hmacSHA256: "PRF_HMAC_SHA2_256"
        case .hmacSHA384: "PRF_HMAC_SHA2_384"
        case .hmacSHA512: "PRF_HMAC_SHA2_512"
        }
    }
}

/// An integrity algorithm (Transform Type 3): HMAC truncated to the length RFC 2404/4868 fix.
public enum IntegrityAlgorithm: UInt16, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// AUTH_HMAC_MD5_96 (RFC 2403): 16-octet key, 12-octet ICV.
    case hmacMD5_96 = 1
    /// AUTH_HMAC_SHA1_96 (RFC 2404): 20-octet key, 12-octet ICV.
    case hmacSHA1_96 = 2
    /// AUTH_HMAC_SHA2_256_128 (RFC 4868): 32-octet key, 16-octet ICV.
    case hmacSHA256_128 = 12
    /// AUTH_HMAC_SHA2_384_192 (RFC 4868): 48-octet key, 24-octet ICV.
    case hmacSHA384_192 = 13
    /// AUTH_HMAC_SHA2_512_256 (RFC 4868): 64-octet key, 32-octet ICV.
    case hmacSHA512_256 = 14

    /// IANA transform ID.
    public var transformID: UInt16 { rawValue }

    /// Key length in octets (the hash output length).
    public var keyLength: Int {
        switch self {
        case .hmacMD5_96: 16
        case .hmacSHA1_96: 20
        case .hmacSHA256_128: 32
        case .hmacSHA384_192: 48
        case .hmacSHA512_256: 64
        }
    }

    /// Length of the truncated ICV in octets.
    public var icvLength: Int {
        switch self {
        case .hmacMD5_96, .hmacSHA1_96: 12
        case .hmacSHA256_128: 16
        case .hmacSHA384_192: 24
        case .hmacSHA512_256: 32
        }
    }

    /// The IANA name (`AUTH_HMAC_SHA2_256_128`).
    public var description: String {
        switch self {
        case .hmacMD5_96: "AUTH_HMAC_MD5_96"
        case .hmacSHA1_96: "AUTH_HMAC_SHA1_96"
        case .hmacSHA256_128: "AUTH_HMAC_SHA2_256_128"
        case .hmacSHA384_192: "AUTH_HMAC_SHA2_384_192"
        case .hmacSHA512_256: "AUTH_HMAC_SHA2_512_256"
        }
    }
}

/// A key exchange method (Transform Type 4, "Diffie-Hellman group").
public enum KeyExchangeGroup: UInt16, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// 768-bit MODP group (RFC 2409 §6.1), "group1" / `modp768`.
    case modp768 = 1
    /// 1024-bit MODP group (RFC 2409 §6.2), "group2" / `modp1024`.
    case modp1024 = 2
    /// 1536-bit MODP group (RFC 3526 §2), "group5" / `modp1536`.
    case modp1536 = 5
    /// 2048-bit MODP group (RFC 3526 §3), "group14" / `modp2048`.
    case modp2048 = 14
    /// NIST P-256 (RFC 5903), `ecp256`.
    case ecp256 = 19
    /// NIST P-384 (RFC 5903), `ecp384`.
    case ecp384 = 20
    /// Curve25519 (RFC 8031 / RFC 7748), `x25519`.
    case curve25519 = 31

    /// IANA transform ID.
    public var transformID: UInt16 { rawValue }

    /// Length of the public value in the KE payload, in octets.
    public var publicValueLength: Int {
        switch self {
        case .modp768: 96
        case .modp1024: 128
        case .modp1536: 192
        case .modp2048: 256
        case .ecp256: 64
        case .ecp384: 96
        case .curve25519: 32
        }
    }

    /// The IANA name (`MODP_2048`, `ECP_256`, `CURVE_25519`).
    public var description: String {
        switch self {
        case .modp768: "MODP_768"
        case .modp1024: "MODP_1024"
        case .modp1536: "MODP_1536"
        case .modp2048: "MODP_2048"
        case .ecp256: "ECP_256"
        case .ecp384: "ECP_384"
        case .curve25519: "CURVE_25519"
        }
    }
}
