/* fname - attachment file names: decoded, then made safe to show */
#include <string.h>

#include "mugai/charset.h"
#include "mugai/ewords.h"
#include "mugai/fname.h"

/* fname_utf8 - a raw name (any bytes) as valid UTF-8 */
char   *fname_utf8(const char *raw)
{
    GString *s;

    if (g_utf8_validate(raw, -1, NULL))
        return g_strdup(raw);
    s = g_string_new(NULL);
    charset_to_utf8(raw, strlen(raw), NULL, s, NULL);
    return g_string_free(s, FALSE);
}

/* pct_decode - RFC 2231 %XX decoding, appended to out */
static void pct_decode(const char *s, GByteArray *out)
{
    for (; *s; s++) {
        guchar  c = (guchar) *s;

        if (c == '%' && g_ascii_isxdigit(s[1]) && g_ascii_isxdigit(s[2])) {
            c = (guchar) (g_ascii_xdigit_value(s[1]) * 16 + g_ascii_xdigit_value(s[2]));
            s += 2;
        }
        g_byte_array_append(out, &c, 1);
    }
}

/* split_params - "a=1; b=\"x;y\"" into attribute/value pairs, quotes removed (transfer full) */
static GPtrArray *split_params(const char *header)
{
    GPtrArray *kv = g_ptr_array_new_with_free_func(g_free);
    const char *p = strchr(header, ';');

    while (p && *p) {
        GString *attr = g_string_new(NULL), *val = g_string_new(NULL);

        p++;
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        while (*p && *p != '=' && *p != ';')
            g_string_append_c(attr, g_ascii_tolower(*p++));
        if (*p == '=') {
            p++;
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p == '"') {
                for (p++; *p && *p != '"'; p++) {
                    if (*p == '\\' && p[1])
                        p++;
                    if (*p != '\r' && *p != '\n')
                        g_string_append_c(val, *p);
                }
                if (*p == '"')
                    p++;
            }
            while (*p && *p != ';') {
                if (*p != '\r' && *p != '\n')
                    g_string_append_c(val, *p);
                p++;
            }
        }
        g_strstrip(attr->str);
        g_strchomp(val->str);
        g_ptr_array_add(kv, g_string_free(attr, FALSE));
        g_ptr_array_add(kv, g_string_free(val, FALSE));
        p = strchr(p, ';');
    }
    return kv;
}

/* fname_raw_param - key's value decoded by mugai's own rules from a raw
 * Content-Type or Content-Disposition value: RFC 2231 (continuations and
 * charsets), RFC 2047 inside quotes (as old Japanese clients write it), raw
 * 8-bit bytes.  GMime decodes these with glibc's converters, which lose
 * ① or ㈱ inside ISO-2022-JP.  NULL when the key is absent (transfer full) */
char   *fname_raw_param(const char *header, const char *key)
{
    g_autoptr(GPtrArray) kv = split_params(header);
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    g_autofree char *charset = NULL;
    gsize   klen = strlen(key);
    guint   i, seg;
    GString *out;

    for (i = 0; i < kv->len; i += 2) {
        const char *a = g_ptr_array_index(kv, i), *v = g_ptr_array_index(kv, i + 1);

        if (strcmp(a, key) == 0) {
            if (strstr(v, "=?") != NULL) {
                g_autofree char *norm = ewords_normalize(v);

                return g_mime_utils_header_decode_text(NULL, norm);
            }
            return fname_utf8(v);
        }
    }
    /* key* and key*0, key*1 ... (starred segments percent-encoded) */
    for (seg = 0; seg < 100; seg++) {
        gboolean found = FALSE;

        for (i = 0; i < kv->len; i += 2) {
            const char *a = g_ptr_array_index(kv, i), *v = g_ptr_array_index(kv, i + 1);
            g_autofree char *plain = g_strdup_printf("%s*%u", key, seg);
            g_autofree char *star = g_strdup_printf("%s*%u*", key, seg);
            gboolean single = seg == 0 && strncmp(a, key, klen) == 0 && strcmp(a + klen, "*") == 0;

            if (!single && strcmp(a, star) != 0 && strcmp(a, plain) != 0)
                continue;
            found = TRUE;
            if (single || strcmp(a, star) == 0) {
                const char *q1 = strchr(v, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;

                if (seg == 0 && q2 != NULL) {
                    charset = g_strndup(v, q1 - v);
                    v = q2 + 1;
                }
                pct_decode(v, bytes);
            } else {
                g_byte_array_append(bytes, (const guint8 *) v, (guint) strlen(v));
            }
            break;
        }
        if (!found)
            break;
    }
    if (bytes->len == 0)
        return NULL;
    out = g_string_new(NULL);
    charset_to_utf8((const char *) bytes->data, bytes->len, charset && *charset ? charset : NULL, out, NULL);
    return g_string_free(out, FALSE);
}

/* fname_from_part - decoded UTF-8 name of a part, or NULL */
char   *fname_from_part(GMimeObject *part)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list(part);
    GMimeHeader *hcd = hl ? g_mime_header_list_get_header(hl, "Content-Disposition") : NULL;
    GMimeHeader *hct = hl ? g_mime_header_list_get_header(hl, "Content-Type") : NULL;
    const char *cd = hcd ? g_mime_header_get_raw_value(hcd) : NULL;
    const char *ct = hct ? g_mime_header_get_raw_value(hct) : NULL;
    char   *own = NULL;
    const char *name;

    /* Our own decoding first; GMime's when the raw header is not there. */
    if (cd != NULL && (own = fname_raw_param(cd, "filename")) != NULL && *own)
        return own;
    g_clear_pointer(&own, g_free);      /* "" found: try the next source */
    if (ct != NULL && (own = fname_raw_param(ct, "name")) != NULL && *own)
        return own;
    g_clear_pointer(&own, g_free);
    name = g_mime_object_get_content_disposition_parameter(part, "filename");

    if (name == NULL || *name == '\0')
        name = g_mime_object_get_content_type_parameter(part, "name");
    if (name == NULL || *name == '\0')
        return NULL;
    return fname_utf8(name);
}

/* must_escape - characters never shown as themselves in a name */
static gboolean must_escape(gunichar c)
{
    if (g_unichar_iscntrl(c))
        return TRUE;
    return c == 0x061C || (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E)
        || (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF
        || c == 0xFFFC;
}

/* fname_display - name safe to show */
char   *fname_display(const char *name)
{
    g_autofree char *valid = g_utf8_make_valid(name, -1);
    GString *s = g_string_new(NULL);
    const char *p;
    guint   n = 0;

    for (p = valid; *p && n < FNAME_MAX_DISPLAY_CHARS; p = g_utf8_next_char(p), n++) {
        gunichar c = g_utf8_get_char(p);

        if (must_escape(c))
            g_string_append_printf(s, "<U+%04X>", c);
        else
            g_string_append_unichar(s, c);
    }
    if (*p)
        g_string_append(s, "...");
    return g_string_free(s, FALSE);
}

/* fname_is_deceptive - does the name hide or reorder characters? */
gboolean fname_is_deceptive(const char *name)
{
    const char *p;

    if (name == NULL || !g_utf8_validate(name, -1, NULL))
        return FALSE;
    for (p = name; *p; p = g_utf8_next_char(p))
        if (must_escape(g_utf8_get_char(p)))
            return TRUE;
    return FALSE;
}

/* fname_extension - lower-case last extension, Windows' way */
char   *fname_extension(const char *name)
{
    g_autofree char *copy = NULL;
    const char *dot, *base;
    gsize   n;

    if (name == NULL)
        return NULL;
    copy = g_strdup(name);
    /* Windows drops trailing dots and spaces: "a.exe. " runs as a.exe. */
    for (n = strlen(copy); n > 0 && (copy[n - 1] == '.' || copy[n - 1] == ' '); n--)
        copy[n - 1] = '\0';
    base = copy;
    if (strrchr(base, '/'))
        base = strrchr(base, '/') + 1;
    if (strrchr(base, '\\'))
        base = strrchr(base, '\\') + 1;
    if ((dot = strrchr(base, '.')) == NULL || dot[1] == '\0')
        return NULL;
    return g_ascii_strdown(dot + 1, -1);
}
