/* wire - records between the milter front and its sanitizing workers */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mugai/fdio.h"
#include "wire.h"

struct WIRE {
    int     fd;                 /* borrowed */
    GString *out;               /* records not yet written */
    gboolean failed;            /* a write failed: every later call fails */
    char    in[WIRE_BUFFER_BYTES];  /* read ahead: in[in_at..in_end) */
    gsize   in_at, in_end;
};

/* wire_new - buffers for fd (transfer full) */
WIRE   *wire_new(int fd)
{
    WIRE   *w = g_new0(WIRE, 1);

    w->fd = fd;
    w->out = g_string_sized_new(WIRE_BUFFER_BYTES);
    return w;
}

/* wire_free - drop the buffers */
void    wire_free(WIRE *w)
{
    if (w == NULL)
        return;
    g_string_free(w->out, TRUE);
    g_free(w);
}

/* wire_flush - write what was added */
gboolean wire_flush(WIRE *w)
{
    if (!w->failed && w->out->len > 0 && !fd_write_all(w->fd, w->out->str, w->out->len))
        w->failed = TRUE;
    g_string_truncate(w->out, 0);
    return !w->failed;
}

/* wire_write - raw bytes: gathered when small, written through when large */
gboolean wire_write(WIRE *w, const void *data, gsize len)
{
    if (w->failed)
        return FALSE;
    if (w->out->len + len <= WIRE_BUFFER_BYTES) {
        g_string_append_len(w->out, data, (gssize) len);
        return TRUE;
    }
    if (!wire_flush(w))
        return FALSE;
    if (len < WIRE_BUFFER_BYTES) {
        g_string_append_len(w->out, data, (gssize) len);
        return TRUE;
    }
    if (!fd_write_all(w->fd, data, len))
        w->failed = TRUE;
    return !w->failed;
}

/* wire_put_begin - the head of a record */
gboolean wire_put_begin(WIRE *w, char tag, gsize len)
{
    char    head[5];
    guint32 n = (guint32) len;

    if (len > WIRE_MAX_RECORD)
        return FALSE;
    head[0] = tag;
    memcpy(head + 1, &n, sizeof(n));
    return wire_write(w, head, sizeof(head));
}

/* wire_put - add one record */
gboolean wire_put(WIRE *w, char tag, const void *data, gsize len)
{
    return wire_put_begin(w, tag, len) && wire_write(w, data, len);
}

/* wire_put_str - a string record; NULL adds nothing */
gboolean wire_put_str(WIRE *w, char tag, const char *s)
{
    return s == NULL || wire_put(w, tag, s, strlen(s));
}

/* fill - read what is there into dst (up to len bytes); when nothing is,
 * wait for it before deadline, calling tick while waiting.  Reads without
 * blocking first, so data already queued costs no poll(). */
static WIRE_STATUS fill(WIRE *w, char *dst, gsize len, gsize *got, gint64 deadline, WIRE_TICK tick, void *ctx)
{
    for (;;) {
        struct pollfd pfd = {w->fd, POLLIN, 0};
        gint64  now, wait = WIRE_TICK_SECONDS * G_USEC_PER_SEC;
        ssize_t n = recv(w->fd, dst, len, MSG_DONTWAIT);
        int     rc;

        if (n > 0) {
            *got = (gsize) n;
            return WIRE_OK;
        }
        if (n == 0)
            return WIRE_EOF;
        if (errno == EINTR)
            continue;
        if (errno == ECONNRESET)
            return WIRE_EOF;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return WIRE_ERROR;
        now = g_get_monotonic_time();
        if (deadline > 0 && now >= deadline)
            return WIRE_TIMEOUT;
        if (deadline > 0)
            wait = MIN(wait, deadline - now);
        rc = poll(&pfd, 1, (int) (wait / 1000) + 1);
        if (rc < 0 && errno != EINTR)
            return WIRE_ERROR;
        if (rc == 0 && tick)
            tick(ctx);
    }
}

/* read_all - len bytes into buf: from the read-ahead first, then large
 * remainders straight into buf, small ones through the read-ahead */
static WIRE_STATUS read_all(WIRE *w, void *buf, gsize len, gint64 deadline, WIRE_TICK tick, void *ctx)
{
    char   *p = buf;

    while (len > 0) {
        gsize   have = w->in_end - w->in_at, n;
        WIRE_STATUS st;

        if (have > 0) {
            n = MIN(have, len);
            memcpy(p, w->in + w->in_at, n);
            w->in_at += n;
            p += n;
            len -= n;
            continue;
        }
        if (len >= sizeof(w->in)) {
            if ((st = fill(w, p, len, &n, deadline, tick, ctx)) != WIRE_OK)
                return st;
            p += n;
            len -= n;
            continue;
        }
        if ((st = fill(w, w->in, sizeof(w->in), &n, deadline, tick, ctx)) != WIRE_OK)
            return st;
        w->in_at = 0;
        w->in_end = n;
    }
    return WIRE_OK;
}

/* wire_get - flush, then read one record */
WIRE_STATUS wire_get(WIRE *w, gint64 deadline, WIRE_TICK tick, void *ctx, char *tag, GByteArray **data)
{
    char    head[5];
    guint32 n;
    WIRE_STATUS st;
    GByteArray *ba;

    *data = NULL;
    if (!wire_flush(w))
        return WIRE_ERROR;
    if ((st = read_all(w, head, sizeof(head), deadline, tick, ctx)) != WIRE_OK)
        return st;
    memcpy(&n, head + 1, sizeof(n));
    if (n > WIRE_MAX_RECORD)
        return WIRE_ERROR;
    ba = g_byte_array_sized_new(n + 1);
    g_byte_array_set_size(ba, n + 1);
    if ((st = read_all(w, ba->data, n, deadline, tick, ctx)) != WIRE_OK) {
        g_byte_array_free(ba, TRUE);
        return st;
    }
    ba->data[n] = '\0';
    g_byte_array_set_size(ba, n);
    *tag = head[0];
    *data = ba;
    return WIRE_OK;
}
