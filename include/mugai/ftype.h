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

typedef struct ftype FTYPE;

/* ftype_new - open and load the system magic database; NULL and *err on failure (transfer full) */
FTYPE  *ftype_new(GError **err);

/* ftype_free - release; accepts NULL */
void    ftype_free(FTYPE *ft);

/* ftype_detect - MIME type of the bytes, e.g. "application/pdf"; never NULL (transfer full) */
char   *ftype_detect(FTYPE *ft, const void *buf, gsize len);

/* ftype_in - does type (any case) match one of the lower-case globs
 * (NULL-terminated)?  FALSE for a NULL type */
gboolean ftype_in(const char *const *globs, const char *type);

/* ftype_mismatch - do the file name's extension, the declared type and the
 * true type belong to different families (text, PDF, image, Office,
 * archive, media, Windows executable)?  Each pair is compared when both
 * are known; generic types (application/octet-stream) are never a
 * mismatch.  A name with bidi or invisible characters is one too. */
gboolean ftype_mismatch(const char *filename, const char *declared, const char *detected);

#endif
