/// Parsing of proposals written the way strongSwan writes them (`aes128-sha1-modp1024`,
/// `aes256gcm16-prfsha384-ecp384`, `aes128gcm16-x25519`) and of the cloud's IkeConfig/IpsecConfig names
/// (`aes`/`aes192`/`aes256`, `md5`/`sha1`/…, `group1`/`group2`/`group5`/`group14`).
public enum ProposalSyntax {
    static let encryptionNames: [(String, EncryptionAlgorithm)] = [
        ("aes128", .aesCBC(keyBits: 128)), ("aes192", .aesCBC(keyBits: 192)), ("aes256", .aesCBC(keyBits: 256)),
        ("aes", .aesCBC(keyBits: 128)),
        ("aes128gcm16", .aesGCM16(keyBits: 128)), ("aes192gcm16", .aesGCM16(keyBits: 192)),
        ("aes256gcm16", .aesGCM16(keyBits: 256)),
        ("aes128gcm128", .aesGCM16(keyBits: 128)), ("aes192gcm128", .aesGCM16(keyBits: 192)),
        ("aes256gcm128", .aesGCM16(keyBits: 256)),
        ("aes128gcm", .aesGCM16(keyBits: 128)), ("aes192gcm", .aesGCM16(keyBits: 192)),
        ("aes256gcm", .aesGCM16(keyBits: 256)),
    ]
    static let integrityNames: [(String, IntegrityAlgorithm)] = [
        ("md5", .hmacMD5_96), ("sha1", .hmacSHA1_96), ("sha", .hmacSHA1_96), ("sha256", .hmacSHA256_128),
        ("sha2_256", .hmacSHA256_128), ("sha384", .hmacSHA384_192), ("sha2_384", .hmacSHA384_192),
        ("sha512", .hmacSHA512_256), ("sha2_512", .hmacSHA512_256),
    ]
    static let prfNames: [(String, PRFAlgorithm)] = [
        ("prfmd5", .hmacMD5), ("prfsha1", .hmacSHA1), ("prfsha256", .hmacSHA256), ("prfsha384", .hmacSHA384),
        ("prfsha512", .hmacSHA512),
    ]
    static let groupNames: [(String, KeyExchangeGroup)] = [
        ("modp768", .modp768), ("modp1024", .modp1024), ("modp1536", .modp1536), ("modp2048", .modp2048),
        ("ecp256", .ecp256), ("ecp384", .ecp384), ("x25519", .curve25519), ("curve25519", .curve25519),
    ]
    static let refused: [(String, String)] = [
        ("des", "DES has a 56-bit key and is broken by exhaustive search (RFC 8221 §5: MUST NOT)"),
        ("3des", "3DES has a 64-bit block, open to Sweet32 collisions (RFC 8221 §5: SHOULD NOT, deprecated); use aes"),
        ("null", "ENCR_NULL gives no confidentiality"),
        ("modp3072", "MODP groups above 2048 bits are not implemented"),
        ("modp4096", "MODP groups above 2048 bits are not implemented"),
        ("ecp521", "ECP_521 is not implemented"),
        ("x448", "Curve448 is not implemented"),
        ("curve448", "Curve448 is not implemented"),
        ("chacha20poly1305", "ChaCha20-Poly1305 is not implemented"),
        ("aescmac", "AES-CMAC is not implemented"),
        ("aesxcbc", "AES-XCBC is not implemented"),
        ("group24", "group24 (2048-bit MODP with 256-bit subgroup) is not implemented"),
    ]

    /// Every token accepted in strongSwan syntax, for error messages.
    public static var allowedTokens: [String] {
        encryptionNames.map(\.0) + integrityNames.map(\.0) + prfNames.map(\.0) + groupNames.map(\.0) + ["esn", "noesn"]
    }

    /// The canonical strongSwan token for an algorithm.
    static func name(of alg: EncryptionAlgorithm) -> String {
        switch alg {
        case .aesCBC(let bits): "aes\(bits)"
        case .aesGCM16(let bits): "aes\(bits)gcm16"
        }
    }
    static func name(of alg: IntegrityAlgorithm) -> String { integrityNames.first { $0.1 == alg }!.0 }
    static func name(of alg: PRFAlgorithm) -> String { prfNames.first { $0.1 == alg }!.0 }
    static func name(of alg: KeyExchangeGroup) -> String { groupNames.first { $0.1 == alg }!.0 }

    private struct Parsed {
        var encryption: [EncryptionAlgorithm] = []
        var integrity: [IntegrityAlgorithm] = []
        var prfs: [PRFAlgorithm] = []
        var groups: [KeyExchangeGroup] = []
        var esn: [Bool] = []
    }

    private static func tokens(_ text: String) throws(IPsecCryptoError) -> Parsed {
        var parsed = Parsed()
        let trimmed = trimmedString(Substring(text)).lowercased()
        guard !trimmed.isEmpty else { throw .incompleteProposal(text, missing: "algorithms (it is empty)") }
        for token in trimmed.split(separator: "-", omittingEmptySubsequences: false).map(String.init) {
            func append<T: Equatable>(_ value: T, to list: inout [T]) {
                if !list.contains(value) { list.append(value) }
            }
            if let e = encryptionNames.first(where: { $0.0 == token }) {
                append(e.1, to: &parsed.encryption)
            } else if let i = integrityNames.first(where: { $0.0 == token }) {
                append(i.1, to: &parsed.integrity)
            } else if let p = prfNames.first(where: { $0.0 == token }) {
                append(p.1, to: &parsed.prfs)
            } else if let g = groupNames.first(where: { $0.0 == token }) {
                append(g.1, to: &parsed.groups)
            } else if token == "esn" || token == "noesn" {
                append(token == "esn", to: &parsed.esn)
            } else if let r = refused.first(where: { $0.0 == token }) {
                throw .refusedAlgorithm(token, proposal: text, reason: r.1)
            } else {
                throw .unknownToken(token, proposal: text, allowed: allowedTokens)
            }
        }
        let aead = parsed.encryption.filter(\.isAEAD)
        if !aead.isEmpty && aead.count != parsed.encryption.count {
            throw .refusedAlgorithm(
                name(of: aead[0]),
                proposal: text,
                reason:
                    "AEAD and non-AEAD ciphers cannot share one proposal (RFC 7296 §3.3); write two proposals separated by ','"
            )
        }
        if !aead.isEmpty, let integ = parsed.integrity.first {
            throw .refusedAlgorithm(
                name(of: integ),
                proposal: text,
                reason: "an AEAD cipher (\(name(of: aead[0]))) takes no integrity algorithm"
            )
        }
        return parsed
    }

    private static func trimmedString(_ s: Substring) -> String {
        String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// Parses one strongSwan IKE proposal, e.g. `aes128-sha256-modp2048` or `aes256gcm16-prfsha384-ecp384`.
    ///
    /// Without `prf…` tokens the PRFs follow the integrity algorithms, as in strongSwan.
    /// - Throws: ``IPsecCryptoError`` naming the bad token and listing what is allowed.
    public static func ikeProposal(_ text: String) throws(IPsecCryptoError) -> IKEProposal {
        let p = try tokens(text)
        guard !p.encryption.isEmpty else {
            throw .incompleteProposal(text, missing: "encryption algorithm (e.g. aes128, aes256gcm16)")
        }
        var prfs = p.prfs
        if prfs.isEmpty {
            prfs = p.integrity.map { integ in
                switch integ {
                case .hmacMD5_96: .hmacMD5
                case .hmacSHA1_96: .hmacSHA1
                case .hmacSHA256_128: .hmacSHA256
                case .hmacSHA384_192: .hmacSHA384
                case .hmacSHA512_256: .hmacSHA512
                }
            }
        }
        guard !prfs.isEmpty else { throw .incompleteProposal(text, missing: "PRF (e.g. prfsha256)") }
        if !p.encryption[0].isAEAD && p.integrity.isEmpty {
            throw .incompleteProposal(text, missing: "integrity algorithm (e.g. sha256) for a non-AEAD cipher")
        }
        guard !p.groups.isEmpty else {
            throw .incompleteProposal(text, missing: "key exchange group (e.g. modp2048, x25519)")
        }
        if !p.esn.isEmpty {
            throw .refusedAlgorithm(p.esn[0] ? "esn" : "noesn", proposal: text, reason: "ESN applies to ESP, not IKE")
        }
        return IKEProposal(encryption: p.encryption, prfs: prfs, integrity: p.integrity, groups: p.groups)
    }

    /// Parses a comma-separated list of IKE proposals, most preferred first.
    public static func ikeProposals(_ text: String) throws(IPsecCryptoError) -> [IKEProposal] {
        var result: [IKEProposal] = []
        for part in text.split(separator: ",") { result.append(try ikeProposal(trimmedString(part))) }
        if result.isEmpty { throw .incompleteProposal(text, missing: "proposal") }
        return result
    }

    /// Parses one strongSwan ESP proposal, e.g. `aes256gcm16`, `aes128-sha256`, `aes128gcm16-x25519` (PFS).
    public static func childProposal(_ text: String) throws(IPsecCryptoError) -> ChildProposal {
        let p = try tokens(text)
        guard !p.encryption.isEmpty else {
            throw .incompleteProposal(text, missing: "encryption algorithm (e.g. aes128, aes256gcm16)")
        }
        if let prf = p.prfs.first {
            throw .refusedAlgorithm(name(of: prf), proposal: text, reason: "ESP proposals take no PRF")
        }
        if !p.encryption[0].isAEAD && p.integrity.isEmpty {
            throw .incompleteProposal(text, missing: "integrity algorithm (e.g. sha256) for a non-AEAD cipher")
        }
        return ChildProposal(
            encryption: p.encryption,
            integrity: p.integrity,
            groups: p.groups,
            extendedSequenceNumbers: p.esn.isEmpty ? [false] : p.esn
        )
    }

    /// Parses a comma-separated list of ESP proposals, most preferred first.
    public static func childProposals(_ text: String) throws(IPsecCryptoError) -> [ChildProposal] {
        var result: [ChildProposal] = []
        for part in text.split(separator: ",") { result.append(try childProposal(trimmedString(part))) }
        if result.isEmpty { throw .incompleteProposal(text, missing: "proposal") }
        return result
    }

    // MARK: The cloud's IkeConfig / IpsecConfig names

    /// Allowed `IkeEncAlg` / `IpsecEncAlg` values.
    public static let cloudEncryptionNames = ["aes", "aes192", "aes256"]
    /// Allowed `IkeAuthAlg` / `IpsecAuthAlg` values.
    public static let cloudAuthenticationNames = ["md5", "sha1", "sha256", "sha384", "sha512"]
    /// Allowed `IkePfs` / `IpsecPfs` values (`disabled` only for `IpsecPfs`).
    public static let cloudGroupNames = ["group1", "group2", "group5", "group14"]

    /// Maps the cloud's encryption name (`aes`, `aes192`, `aes256`) to AES-CBC.
    public static func cloudEncryption(_ name: String, field: String) throws(IPsecCryptoError) -> EncryptionAlgorithm {
        switch name.lowercased() {
        case "aes": return .aesCBC(keyBits: 128)
        case "aes192": return .aesCBC(keyBits: 192)
        case "aes256": return .aesCBC(keyBits: 256)
        case "des", "3des":
            throw .refusedAlgorithm(name, proposal: field, reason: refused.first { $0.0 == name.lowercased() }!.1)
        case "sm4":
            throw .refusedAlgorithm(name, proposal: field, reason: "SM4 (NationalStandard gateways) is not implemented")
        default: throw .unknownToken(name, proposal: field, allowed: cloudEncryptionNames)
        }
    }

    /// Maps the cloud's authentication name (`md5` … `sha512`) to the HMAC integrity algorithm.
    public static func cloudIntegrity(_ name: String, field: String) throws(IPsecCryptoError) -> IntegrityAlgorithm {
        switch name.lowercased() {
        case "md5": return .hmacMD5_96
        case "sha1": return .hmacSHA1_96
        case "sha256": return .hmacSHA256_128
        case "sha384": return .hmacSHA384_192
        case "sha512": return .hmacSHA512_256
        case "sm3":
            throw .refusedAlgorithm(name, proposal: field, reason: "SM3 (NationalStandard gateways) is not implemented")
        default: throw .unknownToken(name, proposal: field, allowed: cloudAuthenticationNames)
        }
    }

    /// Maps the cloud's DH group name (`group1`, `group2`, `group5`, `group14`) to a MODP group.
    public static func cloudGroup(_ name: String, field: String) throws(IPsecCryptoError) -> KeyExchangeGroup {
        switch name.lowercased() {
        case "group1": return .modp768
        case "group2": return .modp1024
        case "group5": return .modp1536
        case "group14": return .modp2048
        case "group24": throw .refusedAlgorithm(name, proposal: field, reason: refused.first { $0.0 == "group24" }!.1)
        default: throw .unknownToken(name, proposal: field, allowed: cloudGroupNames)
        }
    }

    /// The IKE proposal of an IkeConfig: `IkeEncAlg`, `IkeAuthAlg` (integrity and PRF), `IkePfs` (the IKE group).
    public static func cloudIKEProposal(
        encryption: String,
        authentication: String,
        group: String
    ) throws(IPsecCryptoError)
        -> IKEProposal
    {
        let enc = try cloudEncryption(encryption, field: "IkeConfig.IkeEncAlg")
        let integ = try cloudIntegrity(authentication, field: "IkeConfig.IkeAuthAlg")
        let dh = try cloudGroup(group, field: "IkeConfig.IkePfs")
        let prf: PRFAlgorithm =
            switch integ {
            case .hmacMD5_96: .hmacMD5
            case .hmacSHA1_96: .hmacSHA1
            case .hmacSHA256_128: .hmacSHA256
            case .hmacSHA384_192: .hmacSHA384
            case .hmacSHA512_256: .hmacSHA512
            }
        return IKEProposal(encryption: [enc], prfs: [prf], integrity: [integ], groups: [dh])
    }

    /// The ESP proposal of an IpsecConfig: `IpsecEncAlg`, `IpsecAuthAlg`, `IpsecPfs` (`disabled` = no PFS).
    public static func cloudChildProposal(
        encryption: String,
        authentication: String,
        pfs: String
    ) throws(IPsecCryptoError)
        -> ChildProposal
    {
        let enc = try cloudEncryption(encryption, field: "IpsecConfig.IpsecEncAlg")
        let integ = try cloudIntegrity(authentication, field: "IpsecConfig.IpsecAuthAlg")
        if pfs.lowercased() == "disabled" { return ChildProposal(encryption: [enc], integrity: [integ]) }
        do {
            let dh = try cloudGroup(pfs, field: "IpsecConfig.IpsecPfs")
            return ChildProposal(encryption: [enc], integrity: [integ], groups: [dh])
        } catch .unknownToken(let token, let field, let allowed) {
            throw .unknownToken(token, proposal: field, allowed: ["disabled"] + allowed)
        }
    }
}
