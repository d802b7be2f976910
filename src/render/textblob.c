/* textblob - cut uuencoded, BinHex and yEnc blocks out of body text */
#include <string.h>

#include "mugai/textblob.h"

/* A line view into the input: [p, p+len) without its line end. */
typedef struct {
    const char *p;
    gsize   len;
    gsize   next;               /* offset of the following line */
} LINE;

/* line_at - the line starting at offset off; FALSE at end of input */
static gboolean line_at(const char *in, gsize len, gsize off, LINE *l)
{
    const char *nl;

    if (off >= len)
        return FALSE;
    l->p = in + off;
    nl = memchr(l->p, '\n', len - off);
    l->len = nl ? (gsize) (nl - l->p) : len - off;
    l->next = off + l->len + (nl ? 1 : 0);
    if (l->len > 0 && l->p[l->len - 1] == '\r')
        l->len--;
    return TRUE;
}

/* line_is - does the line equal the literal s? */
static gboolean line_is(const LINE *l, const char *s)
{
    return l->len == strlen(s) && memcmp(l->p, s, l->len) == 0;
}

/* line_starts - does the line start with the literal s? */
static gboolean line_starts(const LINE *l, const char *s)
{
    gsize   n = strlen(s);

    return l->len >= n && memcmp(l->p, s, n) == 0;
}

/* uu_begin - parse "begin MODE NAME"; *name gets NAME (transfer full) */
static gboolean uu_begin(const LINE *l, char **name)
{
    gsize   i = 6, digits = 0;

    if (!line_starts(l, "begin "))
        return FALSE;
    while (i < l->len && l->p[i] >= '0' && l->p[i] <= '7' && digits < 5)
        i++, digits++;
    if (digits < 3 || digits > 4 || i >= l->len || l->p[i] != ' ' || i + 1 >= l->len)
        return FALSE;
    *name = g_strndup(l->p + i + 1, l->len - i - 1);
    return TRUE;
}

/* uu_line - decode one uuencoded line into out; FALSE if it is not one */
static gboolean uu_line(const LINE *l, GByteArray *out, gboolean *last)
{
    gsize   n, i, need;

    *last = FALSE;
    if (l->len == 0)
        return FALSE;
    n = (guchar) (l->p[0] - ' ') & 0x3F;
    if (n == 0) {
        *last = TRUE;
        return TRUE;
    }
    need = 1 + (n + 2) / 3 * 4;
    if (l->len < need || l->len > need + 2)
        return FALSE;
    for (i = 1; i + 3 < need + 1 && n > 0; i += 4) {
        guchar  c[4], b[3];
        gsize   k, take = MIN(n, 3);

        for (k = 0; k < 4; k++) {
            if (l->p[i + k] < ' ' || l->p[i + k] > '`')
                return FALSE;
            c[k] = (guchar) (l->p[i + k] - ' ') & 0x3F;
        }
        b[0] = (guchar) (c[0] << 2 | c[1] >> 4);
        b[1] = (guchar) (c[1] << 4 | c[2] >> 2);
        b[2] = (guchar) (c[2] << 6 | c[3]);
        g_byte_array_append(out, b, (guint) take);
        n -= take;
    }
    return TRUE;
}

/* take_uuencode - decode a block starting at a begin line; returns next offset or 0 */
static gsize take_uuencode(const char *in, gsize len, const LINE *begin, GByteArray *data)
{
    LINE    l;
    gsize   off = begin->next;
    gboolean last = FALSE;
    guint   lines = 0;

    while (line_at(in, len, off, &l)) {
        if (line_is(&l, "end"))
            return lines > 0 ? l.next : 0;
        if (last || !uu_line(&l, data, &last))
            return lines > 0 ? off : 0;         /* block without "end": stop here */
        lines++;
        off = l.next;
    }
    return lines > 0 ? off : 0;
}

/* yenc_param - value of "key=" on a =ybegin line (rest of line for name) */
static char *yenc_name(const LINE *l)
{
    const char *p = g_strstr_len(l->p, (gssize) l->len, " name=");

    if (p == NULL)
        return g_strdup("");
    p += 6;
    return g_strndup(p, l->len - (gsize) (p - l->p));
}

/* take_yenc - decode a =ybegin block; returns next offset or 0 */
static gsize take_yenc(const char *in, gsize len, const LINE *begin, GByteArray *data)
{
    LINE    l;
    gsize   off = begin->next, i;

    while (line_at(in, len, off, &l)) {
        if (line_starts(&l, "=yend"))
            return l.next;
        if (!line_starts(&l, "=ypart ")) {
            for (i = 0; i < l.len; i++) {
                guchar  c = (guchar) l.p[i];

                if (c == '=' && i + 1 < l.len)
                    c = (guchar) (l.p[++i] - 64);
                c = (guchar) (c - 42);
                g_byte_array_append(data, &c, 1);
            }
        }
        off = l.next;
    }
    return off;                 /* unterminated: the rest of the text is the block */
}

/* take_binhex - find the extent of a BinHex 4.0 block; returns next offset or 0 */
static gsize take_binhex(const char *in, gsize len, const LINE *intro, GByteArray *data)
{
    LINE    l;
    gsize   off = intro->next;
    gboolean started = FALSE;

    while (line_at(in, len, off, &l)) {
        if (!started) {
            if (l.len == 0) {
                off = l.next;
                continue;
            }
            if (l.p[0] != ':')
                return 0;
            started = TRUE;
        }
        g_byte_array_append(data, (const guchar *) l.p, (guint) l.len);
        g_byte_array_append(data, (const guchar *) "\n", 1);
        off = l.next;
        if (l.len > 1 && l.p[l.len - 1] == ':')
            return off;
    }
    return started ? off : 0;
}

/* textblob_kind_type - MIME type used to describe a block kind */
const char *textblob_kind_type(TEXTBLOB_KIND kind)
{
    switch (kind) {
    case TEXTBLOB_UUENCODE: return "application/x-uuencode";
    case TEXTBLOB_BINHEX: return "application/mac-binhex40";
    case TEXTBLOB_YENC: return "application/x-yenc";
    }
    return "application/octet-stream";
}

/* textblob_extract - copy in to out without encoded blocks */
guint   textblob_extract(const char *in, gsize len, GByteArray *out,
                         TEXTBLOB_FN fn, gpointer ctx)
{
    LINE    l;
    gsize   off = 0;
    guint   found = 0;

    while (line_at(in, len, off, &l)) {
        g_autofree char *name = NULL;
        GByteArray *data = g_byte_array_new();
        TEXTBLOB_KIND kind = TEXTBLOB_UUENCODE;
        gsize   next = 0;

        if (uu_begin(&l, &name)) {
            kind = TEXTBLOB_UUENCODE;
            next = take_uuencode(in, len, &l, data);
        } else if (line_starts(&l, "=ybegin ")) {
            kind = TEXTBLOB_YENC;
            name = yenc_name(&l);
            next = take_yenc(in, len, &l, data);
        } else if (l.len >= 40 && g_strstr_len(l.p, (gssize) l.len,
                                                "(This file must be converted with BinHex")) {
            kind = TEXTBLOB_BINHEX;
            name = g_strdup("");
            next = take_binhex(in, len, &l, data);
        }
        if (next > 0) {
            fn(kind, name, data->data, data->len, ctx, out);
            found++;
            off = next;
        } else {
            g_byte_array_append(out, (const guchar *) l.p, (guint) (l.next - off));
            off = l.next;
        }
        g_byte_array_unref(data);
    }
    return found;
}
