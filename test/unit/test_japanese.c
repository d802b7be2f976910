/* test_japanese - no 文字化け: exact Unicode text for each Japanese client's
 * way of writing mail, and the whole CP932 double-byte table through the
 * ISO-2022-JP decoder.  The expected strings are written here by hand; the
 * fixtures come from fixtures/gen/make_ja.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "mugai/charset.h"
#include "mugai/conf.h"
#include "mugai/jis.h"
#include "mugai/sanitize.h"

static ENGINE *eng;
static MUGAI_CONF *conf;

/* run - sanitize a fixture (transfer full) */
static VERDICT *run(const char *name)
{
    g_autofree char *path = g_strdup_printf("fixtures/msg/%s.eml", name);
    g_autofree char *data = NULL;
    gsize   len;

    assert_true(g_file_get_contents(path, &data, &len, NULL));
    return sanitize_message(eng, data, len, "test");
}

/* header - an output header decoded to UTF-8 (transfer full), or NULL */
static char *header(const VERDICT *v, const char *want)
{
    guint   i;

    for (i = 0; i < verdict_header_count(v); i++) {
        const char *name, *value;

        verdict_header(v, i, &name, &value);
        if (g_ascii_strcasecmp(name, want) == 0) {
            g_autofree char *unfolded = g_mime_utils_header_unfold(value);

            return g_mime_utils_header_decode_text(NULL, unfolded);
        }
    }
    return NULL;
}

/* has - does the delivered text contain s?  Prints the text when not. */
static gboolean has(const VERDICT *v, const char *s)
{
    if (strstr(verdict_text(v), s) != NULL)
        return TRUE;
    print_error("missing \"%s\" in:\n%s\n", s, verdict_text(v));
    return FALSE;
}

static void assert_header(const VERDICT *v, const char *name, const char *expected)
{
    g_autofree char *got = header(v, name);

    assert_non_null(got);
    assert_string_equal(got, expected);
}

static void no_replacement_char(const VERDICT *v)
{
    assert_null(strstr(verdict_text(v), "\xEF\xBF\xBD"));
}

static void test_outlook_nec(void **state)
{
    VERDICT *v = run("ja-outlook-nec");

    assert_header(v, "Subject", "【重要】①請求書の送付（㈱髙橋商事・Ⅲ期分）");
    assert_header(v, "From", "﨑田 太郎 <sakita@takahashi.example.co.jp>");
    assert_header(v, "To", "山田 様 <yamada@city.example.lg.jp>");
    assert_true(has(v, "いつもお世話になっております。㈱髙橋商事の﨑田です。\n"));
    assert_true(has(v, "①請求書　②納品書　③領収書 を送付いたします。\n"));
    assert_true(has(v, "金額：１２，０００円～１５，０００円（税込）\n第Ⅲ期分です。\n"));
    no_replacement_char(v);
    verdict_free(v);
}

static void test_gmail_split_word(void **state)
{
    VERDICT *v = run("ja-gmail-split");

    assert_header(v, "Subject", "お問い合わせ：住民票の写しについて");
    assert_header(v, "From", "佐藤 <sato@gmail.example>");
    assert_true(has(v, "住民票の写しを郵送で請求したいのですが、手数料はいくらですか。\n"));
    no_replacement_char(v);
    verdict_free(v);
}

static void test_thunderbird_sjis(void **state)
{
    VERDICT *v = run("ja-thunderbird-sjis");
    g_autofree char *report = verdict_report_json(v);

    /* Shift_JIS label, CP932 text: ～ ∥ － ￢ as Windows shows them */
    assert_header(v, "Subject", "御見積書送付の件～再送");
    assert_header(v, "From", "鈴木 <suzuki@example.ne.jp>");
    assert_true(has(v, "期間：４月～３月　条件∥並行　差額－５００円　￢否定\n"));
    /* RFC 2231 continuations in Shift_JIS */
    assert_non_null(strstr(report, "\"filename\" : \"見積書（第２版）.xlsx\""));
    assert_true(has(v, "見積書（第２版）.xlsx"));
    no_replacement_char(v);
    verdict_free(v);
}

static void test_keitai_hankaku(void **state)
{
    VERDICT *v = run("ja-keitai-hankaku");
    g_autofree char *report = verdict_report_json(v);

    assert_header(v, "Subject", "ｺﾞﾐ収集ｶﾚﾝﾀﾞｰ");
    assert_header(v, "From", "ﾀﾛｳ <taro@docomo.example.ne.jp>");
    assert_true(has(v, "ｺﾞﾐ収集ｶﾚﾝﾀﾞｰの件です。\nﾃﾞｰﾀを送ります。\n"));
    /* a raw CP932 filename */
    assert_non_null(strstr(report, "\"filename\" : \"地図②.jpg\""));
    /* RFC 2047 inside a quoted name, ISO-2022-JP with ① */
    assert_non_null(strstr(report, "\"filename\" : \"写真①.jpg\""));
    /* RFC 2231 in ISO-2022-JP with ㈱ */
    assert_non_null(strstr(report, "\"filename\" : \"㈱案内.pdf\""));
    no_replacement_char(v);
    verdict_free(v);
}

static void test_eucjp_utf16(void **state)
{
    VERDICT *v = run("ja-eucjp-utf16");

    assert_header(v, "Subject", "会議室①の予約");
    assert_true(has(v, "会議室①と②を予約しました。㈱企画の担当です。\n"));
    assert_true(has(v, "議事録：ＵＴＦ－１６で書かれた本文です。\n"));
    assert_null(strstr(verdict_text(v), "\xEF\xBB\xBF"));   /* no BOM left in the text */
    no_replacement_char(v);
    verdict_free(v);
}

/* [output] charset = iso-2022-jp: body and Subject in ISO-2022-JP, what it
 * cannot carry replaced by 〓 and counted in the notice. */
static void test_output_iso2022jp(void **state)
{
    MUGAI_CONF *c = conf_load("fixtures/msg/ja-output-jis.conf", NULL);
    ENGINE_OPTS opts = {TRUE};
    ENGINE *e = engine_new(c, &opts, NULL);
    g_autofree char *data = NULL;
    GString *text = g_string_new(NULL);
    VERDICT *v;
    const char *body;
    gsize   len, i, bad = 9;
    const char *name, *value;
    gboolean found = FALSE;

    assert_non_null(e);
    assert_true(g_file_get_contents("fixtures/msg/ja-output-jis.eml", &data, &len, NULL));
    v = sanitize_message(e, data, len, "test");
    body = verdict_body(v, &len);
    for (i = 0; i < len; i++)
        assert_true((guchar) body[i] < 0x80);
    charset_to_utf8(body, len, "ISO-2022-JP", text, &bad);
    assert_int_equal(bad, 0);
    assert_non_null(strstr(text->str, "ISO-2022-JP で表せない文字 4 字を「〓」に置き換えました。\n"));
    assert_non_null(strstr(text->str, "①請求書を送ります。㈱髙橋商事です。カタカナもあります。\n"
                           "絵文字〓と〓〓〓は ISO-2022-JP にありません。\n"));
    for (i = 0; i < verdict_header_count(v); i++) {
        verdict_header(v, i, &name, &value);
        if (strcmp(name, "Content-Type") == 0)
            assert_string_equal(value, "text/plain; charset=ISO-2022-JP");
        if (strcmp(name, "Subject") == 0) {
            assert_true(g_str_has_prefix(value, "=?ISO-2022-JP?B?"));
            found = TRUE;
        }
    }
    assert_true(found);
    g_string_free(text, TRUE);
    verdict_free(v);
    engine_free(e);
    conf_free(c);
}

/* decode - ISO-2022-JP bytes through charset.c (transfer full) */
static char *decode_jis(const char *in, gsize len, gsize *bad)
{
    GString *s = g_string_new(NULL);

    charset_to_utf8(in, len, "ISO-2022-JP", s, bad);
    return g_string_free(s, FALSE);
}

/* Every CP932 double-byte code in the JIS X 0208 code space (rows 1-94,
 * NEC row 13 and the NEC-selected IBM rows included) decodes the same
 * through ISO-2022-JP as through CP932. */
static void test_cp932_table_through_jis(void **state)
{
    GIConv  cd = g_iconv_open("UTF-8", "CP932");
    guint   s1, s2, checked = 0, nec = 0;

    assert_true(cd != (GIConv) - 1);
    for (s1 = 0x81; s1 <= 0xEF; s1++) {
        if (s1 > 0x9F && s1 < 0xE0)
            continue;
        for (s2 = 0x40; s2 <= 0xFC; s2++) {
            char    sj[2] = {(char) s1, (char) s2}, want[8], *inp = sj, *outp = want;
            gsize   inleft = 2, outleft = sizeof(want), bad = 99;
            guchar  j1, j2;
            char    jis[8];
            g_autofree char *got = NULL;

            if (s2 == 0x7F)
                continue;
            g_iconv(cd, NULL, NULL, NULL, NULL);
            if (g_iconv(cd, &inp, &inleft, &outp, &outleft) == (gsize) - 1)
                continue;       /* unassigned in CP932 */
            *outp = '\0';
            assert_true(jis_from_cp932_pair((guchar) s1, (guchar) s2, &j1, &j2));
            assert_true(j1 >= 0x21 && j1 <= 0x7E && j2 >= 0x21 && j2 <= 0x7E);
            memcpy(jis, "\033$B", 3);
            jis[3] = (char) j1;
            jis[4] = (char) j2;
            memcpy(jis + 5, "\033(B", 3);
            got = decode_jis(jis, 8, &bad);
            if (strcmp(got, want) != 0 || bad != 0)
                fail_msg("CP932 %02X%02X: JIS %02X%02X gave \"%s\" (bad %zu), CP932 gives \"%s\"",
                         s1, s2, j1, j2, got, bad, want);
            checked++;
            nec += (s1 == 0x87) || (s1 == 0xED) || (s1 == 0xEE);
        }
    }
    g_iconv_close(cd);
    /* JIS X 0208 (6879) + NEC row 13 (83) + NEC-selected IBM (374) */
    assert_true(checked >= 7300);
    assert_true(nec >= 450);
}

static void test_jis_escapes(void **state)
{
    gsize   bad;
#define DJ(lit) decode_jis(lit, strlen(lit), &bad)
    g_autofree char *a = DJ("\033$@F|K\\\033(J ok");
    g_autofree char *b = DJ("\033(I6^\033(B!");
    g_autofree char *c = DJ("x\016;@\017y");
    g_autofree char *d = DJ("\033$(QF|\033(B");
    g_autofree char *e = DJ("\033$BF|\nA");
#undef DJ

    assert_string_equal(a, "日本 ok");             /* ESC $ @, then JIS X 0201 Roman */
    assert_string_equal(b, "ｶﾞ!");                 /* ESC ( I half-width katakana */
    assert_string_equal(c, "xｻﾀy");                /* SO/SI katakana */
    assert_string_equal(d, "日");                  /* JIS X 0213 plane 1 designation */
    assert_string_equal(e, "日\nA");               /* a line end returns to ASCII */
}

static void test_jis_encode(void **state)
{
    g_autoptr(GString) out = g_string_new(NULL);
    gsize   replaced = jis_encode_utf8("①㈱髙 ｶﾞｷﾞ A😀\n", strlen("①㈱髙 ｶﾞｷﾞ A😀\n"), out);
    g_autofree char *back = NULL;
    gsize   bad;
    gsize   i;

    assert_int_equal(replaced, 1);
    for (i = 0; i < out->len; i++)
        assert_true((guchar) out->str[i] < 0x80);
    back = decode_jis(out->str, out->len, &bad);
    assert_string_equal(back, "①㈱髙 ガギ A〓\n");
    assert_int_equal(bad, 0);
    assert_true(g_str_has_suffix(out->str, "\033(B\n"));
}

static int setup(void **state)
{
    ENGINE_OPTS opts = {TRUE};

    g_mime_init();
    conf = conf_new_defaults();
    eng = engine_new(conf, &opts, NULL);
    return eng ? 0 : -1;
}

static int teardown(void **state)
{
    engine_free(eng);
    conf_free(conf);
    return 0;
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outlook_nec),
        cmocka_unit_test(test_gmail_split_word),
        cmocka_unit_test(test_thunderbird_sjis),
        cmocka_unit_test(test_keitai_hankaku),
        cmocka_unit_test(test_eucjp_utf16),
        cmocka_unit_test(test_output_iso2022jp),
        cmocka_unit_test(test_cp932_table_through_jis),
        cmocka_unit_test(test_jis_escapes),
        cmocka_unit_test(test_jis_encode),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
