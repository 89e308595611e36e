import CESPCrypto
import Testing

/// Known-answer tests of the libcrypto shim the SAs use.
struct PrimitiveVectorTests {
    /// McGrew & Viega, "The Galois/Counter Mode of Operation", test case 4 (AES-128, 60-byte plaintext,
    /// 20-byte AAD), as used in NIST's GCM validation.
    @Test func aes128GCMTestCase4() throws {
        let key = hex("feffe9928665731c6d6a8f9467308308")
        let iv = hex("cafebabefacedbaddecaf888")
        let plaintext = hex(
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
        )
        let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
        let expected = hex(
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
        )
        let expectedTag = hex("5bc94fbc3221a5db94fae95ae7121a47")
        let enc = try #require(esp_gcm_new(key, 16, 1))
        defer { esp_cipher_free(enc) }
        var out = [UInt8](repeating: 0, count: plaintext.count)
        var tag = [UInt8](repeating: 0, count: 16)
        #expect(esp_gcm_seal(enc, iv, aad, Int32(aad.count), plaintext, Int32(plaintext.count), &out, &tag, 16) == 1)
        #expect(out == expected)
        #expect(tag == expectedTag)

        let dec = try #require(esp_gcm_new(key, 16, 0))
        defer { esp_cipher_free(dec) }
        var back = [UInt8](repeating: 0, count: plaintext.count)
        #expect(esp_gcm_open(dec, iv, aad, Int32(aad.count), expected, Int32(expected.count), &back, expectedTag, 16) == 1)
        #expect(back == plaintext)
        var badTag = expectedTag
        badTag[0] ^= 1
        #expect(esp_gcm_open(dec, iv, aad, Int32(aad.count), expected, Int32(expected.count), &back, badTag, 16) == 0)
    }

    /// NIST SP 800-38A F.2.1 (CBC-AES128.Encrypt), first two blocks.
    @Test func aes128CBCSP80038A() throws {
        let key = hex("2b7e151628aed2a6abf7158809cf4f3c")
        let iv = hex("000102030405060708090a0b0c0d0e0f")
        let plaintext = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
        let expected = hex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2")
        let enc = try #require(esp_cbc_new(key, 16, 1))
        defer { esp_cipher_free(enc) }
        var out = [UInt8](repeating: 0, count: 32)
        #expect(esp_cbc(enc, iv, plaintext, 32, &out) == 1)
        #expect(out == expected)
        let dec = try #require(esp_cbc_new(key, 16, 0))
        defer { esp_cipher_free(dec) }
        var back = [UInt8](repeating: 0, count: 32)
        #expect(esp_cbc(dec, iv, expected, 32, &back) == 1)
        #expect(back == plaintext)
    }

    /// RFC 2202 §3 test case 1 (HMAC-SHA-1) and RFC 4231 §4.2 test case 1 (HMAC-SHA-256/384/512), which
    /// RFC 4868 refers to.
    @Test(arguments: [
        (Int32(1), "b617318655057264e28bc0b6fb378c8ef146be00"),
        (Int32(256), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (
            Int32(384),
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"
        ),
        (
            Int32(512),
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"
        ),
    ])
    func hmacTestCase1(digest: Int32, expected: String) throws {
        let key = [UInt8](repeating: 0x0b, count: 20)
        let data = Array("Hi There".utf8)
        let ctx = try #require(esp_hmac_new(key, 20, digest))
        defer { esp_hmac_free(ctx) }
        var mac = [UInt8](repeating: 0, count: 64)
        // Twice: the context must re-key correctly for the next packet.
        for _ in 0..<2 {
            #expect(esp_hmac(ctx, data, data.count, &mac) == 1)
            #expect(hexString(mac.prefix(expected.count / 2)) == expected)
        }
    }

    /// RFC 2202 §3 test case 2.
    @Test func hmacSHA1TestCase2() throws {
        let key = Array("Jefe".utf8)
        let data = Array("what do ya want for nothing?".utf8)
        let ctx = try #require(esp_hmac_new(key, Int32(key.count), 1))
        defer { esp_hmac_free(ctx) }
        var mac = [UInt8](repeating: 0, count: 64)
        #expect(esp_hmac(ctx, data, data.count, &mac) == 1)
        #expect(hexString(mac.prefix(20)) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    }

    /// RFC 4231 §4.7 test case 6: a key longer than the hash's block (131 bytes) is hashed first.
    @Test(arguments: [
        (Int32(256), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (
            Int32(512),
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"
        ),
    ])
    func hmacLongKeyTestCase6(digest: Int32, expected: String) throws {
        let key = [UInt8](repeating: 0xaa, count: 131)
        let data = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        let ctx = try #require(esp_hmac_new(key, Int32(key.count), digest))
        defer { esp_hmac_free(ctx) }
        var mac = [UInt8](repeating: 0, count: 64)
        #expect(esp_hmac(ctx, data, data.count, &mac) == 1)
        #expect(hexString(mac.prefix(expected.count / 2)) == expected)
    }

    /// A digest other than SHA-1 or SHA-2 (256, 384, 512) is refused, not guessed.
    @Test func hmacUnknownDigestIsRefused() {
        let key = [UInt8](repeating: 1, count: 16)
        #expect(esp_hmac_new(key, 16, 224) == nil)
    }
}
