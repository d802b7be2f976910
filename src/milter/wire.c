/* wire - records between the milter front and its sanitizing workers */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "mugai/fdio.h"
#include "wire.h"

/* wire_put_begin - the head of a record */
gboolean wire_put_begin(int fd, char tag, gsize len)
{
    char    head[5];
    guint32 n = (guint32) len;

    if (len > WIRE_MAX_RECORD)
        return FALSE;
    head[0] = tag;
    memcpy(head + 1, &n, sizeof(n));
    return fd_write_all(fd, head, sizeof(head));
}

/* wire_write - raw bytes */
gboolean wire_write(int fd, const void *data, gsize len)
{
    return fd_write_all(fd, data, len);
}

/* wire_put - write one record */
gboolean wire_put(int fd, char tag, const void *data, gsize len)
{
    return wire_put_begin(fd, tag, len) && fd_write_all(fd, data, len);
}

/* wire_put_str - a string record; NULL sends nothing */
gboolean wire_put_str(int fd, char tag, const char *s)
{
    return s == NULL || wire_put(fd, tag, s, strlen(s));
}

/* read_all - fill buf before deadline, calling tick while waiting */
static WIRE_STATUS read_all(int fd, void *buf, gsize len, gint64 deadline, WIRE_TICK tick, void *ctx)
{
    char   *p = buf;

    while (len > 0) {
        struct pollfd pfd = {fd, POLLIN, 0};
        gint64  now = g_get_monotonic_time();
        gint64  wait = WIRE_TICK_SECONDS * G_USEC_PER_SEC;
        ssize_t n;
        int     rc;

        if (deadline > 0 && now >= deadline)
            return WIRE_TIMEOUT;
        if (deadline > 0)
            wait = MIN(wait, deadline - now);
        rc = poll(&pfd, 1, (int) (wait / 1000) + 1);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return WIRE_ERROR;
        if (rc == 0) {
            if (tick)
                tick(ctx);
            continue;
        }
        n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == ECONNRESET ? WIRE_EOF : WIRE_ERROR;
        if (n == 0)
            return WIRE_EOF;
        p += n;
        len -= (gsize) n;
    }
    return WIRE_OK;
}

/* wire_get - read one record */
WIRE_STATUS wire_get(int fd, gint64 deadline, WIRE_TICK tick, void *ctx, char *tag, GByteArray **data)
{
    char    head[5];
    guint32 n;
    WIRE_STATUS st;
    GByteArray *ba;

    *data = NULL;
    if ((st = read_all(fd, head, sizeof(head), deadline, tick, ctx)) != WIRE_OK)
        return st;
    memcpy(&n, head + 1, sizeof(n));
    if (n > WIRE_MAX_RECORD)
        return WIRE_ERROR;
    ba = g_byte_array_sized_new(n + 1);
    g_byte_array_set_size(ba, n + 1);
    if ((st = read_all(fd, ba->data, n, deadline, tick, ctx)) != WIRE_OK) {
        g_byte_array_free(ba, TRUE);
        return st;
    }
    ba->data[n] = '\0';
    g_byte_array_set_size(ba, n);
    *tag = head[0];
    *data = ba;
    return WIRE_OK;
}
