/* charset - bytes in any declared (or undeclared) charset to UTF-8 */
#include <errno.h>
#include <string.h>

#include "mugai/charset.h"
#include "mugai/jis.h"

/* 1/N of 8-bit bytes failing to decode makes a declared charset wrong. */
#define CHARSET_WRONG_RATIO 8
/* How far into an HTML document a <meta> charset is looked for. */
#define CHARSET_META_SCAN_BYTES 4096
/* Charsets whose converter stays loaded for the life of the process. */
#define CHARSET_PINNED_MAX 64

typedef struct {
    const char *label;          /* lower-case MIME label */
    const char *iconv_name;     /* what we hand to iconv */
} CHARSET_ALIAS;

/*
 * Japanese labels map to the Microsoft supersets that real senders use:
 * a mail labelled Shift_JIS is CP932 in practice, EUC-JP is EUC-JP-MS, and
 * ISO-2022-JP is CP50221 (JIS with the CP932 extensions; see jis.h), which
 * glibc lacks and jis.c provides.
 */
static const CHARSET_ALIAS charset_aliases[] = {
    {"us-ascii", "UTF-8"},      /* 8-bit bytes in "ascii" mail are usually UTF-8 */
    {"ascii", "UTF-8"},
    {"utf-8", "UTF-8"},
    {"utf8", "UTF-8"},
    {"shift_jis", "CP932"},
    {"shift-jis", "CP932"},
    {"sjis", "CP932"},
    {"x-sjis", "CP932"},
    {"ms_kanji", "CP932"},
    {"windows-31j", "CP932"},
    {"cp932", "CP932"},
    {"x-ms-cp932", "CP932"},
    {"euc-jp", "EUC-JP-MS"},
    {"x-euc-jp", "EUC-JP-MS"},
    {"eucjp", "EUC-JP-MS"},
    {"euc-jp-ms", "EUC-JP-MS"},
    {"iso-2022-jp", CHARSET_CP50221},
    {"iso-2022-jp-1", CHARSET_CP50221},
    {"iso-2022-jp-2", "ISO-2022-JP-2"},
    {"iso-2022-jp-3", CHARSET_CP50221},
    {"csiso2022jp", CHARSET_CP50221},
    {"iso-8859-1", "WINDOWS-1252"},  /* as browsers and mail clients do */
    {"latin1", "WINDOWS-1252"},
    {"us", "WINDOWS-1252"},
    {"unknown-8bit", NULL},
    {"x-unknown", NULL},
    {"x-user-defined", NULL},
    {"default", NULL},
};

/* charset_canonical - iconv name for a MIME charset label */
const char *charset_canonical(const char *label)
{
    static GHashTable *known;   /* label -> TRUE once iconv accepted it */
    static GMutex lock;
    g_autofree char *lower = NULL;
    const char *result = NULL;
    GIConv  cd;
    gsize   i;

    if (label == NULL || *label == '\0')
        return NULL;
    lower = g_ascii_strdown(label, -1);
    g_strstrip(lower);
    for (i = 0; i < G_N_ELEMENTS(charset_aliases); i++)
        if (strcmp(lower, charset_aliases[i].label) == 0)
            return charset_aliases[i].iconv_name;

    /* Anything else: whatever iconv knows, interned so the result is static. */
    g_mutex_lock(&lock);
    if (known == NULL)
        known = g_hash_table_new(g_str_hash, g_str_equal);
    result = g_hash_table_lookup(known, lower);
    if (result == NULL && strlen(lower) < 64) {
        cd = g_iconv_open("UTF-8", lower);
        if (cd != (GIConv) - 1) {
            g_iconv_close(cd);
            result = g_intern_string(lower);
            g_hash_table_insert(known, (gpointer) result, (gpointer) result);
        }
    }
    g_mutex_unlock(&lock);
    return result;
}

/* has_jis_escape - does the text switch into a JIS X 0208/0201 set? */
static gboolean has_jis_escape(const char *in, gsize len)
{
    const char *p = in, *end;

    if (len == 0)
        return FALSE;
    end = in + len;             /* in may be NULL when len is 0 */
    while ((p = memchr(p, '\033', end - p)) != NULL && end - p >= 3) {
        if ((p[1] == '$' && (p[2] == 'B' || p[2] == '@')) || (p[1] == '(' && (p[2] == 'I' || p[2] == 'J')))
            return TRUE;
        p++;
    }
    return FALSE;
}

/* count_sjis_errors - invalid CP932 sequences; *pairs gets valid double-byte pairs */
static gsize count_sjis_errors(const guchar *p, gsize len, gsize *pairs)
{
    gsize   i, err = 0;

    *pairs = 0;
    for (i = 0; i < len; i++) {
        guchar  c = p[i];

        if (c < 0x80 || (c >= 0xA1 && c <= 0xDF))
            continue;
        if (((c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC)) && i + 1 < len
            && ((p[i + 1] >= 0x40 && p[i + 1] <= 0x7E) || (p[i + 1] >= 0x80 && p[i + 1] <= 0xFC))) {
            (*pairs)++;
            i++;
            continue;
        }
        err++;
    }
    return err;
}

/* count_eucjp_errors - invalid EUC-JP sequences; *pairs gets valid multi-byte chars */
static gsize count_eucjp_errors(const guchar *p, gsize len, gsize *pairs)
{
    gsize   i, err = 0;

    *pairs = 0;
    for (i = 0; i < len; i++) {
        guchar  c = p[i];

        if (c < 0x80)
            continue;
        if (c >= 0xA1 && c <= 0xFE && i + 1 < len && p[i + 1] >= 0xA1 && p[i + 1] <= 0xFE) {
            (*pairs)++;
            i++;
        } else if (c == 0x8E && i + 1 < len && p[i + 1] >= 0xA1 && p[i + 1] <= 0xDF) {
            (*pairs)++;
            i++;
        } else if (c == 0x8F && i + 2 < len && p[i + 1] >= 0xA1 && p[i + 2] >= 0xA1) {
            (*pairs)++;
            i += 2;
        } else {
            err++;
        }
    }
    return err;
}

/* charset_detect - best guess for undeclared bytes */
const char *charset_detect(const char *in, gsize len)
{
    const guchar *p = (const guchar *) in;
    gsize   sj_pairs, euc_pairs, sj_err, euc_err;

    /* ISO-2022-JP is 7-bit, so it is valid UTF-8 too: look for its escapes first. */
    if (has_jis_escape(in, len))
        return CHARSET_CP50221;
    if (g_utf8_validate_len(in, len, NULL))
        return "UTF-8";
    sj_err = count_sjis_errors(p, len, &sj_pairs);
    euc_err = count_eucjp_errors(p, len, &euc_pairs);
    if (sj_pairs == 0 && euc_pairs == 0)
        return "WINDOWS-1252";
    /* Fewer invalid sequences wins; on a tie EUC-JP, whose byte ranges are narrower. */
    if (euc_err < sj_err || (euc_err == sj_err && euc_pairs >= sj_pairs))
        return "EUC-JP-MS";
    if (sj_err * 20 > len)
        return "WINDOWS-1252";
    return "CP932";
}

/* count_high - bytes with the high bit set */
static gsize count_high(const char *in, gsize len)
{
    gsize   i, n = 0;

    for (i = 0; i < len; i++)
        n += (guchar) in[i] >= 0x80;
    return n;
}

/*
 * glibc unloads a gconv module when its last descriptor closes, so every
 * message loaded it again: dlopen, relocations, then munmap with a TLB
 * shootdown on every CPU (5 % of a worker's time under load, perf).  One
 * descriptor per charset is left open, up to CHARSET_PINNED_MAX of them;
 * that keeps the module (and those it uses: ISO-2022-JP.so pulls in
 * libJIS, libGB and libKSC) loaded for GMime's conversions as well.
 */
static GMutex charset_pin_lock;
static GHashTable *charset_pinned;      /* charset name -> its pinned GIConv */

/* pin - keep charset's converter loaded (caller holds charset_pin_lock) */
static void pin(const char *charset)
{
    GIConv  cd;

    if (charset_pinned == NULL)
        charset_pinned = g_hash_table_new(g_str_hash, g_str_equal);
    if (g_hash_table_contains(charset_pinned, charset) || g_hash_table_size(charset_pinned) >= CHARSET_PINNED_MAX)
        return;
    if ((cd = g_iconv_open("UTF-8", charset)) != (GIConv) - 1)
        g_hash_table_insert(charset_pinned, g_strdup(charset), cd);
}

/* charset_keep_loaded - load the converters Japanese mail needs, once */
void    charset_keep_loaded(void)
{
    static const char *const common[] = {"ISO-2022-JP", "CP932", "SHIFT_JIS", "EUC-JP", "EUC-JP-MS",
                                         "ISO-8859-1", "WINDOWS-1252", "UTF-16", "UTF-7"};
    gsize   i;

    g_mutex_lock(&charset_pin_lock);
    for (i = 0; i < G_N_ELEMENTS(common); i++)
        pin(common[i]);
    g_mutex_unlock(&charset_pin_lock);
}

/* cd_open - g_iconv_open("UTF-8", charset), keeping the converter loaded */
static GIConv cd_open(const char *charset)
{
    GIConv  cd = g_iconv_open("UTF-8", charset);

    if (cd != (GIConv) - 1) {
        g_mutex_lock(&charset_pin_lock);
        pin(charset);
        g_mutex_unlock(&charset_pin_lock);
    }
    return cd;
}

/* decode_iconv - append in decoded from charset; count substitutions */
static gboolean decode_iconv(const char *in, gsize len, const char *charset, GString *out, gsize *bad)
{
    GIConv  cd;
    char   *inp = (char *) in;
    gsize   inleft = len;
    char    buf[8192];

    *bad = 0;
    if (strcmp(charset, CHARSET_CP50221) == 0) {
        GByteArray *sj = g_byte_array_sized_new((guint) len);

        jis_to_cp932(in, len, sj);      /* malformed sequences come out as bytes CP932 rejects */
        decode_iconv((const char *) sj->data, sj->len, "CP932", out, bad);
        g_byte_array_free(sj, TRUE);
        return TRUE;
    }
    if (strcmp(charset, "UTF-8") == 0) {
        /* Fast path: copy valid runs, substitute invalid bytes. */
        const char *p = in, *end, *stop;

        if (len == 0)
            return TRUE;        /* in may be NULL */
        end = in + len;
        while (p < end) {
            if (g_utf8_validate_len(p, end - p, &stop)) {
                g_string_append_len(out, p, end - p);
                break;
            }
            g_string_append_len(out, p, stop - p);
            g_string_append(out, "\xEF\xBF\xBD");
            (*bad)++;
            p = stop + 1;
        }
        return TRUE;
    }
    cd = cd_open(charset);
    if (cd == (GIConv) - 1)
        return FALSE;
    while (inleft > 0) {
        char   *outp = buf;
        gsize   outleft = sizeof(buf);
        gsize   rc = g_iconv(cd, &inp, &inleft, &outp, &outleft);

        g_string_append_len(out, buf, outp - buf);
        if (rc != (gsize) - 1)
            continue;
        if (errno == E2BIG)
            continue;
        /* EILSEQ or EINVAL: substitute one byte and go on. */
        g_string_append(out, "\xEF\xBF\xBD");
        (*bad)++;
        inp++;
        inleft--;
    }
    /* Flush any shift state. */
    {
        char   *outp = buf;
        gsize   outleft = sizeof(buf);

        g_iconv(cd, NULL, NULL, &outp, &outleft);
        g_string_append_len(out, buf, outp - buf);
    }
    g_iconv_close(cd);
    return TRUE;
}

/* charset_to_utf8 - append the UTF-8 decoding of in to out */
const char *charset_to_utf8(const char *in, gsize len, const char *declared,
                            GString *out, gsize *bad)
{
    const char *cs = charset_canonical(declared);
    const char *guess;
    gsize   base = out->len;
    gsize   nbad = 0, nbad2 = 0;
    GString *alt;

    if (bad)
        *bad = 0;
    /* "us-ascii" or unlabelled UTF-8 that is really ISO-2022-JP (old mailers) */
    if (cs != NULL && strcmp(cs, "UTF-8") == 0 && has_jis_escape(in, len))
        cs = CHARSET_CP50221;
    if (cs != NULL && decode_iconv(in, len, cs, out, &nbad) && nbad == 0)
        return cs;
    /* Undeclared, unknown, or wrong: detect and keep the better decoding. */
    guess = charset_detect(in, len);
    if (cs != NULL && strcmp(guess, cs) == 0) {
        if (bad)
            *bad = nbad;
        return cs;
    }
    alt = g_string_sized_new(len + 16);
    decode_iconv(in, len, guess, alt, &nbad2);
    /* A declared charset is kept unless at least CHARSET_WRONG_RATIO of
     * its 8-bit bytes fail: a few corrupt bytes do not make a label wrong. */
    if (cs == NULL || (nbad2 < nbad && nbad * CHARSET_WRONG_RATIO >= count_high(in, len))) {
        g_string_truncate(out, base);
        g_string_append_len(out, alt->str, alt->len);
        nbad = nbad2;
        cs = guess;
    }
    g_string_free(alt, TRUE);
    if (bad)
        *bad = nbad;
    return cs;
}

/* charset_sniff_html_meta - charset named by a <meta> element, or NULL */
char   *charset_sniff_html_meta(const char *in, gsize len)
{
    gsize   n = MIN(len, CHARSET_META_SCAN_BYTES);
    g_autofree char *head = NULL;
    const char *p;

    if (in == NULL || n == 0)
        return NULL;
    p = head = g_ascii_strdown(in, (gssize) n);

    while ((p = strstr(p, "<meta")) != NULL) {
        const char *end = strchr(p, '>');
        const char *cs = strstr(p, "charset");
        gsize   toklen;

        if (end == NULL)
            break;
        if (cs != NULL && cs < end) {
            cs += strlen("charset");
            while (*cs == ' ' || *cs == '=' || *cs == '"' || *cs == '\'')
                cs++;
            toklen = strcspn(cs, "\"'; >/\t\r\n");
            if (toklen > 0 && toklen < 40)
                return g_strndup(cs, toklen);
        }
        p = end;
    }
    return NULL;
}
