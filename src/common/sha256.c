/* sha256 - SHA-256 of bytes, from OpenSSL's libcrypto */
#include <openssl/evp.h>

#include "mugai/sha256.h"

struct sha256 {
    EVP_MD_CTX *ctx;
};

/* sha256_md - the SHA-256 implementation, fetched once per process */
static const EVP_MD *sha256_md(void)
{
    static gsize once;
    static EVP_MD *md;

    if (g_once_init_enter(&once)) {
        if ((md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
            g_error("libcrypto: SHA-256 unavailable");
        g_once_init_leave(&once, 1);
    }
    return md;
}

/* sha256_new - a running digest */
SHA256_SUM *sha256_new(void)
{
    SHA256_SUM *s = g_new0(SHA256_SUM, 1);

    if ((s->ctx = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(s->ctx, sha256_md(), NULL) != 1)
        g_error("libcrypto: cannot start a SHA-256 digest");
    return s;
}

/* sha256_update - add len bytes */
void    sha256_update(SHA256_SUM *s, const void *data, gsize len)
{
    if (len > 0 && EVP_DigestUpdate(s->ctx, data, len) != 1)
        g_error("libcrypto: SHA-256 update failed");
}

/* to_hex - lower-case hex of n bytes (transfer full) */
static char *to_hex(const guint8 *d, gsize n)
{
    static const char digits[] = "0123456789abcdef";
    char   *hex = g_malloc(2 * n + 1);
    gsize   i;

    for (i = 0; i < n; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[2 * n] = '\0';
    return hex;
}

/* sha256_hex - finish and release s */
char   *sha256_hex(SHA256_SUM *s)
{
    guint8  d[SHA256_LEN];
    unsigned int n = 0;

    if (EVP_DigestFinal_ex(s->ctx, d, &n) != 1 || n != SHA256_LEN)
        g_error("libcrypto: SHA-256 final failed");
    sha256_free(s);
    return to_hex(d, SHA256_LEN);
}

/* sha256_free - release without finishing; accepts NULL */
void    sha256_free(SHA256_SUM *s)
{
    if (s == NULL)
        return;
    EVP_MD_CTX_free(s->ctx);
    g_free(s);
}

/* sha256_digest - the digest of one buffer */
void    sha256_digest(const void *data, gsize len, guint8 out[SHA256_LEN])
{
    unsigned int n = 0;

    if (EVP_Digest(data, len, out, &n, sha256_md(), NULL) != 1 || n != SHA256_LEN)
        g_error("libcrypto: SHA-256 failed");
}

/* sha256_hex_of - lower-case hex digest of one buffer */
char   *sha256_hex_of(const void *data, gsize len)
{
    guint8  d[SHA256_LEN];

    sha256_digest(data, len, d);
    return to_hex(d, SHA256_LEN);
}
