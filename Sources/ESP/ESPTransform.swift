/// An ESP encryption algorithm (IANA "Transform Type 1").
public enum ESPEncryption: Sendable, Hashable {
    /// AES-GCM with a 16-byte ICV (RFC 4106), IANA 20. Key bits 128, 192 or 256.
    case aesGCM16(keyBits: Int)
    /// AES-CBC (RFC 3602), IANA 12. Key bits 128, 192 or 256.
    case aesCBC(keyBits: Int)

    var keyBytes: Int {
        switch self {
        case .aesGCM16(let bits), .aesCBC(let bits): bits / 8
        }
    }

    /// The IANA transform ID.
    public var ianaID: UInt16 {
        switch self {
        case .aesGCM16: 20
        case .aesCBC: 12
        }
    }
}

/// An ESP integrity algorithm (IANA "Transform Type 3").
public enum ESPIntegrity: Sendable, Hashable {
    /// No separate integrity: only with an AEAD cipher.
    case none
    /// HMAC-SHA1-96 (RFC 2404), IANA 2.
    case hmacSHA1_96
    /// HMAC-SHA-256-128 (RFC 4868), IANA 12.
    case hmacSHA256_128
    /// HMAC-SHA-384-192 (RFC 4868), IANA 13.
    case hmacSHA384_192
    /// HMAC-SHA-512-256 (RFC 4868), IANA 14.
    case hmacSHA512_256

    /// Key length in bytes (RFC 2404 §3, RFC 4868 §2.1.1: the hash's output length).
    public var keyBytes: Int {
        switch self {
        case .none: 0
        case .hmacSHA1_96: 20
        case .hmacSHA256_128: 32
        case .hmacSHA384_192: 48
        case .hmacSHA512_256: 64
        }
    }

    /// Truncated ICV length in bytes.
    public var icvBytes: Int {
        switch self {
        case .none: 0
        case .hmacSHA1_96: 12
        case .hmacSHA256_128: 16
        case .hmacSHA384_192: 24
        case .hmacSHA512_256: 32
        }
    }

    var digestSelector: Int32 {
        switch self {
        case .none: 0
        case .hmacSHA1_96: 1
        case .hmacSHA256_128: 256
        case .hmacSHA384_192: 384
        case .hmacSHA512_256: 512
        }
    }

    /// The IANA transform ID (0 for none).
    public var ianaID: UInt16 {
        switch self {
        case .none: 0
        case .hmacSHA1_96: 2
        case .hmacSHA256_128: 12
        case .hmacSHA384_192: 13
        case .hmacSHA512_256: 14
        }
    }
}

/// One ESP transform: a cipher and, for non-AEAD ciphers, an integrity algorithm. No extended sequence
/// numbers (strongSwan's default, NO_EXT_SEQ).
public struct ESPTransform: Sendable, Hashable, CustomStringConvertible {
    public let encryption: ESPEncryption
    public let integrity: ESPIntegrity

    /// Validates the combination: AES-GCM takes no integrity algorithm, AES-CBC needs one.
    public init(encryption: ESPEncryption, integrity: ESPIntegrity) throws(ESPError) {
        switch encryption {
        case .aesGCM16(let bits), .aesCBC(let bits):
            guard bits == 128 || bits == 192 || bits == 256 else {
                throw .invalidProposal("\(encryption)", "AES key size must be 128, 192 or 256 bits")
            }
        }
        switch (encryption, integrity) {
        case (.aesGCM16, .none), (.aesCBC, .hmacSHA1_96), (.aesCBC, .hmacSHA256_128),
            (.aesCBC, .hmacSHA384_192), (.aesCBC, .hmacSHA512_256):
            break
        case (.aesGCM16, _):
            throw .invalidProposal("\(encryption)", "AES-GCM is an AEAD cipher and takes no integrity algorithm")
        case (.aesCBC, .none):
            throw .invalidProposal("\(encryption)", "AES-CBC needs an integrity algorithm (sha1, sha256, ...)")
        }
        self.encryption = encryption
        self.integrity = integrity
    }

    /// Encryption key material in bytes; for AES-GCM this includes the 4-byte salt (RFC 4106 §8.1).
    public var encryptionKeyBytes: Int {
        switch encryption {
        case .aesGCM16(let bits): bits / 8 + 4
        case .aesCBC(let bits): bits / 8
        }
    }

    /// Integrity key material in bytes.
    public var integrityKeyBytes: Int { integrity.keyBytes }

    /// Bytes of IV on the wire: 8 for AES-GCM (RFC 4106 §3.1), 16 for AES-CBC (RFC 3602 §3).
    public var ivBytes: Int {
        switch encryption {
        case .aesGCM16: 8
        case .aesCBC: 16
        }
    }

    /// Bytes of ICV on the wire.
    public var icvBytes: Int {
        switch encryption {
        case .aesGCM16: 16
        case .aesCBC: integrity.icvBytes
        }
    }

    /// Alignment of payload + padding + trailer: the cipher block size, at least 4 (RFC 4303 §2.4).
    public var blockBytes: Int {
        switch encryption {
        case .aesGCM16: 4
        case .aesCBC: 16
        }
    }

    /// strongSwan's spelling, such as `aes128gcm16` or `aes256-sha256`.
    public var description: String {
        switch (encryption, integrity) {
        case (.aesGCM16(let bits), _): "aes\(bits)gcm16"
        case (.aesCBC(let bits), .hmacSHA1_96): "aes\(bits)-sha1"
        case (.aesCBC(let bits), .hmacSHA256_128): "aes\(bits)-sha256"
        case (.aesCBC(let bits), .hmacSHA384_192): "aes\(bits)-sha384"
        case (.aesCBC(let bits), .hmacSHA512_256): "aes\(bits)-sha512"
        case (.aesCBC(let bits), .none): "aes\(bits)"
        }
    }

    /// Bytes an ESP packet (header, IV, payload, padding, trailer, ICV) takes for a payload of `count` bytes.
    public func sealedLength(payload count: Int) -> Int {
        let trailer = count + 2
        let padded = (trailer + blockBytes - 1) / blockBytes * blockBytes
        return 8 + ivBytes + padded + icvBytes
    }
}

/// An ESP proposal written the way strongSwan writes `esp_proposals`: `aes128gcm16`, `aes256gcm16-x25519`,
/// `aes128-sha1`, `aes128-sha1-modp1024`, `aes256-sha512-ecp384`.
///
/// The optional key-exchange group is kept by name (it applies to CREATE_CHILD_SA rekeys only; the IKEv2
/// module negotiates it).
public struct ESPProposal: Sendable, Hashable, CustomStringConvertible {
    public let transform: ESPTransform
    /// A DH group name as strongSwan spells it (`modp2048`, `ecp384`, `x25519`), or nil for no PFS.
    public let keyExchange: String?

    static let groups: Set<String> = [
        "modp768", "modp1024", "modp1536", "modp2048", "modp3072", "modp4096", "modp6144", "modp8192",
        "ecp256", "ecp384", "ecp521", "ecp224", "ecp192", "x25519", "curve25519", "x448", "curve448",
    ]

    public init(transform: ESPTransform, keyExchange: String? = nil) {
        self.transform = transform
        self.keyExchange = keyExchange
    }

    /// Parses one proposal; errors quote the value and list what is accepted.
    public init(parsing text: String) throws(ESPError) {
        let tokens = text.lowercased().split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let first = tokens.first, !first.isEmpty else {
            throw .invalidProposal(text, "empty; expected e.g. aes128gcm16, aes128-sha1, aes256-sha256-modp2048")
        }
        let encryption: ESPEncryption
        var isAEAD = false
        switch first {
        case "aes", "aes128": encryption = .aesCBC(keyBits: 128)
        case "aes192": encryption = .aesCBC(keyBits: 192)
        case "aes256": encryption = .aesCBC(keyBits: 256)
        case "aes128gcm16", "aes128gcm128", "aes128gcm": encryption = .aesGCM16(keyBits: 128); isAEAD = true
        case "aes192gcm16", "aes192gcm128", "aes192gcm": encryption = .aesGCM16(keyBits: 192); isAEAD = true
        case "aes256gcm16", "aes256gcm128", "aes256gcm": encryption = .aesGCM16(keyBits: 256); isAEAD = true
        default:
            throw .invalidProposal(
                text,
                "unknown cipher '\(first)'; supported: aes128, aes192, aes256 (CBC), aes128gcm16, aes192gcm16, aes256gcm16"
            )
        }
        var integrity: ESPIntegrity = .none
        var group: String?
        for token in tokens.dropFirst() {
            switch token {
            case "sha1", "sha", "sha1_96":
                integrity = .hmacSHA1_96
            case "sha256", "sha2_256":
                integrity = .hmacSHA256_128
            case "sha384", "sha2_384":
                integrity = .hmacSHA384_192
            case "sha512", "sha2_512":
                integrity = .hmacSHA512_256
            case "noesn":
                continue
            case "esn":
                throw .invalidProposal(text, "extended sequence numbers (esn) are not supported; use noesn")
            case _ where ESPProposal.groups.contains(token):
                group = token
                continue
            default:
                throw .invalidProposal(
                    text, "unknown token '\(token)'; expected sha1, sha256, sha384, sha512, noesn or a DH group")
            }
            if isAEAD {
                throw .invalidProposal(text, "AES-GCM takes no integrity algorithm ('\(token)')")
            }
        }
        if !isAEAD && integrity == .none {
            throw .invalidProposal(text, "AES-CBC needs an integrity algorithm, e.g. \(first)-sha256")
        }
        self.transform = try ESPTransform(encryption: encryption, integrity: integrity)
        self.keyExchange = group
    }

    public var description: String {
        keyExchange.map { "\(transform)-\($0)" } ?? "\(transform)"
    }
}
