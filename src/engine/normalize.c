/* normalize - the raw message as GMime is given it */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "mugai/fdio.h"
#include "normalize.h"

/* Bytes gathered before a write to the result file. */
#define NORMALIZE_WRITE_BYTES (256 * 1024)

/* SINK - where the result goes, with the delimiter count that cuts it */
typedef struct {
    NORMAL_MSG *out;
    BYTESTORE *res;             /* &out->data */
    gsize   len;                /* bytes of the result so far */
    GByteArray *wbuf;           /* for a file: bytes not yet written */
    gsize   max_lines;          /* "--" lines allowed before the cut */
    gsize   lines;              /* "--" lines seen */
    gboolean bol;               /* the next byte starts a line */
    gboolean dash;              /* the last line so far is the single byte "-" */
    gboolean failed;            /* a write failed (errno kept in err_no) */
    int     err_no;
} SINK;

/* sink_flush - write what is gathered to the file */
static void sink_flush(SINK *s)
{
    if (s->wbuf == NULL || s->wbuf->len == 0 || s->failed)
        return;
    if (!fd_write_all(s->res->fd, s->wbuf->data, s->wbuf->len)) {
        s->failed = TRUE;
        s->err_no = errno ? errno : EIO;
    }
    g_byte_array_set_size(s->wbuf, 0);
}

/* sink_store - append n bytes to the result */
static void sink_store(SINK *s, const guchar *p, gsize n)
{
    if (n == 0)
        return;
    s->len += n;
    if (s->wbuf == NULL) {
        g_byte_array_append(s->res->mem, p, (guint) n);
        return;
    }
    if (s->wbuf->len + n > NORMALIZE_WRITE_BYTES)
        sink_flush(s);
    if (n >= NORMALIZE_WRITE_BYTES) {
        if (!s->failed && !fd_write_all(s->res->fd, p, n)) {
            s->failed = TRUE;
            s->err_no = errno ? errno : EIO;
        }
        return;
    }
    g_byte_array_append(s->wbuf, p, (guint) n);
}

/* sink_cut - the line starting at result offset at is one "--" line too
 * many: drop it and everything after it */
static void sink_cut(SINK *s, gsize at)
{
    gsize   drop = s->len - at;

    s->out->cut = TRUE;
    s->len = at;
    if (s->wbuf == NULL)
        g_byte_array_set_size(s->res->mem, (guint) at);
    else if (drop <= s->wbuf->len)
        g_byte_array_set_size(s->wbuf, s->wbuf->len - (guint) drop);
    else {
        sink_flush(s);          /* the pending '-' went straight to the file */
        if (ftruncate(s->res->fd, (off_t) at) != 0 && !s->failed) {
            s->failed = TRUE;
            s->err_no = errno;
        }
    }
}

/* sink_put - append p to the result, counting lines that start with "--" */
static void sink_put(SINK *s, const guchar *p, gsize n)
{
    gsize   i = 0;

    if (s->out->cut || n == 0)
        return;
    if (s->dash) {              /* a line began with '-' at the end of the last put */
        s->dash = FALSE;
        if (p[0] == '-' && ++s->lines > s->max_lines) {
            sink_cut(s, s->len - 1);
            return;
        }
    }
    while (i < n) {
        const guchar *nl;

        if (s->bol) {
            s->bol = FALSE;
            if (i + 1 < n && p[i] == '-' && p[i + 1] == '-' && ++s->lines > s->max_lines) {
                sink_store(s, p, i);
                sink_cut(s, s->len);
                return;
            }
            if (i + 1 == n && p[i] == '-')
                s->dash = TRUE;
        }
        if ((nl = memchr(p + i, '\n', n - i)) == NULL)
            break;
        i = (gsize) (nl - p) + 1;
        s->bol = TRUE;
    }
    sink_store(s, p, n);
}

/* no_lf_in - BYTESRC_EACH: go on while no LF is found */
static gboolean no_lf_in(const guchar *chunk, gsize len, gpointer ctx)
{
    (void) ctx;
    return memchr(chunk, '\n', len) == NULL;
}

/* header_section - normalize the header section at the start of raw
 * into hdr; the raw bytes it took (the body starts there), or raw_len
 * when the section does not end within raw */
static gsize header_section(const guchar *raw, gsize raw_len, gboolean cr_lines, GByteArray *hdr,
                            gboolean *ended, guint *nuls)
{
    gsize   i, n = 0;
    guint8 *o;

    *ended = FALSE;
    g_byte_array_set_size(hdr, (guint) raw_len + 1);
    o = hdr->data;              /* n <= i + 1 <= raw_len: within the buffer */
    for (i = 0; i < raw_len; i++) {
        guint8  c = raw[i];

        if (c == '\r') {
            if (i + 1 < raw_len && raw[i + 1] == '\n') {
                c = '\n';
                i++;
            } else {
                /* In a message with LFs a bare CR is not a line end (as in
                 * SMTP and Postfix): it cannot start a field or end the
                 * section early. */
                c = cr_lines ? '\n' : ' ';
            }
        }
        if (c == '\0') {
            c = ' ';
            (*nuls)++;
        }
        if (c == '\n' && (n == 0 || o[n - 1] == '\n')) {
            o[n++] = c;
            *ended = TRUE;
            g_byte_array_set_size(hdr, (guint) n);
            return i + 1;
        }
        o[n++] = c;
    }
    g_byte_array_set_size(hdr, (guint) n);
    return raw_len;
}

/* BODY - state of the body's line-end conversion across chunks */
typedef struct {
    SINK   *sink;
    gboolean skip_lf;           /* the last chunk ended in CR: a LF first is its pair */
} BODY;

/* body_chunk - BYTESRC_EACH: copy the runs between CRs, each CR a LF */
static gboolean body_chunk(const guchar *p, gsize len, gpointer ctx)
{
    static const guchar lf = '\n';
    BODY   *b = ctx;
    gsize   i = 0;

    if (b->skip_lf && len > 0 && p[0] == '\n')
        i = 1;
    b->skip_lf = FALSE;
    while (i < len) {
        const guchar *cr = memchr(p + i, '\r', len - i);
        gsize   run = (cr ? (gsize) (cr - p) : len) - i;

        sink_put(b->sink, p + i, run);
        i += run;
        if (cr == NULL)
            break;
        sink_put(b->sink, &lf, 1);
        if (i + 1 == len)
            b->skip_lf = TRUE;
        i += (i + 1 < len && p[i + 1] == '\n') ? 2 : 1;
    }
    return !b->sink->failed && !b->sink->out->cut;
}

/* last_byte - the result's last byte, or -1 when it is empty */
static int last_byte(SINK *s)
{
    guchar  c;

    if (s->len == 0)
        return -1;
    if (s->wbuf == NULL)
        return s->res->mem->data[s->len - 1];
    if (s->wbuf->len > 0)
        return s->wbuf->data[s->wbuf->len - 1];
    return pread(s->res->fd, &c, 1, (off_t) s->len - 1) == 1 ? c : -1;
}

/* normalize_message - normalize in into *out */
gboolean normalize_message(const BYTESRC *in, const MUGAI_CONF *conf, NORMAL_MSG *out, GError **err)
{
    static const guchar lf = '\n';
    BYTESTORE none = BYTESTORE_INIT;
    SINK    s = {out, &out->data, 0, NULL, (gsize) conf->max_parts * 2 + 16, 0, TRUE, FALSE, FALSE, 0};
    BODY    b = {&s, FALSE};
    gsize   head_max = (gsize) conf->max_header_bytes * 2 + 2, head_got, body_at;
    g_autoptr(GByteArray) head_tmp = NULL;
    g_autoptr(GByteArray) hdr = g_byte_array_new();
    const guchar *head;
    gboolean cr_lines, ended, no_lf;

    memset(out, 0, sizeof(*out));
    out->data = none;
    /* Does the input have a LF? Usually answered by its first line. */
    if (!(no_lf = bytesrc_each(in, 0, no_lf_in, NULL)) && errno != 0)
        goto read_error;
    cr_lines = in->len > 0 && no_lf;
    /* The header section is read whole: a section longer than head_max
     * raw bytes normalizes to more than max_header_bytes (a CRLF at most
     * halves), and is refused without reading on. */
    if ((head = bytesrc_head(in, head_max, &head_tmp, &head_got)) == NULL)
        goto read_error;
    body_at = header_section(head, head_got, cr_lines, hdr, &ended, &out->nuls);
    out->hdr_len = ended ? hdr->len : in->len;
    if (out->hdr_len > (gsize) conf->max_header_bytes) {
        out->header_too_large = TRUE;
        return TRUE;
    }
    if (in->len <= (gsize) conf->engine_in_memory_max) {
        out->data.mem = g_byte_array_sized_new((guint) in->len + 1);
    } else {
        if ((out->data.fd = fd_tmpfile(conf->engine_temp_directory, err)) < 0)
            return FALSE;
        s.wbuf = g_byte_array_sized_new(NORMALIZE_WRITE_BYTES);
    }
    sink_put(&s, hdr->data, hdr->len);
    if (ended && !bytesrc_each(in, body_at, body_chunk, &b) && errno != 0)
        goto read_error;
    /* An unterminated last line (the header's, in a message that is all
     * header) would leave GMime without a header section at all. */
    if (last_byte(&s) != '\n' && s.len > 0)
        sink_put(&s, &lf, 1);
    sink_flush(&s);
    if (s.wbuf != NULL)
        g_byte_array_free(s.wbuf, TRUE);
    if (s.failed) {
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(s.err_no),
                    "cannot write the message's temporary file: %s", g_strerror(s.err_no));
        bytestore_clear(&out->data);
        return FALSE;
    }
    out->data.src = out->data.mem ? bytesrc_mem(out->data.mem->data, s.len) : bytesrc_file(out->data.fd, s.len);
    return TRUE;

read_error:
    g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot read the message: %s",
                g_strerror(errno));
    if (s.wbuf != NULL)
        g_byte_array_free(s.wbuf, TRUE);
    bytestore_clear(&out->data);
    return FALSE;
}
