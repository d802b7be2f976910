/* bytesrc - bytes to read: a buffer in memory, or a file read by offset
 *
 * A BYTESRC names len bytes either at data, or in the file fd from offset
 * 0, read with pread() so that the file's own offset is never used and a
 * descriptor shared with another process (the milter front's spool) is
 * read safely.  It borrows both: the caller keeps the buffer alive and
 * closes the file.  The engine and the quarantine take messages and
 * decoded parts this way, so that what is large stays on disk and memory
 * is bounded by the chunk sizes below, not by the message.
 */
#ifndef MUGAI_BYTESRC_H
#define MUGAI_BYTESRC_H

#include <glib.h>

/* Bytes per read when a file is gone through from start to end. */
#define BYTESRC_CHUNK (256 * 1024)

typedef struct {
    const guchar *data;         /* the bytes, or NULL when they are in fd */
    int     fd;                 /* read with pread() when data is NULL */
    gsize   len;
} BYTESRC;

/* bytesrc_mem, bytesrc_file - a BYTESRC for a buffer or a file */
BYTESRC bytesrc_mem(const void *data, gsize len);
BYTESRC bytesrc_file(int fd, gsize len);

/* bytesrc_read - up to n bytes from offset off into buf (fewer only at
 * the end); the count, or -1 with errno set */
gssize  bytesrc_read(const BYTESRC *s, gsize off, void *buf, gsize n);

/* BYTESRC_EACH - called with successive chunks; FALSE stops the walk */
typedef gboolean (*BYTESRC_EACH) (const guchar *chunk, gsize len, gpointer ctx);

/* bytesrc_each - fn over all bytes from off, in chunks of at most
 * BYTESRC_CHUNK (a buffer in one chunk); FALSE when a read failed (errno
 * set) or fn stopped the walk (errno 0) */
gboolean bytesrc_each(const BYTESRC *s, gsize off, BYTESRC_EACH fn, gpointer ctx);

/* bytesrc_head - the first min(len, max) bytes in memory: the buffer
 * itself, or read into *tmp (transfer full; the caller frees *tmp, which
 * is left NULL for a buffer); NULL when the read failed */
const guchar *bytesrc_head(const BYTESRC *s, gsize max, GByteArray **tmp, gsize *got);

/* bytesrc_sha256 - hex SHA-256 of the bytes, or NULL when a read failed (transfer full) */
char   *bytesrc_sha256(const BYTESRC *s);

/* bytesrc_find - does needle occur anywhere in the bytes? 1 yes, 0 no,
 * -1 when a read failed (errno set) */
int     bytesrc_find(const BYTESRC *s, const void *needle, gsize nlen);

/* BYTESTORE - bytes owned here: in memory while small, in an unlinked
 * file once they outgrow a limit (or a file taken over); src reads them
 * either way.  Start from BYTESTORE_INIT; bytestore_clear() releases. */
typedef struct {
    GByteArray *mem;            /* the bytes while in memory, or NULL */
    int     fd;                 /* the file (closed by bytestore_clear), or -1 */
    BYTESRC src;
} BYTESTORE;

#define BYTESTORE_INIT {NULL, -1, {(const guchar *) "", -1, 0}}

/* bytestore_append - add n bytes; when the total would pass
 * in_memory_max, what is held moves to a new unlinked file in dir (NULL:
 * $TMPDIR or /tmp) and this and later bytes are written to it.  FALSE and
 * *err when the file cannot be made or written (the store is then only
 * fit to be cleared) */
gboolean bytestore_append(BYTESTORE *b, const void *p, gsize n, gsize in_memory_max, const char *dir,
                          GError **err);

/* bytestore_clear - release the bytes and close the file; *b is
 * BYTESTORE_INIT afterwards (clearing twice is harmless) */
void    bytestore_clear(BYTESTORE *b);

#endif
