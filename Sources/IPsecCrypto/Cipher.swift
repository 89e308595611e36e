import Crypto
import Foundation
import _CryptoExtras

/// AES-CBC and AES-GCM-16 with explicit IVs, as IKE's SK payload (RFC 7296 §3.14, RFC 5282) and ESP
/// (RFC 3602, RFC 4106) use them. Padding is the caller's job: both protocols define their own trailer.
public enum Cipher {
    /// Encrypts whole blocks with AES-CBC, no padding.
    ///
    /// - Throws: ``IPsecCryptoError/invalidLength(what:expected:actual:)`` for a bad key/IV or a partial block.
    public static func cbcEncrypt(_ plaintext: [UInt8], key: [UInt8], iv: [UInt8]) throws(IPsecCryptoError) -> [UInt8] {
        guard plaintext.count % 16 == 0 else {
            throw .invalidLength(
                what: "AES-CBC plaintext (multiple of 16)",
                expected: plaintext.count / 16 * 16 + 16,
                actual: plaintext.count
            )
        }
        guard iv.count == 16 else { throw .invalidLength(what: "AES-CBC IV", expected: 16, actual: iv.count) }
        guard [16, 24, 32].contains(key.count) else {
            throw .invalidLength(what: "AES key", expected: 16, actual: key.count)
        }
        do {
            let out = try AES._CBC.encrypt(
                plaintext,
                using: SymmetricKey(data: key),
                iv: AES._CBC.IV(ivBytes: iv),
                noPadding: true
            )
            return [UInt8](out)
        } catch { throw .malformedCiphertext("AES-CBC encryption failed: \(error)") }
    }

    /// Decrypts whole blocks with AES-CBC, no padding removed.
    public static func cbcDecrypt(_ ciphertext: [UInt8], key: [UInt8], iv: [UInt8]) throws(IPsecCryptoError) -> [UInt8]
    {
        guard ciphertext.count % 16 == 0, !ciphertext.isEmpty else {
            throw .malformedCiphertext(
                "AES-CBC ciphertext of \(ciphertext.count) octets is not a non-empty multiple of 16"
            )
        }
        guard iv.count == 16 else { throw .invalidLength(what: "AES-CBC IV", expected: 16, actual: iv.count) }
        guard [16, 24, 32].contains(key.count) else {
            throw .invalidLength(what: "AES key", expected: 16, actual: key.count)
        }
        do {
            let out = try AES._CBC.decrypt(
                ciphertext,
                using: SymmetricKey(data: key),
                iv: AES._CBC.IV(ivBytes: iv),
                noPadding: true
            )
            return [UInt8](out)
        } catch { throw .malformedCiphertext("AES-CBC decryption failed") }
    }

    /// AES-GCM with a 16-octet tag; nonce = salt(4) | iv(8) (RFC 4106 §4, RFC 5282 §3). Returns ciphertext | tag.
    public static func gcmSeal(
        _ plaintext: [UInt8],
        key: [UInt8],
        salt: [UInt8],
        iv: [UInt8],
        aad: [UInt8]
    ) throws(IPsecCryptoError)
        -> [UInt8]
    {
        guard salt.count == 4, iv.count == 8 else {
            throw .invalidLength(what: "AES-GCM salt + IV", expected: 12, actual: salt.count + iv.count)
        }
        do {
            let box = try AES.GCM.seal(
                plaintext,
                using: SymmetricKey(data: key),
                nonce: AES.GCM.Nonce(data: salt + iv),
                authenticating: aad
            )
            return [UInt8](box.ciphertext) + [UInt8](box.tag)
        } catch { throw .invalidLength(what: "AES-GCM key", expected: 16, actual: key.count) }
    }

    /// Opens ciphertext | tag sealed by ``gcmSeal(_:key:salt:iv:aad:)``.
    ///
    /// - Throws: ``IPsecCryptoError/integrityCheckFailed`` if authentication fails.
    public static func gcmOpen(
        _ sealed: [UInt8],
        key: [UInt8],
        salt: [UInt8],
        iv: [UInt8],
        aad: [UInt8]
    ) throws(IPsecCryptoError)
        -> [UInt8]
    {
        guard sealed.count >= 16 else { throw .malformedCiphertext("AES-GCM data shorter than its 16-octet tag") }
        guard salt.count == 4, iv.count == 8 else {
            throw .invalidLength(what: "AES-GCM salt + IV", expected: 12, actual: salt.count + iv.count)
        }
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: salt + iv),
                ciphertext: sealed.dropLast(16),
                tag: sealed.suffix(16)
            )
            return [UInt8](try AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: aad))
        } catch { throw .integrityCheckFailed }
    }
}
