/// Modular exponentiation for the MODP key-exchange groups, with Montgomery multiplication over 64-bit limbs.
///
/// The primes are those of RFC 2409 §6.1–6.2 (groups 1 and 2) and RFC 3526 §2–3 (groups 5 and 14):
/// p = 2^n - 2^(n-64) - 1 + 2^64 * ([2^(n-130) pi] + k), all with generator 2.
struct _MODPGroup: Sendable {
    /// The prime, little-endian 64-bit limbs.
    let modulus: [UInt64]
    /// Octets of the prime (length of public values and shared secrets).
    let byteCount: Int
    /// -modulus^-1 mod 2^64.
    let n0inv: UInt64
    /// R^2 mod p, where R = 2^(64 * limbs).
    let r2: [UInt64]

    init(hex: String) {
        var bytes: [UInt8] = []
        var chars = Array(hex.utf8)
        if chars.count % 2 == 1 { chars.insert(UInt8(ascii: "0"), at: 0) }
        for i in stride(from: 0, to: chars.count, by: 2) {
            bytes.append(UInt8(_hexValue(chars[i]) << 4 | _hexValue(chars[i + 1])))
        }
        byteCount = bytes.count
        modulus = _MODPGroup.limbs(fromBigEndian: bytes, count: (bytes.count + 7) / 8)
        // Newton iteration for the inverse of modulus[0] modulo 2^64 (each step doubles the correct bits).
        var inv: UInt64 = 1
        for _ in 0..<7 { inv = inv &* (2 &- modulus[0] &* inv) }
        n0inv = 0 &- inv
        // R^2 mod p by doubling 1 (2 * 64 * limbs) times with conditional subtraction.
        var x = [UInt64](repeating: 0, count: modulus.count)
        x[0] = 1
        for _ in 0..<(2 * 64 * modulus.count) { x = _MODPGroup.doubleMod(x, modulus) }
        r2 = x
    }

    static func limbs(fromBigEndian bytes: [UInt8], count: Int) -> [UInt64] {
        var limbs = [UInt64](repeating: 0, count: count)
        for (i, byte) in bytes.reversed().enumerated() where i / 8 < count {
            limbs[i / 8] |= UInt64(byte) << (UInt64(i % 8) * 8)
        }
        return limbs
    }

    func bigEndianBytes(_ limbs: [UInt64]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        for i in 0..<byteCount {
            out[byteCount - 1 - i] = UInt8(truncatingIfNeeded: limbs[i / 8] >> (UInt64(i % 8) * 8))
        }
        return out
    }

    static func compare(_ a: [UInt64], _ b: [UInt64]) -> Int {
        for i in stride(from: a.count - 1, through: 0, by: -1) where a[i] != b[i] {
            return a[i] < b[i] ? -1 : 1
        }
        return 0
    }

    static func subtract(_ a: inout [UInt64], _ b: [UInt64]) {
        var borrow: UInt64 = 0
        for i in 0..<a.count {
            let (d1, o1) = a[i].subtractingReportingOverflow(b[i])
            let (d2, o2) = d1.subtractingReportingOverflow(borrow)
            a[i] = d2
            borrow = (o1 ? 1 : 0) + (o2 ? 1 : 0)
        }
    }

    static func doubleMod(_ x: [UInt64], _ n: [UInt64]) -> [UInt64] {
        var out = x
        var carry: UInt64 = 0
        for i in 0..<x.count {
            out[i] = x[i] << 1 | carry
            carry = x[i] >> 63
        }
        if carry == 1 || compare(out, n) >= 0 { subtract(&out, n) }
        return out
    }

    /// Montgomery product a * b * R^-1 mod p (CIOS method), for a, b < p.
    func montgomeryMultiply(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        let s = modulus.count
        precondition(a.count == s && b.count == s, "Montgomery operands must have the modulus' limb count")
        var t = [UInt64](repeating: 0, count: s + 2)
        t.withUnsafeMutableBufferPointer { t in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    modulus.withUnsafeBufferPointer { n in
                        for i in 0..<s {
                            var carry: UInt64 = 0
                            let bi = b[i]
                            for j in 0..<s {
                                let (hi, lo) = a[j].multipliedFullWidth(by: bi)
                                let (l1, c1) = lo.addingReportingOverflow(t[j])
                                let (l2, c2) = l1.addingReportingOverflow(carry)
                                t[j] = l2
                                carry = hi &+ _bit(c1) &+ _bit(c2)
                            }
                            let (ts, cs) = t[s].addingReportingOverflow(carry)
                            t[s] = ts
                            t[s + 1] = _bit(cs)
                            let m = t[0] &* n0inv
                            let (hi0, lo0) = m.multipliedFullWidth(by: n[0])
                            let (_, c0) = lo0.addingReportingOverflow(t[0])
                            carry = hi0 &+ _bit(c0)
                            for j in 1..<s {
                                let (hi, lo) = m.multipliedFullWidth(by: n[j])
                                let (l1, c1) = lo.addingReportingOverflow(t[j])
                                let (l2, c2) = l1.addingReportingOverflow(carry)
                                t[j - 1] = l2
                                carry = hi &+ _bit(c1) &+ _bit(c2)
                            }
                            let (tl, cl) = t[s].addingReportingOverflow(carry)
                            t[s - 1] = tl
                            t[s] = t[s + 1] &+ _bit(cl)
                        }
                    }
                }
            }
        }
        let overflow = t[s] != 0
        t.removeLast(2)
        if overflow || _MODPGroup.compare(t, modulus) >= 0 { _MODPGroup.subtract(&t, modulus) }
        return t
    }

    /// base^exponent mod p for a base below p; big-endian octets, the result padded to the prime's length.
    ///
    /// Left-to-right exponentiation with a fixed 4-bit window.
    func power(base: [UInt8], exponent: [UInt8]) -> [UInt8] {
        let b = _MODPGroup.limbs(fromBigEndian: base, count: modulus.count)
        precondition(
            _MODPGroup.compare(b, modulus) < 0,
            "MODP base must be below the prime; validate public values first"
        )
        let baseM = montgomeryMultiply(b, r2)
        var one = [UInt64](repeating: 0, count: modulus.count)
        one[0] = 1
        let oneM = montgomeryMultiply(one, r2)
        var table = [oneM, baseM]
        for i in 2..<16 { table.append(montgomeryMultiply(table[i - 1], baseM)) }
        var acc = oneM
        for byte in exponent {
            for nibble in [byte >> 4, byte & 0x0F] {
                for _ in 0..<4 { acc = montgomeryMultiply(acc, acc) }
                if nibble != 0 { acc = montgomeryMultiply(acc, table[Int(nibble)]) }
            }
        }
        return bigEndianBytes(montgomeryMultiply(acc, one))
    }

    /// The prime minus one, big-endian (the upper bound, exclusive, of valid public values).
    var primeMinusOne: [UInt8] {
        var bytes = bigEndianBytes(modulus)
        bytes[bytes.count - 1] &-= 1  // the primes end in 0xFF, so no borrow
        return bytes
    }

    static let modp768 = _MODPGroup(
        hex: [
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
            "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
            "4FE1356D6D51C245E485B576625E7EC6F44C42E9A63A3620FFFFFFFFFFFFFFFF",
        ].joined()
    )
    static let modp1024 = _MODPGroup(
        hex: [
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
            "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
            "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
            "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF",
        ].joined()
    )
    static let modp1536 = _MODPGroup(
        hex: [
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
            "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
            "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
            "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
            "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
            "9ED529077096966D670C354E4ABC9804F1746C08CA237327FFFFFFFFFFFFFFFF",
        ].joined()
    )
    static let modp2048 = _MODPGroup(
        hex: [
            "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
            "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
            "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
            "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
            "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
            "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
            "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
            "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF",
        ].joined()
    )
}

/// A Bool as 0 or 1 without a branch: carries are data-dependent and would be mispredicted half the time.
@inline(__always)
func _bit(_ b: Bool) -> UInt64 { UInt64(unsafeBitCast(b, to: UInt8.self)) }

func _hexValue(_ c: UInt8) -> UInt8 {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
    default: 0
    }
}
