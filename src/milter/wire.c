/* wire - records between the milter front and its sanitizing workers */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mugai/fdio.h"
#include "wire.h"

/* Descriptors a reader keeps until they are taken; more are closed. */
#define WIRE_MAX_FDS 4

struct WIRE {
    int     fd;                 /* borrowed */
    int     fds[WIRE_MAX_FDS];  /* received, not yet taken: fds[0..nfds) */
    guint   nfds;
    GString *out;               /* records not yet written */
    gboolean failed;            /* a write failed: every later call fails */
    char    in[WIRE_BUFFER_BYTES];  /* read ahead: in[in_at..in_end) */
    gsize   in_at, in_end;
};

/* wire_new - buffers for fd (transfer full).  The 64 KB read buffer is
 * not cleared: only in[in_at..in_end) is ever read, and clearing it cost
 * a memset and page faults on every message. */
WIRE   *wire_new(int fd)
{
    WIRE   *w = g_new(WIRE, 1);

    w->fd = fd;
    w->nfds = 0;
    w->out = g_string_sized_new(WIRE_BUFFER_BYTES);
    w->failed = FALSE;
    w->in_at = w->in_end = 0;
    return w;
}

/* wire_free - drop the buffers */
void    wire_free(WIRE *w)
{
    if (w == NULL)
        return;
    while (w->nfds > 0)
        close(w->fds[--w->nfds]);
    g_string_free(w->out, TRUE);
    g_free(w);
}

/* wire_flush - write what was added */
gboolean wire_flush(WIRE *w)
{
    if (!w->failed && w->out->len > 0 && !fd_send_all(w->fd, w->out->str, w->out->len))
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
    if (!fd_send_all(w->fd, data, len))
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

/* wire_put_fd - one record, sent at once with fd attached to its first byte */
gboolean wire_put_fd(WIRE *w, char tag, const void *data, gsize len, int fd)
{
    char    cbuf[CMSG_SPACE(sizeof(int))];
    struct msghdr mh = {0};
    struct iovec iov;
    struct cmsghdr *cm;
    ssize_t n;

    if (!wire_flush(w) || !wire_put(w, tag, data, len))
        return FALSE;
    memset(cbuf, 0, sizeof(cbuf));
    iov.iov_base = w->out->str;
    iov.iov_len = w->out->len;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof(cbuf);
    cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    do
        n = sendmsg(w->fd, &mh, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
        w->failed = TRUE;
        return FALSE;
    }
    /* The descriptor went with the first byte; the rest is plain data. */
    g_string_erase(w->out, 0, n);
    return wire_flush(w);
}

/* wire_take_fd - the oldest descriptor received */
int     wire_take_fd(WIRE *w)
{
    int     fd;

    if (w->nfds == 0)
        return -1;
    fd = w->fds[0];
    memmove(w->fds, w->fds + 1, (--w->nfds) * sizeof(int));
    return fd;
}

/* keep_fds - descriptors that came with a read */
static void keep_fds(WIRE *w, struct msghdr *mh)
{
    struct cmsghdr *cm;

    for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
        int    *fds = (int *) CMSG_DATA(cm);
        gsize   i, n;

        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
            continue;
        n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (i = 0; i < n; i++) {
            int     fd;

            memcpy(&fd, fds + i, sizeof(int));
            if (w->nfds < WIRE_MAX_FDS)
                w->fds[w->nfds++] = fd;
            else
                close(fd);
        }
    }
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
        char    cbuf[CMSG_SPACE(sizeof(int) * WIRE_MAX_FDS)];
        struct iovec iov = {dst, len};
        struct msghdr mh = {0};
        ssize_t n;
        int     rc;

        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = cbuf;
        mh.msg_controllen = sizeof(cbuf);
        n = recvmsg(w->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n > 0)
            keep_fds(w, &mh);
        if (n > 0 && (mh.msg_flags & MSG_CTRUNC))
            return WIRE_ERROR;  /* a descriptor was lost */
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
