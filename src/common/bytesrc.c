/* bytesrc - bytes to read: a buffer in memory, or a file read by offset */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "mugai/bytesrc.h"
#include "mugai/fdio.h"
#include "mugai/sha256.h"

/* bytesrc_mem - a buffer */
BYTESRC bytesrc_mem(const void *data, gsize len)
{
    BYTESRC s = {len ? data : (const guchar *) "", -1, len};

    return s;
}

/* bytesrc_file - a file from offset 0 */
BYTESRC bytesrc_file(int fd, gsize len)
{
    BYTESRC s = {NULL, fd, len};

    return s;
}

/* bytesrc_read - up to n bytes from off */
gssize  bytesrc_read(const BYTESRC *s, gsize off, void *buf, gsize n)
{
    gsize   done = 0;

    if (off >= s->len)
        return 0;
    n = MIN(n, s->len - off);
    if (s->data != NULL) {
        memcpy(buf, s->data + off, n);
        return (gssize) n;
    }
    while (done < n) {
        ssize_t r = pread(s->fd, (char *) buf + done, n - done, (off_t) (off + done));

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0) {
            errno = EIO;        /* the file is shorter than it said */
            return -1;
        }
        done += (gsize) r;
    }
    return (gssize) done;
}

/* bytesrc_each - fn over the bytes from off, chunk by chunk */
gboolean bytesrc_each(const BYTESRC *s, gsize off, BYTESRC_EACH fn, gpointer ctx)
{
    g_autofree guchar *buf = NULL;

    errno = 0;
    if (off >= s->len)
        return TRUE;
    if (s->data != NULL)
        return fn(s->data + off, s->len - off, ctx);
    buf = g_malloc(BYTESRC_CHUNK);
    while (off < s->len) {
        gssize  n = bytesrc_read(s, off, buf, BYTESRC_CHUNK);

        if (n < 0)
            return FALSE;
        if (!fn(buf, (gsize) n, ctx)) {
            errno = 0;
            return FALSE;
        }
        off += (gsize) n;
    }
    return TRUE;
}

/* bytesrc_head - the first bytes in memory */
const guchar *bytesrc_head(const BYTESRC *s, gsize max, GByteArray **tmp, gsize *got)
{
    gsize   n = MIN(s->len, max);
    gssize  r;

    *tmp = NULL;
    *got = n;
    if (s->data != NULL)
        return s->data;
    *tmp = g_byte_array_sized_new((guint) n + 1);
    g_byte_array_set_size(*tmp, (guint) n);
    if ((r = bytesrc_read(s, 0, (*tmp)->data, n)) != (gssize) n) {
        g_byte_array_free(*tmp, TRUE);
        *tmp = NULL;
        return NULL;
    }
    return (*tmp)->data;
}

/* sum_chunk - BYTESRC_EACH for bytesrc_sha256 */
static gboolean sum_chunk(const guchar *chunk, gsize len, gpointer ctx)
{
    sha256_update(ctx, chunk, len);
    return TRUE;
}

/* bytesrc_sha256 - hex SHA-256 (transfer full) */
char   *bytesrc_sha256(const BYTESRC *s)
{
    g_autoptr(SHA256_SUM) c = NULL;

    if (s->data != NULL)
        return sha256_hex_of(s->data, s->len);
    c = sha256_new();
    return bytesrc_each(s, 0, sum_chunk, c) ? sha256_hex(g_steal_pointer(&c)) : NULL;
}

/* bytesrc_find - needle anywhere; a file is searched in windows that
 * overlap by nlen - 1 bytes, so a match across two reads is found */
int     bytesrc_find(const BYTESRC *s, const void *needle, gsize nlen)
{
    g_autofree guchar *buf = NULL;
    gsize   off = 0;

    if (nlen == 0 || nlen > s->len)
        return nlen == 0;
    if (s->data != NULL)
        return memmem(s->data, s->len, needle, nlen) != NULL;
    buf = g_malloc(BYTESRC_CHUNK + nlen);
    for (;;) {
        gssize  n = bytesrc_read(s, off, buf, BYTESRC_CHUNK + nlen - 1);

        if (n < 0)
            return -1;
        if (memmem(buf, (gsize) n, needle, nlen) != NULL)
            return 1;
        if (off + (gsize) n >= s->len)
            return 0;
        off += (gsize) n - (nlen - 1);
    }
}

/* bytestore_append - add bytes, moving to a file past in_memory_max */
gboolean bytestore_append(BYTESTORE *b, const void *p, gsize n, gsize in_memory_max, const char *dir,
                          GError **err)
{
    if (b->fd < 0 && b->src.len + n > in_memory_max) {
        if ((b->fd = fd_tmpfile(dir, err)) < 0)
            return FALSE;
        if (b->mem != NULL && !fd_write_all(b->fd, b->mem->data, b->mem->len))
            goto fail;
        g_clear_pointer(&b->mem, g_byte_array_unref);
    }
    if (b->fd >= 0) {
        if (!fd_write_all(b->fd, p, n))
            goto fail;
        b->src = bytesrc_file(b->fd, b->src.len + n);
        return TRUE;
    }
    if (b->mem == NULL)
        b->mem = g_byte_array_new();
    g_byte_array_append(b->mem, p, (guint) n);
    b->src = bytesrc_mem(b->mem->data, b->mem->len);
    return TRUE;

fail:
    {
        int     e = errno ? errno : EIO;

        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e), "cannot write a temporary file: %s",
                    g_strerror(e));
        return FALSE;
    }
}

/* bytestore_clear - release */
void    bytestore_clear(BYTESTORE *b)
{
    BYTESTORE none = BYTESTORE_INIT;

    g_clear_pointer(&b->mem, g_byte_array_unref);
    if (b->fd >= 0)
        close(b->fd);
    *b = none;
}
