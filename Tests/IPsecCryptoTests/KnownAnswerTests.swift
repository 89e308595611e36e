import IPsecCrypto
import MeridianTestSupport
import Testing

func hex(_ s: String) -> [UInt8] {
    let c = Array(s.utf8)
    return stride(from: 0, to: c.count, by: 2).map {
        UInt8(String(decoding: c[$0..<$0 + 2], as: UTF8.self), radix: 16)!
    }
}

struct KnownAnswerTests {
    /// RFC 4231 §4.2, test case 1 (HMAC-SHA-256/384/512) and RFC 2202 §2/§3 test case 1 (HMAC-MD5, HMAC-SHA-1).
    @Test(arguments: [
        (PRFAlgorithm.hmacSHA256, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (
            .hmacSHA384,
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"
        ),
        (
            .hmacSHA512,
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"
        ),
    ])
    func hmacRFC4231TestCase1(prf: PRFAlgorithm, expected: String) {
        let out = PRF.compute(prf, key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8))
        #expect(out == hex(expected))
    }

    @Test func hmacRFC2202TestCase1() {
        #expect(
            PRF.compute(.hmacMD5, key: [UInt8](repeating: 0x0b, count: 16), data: Array("Hi There".utf8))
                == hex("9294727a3638bb1c13f48ef8158bfc9d")
        )
        #expect(
            PRF.compute(.hmacSHA1, key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8))
                == hex("b617318655057264e28bc0b6fb378c8ef146be00")
        )
    }

    /// RFC 4868 §2.7.2.1 test case 1: AUTH_HMAC_SHA2_256_128 is the first 16 octets of HMAC-SHA-256.
    @Test func truncatedIntegrityRFC4868() {
        let icv = PRF.integrityCheckValue(
            .hmacSHA256_128,
            key: [UInt8](repeating: 0x0b, count: 32),
            data: Array("Hi There".utf8)
        )
        #expect(icv == hex("198a607eb44bfbc69903a0f1cf2bbdc5"))
    }

    /// prf+ (RFC 7296 §2.13): T1 = prf(K, S|0x01), T2 = prf(K, T1|S|0x02).
    @Test func prfPlusChainsBlocks() {
        let key = Array("key".utf8)
        let seed = Array("seed".utf8)
        let t1 = PRF.compute(.hmacSHA256, key: key, data: seed + [1])
        let t2 = PRF.compute(.hmacSHA256, key: key, data: t1 + seed + [2])
        #expect(PRF.plus(.hmacSHA256, key: key, seed: seed, length: 40) == Array((t1 + t2).prefix(40)))
    }

    /// RFC 3602 §4, case #1: AES-128-CBC.
    @Test func aesCBCRFC3602Case1() throws {
        let key = hex("06a9214036b8a15b512e03d534120006")
        let iv = hex("3dafba429d9eb430b422da802c9fac41")
        let ct = try Cipher.cbcEncrypt(Array("Single block msg".utf8), key: key, iv: iv)
        #expect(ct == hex("e353779c1079aeb82708942dbe77181a"))
        #expect(try Cipher.cbcDecrypt(ct, key: key, iv: iv) == Array("Single block msg".utf8))
    }

    /// The GCM specification (McGrew & Viega), test case 4: AES-128, 12-octet nonce split as salt | IV, with AAD.
    @Test func aesGCMSpecTestCase4() throws {
        let key = hex("feffe9928665731c6d6a8f9467308308")
        let p = hex(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
        )
        let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
        let sealed = try Cipher.gcmSeal(p, key: key, salt: hex("cafebabe"), iv: hex("facedbaddecaf888"), aad: aad)
        #expect(
            sealed == hex(
                "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
            ) + hex("5bc94fbc3221a5db94fae95ae7121a47")
        )
        #expect(try Cipher.gcmOpen(sealed, key: key, salt: hex("cafebabe"), iv: hex("facedbaddecaf888"), aad: aad) == p)
        var bad = sealed
        bad[0] ^= 1
        #expect(throws: IPsecCryptoError.integrityCheckFailed) {
            try Cipher.gcmOpen(bad, key: key, salt: hex("cafebabe"), iv: hex("facedbaddecaf888"), aad: aad)
        }
    }

    /// Known answers computed independently (Python pow) for the RFC 3526 group 14 and RFC 2409 group 1 primes.
    @Test func modpPowerMatchesReference() {
        let e = [UInt8](repeating: 0x8f, count: 32)
        var two = [UInt8](repeating: 0, count: 256)
        two[255] = 2
        #expect(
            _modpPower(group: .modp2048, base: two, exponent: e)
                == hex(
                    "829d6a231e61a02b29b3b5c17aa2912fd474618e94ede7a0371a9d01871c6cf68357061f5ac75469a9fb730c5ca00466de6560c619455299cad0c02ec04ca43dbb6927e7fcf11d9179f7ce65d35d8c81c6bf852851cdffb09b3dbdffb687f917201bd7c057c4ca8022b579d1c06bacc5f43e943c739ec5c93ad3dabc10f083f19c8d55d31674b69e663a7af9c524e4d6734d748560f1ce4a13cd506f9fe0185bca9582f68800ef2d4b609ec31414e4a57aad986b17720451d20c4bdd0eca0b953078b894087a7a5af687c5eea03d5bf173d7d635c7afe13d048c20bf92e03282c414c92b3cada66790207dd9c6bc99508b9fcb7bc882a5956ab2a37f49d60828"
                )
        )
        var b = [UInt8](repeating: 0, count: 96)
        b[92] = 0x01
        b[93] = 0x23
        b[94] = 0x45
        b[95] = 0x67
        #expect(
            _modpPower(group: .modp768, base: b, exponent: e)
                == hex(
                    "466935da9fa70beecf3da89162f7922d6f541e0610c3ee520f9315c32b50927105042baad00b4ea441420527ee840da77a05eb9806c7f86b476dde7ff534f67b3378b8b3a6c38df276f112e99738f26afbe2e287dbfb41a947b3c9330db0c35c"
                )
        )
    }

    /// Fermat: 2^(p-1) = 1 mod p for each MODP prime, which fails for any wrong digit of the prime or of the arithmetic.
    @Test(arguments: [KeyExchangeGroup.modp768, .modp1024, .modp1536, .modp2048])
    func modpFermat(group: KeyExchangeGroup) {
        let n = group.publicValueLength
        var two = [UInt8](repeating: 0, count: n)
        two[n - 1] = 2
        // p - 1 = 2 * q; compute 2^(p-1) as (2^2)^q would need q, so use p-1 directly: p ends in 0xFF.
        var pMinus1 = _modpPower(group: group, base: two, exponent: [0])  // = 1, padded
        #expect(pMinus1.last == 1 && pMinus1.dropLast().allSatisfy { $0 == 0 })
        pMinus1 = _modpPrimeMinusOne(group)
        let r = _modpPower(group: group, base: two, exponent: pMinus1)
        #expect(r.last == 1 && r.dropLast().allSatisfy { $0 == 0 })
    }

    @Test(arguments: KeyExchangeGroup.allCases)
    func keyExchangeAgreesBothWays(group: KeyExchangeGroup) throws {
        var rng = SeededGenerator(seed: UInt64(group.rawValue))
        let a = KeyExchangePrivateKey(group: group, using: &rng)
        let b = KeyExchangePrivateKey(group: group, using: &rng)
        #expect(a.publicValue.count == group.publicValueLength)
        let s1 = try a.sharedSecret(with: b.publicValue)
        let s2 = try b.sharedSecret(with: a.publicValue)
        #expect(s1 == s2)
        #expect(!s1.allSatisfy { $0 == 0 })
        #expect(throws: IPsecCryptoError.self) { try a.sharedSecret(with: Array(b.publicValue.dropLast())) }
    }

    @Test func modpRejectsDegeneratePublicValues() {
        var rng = SeededGenerator(seed: 1)
        let a = KeyExchangePrivateKey(group: .modp1024, using: &rng)
        var one = [UInt8](repeating: 0, count: 128)
        one[127] = 1
        #expect(throws: IPsecCryptoError.invalidPublicValue(.modp1024, reason: "not in the range 2...p-2")) {
            try a.sharedSecret(with: one)
        }
        #expect(throws: IPsecCryptoError.self) { try a.sharedSecret(with: [UInt8](repeating: 0xFF, count: 128)) }
    }

    /// RFC 7748 §6.1 Curve25519 Diffie-Hellman example (Alice's and Bob's public keys and the shared secret).
    @Test func x25519RFC7748() throws {
        var rng = FixedBytes(
            hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")
                + hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")
        )
        let alice = KeyExchangePrivateKey(group: .curve25519, using: &rng)
        let bob = KeyExchangePrivateKey(group: .curve25519, using: &rng)
        #expect(alice.publicValue == hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"))
        #expect(bob.publicValue == hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"))
        #expect(
            try alice.sharedSecret(with: bob.publicValue)
                == hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
        )
    }
}

/// A generator that hands out fixed octets (for RFC private keys), one octet per UInt8.random call.
struct FixedBytes: RandomNumberGenerator {
    var bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    mutating func next() -> UInt64 {
        // UInt8.random(in: 0...255) takes the low octet of next().
        UInt64(bytes.removeFirst())
    }
}
