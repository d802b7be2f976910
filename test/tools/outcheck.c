/* outcheck - the sanitized-output invariants every test applies */
#include <string.h>

#include <gmime/gmime.h>

#include "mugai/charset.h"
#include "outcheck.h"

/* Longest run of base64 alphabet without a space that counts as a blob. */
#define OUTCHECK_MAX_B64_RUN 300

/* parse - a message from bytes (transfer full) */
static GMimeMessage *parse(const char *data, gsize len)
{
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(data, len);
    GMimeParser *p = g_mime_parser_new_with_stream(s);
    GMimeMessage *m = g_mime_parser_construct_message(p, NULL);

    g_object_unref(p);
    g_object_unref(s);
    return m;
}

/* has_header - does the top-level header have the field? */
static gboolean has_header(GMimeMessage *m, const char *name)
{
    return m && g_mime_object_get_header(GMIME_OBJECT(m), name) != NULL;
}

/* check_lines - no raw line over 998 octets */
static void check_lines(const char *out, gsize len, GString *why)
{
    gsize   i, col = 0;

    for (i = 0; i < len; i++) {
        if (out[i] == '\n') {
            col = 0;
        } else if (++col == 999) {
            g_string_append(why, "a line is longer than 998 octets; ");
            return;
        }
    }
}

/* check_text - no markup, uuencode or base64 blob in the decoded text */
static void check_text(const char *t, GString *why)
{
    static const char *const tags[] = {
        "<html", "<body", "<script", "<style", "<iframe", "<form", "<img ", "<a href",
        "<div", "<table", "<object", "<embed", "</p>", "<br>", "<br/>",
    };
    g_autofree char *lower = g_ascii_strdown(t, -1);
    gsize   i, run = 0;
    const char *p;

    if (!g_utf8_validate(t, -1, NULL))
        g_string_append(why, "text is not valid UTF-8; ");
    for (i = 0; i < G_N_ELEMENTS(tags); i++)
        if (strstr(lower, tags[i]))
            g_string_append_printf(why, "text contains markup \"%s\"; ", tags[i]);
    for (p = t; *p; p++) {
        if (g_ascii_isalnum(*p) || *p == '+' || *p == '/' || *p == '=')
            run++;
        else
            run = 0;
        if (run == OUTCHECK_MAX_B64_RUN) {
            g_string_append(why, "text contains a base64-like blob; ");
            break;
        }
    }
    for (p = t; (p = strstr(p, "begin ")) != NULL; p++) {
        if ((p == t || p[-1] == '\n') && g_ascii_isdigit(p[6]) && g_ascii_isdigit(p[7])
            && g_ascii_isdigit(p[8]) && p[9] == ' ') {
            const char *nl = strchr(p, '\n');

            if (nl && nl[1] == 'M' && strlen(nl + 1) > 60) {
                g_string_append(why, "text contains a uuencoded block; ");
                break;
            }
        }
    }
}

/* jis_text - ISO-2022-JP output (the [output] charset option) as UTF-8:
 * 7-bit, and decodable by mugai's CP50221 decoder without a substitution
 * (GMime's glibc converter refuses ① and ㈱, which Japanese clients show) */
static char *jis_text(GMimePart *part, GString *why)
{
    GMimeDataWrapper *dw = g_mime_part_get_content(part);
    GMimeStream *mem = g_mime_stream_mem_new();
    GByteArray *raw;
    GString *t = g_string_new(NULL);
    gsize   i, bad = 0;

    g_mime_data_wrapper_write_to_stream(dw, mem);
    raw = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    for (i = 0; i < raw->len; i++)
        if (raw->data[i] >= 0x80) {
            g_string_append(why, "ISO-2022-JP text has 8-bit bytes; ");
            break;
        }
    charset_to_utf8((const char *) raw->data, raw->len, "ISO-2022-JP", t, &bad);
    if (bad > 0)
        g_string_append(why, "ISO-2022-JP text does not decode; ");
    g_object_unref(mem);
    return g_string_free(t, FALSE);
}

/* utf8_text - UTF-8 output as it is on the wire once the transfer encoding
 * is undone.  The raw bytes are checked: GMime's own text getter converts
 * and would hide a broken sequence (it once hid a cut one from this check). */
static char *utf8_text(GMimePart *part, GString *why)
{
    GMimeDataWrapper *dw = g_mime_part_get_content(part);
    GMimeStream *mem = g_mime_stream_mem_new();
    GByteArray *raw;
    char   *t;

    g_mime_data_wrapper_write_to_stream(dw, mem);
    raw = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    if (!g_utf8_validate_len((const char *) raw->data, raw->len, NULL))
        g_string_append(why, "text is not valid UTF-8; ");
    t = g_strndup((const char *) raw->data, raw->len);
    g_object_unref(mem);
    return t;
}

/* outcheck_run - check the sanitized message */
gboolean outcheck_run(const char *out, gsize out_len, const char *orig, gsize orig_len,
                      guint levels, GString *why, char **text)
{
    static const char *const kept[] = {"From", "To", "Cc", "Subject", "Message-ID"};
    GMimeMessage *m = parse(out, out_len), *o = NULL;
    GMimeObject *body;
    gsize   before = why->len, i;

    if (text)
        *text = NULL;
    check_lines(out, out_len, why);
    {
        const char *hend = memmem(out, out_len, "\n\n", 2);
        gsize   hlen = hend ? (gsize) (hend - out) : out_len;

        g_autofree char *hdr = g_ascii_strdown(out, (gssize) hlen);
        const char *ct = strstr(hdr, "\ncontent-type:");
        const char *ct_end = ct ? strstr(ct + 1, "\n") : NULL;

        /* A Content-Disposition field, or a name on the Content-Type;
         * "name=" inside, say, a preserved From display name is not one. */
        if (g_str_has_prefix(hdr, "content-disposition:") || strstr(hdr, "\ncontent-disposition:")
            || (ct && ct_end && g_strstr_len(ct, ct_end - ct, "name=")))
            g_string_append(why, "output header names a file or disposition; ");
    }
    if (m == NULL || (body = g_mime_message_get_mime_part(m)) == NULL) {
        g_string_append(why, "output does not parse as a message; ");
        goto done;
    }
    if (!GMIME_IS_TEXT_PART(body)) {
        g_string_append(why, "output is not a single text part; ");
    } else {
        GMimeContentType *ct = g_mime_object_get_content_type(body);
        const char *cs = g_mime_content_type_get_parameter(ct, "charset");
        GMimeContentEncoding enc = g_mime_part_get_content_encoding(GMIME_PART(body));
        gboolean jis = cs != NULL && g_ascii_strcasecmp(cs, "ISO-2022-JP") == 0;
        g_autofree char *t = NULL;

        if (!g_mime_content_type_is_type(ct, "text", "plain"))
            g_string_append(why, "output is not text/plain; ");
        if (cs == NULL || (g_ascii_strcasecmp(cs, "UTF-8") != 0 && !jis))
            g_string_append(why, "output charset is not UTF-8 or ISO-2022-JP; ");
        if (enc != GMIME_CONTENT_ENCODING_7BIT && enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE
            && enc != GMIME_CONTENT_ENCODING_BASE64)
            g_string_append(why, "output transfer encoding is not 7bit, quoted-printable or base64; ");
        t = jis ? jis_text(GMIME_PART(body), why) : utf8_text(GMIME_PART(body), why);
        if (t == NULL)
            g_string_append(why, "output text cannot be decoded; ");
        else if (levels & OUTCHECK_CONTENT)
            check_text(t, why);
        else if (!g_utf8_validate(t, -1, NULL))
            g_string_append(why, "text is not valid UTF-8; ");
        if (text)
            *text = g_steal_pointer(&t);
    }
    if (!has_header(m, "X-Mugai-Status"))
        g_string_append(why, "X-Mugai-Status is missing; ");
    if (orig != NULL && (o = parse(orig, orig_len)) != NULL)
        for (i = 0; i < G_N_ELEMENTS(kept); i++) {
            const char *v = g_mime_object_get_header(GMIME_OBJECT(o), kept[i]);

            g_autofree char *trimmed = v ? g_strstrip(g_strdup(v)) : NULL;

            if (trimmed && *trimmed && !has_header(m, kept[i]))
                g_string_append_printf(why, "%s was not preserved; ", kept[i]);
        }

done:
    g_clear_object(&m);
    g_clear_object(&o);
    return why->len == before;
}
