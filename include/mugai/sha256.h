/* sha256 - SHA-256 of bytes, from OpenSSL's libcrypto
 *
 * libcrypto uses the CPU's SHA instructions where there are some (about
 * four times glib's GChecksum on this project's machines).  Used for the
 * attachment table, the quarantine's checksums and libmagic's answers
 * remembered by content (ftype).
 */
#ifndef MUGAI_SHA256_H
#define MUGAI_SHA256_H

#include <glib.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN (2 * SHA256_LEN)

typedef struct sha256 SHA256_SUM;  /* not SHA256: OpenSSL has a function of that name */

/* sha256_new - a running digest (transfer full; never NULL: aborts when
 * libcrypto cannot allocate, like g_malloc) */
SHA256_SUM *sha256_new(void);

/* sha256_update - add len bytes */
void    sha256_update(SHA256_SUM *s, const void *data, gsize len);

/* sha256_hex - finish and release s; lower-case hex (transfer full) */
char   *sha256_hex(SHA256_SUM *s);

/* sha256_free - release without finishing; accepts NULL */
void    sha256_free(SHA256_SUM *s);

/* sha256_digest - the digest of one buffer into out */
void    sha256_digest(const void *data, gsize len, guint8 out[SHA256_LEN]);

/* sha256_hex_of - lower-case hex digest of one buffer (transfer full) */
char   *sha256_hex_of(const void *data, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SHA256_SUM, sha256_free)

#endif
