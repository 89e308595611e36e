// Thin, allocation-free wrappers over OpenSSL's libcrypto (EVP) for ESP's per-packet path.
// Every function works on caller-provided buffers and a context created once per SA, so sealing or
// opening a packet allocates nothing. Return value: 1 on success, 0 on failure (for *_open: the ICV
// did not verify).
#ifndef MERIDIAN_CESPCRYPTO_SHIM_H
#define MERIDIAN_CESPCRYPTO_SHIM_H
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <stdint.h>
#include <stddef.h>

/// Returns a new cipher context keyed for AES-GCM (key_len 16, 24 or 32), or NULL.
static inline EVP_CIPHER_CTX *esp_gcm_new(const uint8_t *key, int key_len, int encrypt) {
    const EVP_CIPHER *cipher = key_len == 16 ? EVP_aes_128_gcm() : key_len == 24 ? EVP_aes_192_gcm()
                             : key_len == 32 ? EVP_aes_256_gcm() : NULL;
    if (cipher == NULL) return NULL;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) return NULL;
    if (EVP_CipherInit_ex(ctx, cipher, NULL, NULL, NULL, encrypt) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) != 1 ||
        EVP_CipherInit_ex(ctx, NULL, NULL, key, NULL, encrypt) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/// Returns a new cipher context keyed for AES-CBC without padding (key_len 16, 24 or 32), or NULL.
static inline EVP_CIPHER_CTX *esp_cbc_new(const uint8_t *key, int key_len, int encrypt) {
    const EVP_CIPHER *cipher = key_len == 16 ? EVP_aes_128_cbc() : key_len == 24 ? EVP_aes_192_cbc()
                             : key_len == 32 ? EVP_aes_256_cbc() : NULL;
    if (cipher == NULL) return NULL;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) return NULL;
    if (EVP_CipherInit_ex(ctx, cipher, NULL, key, NULL, encrypt) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static inline void esp_cipher_free(EVP_CIPHER_CTX *ctx) { EVP_CIPHER_CTX_free(ctx); }

/// AES-GCM seal: out receives in_len bytes of ciphertext (in and out may be the same buffer), tag receives
/// tag_len bytes.
static inline int esp_gcm_seal(EVP_CIPHER_CTX *ctx, const uint8_t *nonce12, const uint8_t *aad, int aad_len,
                               const uint8_t *in, int in_len, uint8_t *out, uint8_t *tag, int tag_len) {
    int n = 0, m = 0;
    if (EVP_EncryptInit_ex(ctx, NULL, NULL, NULL, nonce12) != 1) return 0;
    if (aad_len > 0 && EVP_EncryptUpdate(ctx, NULL, &n, aad, aad_len) != 1) return 0;
    if (EVP_EncryptUpdate(ctx, out, &n, in, in_len) != 1) return 0;
    if (EVP_EncryptFinal_ex(ctx, out + n, &m) != 1) return 0;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, tag_len, tag) != 1) return 0;
    return 1;
}

/// AES-GCM open: verifies the tag and writes in_len bytes of plaintext to out. Returns 0 if the tag is wrong
/// (out then holds unauthenticated bytes the caller must not use).
static inline int esp_gcm_open(EVP_CIPHER_CTX *ctx, const uint8_t *nonce12, const uint8_t *aad, int aad_len,
                               const uint8_t *in, int in_len, uint8_t *out, const uint8_t *tag, int tag_len) {
    int n = 0, m = 0;
    if (EVP_DecryptInit_ex(ctx, NULL, NULL, NULL, nonce12) != 1) return 0;
    if (aad_len > 0 && EVP_DecryptUpdate(ctx, NULL, &n, aad, aad_len) != 1) return 0;
    if (EVP_DecryptUpdate(ctx, out, &n, in, in_len) != 1) return 0;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, tag_len, (void *)tag) != 1) return 0;
    return EVP_DecryptFinal_ex(ctx, out + n, &m) == 1;
}

/// AES-CBC over whole blocks (len a multiple of 16), encrypting or decrypting as the context was created.
static inline int esp_cbc(EVP_CIPHER_CTX *ctx, const uint8_t *iv16, const uint8_t *in, int len, uint8_t *out) {
    int n = 0, m = 0;
    if (len % 16 != 0) return 0;
    if (EVP_CipherInit_ex(ctx, NULL, NULL, NULL, iv16, -1) != 1) return 0;
    if (EVP_CipherUpdate(ctx, out, &n, in, len) != 1) return 0;
    return EVP_CipherFinal_ex(ctx, out + n, &m) == 1;
}

/// HMAC context keyed once; digest: 1 = SHA-1, 256, 384, 512.
static inline HMAC_CTX *esp_hmac_new(const uint8_t *key, int key_len, int digest) {
    const EVP_MD *md = digest == 1 ? EVP_sha1() : digest == 256 ? EVP_sha256() : digest == 384 ? EVP_sha384()
                     : digest == 512 ? EVP_sha512() : NULL;
    if (md == NULL) return NULL;
    HMAC_CTX *ctx = HMAC_CTX_new();
    if (ctx == NULL) return NULL;
    if (HMAC_Init_ex(ctx, key, key_len, md, NULL) != 1) { HMAC_CTX_free(ctx); return NULL; }
    return ctx;
}

static inline void esp_hmac_free(HMAC_CTX *ctx) { HMAC_CTX_free(ctx); }

/// HMAC over one buffer with the context's key; writes the full digest (up to 64 bytes) to mac.
static inline int esp_hmac(HMAC_CTX *ctx, const uint8_t *in, size_t len, uint8_t *mac) {
    unsigned int n = 0;
    if (HMAC_Init_ex(ctx, NULL, 0, NULL, NULL) != 1) return 0;
    if (HMAC_Update(ctx, in, len) != 1) return 0;
    return HMAC_Final(ctx, mac, &n) == 1;
}

/// Constant-time comparison; 1 if equal.
static inline int esp_equal(const uint8_t *a, const uint8_t *b, size_t len) { return CRYPTO_memcmp(a, b, len) == 0; }

#endif
