/* test_text - charset decoding, plain-text cleanup and encoded blocks in text */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mugai/charset.h"
#include "mugai/render.h"
#include "mugai/textblob.h"

/* decode - bytes to UTF-8 (transfer full) */
static char *decode(const char *in, const char *declared, gsize *bad)
{
    GString *out = g_string_new(NULL);

    charset_to_utf8(in, strlen(in), declared, out, bad);
    return g_string_free(out, FALSE);
}

static void test_declared_charsets(void **state)
{
    gsize   bad;
    char   *t;

    t = decode("\x93\xfa\x96\x7b", "Shift_JIS", &bad);     /* 日本 */
    assert_string_equal(t, "日本");
    assert_int_equal(bad, 0);
    g_free(t);
    t = decode("\xc6\xfc\xcb\xdc", "EUC-JP", &bad);
    assert_string_equal(t, "日本");
    g_free(t);
    t = decode("\x1b$BF|K\\\x1b(B", "ISO-2022-JP", &bad);
    assert_string_equal(t, "日本");
    g_free(t);
    t = decode("caf\xe9", "iso-8859-1", &bad);
    assert_string_equal(t, "café");
    g_free(t);
}

static void test_cp932_extensions(void **state)
{
    gsize   bad;
    char   *t = decode("\x87\x40\x81\x60", "Shift_JIS", &bad);    /* ① ～ */

    assert_string_equal(t, "①～");
    assert_int_equal(bad, 0);
    g_free(t);
}

static void test_undeclared_detected(void **state)
{
    char   *t;

    t = decode("\x93\xfa\x96\x7b\x8c\xea\x82\xcc\x83\x65\x83\x4c\x83\x58\x83\x67", NULL, NULL);
    assert_string_equal(t, "日本語のテキスト");
    g_free(t);
    t = decode("\xc6\xfc\xcb\xdc\xb8\xec\xa4\xce\xa5\xc6\xa5\xad\xa5\xb9\xa5\xc8", NULL, NULL);
    assert_string_equal(t, "日本語のテキスト");
    g_free(t);
    t = decode("\x1b$BF|K\\\x1b(B", NULL, NULL);
    assert_string_equal(t, "日本");
    g_free(t);
}

static void test_wrong_declaration_recovered(void **state)
{
    gsize   bad;
    /* UTF-8 text labelled ISO-2022-JP: valid UTF-8 wins */
    char   *t = decode("日本語", "iso-2022-jp", &bad);

    assert_string_equal(t, "日本語");
    assert_int_equal(bad, 0);
    g_free(t);
}

static void test_invalid_bytes_substituted(void **state)
{
    gsize   bad;
    char   *t = decode("ok\xff\xfe", "UTF-8", &bad);

    assert_true(g_utf8_validate(t, -1, NULL));
    assert_true(g_str_has_prefix(t, "ok"));
    g_free(t);
}

static void test_meta_charset_sniffed(void **state)
{
    const char *h1 = "<html><head><meta charset=\"Shift_JIS\"></head>";
    const char *h2 = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=euc-jp\">";
    char   *c;

    c = charset_sniff_html_meta(h1, strlen(h1));
    assert_string_equal(c, "shift_jis");
    g_free(c);
    c = charset_sniff_html_meta(h2, strlen(h2));
    assert_string_equal(c, "euc-jp");
    g_free(c);
    assert_null(charset_sniff_html_meta("<p>x</p>", 8));
}

static void test_plain_cleanup(void **state)
{
    GString *out = g_string_new(NULL);

    render_text_plain("a\r\nb\rc\x07\x1b[31md\xc2\x85" "e\n", 17, FALSE, FALSE, out);
    assert_string_equal(out->str, "a\nb\nc[31mde\n");
    g_string_free(out, TRUE);
}

static void test_format_flowed(void **state)
{
    GString *out = g_string_new(NULL);
    const char *in = "This is \nflowed.\n> quoted \n> more\n-- \nsig\n";

    render_text_plain(in, strlen(in), TRUE, FALSE, out);
    assert_string_equal(out->str, "This is flowed.\n> quoted more\n-- \nsig\n");
    g_string_free(out, TRUE);
}

static void test_tidy(void **state)
{
    GString *t = g_string_new("\n\n a  \n\n\n\nb\t\n\n");

    render_tidy(t);
    assert_string_equal(t->str, " a\n\nb\n");
    g_string_free(t, TRUE);
}

typedef struct {
    int     n;
    char    name[64];
    char    data[64];
    TEXTBLOB_KIND kind;
} BLOBS;

/* on_blob - remember the last block */
static void on_blob(TEXTBLOB_KIND kind, const char *name, const guchar *data, gsize len,
                    gpointer ctx, GByteArray *out)
{
    BLOBS  *b = ctx;

    b->n++;
    b->kind = kind;
    g_strlcpy(b->name, name, sizeof(b->name));
    memcpy(b->data, data, MIN(len, sizeof(b->data) - 1));
    b->data[MIN(len, sizeof(b->data) - 1)] = '\0';
    g_byte_array_append(out, (const guchar *) "[cut]\n", 6);
}

static void test_uuencode_cut(void **state)
{
    /* "hello world\n" uuencoded */
    const char *in = "before\nbegin 644 hello.txt\n,:&5L;&\\@=V]R;&0*\n`\nend\nafter\n";
    GByteArray *out = g_byte_array_new();
    BLOBS   b = {0};

    assert_int_equal(textblob_extract(in, strlen(in), out, on_blob, &b), 1);
    g_byte_array_append(out, (const guchar *) "", 1);
    assert_string_equal((char *) out->data, "before\n[cut]\nafter\n");
    assert_string_equal(b.name, "hello.txt");
    assert_string_equal(b.data, "hello world\n");
    assert_int_equal(b.kind, TEXTBLOB_UUENCODE);
    g_byte_array_unref(out);
}

static void test_yenc_cut(void **state)
{
    GString *in = g_string_new("x\n=ybegin line=128 size=2 name=a.bin\n");
    GByteArray *out = g_byte_array_new();
    BLOBS   b = {0};

    g_string_append_c(in, (char) ('H' + 42));
    g_string_append_c(in, (char) ('i' + 42));
    g_string_append(in, "\n=yend size=2\ny\n");
    assert_int_equal(textblob_extract(in->str, in->len, out, on_blob, &b), 1);
    assert_string_equal(b.name, "a.bin");
    assert_string_equal(b.data, "Hi");
    g_byte_array_unref(out);
    g_string_free(in, TRUE);
}

static void test_prose_begin_kept(void **state)
{
    const char *in = "begin 644 is not a block\nwithout data\n";
    GByteArray *out = g_byte_array_new();
    BLOBS   b = {0};

    assert_int_equal(textblob_extract(in, strlen(in), out, on_blob, &b), 0);
    assert_int_equal(out->len, strlen(in));
    g_byte_array_unref(out);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declared_charsets),
        cmocka_unit_test(test_cp932_extensions),
        cmocka_unit_test(test_undeclared_detected),
        cmocka_unit_test(test_wrong_declaration_recovered),
        cmocka_unit_test(test_invalid_bytes_substituted),
        cmocka_unit_test(test_meta_charset_sniffed),
        cmocka_unit_test(test_plain_cleanup),
        cmocka_unit_test(test_format_flowed),
        cmocka_unit_test(test_tidy),
        cmocka_unit_test(test_uuencode_cut),
        cmocka_unit_test(test_yenc_cut),
        cmocka_unit_test(test_prose_begin_kept),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
