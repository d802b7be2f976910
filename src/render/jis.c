/* jis - ISO-2022-JP as real senders write it (the CP50220/CP50221 family) */
#include <string.h>

#include "mugai/jis.h"

#define ESC 0x1B
#define SO  0x0E
#define SI  0x0F
/* 〓 (GETA MARK), JIS X 0208 0x222E: stands for a character ISO-2022-JP lacks. */
#define JIS_GETA_J1 0x22
#define JIS_GETA_J2 0x2E

typedef enum {
    MODE_ASCII,                 /* ASCII or JIS X 0201 Roman */
    MODE_KANJI,                 /* JIS X 0208 (and the CP932 extensions in its code space) */
    MODE_KANA,                  /* JIS X 0201 katakana */
    MODE_OTHER,                 /* a two-byte set CP932 does not have (JIS X 0212, GB, KS) */
} JIS_MODE;

/* escape - the mode an escape sequence at p selects; *skip gets its length
 * after ESC; FALSE when it is no escape sequence we know */
static gboolean escape(const guchar *p, gsize left, JIS_MODE *mode, gsize *skip)
{
    if (left >= 2 && p[0] == '(' && (p[1] == 'B' || p[1] == 'J' || p[1] == 'H')) {
        *mode = MODE_ASCII;
        *skip = 2;
    } else if (left >= 2 && p[0] == '(' && p[1] == 'I') {
        *mode = MODE_KANA;
        *skip = 2;
    } else if (left >= 2 && p[0] == '$' && (p[1] == '@' || p[1] == 'B')) {
        *mode = MODE_KANJI;
        *skip = 2;
    } else if (left >= 3 && p[0] == '$' && p[1] == '(' && (p[2] == 'Q' || p[2] == 'O' || p[2] == 'B')) {
        *mode = MODE_KANJI;     /* JIS X 0213 plane 1: its JIS X 0208 part */
        *skip = 3;
    } else if (left >= 3 && p[0] == '$' && p[1] == '(') {
        *mode = MODE_OTHER;     /* JIS X 0212, KS C 5601, plane 2, ... */
        *skip = 3;
    } else if (left >= 2 && p[0] == '$' && p[1] == 'A') {
        *mode = MODE_OTHER;     /* GB 2312 (ISO-2022-JP-2) */
        *skip = 2;
    } else if (left >= 2 && p[0] == '.' && (p[1] == 'A' || p[1] == 'F')) {
        *mode = MODE_ASCII;     /* ISO-2022-JP-2 G2 designations: ignored */
        *skip = 2;
    } else {
        return FALSE;
    }
    return TRUE;
}

/* jis_pair_to_sjis - JIS X 0208 row/cell to Shift_JIS bytes */
static void jis_pair_to_sjis(guchar j1, guchar j2, guchar *s1, guchar *s2)
{
    guint   a = ((j1 - 0x21u) >> 1) + 0x81u;

    *s1 = (guchar) (a > 0x9F ? a + 0x40 : a);
    if (j1 & 1)
        *s2 = (guchar) (j2 + 0x1F + (j2 >= 0x60 ? 1 : 0));
    else
        *s2 = (guchar) (j2 + 0x7E);
}

/* jis_from_cp932_pair - inverse of jis_pair_to_sjis */
gboolean jis_from_cp932_pair(guchar s1, guchar s2, guchar *j1, guchar *j2)
{
    guint   r;

    if (s1 >= 0x81 && s1 <= 0x9F)
        r = s1 - 0x81u;
    else if (s1 >= 0xE0 && s1 <= 0xEF)
        r = s1 - 0xC1u;
    else
        return FALSE;
    if (s2 >= 0x40 && s2 <= 0x7E) {
        *j1 = (guchar) (2 * r + 0x21);
        *j2 = (guchar) (s2 - 0x1F);
    } else if (s2 >= 0x80 && s2 <= 0x9E) {
        *j1 = (guchar) (2 * r + 0x21);
        *j2 = (guchar) (s2 - 0x20);
    } else if (s2 >= 0x9F && s2 <= 0xFC) {
        *j1 = (guchar) (2 * r + 0x22);
        *j2 = (guchar) (s2 - 0x7E);
    } else {
        return FALSE;
    }
    return TRUE;
}

/* put - append one byte */
static void put(GByteArray *out, guchar c)
{
    g_byte_array_append(out, &c, 1);
}

/* jis_to_cp932 - ISO-2022-JP to CP932 bytes */
gsize   jis_to_cp932(const char *in, gsize len, GByteArray *out)
{
    const guchar *p = (const guchar *) in;
    JIS_MODE mode = MODE_ASCII;
    gboolean shifted = FALSE;   /* SO: katakana until SI */
    gsize   i, bad = 0, skip;

    for (i = 0; i < len; i++) {
        guchar  c = p[i];
        JIS_MODE m;

        if (c == ESC) {
            if (escape(p + i + 1, len - i - 1, &m, &skip)) {
                mode = m;
                i += skip;
            } else {
                put(out, JIS_BAD_BYTE);
                bad++;
            }
            continue;
        }
        if (c == SO || c == SI) {
            shifted = c == SO;
            continue;
        }
        if (c == '\n' || c == '\r') {
            mode = MODE_ASCII;
            shifted = FALSE;
            put(out, c);
            continue;
        }
        if (shifted || mode == MODE_KANA) {
            if (c >= 0x21 && c <= 0x5F)
                put(out, (guchar) (c + 0x80));
            else if (c < 0x21)
                put(out, c);
            else {
                put(out, JIS_BAD_BYTE);
                bad++;
            }
            continue;
        }
        if (mode == MODE_KANJI || mode == MODE_OTHER) {
            if (c >= 0x21 && c <= 0x7E && i + 1 < len && p[i + 1] >= 0x21 && p[i + 1] <= 0x7E) {
                guchar  s1, s2;

                if (mode == MODE_KANJI) {
                    jis_pair_to_sjis(c, p[i + 1], &s1, &s2);
                    put(out, s1);
                    put(out, s2);
                } else {
                    put(out, JIS_BAD_BYTE);
                    bad++;
                }
                i++;
            } else if (c < 0x21) {
                put(out, c);    /* white space or controls between characters */
            } else {
                put(out, JIS_BAD_BYTE);
                bad++;
            }
            continue;
        }
        if (c >= 0x80) {
            /* ISO-2022-JP is 7-bit: 8-bit bytes mean a wrong label, which
             * the caller's detection then corrects. */
            put(out, JIS_BAD_BYTE);
            bad++;
            continue;
        }
        put(out, c);
    }
    return bad;
}

/* to_mode - emit the escape sequence for mode when not already in it */
static void to_mode(GString *out, JIS_MODE *cur, JIS_MODE want)
{
    if (*cur == want)
        return;
    g_string_append(out, want == MODE_KANJI ? "\033$B" : "\033(B");
    *cur = want;
}

/* nec_selected - Unicode -> CP932 code in the NEC-selected IBM rows
 * (0xED40-0xEEFC), built once from glibc's CP932 table.  Windows encodes
 * these characters as IBM extensions (0xFA40-0xFC4B), which have no JIS
 * form; CP50220 writes their NEC-selected twins instead. */
static GHashTable *nec_selected(void)
{
    static gsize done;
    static GHashTable *map;

    if (g_once_init_enter(&done)) {
        GIConv  cd = g_iconv_open("UTF-8", "CP932");
        guint   s1, s2;

        map = g_hash_table_new(NULL, NULL);
        for (s1 = 0xED; cd != (GIConv) - 1 && s1 <= 0xEE; s1++) {
            for (s2 = 0x40; s2 <= 0xFC; s2++) {
                char    in[2] = {(char) s1, (char) s2}, u[8], *inp = in, *outp = u;
                gsize   inleft = 2, outleft = sizeof(u);

                g_iconv(cd, NULL, NULL, NULL, NULL);
                if (s2 == 0x7F || g_iconv(cd, &inp, &inleft, &outp, &outleft) == (gsize) - 1)
                    continue;
                g_hash_table_insert(map, GUINT_TO_POINTER(g_utf8_get_char(u)),
                                    GUINT_TO_POINTER(s1 << 8 | s2));
            }
        }
        if (cd != (GIConv) - 1)
            g_iconv_close(cd);
        g_once_init_leave(&done, 1);
    }
    return map;
}

/* encode_char - one character (UTF-8 at p, n bytes) in KANJI mode; FALSE if it has no JIS form */
static gboolean encode_char(GIConv cd, const char *p, gsize n, GString *out, JIS_MODE *mode)
{
    char    sj[8];
    char   *inp = (char *) p, *outp = sj;
    gsize   inleft = n, outleft = sizeof(sj);
    guchar  j1, j2;

    g_iconv(cd, NULL, NULL, NULL, NULL);
    if (g_iconv(cd, &inp, &inleft, &outp, &outleft) == (gsize) - 1 || outp - sj != 2)
        return FALSE;
    if ((guchar) sj[0] >= 0xFA) {
        guint   code = GPOINTER_TO_UINT(g_hash_table_lookup(nec_selected(),
                                                            GUINT_TO_POINTER(g_utf8_get_char(p))));

        if (code == 0)
            return FALSE;
        sj[0] = (char) (code >> 8);
        sj[1] = (char) (code & 0xFF);
    }
    if (!jis_from_cp932_pair((guchar) sj[0], (guchar) sj[1], &j1, &j2))
        return FALSE;
    to_mode(out, mode, MODE_KANJI);
    g_string_append_c(out, (char) j1);
    g_string_append_c(out, (char) j2);
    return TRUE;
}

/* jis_encode_utf8 - UTF-8 to ISO-2022-JP */
gsize   jis_encode_utf8(const char *utf8, gsize len, GString *out)
{
    GIConv  cd = g_iconv_open("CP932", "UTF-8");
    const char *p = utf8, *end = utf8 + len;
    JIS_MODE mode = MODE_ASCII;
    gsize   replaced = 0;

    while (p < end) {
        gunichar c = g_utf8_get_char_validated(p, end - p);
        const char *next;

        if (c == (gunichar) - 1 || c == (gunichar) - 2) {
            p++;
            continue;
        }
        next = g_utf8_next_char(p);
        if (c < 0x80) {
            to_mode(out, &mode, MODE_ASCII);
            g_string_append_c(out, (c == ESC || c == SO || c == SI) ? ' ' : (char) c);
            p = next;
            continue;
        }
        if (c >= 0xFF61 && c <= 0xFF9F) {
            /* A run of half-width katakana: full-width, voiced marks composed (NFKC). */
            const char *run = p;
            g_autofree char *wide = NULL;
            const char *q;

            while (p < end && g_utf8_get_char_validated(p, end - p) >= 0xFF61
                   && g_utf8_get_char_validated(p, end - p) <= 0xFF9F)
                p = g_utf8_next_char(p);
            wide = g_utf8_normalize(run, p - run, G_NORMALIZE_NFKC);
            for (q = wide; q && *q; q = g_utf8_next_char(q)) {
                if (!encode_char(cd, q, g_utf8_next_char(q) - q, out, &mode)) {
                    gunichar w = g_utf8_get_char(q);
                    char    buf[6];
                    gsize   n;

                    /* A lone combining (semi-)voiced mark: its spacing form. */
                    n = g_unichar_to_utf8(w == 0x3099 ? 0x309B : w == 0x309A ? 0x309C : 0x3013, buf);
                    if (!encode_char(cd, buf, n, out, &mode))
                        replaced++;
                }
            }
            continue;
        }
        if (cd == (GIConv) - 1 || !encode_char(cd, p, next - p, out, &mode)) {
            to_mode(out, &mode, MODE_KANJI);
            g_string_append_c(out, JIS_GETA_J1);
            g_string_append_c(out, JIS_GETA_J2);
            replaced++;
        }
        p = next;
    }
    to_mode(out, &mode, MODE_ASCII);
    if (cd != (GIConv) - 1)
        g_iconv_close(cd);
    return replaced;
}
