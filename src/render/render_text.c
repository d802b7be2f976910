/* render_text - text/plain bodies to clean UTF-8 text */
#include <string.h>

#include "mugai/render.h"

/* render_clean_append - append text without stray controls */
gsize   render_clean_append(const char *text, gsize len, GString *out)
{
    const char *p = text, *end = text + len;
    gsize   dropped = 0;

    while (p < end) {
        const char *run = p;

        /* Copy runs of harmless bytes in one go. */
        while (p < end && ((guchar) *p >= 0x20 || *p == '\t' || *p == '\n') && (guchar) *p != 0x7F
               && !((guchar) *p == 0xC2 && p + 1 < end && (guchar) p[1] >= 0x80 && (guchar) p[1] <= 0x9F))
            p++;
        g_string_append_len(out, run, p - run);
        if (p >= end)
            break;
        if (*p == '\r') {
            g_string_append_c(out, '\n');
            p += (p + 1 < end && p[1] == '\n') ? 2 : 1;
        } else if ((guchar) *p == 0xC2) {
            p += 2;             /* C1 control U+0080..U+009F */
            dropped++;
        } else {
            p++;
            dropped++;
        }
    }
    return dropped;
}

/* quote_depth - number of leading '>' characters */
static gsize quote_depth(const char *l, gsize n)
{
    gsize   q = 0;

    while (q < n && l[q] == '>')
        q++;
    return q;
}

/* render_flowed - join RFC 3676 soft line breaks */
static void render_flowed(const char *text, gsize len, gboolean delsp, GString *out)
{
    const char *p = text, *end = text + len;
    gboolean joining = FALSE;
    gsize   cur_q = 0;

    while (p < end) {
        const char *nl = memchr(p, '\n', end - p);
        gsize   n = nl ? (gsize) (nl - p) : (gsize) (end - p);
        gsize   q = quote_depth(p, n);
        const char *body = p + q;
        gsize   bn = n - q;
        gboolean soft;

        if (bn > 0 && body[0] == ' ')       /* space-stuffing */
            body++, bn--;
        soft = bn > 0 && body[bn - 1] == ' ' && !(bn == 3 && memcmp(body, "-- ", 3) == 0);
        if (joining && q != cur_q) {
            g_string_append_c(out, '\n');   /* quote depth changed: end the paragraph */
            joining = FALSE;
        }
        if (!joining && q > 0) {
            gsize   i;

            for (i = 0; i < q; i++)
                g_string_append_c(out, '>');
            g_string_append_c(out, ' ');
        }
        g_string_append_len(out, body, (soft && delsp) ? bn - 1 : bn);
        joining = soft;
        cur_q = q;
        if (!soft)
            g_string_append_c(out, '\n');
        p = nl ? nl + 1 : end;
    }
    if (joining)
        g_string_append_c(out, '\n');
}

/* render_text_plain - append cleaned text to out */
void    render_text_plain(const char *text, gsize len, gboolean flowed, gboolean delsp,
                          GString *out)
{
    GString *clean;

    if (!flowed) {
        render_clean_append(text, len, out);
        return;
    }
    clean = g_string_sized_new(len);
    render_clean_append(text, len, clean);
    render_flowed(clean->str, clean->len, delsp, out);
    g_string_free(clean, TRUE);
}

/* render_tidy - strip trailing blanks, collapse blank-line runs, trim */
void    render_tidy(GString *text)
{
    gsize   r = 0, w = 0, blank_run = 0;
    gboolean any = FALSE;
    char   *s;

    /* With a final newline every line is consumed whole, so w never passes r. */
    if (text->len > 0 && text->str[text->len - 1] != '\n')
        g_string_append_c(text, '\n');
    s = text->str;

    while (r < text->len) {
        char   *nl = memchr(s + r, '\n', text->len - r);
        gsize   n = nl ? (gsize) (nl - (s + r)) : text->len - r;
        gsize   k = n;

        while (k > 0 && (s[r + k - 1] == ' ' || s[r + k - 1] == '\t'))
            k--;
        if (k == 0) {
            blank_run++;
        } else {
            if (any && blank_run > 0)
                s[w++] = '\n';
            memmove(s + w, s + r, k);
            w += k;
            s[w++] = '\n';
            any = TRUE;
            blank_run = 0;
        }
        r += n + (nl ? 1 : 0);
    }
    g_string_truncate(text, w);
}
