// Thin, allocation-free wrappers over OpenSSL's libcrypto (EVP) for ESP's per-packet path.
// Every function works on caller-provided buffers and a context created once per SA, so sealing or
// opening a packet allocates nothing. Return value: 1 on success, 0 on failure (for *_open: the ICV
// did not verify).
#ifndef MERIDIAN_CESPCRYPTO_SHIM_H
#define MERIDIAN_CESPCRYPTO_SHIM_H
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

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

/// HMAC (RFC 2104) keyed once: the hash states after absorbing K XOR ipad and K XOR opad are computed here,
/// and every MAC starts from plain struct copies of them, so computing one allocates nothing (OpenSSL 3's
/// HMAC_Init_ex re-init and HMAC_Final duplicate provider contexts on the heap, two allocations per MAC).
/// Uses libcrypto's one-shot hash block functions (SHA1_Update, ...), deprecated for applications in 3.0
/// but kept, and backed by the same assembly as EVP.
typedef struct esp_hmac_ctx {
    int digest;
    int block;
    int length;
    union esp_hash_state { SHA_CTX sha1; SHA256_CTX sha256; SHA512_CTX sha512; } inner, outer, work;
} esp_hmac_ctx;

static inline void esp_hash_init(int digest, union esp_hash_state *s) {
    switch (digest) {
    case 1: SHA1_Init(&s->sha1); break;
    case 256: SHA256_Init(&s->sha256); break;
    case 384: SHA384_Init(&s->sha512); break;
    default: SHA512_Init(&s->sha512); break;
    }
}

static inline void esp_hash_update(int digest, union esp_hash_state *s, const uint8_t *in, size_t len) {
    switch (digest) {
    case 1: SHA1_Update(&s->sha1, in, len); break;
    case 256: SHA256_Update(&s->sha256, in, len); break;
    default: SHA512_Update(&s->sha512, in, len); break;  // SHA-384 shares SHA-512's update
    }
}

static inline void esp_hash_final(int digest, union esp_hash_state *s, uint8_t *out) {
    switch (digest) {
    case 1: SHA1_Final(out, &s->sha1); break;
    case 256: SHA256_Final(out, &s->sha256); break;
    case 384: SHA384_Final(out, &s->sha512); break;
    default: SHA512_Final(out, &s->sha512); break;
    }
}

/// HMAC context keyed once; digest: 1 = SHA-1, 256, 384, 512. NULL for another digest or no memory.
static inline esp_hmac_ctx *esp_hmac_new(const uint8_t *key, int key_len, int digest) {
    int block, length;
    switch (digest) {
    case 1: block = 64; length = 20; break;
    case 256: block = 64; length = 32; break;
    case 384: block = 128; length = 48; break;
    case 512: block = 128; length = 64; break;
    default: return NULL;
    }
    if (key_len < 0) return NULL;
    esp_hmac_ctx *ctx = (esp_hmac_ctx *)OPENSSL_zalloc(sizeof(esp_hmac_ctx));
    if (ctx == NULL) return NULL;
    ctx->digest = digest;
    ctx->block = block;
    ctx->length = length;
    uint8_t k[128] = {0}, pad[128];
    if (key_len > block) {  // RFC 2104 §2: a key longer than the block is hashed first
        esp_hash_init(digest, &ctx->work);
        esp_hash_update(digest, &ctx->work, key, (size_t)key_len);
        esp_hash_final(digest, &ctx->work, k);
    } else if (key_len > 0) {
        memcpy(k, key, (size_t)key_len);
    }
    for (int i = 0; i < block; i++) pad[i] = k[i] ^ 0x36;
    esp_hash_init(digest, &ctx->inner);
    esp_hash_update(digest, &ctx->inner, pad, (size_t)block);
    for (int i = 0; i < block; i++) pad[i] = k[i] ^ 0x5c;
    esp_hash_init(digest, &ctx->outer);
    esp_hash_update(digest, &ctx->outer, pad, (size_t)block);
    OPENSSL_cleanse(k, sizeof k);
    OPENSSL_cleanse(pad, sizeof pad);
    OPENSSL_cleanse(&ctx->work, sizeof ctx->work);
    return ctx;
}

static inline void esp_hmac_free(esp_hmac_ctx *ctx) {
    if (ctx == NULL) return;
    OPENSSL_cleanse(ctx, sizeof *ctx);
    OPENSSL_free(ctx);
}

/// HMAC over one buffer with the context's key; writes the full digest (up to 64 bytes) to mac.
static inline int esp_hmac(esp_hmac_ctx *ctx, const uint8_t *in, size_t len, uint8_t *mac) {
    uint8_t inner[64];
    ctx->work = ctx->inner;
    esp_hash_update(ctx->digest, &ctx->work, in, len);
    esp_hash_final(ctx->digest, &ctx->work, inner);
    ctx->work = ctx->outer;
    esp_hash_update(ctx->digest, &ctx->work, inner, (size_t)ctx->length);
    esp_hash_final(ctx->digest, &ctx->work, mac);
    return 1;
}

/// Constant-time comparison; 1 if equal.
static inline int esp_equal(const uint8_t *a, const uint8_t *b, size_t len) { return CRYPTO_memcmp(a, b, len) == 0; }

#endif
