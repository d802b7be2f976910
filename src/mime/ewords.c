/* ewords - RFC 2047 encoded words put right before GMime decodes a header */
#include <string.h>

#include "mugai/charset.h"
#include "mugai/ewords.h"

/* Longest charset label taken from an encoded word. */
#define EWORDS_MAX_CHARSET 40

typedef struct {
    char    charset[EWORDS_MAX_CHARSET + 1];   /* without any *language */
    char    enc;                /* 'B' or 'Q' */
    const char *text, *end;     /* payload; end is just past "?=" */
    gsize   text_len;
} EWORD;

/* parse_word - an encoded word at p (lenient: any payload without '?' or white space) */
static gboolean parse_word(const char *p, EWORD *w)
{
    const char *cs, *q;
    gsize   n;

    if (p[0] != '=' || p[1] != '?')
        return FALSE;
    cs = p + 2;
    if ((q = strchr(cs, '?')) == NULL || q == cs)
        return FALSE;
    n = (gsize) (q - cs);
    if (memchr(cs, '*', n))
        n = (gsize) ((const char *) memchr(cs, '*', n) - cs);
    if (n == 0 || n > EWORDS_MAX_CHARSET)
        return FALSE;
    memcpy(w->charset, cs, n);
    w->charset[n] = '\0';
    w->enc = g_ascii_toupper(q[1]);
    if ((w->enc != 'B' && w->enc != 'Q') || q[2] != '?')
        return FALSE;
    w->text = q + 3;
    for (q = w->text; *q && *q != '?' && *q != ' ' && *q != '\t' && *q != '\r' && *q != '\n'; q++)
        ;
    if (q[0] != '?' || q[1] != '=')
        return FALSE;
    w->text_len = (gsize) (q - w->text);
    w->end = q + 2;
    return TRUE;
}

/* decode_payload - append the bytes of w to out */
static void decode_payload(const EWORD *w, GByteArray *out)
{
    gsize   i;

    if (w->enc == 'B') {
        gint    state = 0;
        guint   save = 0;
        guchar *buf = g_malloc(w->text_len / 4 * 3 + 4);
        gsize   n = g_base64_decode_step(w->text, w->text_len, buf, &state, &save);

        g_byte_array_append(out, buf, (guint) n);
        g_free(buf);
        return;
    }
    for (i = 0; i < w->text_len; i++) {
        guchar  c = (guchar) w->text[i];

        if (c == '_')
            c = ' ';
        else if (c == '=' && i + 2 < w->text_len && g_ascii_isxdigit(w->text[i + 1])
                 && g_ascii_isxdigit(w->text[i + 2])) {
            c = (guchar) (g_ascii_xdigit_value(w->text[i + 1]) * 16 + g_ascii_xdigit_value(w->text[i + 2]));
            i += 2;
        }
        g_byte_array_append(out, &c, 1);
    }
}

/* skip_space - past linear white space (folding included) */
static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    return p;
}

/* has_escape - does s contain an ISO-2022-JP escape? */
static gboolean has_escape(const char *s)
{
    return strstr(s, "\033$") != NULL || strstr(s, "\033(") != NULL;
}

/* ewords_normalize - join, decode, re-encode */
char   *ewords_normalize(const char *value)
{
    GString *out = g_string_sized_new(strlen(value) + 16);
    const char *p = value;

    if (strstr(value, "=?") == NULL && !has_escape(value)) {
        g_string_append(out, value);
        return g_string_free(out, FALSE);
    }
    while (*p) {
        EWORD   w, next;
        GByteArray *bytes;
        GString *utf8;
        const char *q;
        g_autofree char *b64 = NULL;

        if (!parse_word(p, &w)) {
            if (*p == '\033') {
                /* Raw ISO-2022-JP up to the end of the value. */
                charset_to_utf8(p, strlen(p), "iso-2022-jp", out, NULL);
                break;
            }
            g_string_append_c(out, *p++);
            continue;
        }
        bytes = g_byte_array_new();
        decode_payload(&w, bytes);
        q = w.end;
        while (parse_word(skip_space(q), &next) && g_ascii_strcasecmp(next.charset, w.charset) == 0) {
            decode_payload(&next, bytes);
            q = next.end;
        }
        utf8 = g_string_new(NULL);
        charset_to_utf8((const char *) bytes->data, bytes->len, w.charset, utf8, NULL);
        b64 = g_base64_encode((const guchar *) utf8->str, utf8->len);
        g_string_append_printf(out, "=?UTF-8?B?%s?=", b64);
        g_string_free(utf8, TRUE);
        g_byte_array_free(bytes, TRUE);
        p = q;
    }
    return g_string_free(out, FALSE);
}
