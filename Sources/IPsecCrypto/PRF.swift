import Crypto

/// HMAC-based PRFs and integrity transforms, and prf+ (RFC 7296 §2.13).
public enum PRF {
    static func hmac<H: HashFunction>(_: H.Type, key: [UInt8], data: [UInt8]) -> [UInt8] {
        var mac = HMAC<H>(key: SymmetricKey(data: key))
        mac.update(data: data)
        return Array(mac.finalize())
    }

    /// prf(key, data) for `algorithm`.
    public static func compute(_ algorithm: PRFAlgorithm, key: [UInt8], data: [UInt8]) -> [UInt8] {
        switch algorithm {
        case .hmacMD5: hmac(Insecure.MD5.self, key: key, data: data)
        case .hmacSHA1: hmac(Insecure.SHA1.self, key: key, data: data)
        case .hmacSHA256: hmac(SHA256.self, key: key, data: data)
        case .hmacSHA384: hmac(SHA384.self, key: key, data: data)
        case .hmacSHA512: hmac(SHA512.self, key: key, data: data)
        }
    }

    /// prf+(K, S) = T1 | T2 | …, T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n), truncated to `length` octets.
    ///
    /// - Precondition: `length` is at most 255 PRF outputs (RFC 7296 §2.13).
    public static func plus(_ algorithm: PRFAlgorithm, key: [UInt8], seed: [UInt8], length: Int) -> [UInt8] {
        precondition(length <= 255 * algorithm.outputLength, "prf+ output is limited to 255 blocks")
        var out: [UInt8] = []
        var t: [UInt8] = []
        var counter: UInt8 = 1
        while out.count < length {
            t = compute(algorithm, key: key, data: t + seed + [counter])
            out += t
            counter &+= 1
        }
        return Array(out.prefix(length))
    }

    /// The truncated HMAC integrity check value of `data` (RFC 2404, RFC 4868).
    public static func integrityCheckValue(_ algorithm: IntegrityAlgorithm, key: [UInt8], data: [UInt8]) -> [UInt8] {
        let full: [UInt8] =
            switch algorithm {
            case .hmacMD5_96: hmac(Insecure.MD5.self, key: key, data: data)
            case .hmacSHA1_96: hmac(Insecure.SHA1.self, key: key, data: data)
            case .hmacSHA256_128: hmac(SHA256.self, key: key, data: data)
            case .hmacSHA384_192: hmac(SHA384.self, key: key, data: data)
            case .hmacSHA512_256: hmac(SHA512.self, key: key, data: data)
            }
        return Array(full.prefix(algorithm.icvLength))
    }
}

/// Compares two byte strings in time independent of where they differ.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var diff: UInt8 = 0
    for i in 0..<a.count { diff |= a[i] ^ b[i] }
    return diff == 0
}

/// SHA-1 digest, as NAT detection needs it (RFC 7296 §2.23) and as cookies may use it (§2.6).
public func sha1Digest(_ data: [UInt8]) -> [UInt8] {
    Array(Insecure.SHA1.hash(data: data))
}
