/* outmsg - the sanitized message's header and body */
#include <string.h>

#include "mugai/render.h"
#include "mugai/ewords.h"
#include "mugai/jis.h"
#include "mugai/charset.h"
#include "outmsg.h"

static const char *const outmsg_keep[] = {
    "Received", "From", "Sender", "Reply-To", "To", "Cc", "Subject", "Date",
    "Message-ID", "In-Reply-To", "References",
};
/* What a kept field shows when nothing readable is left of it. */
#define OUTMSG_UNREADABLE "(unreadable)"
static const char *const outmsg_address[] = {"From", "Sender", "Reply-To", "To", "Cc"};

/* name_in - case-insensitive membership in a list of names */
static gboolean name_in(const char *name, const char *const *list, gsize n)
{
    gsize   i;

    for (i = 0; i < n; i++)
        if (list[i] && g_ascii_strcasecmp(name, list[i]) == 0)
            return TRUE;
    return FALSE;
}

/* is_plain_ascii - printable ASCII (and spaces) only, no encoded-word lookalike */
static gboolean is_plain_ascii(const char *s)
{
    const char *p;

    for (p = s; *p; p++)
        if ((guchar) *p < 0x20 || (guchar) *p > 0x7E)
            return FALSE;
    return strstr(s, "=?") == NULL;
}

/* fold_tokens - fold at white space for a field whose name is name_len
 * long; NULL when a single token cannot fit a line (transfer full) */
static char *fold_tokens(const char *value, gsize name_len)
{
    g_auto(GStrv) tok = g_strsplit_set(value, " \t", -1);
    GString *s = g_string_new(NULL);
    gsize   col = name_len + 2, i;

    for (i = 0; tok[i]; i++) {
        gsize   n = strlen(tok[i]);

        if (n == 0)
            continue;
        if (n + name_len + 2 > OUTMSG_MAX_LINE) {
            g_string_free(s, TRUE);
            return NULL;
        }
        if (s->len > 0) {
            if (col + 1 + n > OUTMSG_FOLD_COLUMN) {
                g_string_append(s, "\n ");
                col = 1;
            } else {
                g_string_append_c(s, ' ');
                col++;
            }
        }
        g_string_append(s, tok[i]);
        col += n;
    }
    return g_string_free(s, FALSE);
}

/* outmsg_encode_unstructured - RFC 2047 encode and fold UTF-8 text */
char   *outmsg_encode_unstructured(const char *text, gsize name_len)
{
    g_autofree char *clean = NULL;
    GString *s, *tmp;
    const char *p, *end;

    tmp = g_string_new(NULL);
    render_clean_append(text, strlen(text), tmp);
    g_strdelimit(tmp->str, "\t\n", ' ');
    clean = g_strstrip(g_string_free(tmp, FALSE));
    if (is_plain_ascii(clean)) {
        char   *folded = fold_tokens(clean, name_len);

        if (folded != NULL)
            return folded;
    }
    s = g_string_new(NULL);
    p = clean;
    end = clean + strlen(clean);
    while (p < end) {
        const char *q = p;
        g_autofree char *b64 = NULL;

        /* Take whole characters up to OUTMSG_WORD_BYTES. */
        while (q < end) {
            const char *nx = g_utf8_next_char(q);

            if (nx - p > OUTMSG_WORD_BYTES)
                break;
            q = nx;
        }
        if (q == p)
            q = g_utf8_next_char(p);
        b64 = g_base64_encode((const guchar *) p, (gsize) (q - p));
        if (s->len > 0)
            g_string_append(s, "\n ");
        g_string_append_printf(s, "=?UTF-8?B?%s?=", b64);
        p = q;
    }
    return g_string_free(s, FALSE);
}

/* force_utf8 - make addresses encode their names as UTF-8 words */
static void force_utf8(InternetAddressList *list)
{
    int     i, n = internet_address_list_length(list);

    for (i = 0; i < n; i++) {
        InternetAddress *a = internet_address_list_get_address(list, i);

        internet_address_set_charset(a, "UTF-8");
        if (INTERNET_ADDRESS_IS_GROUP(a))
            force_utf8(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)));
    }
}

/* encode_addresses - re-encoded address list, or NULL when none parse (transfer full) */
static char *encode_addresses(const char *name, const char *raw, GMimeParserOptions *po)
{
    InternetAddressList *list = internet_address_list_parse(po, raw);
    GString *s;
    gsize   n;

    if (list == NULL)
        return NULL;
    if (internet_address_list_length(list) == 0) {
        g_object_unref(list);
        return NULL;
    }
    force_utf8(list);
    s = g_string_new(name);
    g_string_append_c(s, ':');
    n = s->len;
    internet_address_list_encode(list, NULL, s);
    g_object_unref(list);
    g_string_erase(s, 0, (gssize) n);
    g_strchug(s->str);
    g_strchomp(s->str);
    g_strdelimit(s->str, "\t", ' ');
    return g_string_free(s, FALSE);
}

/* encode_unstructured_jis - RFC 2047 ISO-2022-JP words, each a few
 * characters so that it stays self-contained and short (transfer full) */
static char *encode_unstructured_jis(const char *text)
{
    GString *s = g_string_new(NULL);
    const char *p = text, *end = text + strlen(text);

    while (p < end) {
        const char *q = p;
        guint   n = 0;
        g_autoptr(GString) jis = g_string_new(NULL);
        g_autofree char *b64 = NULL;

        while (q < end && n < OUTMSG_JIS_WORD_CHARS) {
            q = g_utf8_next_char(q);
            n++;
        }
        jis_encode_utf8(p, q - p, jis);
        b64 = g_base64_encode((const guchar *) jis->str, jis->len);
        g_string_append_printf(s, "%s=?ISO-2022-JP?B?%s?=", s->len ? "\n " : "", b64);
        p = q;
    }
    return g_string_free(s, FALSE);
}

/* longest_line - octets in the longest line of s; the first line starts at column col */
static gsize longest_line(const char *s, gsize len, gsize col)
{
    gsize   i, max = col;

    for (i = 0; i < len; i++) {
        col = s[i] == '\n' ? 0 : col + 1;
        max = MAX(max, col);
    }
    return max;
}

/* outmsg_headers - add the kept header fields of msg to v */
void    outmsg_headers(VERDICT *v, GMimeMessage *msg, const MUGAI_CONF *conf,
                       GMimeParserOptions *po)
{
    GMimeHeaderList *hl;
    int     i, n;

    if (msg == NULL)
        return;
    hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
    n = g_mime_header_list_get_count(hl);
    for (i = 0; i < n; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        const char *name = g_mime_header_get_name(h);
        const char *raw0 = g_mime_header_get_raw_value(h);
        g_autofree char *raw = NULL;
        g_autofree char *value = NULL;
        g_autofree char *unfolded = NULL;

        /* Only kept fields are worth decoding. */
        if (name == NULL || raw0 == NULL
            || (!name_in(name, outmsg_keep, G_N_ELEMENTS(outmsg_keep))
                && !(conf->keep_headers && name_in(name, (const char *const *) conf->keep_headers,
                                                   g_strv_length(conf->keep_headers)))))
            continue;
        raw = ewords_normalize(raw0);
        /* Undeclared 8-bit text that is not UTF-8: decode it here, where a
         * byte that fits no charset becomes U+FFFD.  GMime's fallback
         * conversion takes a lone CP932 lead byte as an incomplete
         * character and returns nothing, which dropped the field. */
        if (!g_utf8_validate(raw, -1, NULL)) {
            GString *utf8 = g_string_new(NULL);

            charset_to_utf8(raw, strlen(raw), NULL, utf8, NULL);
            g_free(raw);
            raw = g_string_free(utf8, FALSE);
        }
        if (name_in(name, outmsg_address, G_N_ELEMENTS(outmsg_address)))
            value = encode_addresses(name, raw, po);
        if (value == NULL) {
            unfolded = g_mime_utils_header_unfold(raw);
            g_strstrip(unfolded);
            if (is_plain_ascii(unfolded) && g_ascii_strcasecmp(name, "Subject") != 0) {
                if ((value = fold_tokens(unfolded, strlen(name))) == NULL) {
                    verdict_add_anomaly(v, "overlong-header-dropped", FALSE);
                    continue;
                }
            } else {
                g_autofree char *decoded = g_mime_utils_header_decode_text(po, unfolded);

                if (conf->out_charset == CONF_OUT_ISO2022JP && !is_plain_ascii(decoded))
                    value = encode_unstructured_jis(decoded);
                else
                    value = outmsg_encode_unstructured(decoded, strlen(name));
            }
        }
        /* GMime's address folding can leave an unbreakable run: fall back
         * to encoded words, which always fold. */
        if (longest_line(value, strlen(value), strlen(name) + 2) > OUTMSG_MAX_LINE) {
            g_autofree char *decoded = g_mime_utils_header_decode_text(po, raw);

            g_free(value);
            value = outmsg_encode_unstructured(decoded, strlen(name));
            verdict_add_anomaly(v, "overlong-header-reencoded", FALSE);
        }
        if (*value == '\0') {
            g_autofree char *given = g_mime_utils_header_unfold(raw);

            /* A field with content of which nothing readable is left
             * (control characters, broken encoded words) is said to be
             * unreadable rather than dropped: the reader relies on it. */
            if (*g_strstrip(given) == '\0')
                continue;
            g_free(value);
            value = g_strdup(OUTMSG_UNREADABLE);
            verdict_add_anomaly(v, "unreadable-header", FALSE);
        }
        verdict_add_header(v, name, value);
        if (g_ascii_strcasecmp(name, "From") == 0 && v->log_from == NULL)
            v->log_from = g_mime_utils_header_unfold(raw);
        else if (g_ascii_strcasecmp(name, "Message-ID") == 0 && v->log_msgid == NULL)
            v->log_msgid = g_mime_utils_header_unfold(raw);
        else if (g_ascii_strcasecmp(name, "Subject") == 0 && v->log_subject == NULL) {
            g_autofree char *subj = g_mime_utils_header_unfold(raw);

            v->log_subject = g_mime_utils_header_decode_text(po, subj);
        }
    }
}

/* choose_encoding - 7bit when it is plain short-lined ASCII, else QP or base64 */
static GMimeContentEncoding choose_encoding(const GString *t)
{
    gsize   i, high = 0;

    for (i = 0; i < t->len; i++)
        high += (guchar) t->str[i] >= 0x80;
    if (high == 0 && longest_line(t->str, t->len, 0) <= 76)
        return GMIME_CONTENT_ENCODING_7BIT;
    if (high * 6 < t->len)
        return GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
    return GMIME_CONTENT_ENCODING_BASE64;
}

/* encode_with - transfer-encode v->text into v->body */
static void encode_with(VERDICT *v, GMimeContentEncoding enc)
{
    GMimeEncoding state;
    gsize   n;

    if (enc == GMIME_CONTENT_ENCODING_7BIT) {
        g_string_assign(v->body, v->text->str);
        return;
    }
    g_mime_encoding_init_encode(&state, enc);
    g_string_set_size(v->body, g_mime_encoding_outlen(&state, v->text->len) + 16);
    n = g_mime_encoding_flush(&state, v->text->str, v->text->len, v->body->str);
    g_string_set_size(v->body, n);
}

/* body_jis - v->text as ISO-2022-JP: 7bit when every line fits, else base64 */
static GMimeContentEncoding body_jis(VERDICT *v)
{
    g_autoptr(GString) jis = g_string_new(NULL);
    GMimeEncoding state;
    gsize   n;

    jis_encode_utf8(v->text->str, v->text->len, jis);
    if (longest_line(jis->str, jis->len, 0) <= OUTMSG_MAX_LINE) {
        g_string_assign(v->body, jis->str);
        return GMIME_CONTENT_ENCODING_7BIT;
    }
    g_mime_encoding_init_encode(&state, GMIME_CONTENT_ENCODING_BASE64);
    g_string_set_size(v->body, g_mime_encoding_outlen(&state, jis->len) + 16);
    n = g_mime_encoding_flush(&state, jis->str, jis->len, v->body->str);
    g_string_set_size(v->body, n);
    return GMIME_CONTENT_ENCODING_BASE64;
}

/* outmsg_body - transfer-encode v->text into v->body */
void    outmsg_body(VERDICT *v, const MUGAI_CONF *conf)
{
    GMimeContentEncoding enc;

    if (conf->out_charset == CONF_OUT_ISO2022JP) {
        enc = body_jis(v);
    } else {
        enc = choose_encoding(v->text);
        encode_with(v, enc);
        /* GMime's quoted-printable encoder can leave long lines (seen on runs of
         * ';'); base64 always wraps at 76, so it is the safe fallback. */
        if (longest_line(v->body->str, v->body->len, 0) > OUTMSG_MAX_LINE) {
            enc = GMIME_CONTENT_ENCODING_BASE64;
            encode_with(v, enc);
        }
    }
    verdict_add_header(v, "MIME-Version", "1.0");
    verdict_add_header(v, "Content-Type", conf->out_charset == CONF_OUT_ISO2022JP
                       ? "text/plain; charset=ISO-2022-JP" : "text/plain; charset=UTF-8");
    verdict_add_header(v, "Content-Transfer-Encoding", g_mime_content_encoding_to_string(enc));
    verdict_add_header(v, "X-Mugai-Status", v->status);
}
