/* url - find URLs in rendered text and defang, keep or remove them */
#include <string.h>

#include "mugai/url.h"

typedef struct {
    const char *prefix;         /* lower case, as it starts a URL */
    const char *defanged;       /* replacement for the scheme part */
} URL_SCHEME;

static const URL_SCHEME url_schemes[] = {
    {"https://", "hxxps://"},
    {"http://", "hxxp://"},
    {"ftps://", "fxps://"},
    {"ftp://", "fxp://"},
    {"file://", "fxle://"},
    {"smb://", "sxb://"},
    {"www.", NULL},
};

/* url_char - may c appear inside a URL? (RFC 3986 set plus '%') */
static gboolean url_char(guchar c)
{
    if (c <= 0x20 || c >= 0x7F)
        return FALSE;
    switch (c) {
    case '<': case '>': case '"': case '`': case '{': case '}': case '|': case '\\': case '^':
        return FALSE;
    default:
        return TRUE;
    }
}

/* scheme_at - the scheme entry that starts at p, or NULL */
static const URL_SCHEME *scheme_at(const char *p, gsize left)
{
    gsize   i;

    for (i = 0; i < G_N_ELEMENTS(url_schemes); i++) {
        gsize   n = strlen(url_schemes[i].prefix);

        if (left > n && g_ascii_strncasecmp(p, url_schemes[i].prefix, n) == 0
            && url_char((guchar) p[n]) && p[n] != '.' && p[n] != '/')
            return &url_schemes[i];
    }
    return NULL;
}

/* url_trim - drop trailing punctuation and unbalanced closing brackets */
static gsize url_trim(const char *u, gsize n)
{
    while (n > 0) {
        char    c = u[n - 1];

        if (strchr(".,;:!?'*", c) != NULL) {
            n--;
        } else if (c == ')' || c == ']') {
            char    open = c == ')' ? '(' : '[';
            gsize   i, opens = 0, closes = 0;

            for (i = 0; i < n; i++) {
                opens += u[i] == open;
                closes += u[i] == c;
            }
            if (closes > opens)
                n--;
            else
                break;
        } else {
            break;
        }
    }
    return n;
}

/* url_find - locate the next URL */
gboolean url_find(const char *text, gsize len, gsize *start, gsize *ulen)
{
    gsize   i;

    for (i = 0; i < len; i++) {
        const URL_SCHEME *s;
        gsize   j, n;

        /* Every scheme prefix starts with one of these letters. */
        switch (text[i] | 0x20) {
        case 'h': case 'f': case 's': case 'w':
            break;
        default:
            continue;
        }
        if (i > 0 && (g_ascii_isalnum(text[i - 1]) || text[i - 1] == '.' || text[i - 1] == '-'))
            continue;
        if ((s = scheme_at(text + i, len - i)) == NULL)
            continue;
        for (j = i; j < len && url_char((guchar) text[j]); j++)
            ;
        n = url_trim(text + i, j - i);
        if (n <= strlen(s->prefix))
            continue;
        *start = i;
        *ulen = n;
        return TRUE;
    }
    return FALSE;
}

/* url_defang_one - append the defanged form of one URL */
void    url_defang_one(const char *url, gsize len, GString *out)
{
    const URL_SCHEME *s = scheme_at(url, len);
    gsize   i = 0, host_end;

    if (s != NULL && s->defanged != NULL) {
        g_string_append(out, s->defanged);
        i = strlen(s->prefix);
    }
    /* The host runs to the first '/', '?' or '#'; its dots become "[.]". */
    for (host_end = i; host_end < len && strchr("/?#", url[host_end]) == NULL; host_end++)
        ;
    for (; i < host_end; i++) {
        if (url[i] == '.')
            g_string_append(out, "[.]");
        else
            g_string_append_c(out, url[i]);
    }
    g_string_append_len(out, url + host_end, len - host_end);
}

/* url_rewrite - copy text to out with every URL handled per mode */
guint   url_rewrite(const char *text, gsize len, CONF_LINKS mode,
                    const char *placeholder, GString *out)
{
    gsize   pos = 0, start, ulen;
    guint   count = 0;

    while (pos < len && url_find(text + pos, len - pos, &start, &ulen)) {
        g_string_append_len(out, text + pos, start);
        switch (mode) {
        case CONF_LINKS_KEEP:
            g_string_append_len(out, text + pos + start, ulen);
            break;
        case CONF_LINKS_REMOVE:
            g_string_append(out, placeholder);
            break;
        case CONF_LINKS_DEFANG:
            url_defang_one(text + pos + start, ulen, out);
            break;
        }
        pos += start + ulen;
        count++;
    }
    g_string_append_len(out, text + pos, len - pos);
    return count;
}
