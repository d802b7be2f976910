/* ftype - the true type of decoded bytes, from libmagic
 *
 * A libmagic handle is not thread-safe: keep one FTYPE per thread or
 * worker process.
 */
#ifndef MUGAI_FTYPE_H
#define MUGAI_FTYPE_H

#include <glib.h>

/* Bytes handed to libmagic; the formats we care about identify themselves early. */
#define FTYPE_MAX_PROBE_BYTES (1024 * 1024)

/* Answers for at most this many bytes are remembered by their SHA-256:
 * past it the digest costs about what libmagic does (about 40
 * microseconds for 64 KB against libmagic's 100-300 per call). */
#define FTYPE_CACHE_MAX_BYTES (64 * 1024)

/* Slots of the cache by default ([engine] type_cache), and at most
 * (about 100 bytes each when full). */
#define FTYPE_CACHE_DEFAULT 4096
#define FTYPE_CACHE_MAX_SLOTS 65536

typedef struct ftype FTYPE;

/* ftype_new - open and load the system magic database, with a cache of
 * cache_slots answers (0: none); NULL and *err on failure (transfer full).
 * libmagic walks thousands of rules for each call; the same bytes (the
 * parts every Office document repeats, a logo in every signature, a
 * newsletter's images) come back often, and the cache answers them
 * exactly: same bytes, same database, same answer. */
FTYPE  *ftype_new(guint cache_slots, GError **err);

/* ftype_free - release; accepts NULL */
void    ftype_free(FTYPE *ft);

/* ftype_detect - MIME type of the bytes (their first FTYPE_MAX_PROBE_BYTES),
 * e.g. "application/pdf"; never NULL (transfer full) */
char   *ftype_detect(FTYPE *ft, const void *buf, gsize len);

/* ftype_cache_stats - calls that went to the cache, and those it answered */
void    ftype_cache_stats(const FTYPE *ft, guint64 *lookups, guint64 *hits);

/* ftype_in - does type match one of the globs (a NULL-terminated list;
 * ASCII case ignored; "*" any run of bytes, "?" any one byte)?  FALSE for
 * a NULL type */
gboolean ftype_in(const char *const *globs, const char *type);

/* ftype_mismatch - do the file name's extension, the declared type and the
 * true type belong to different families (text, PDF, image, Office,
 * archive, media, Windows executable)?  Each pair is compared when both
 * are known; generic types (application/octet-stream) are never a
 * mismatch.  A name with bidi or invisible characters is one too. */
gboolean ftype_mismatch(const char *filename, const char *declared, const char *detected);

#endif
