/* test_fname - attachment names decoded and shown safely */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mugai/fname.h"
#include "mugai/mime_part.h"

/* name_of - decoded name of a part built from header text (transfer full) */
static char *name_of(const char *headers)
{
    g_autofree char *msg = g_strdup_printf("%s\n\nbody\n", headers);
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(msg, strlen(msg));
    GMimeParser *p = g_mime_parser_new_with_stream(s);
    GMimeParserOptions *o = mime_options_new();     /* exactly as the engine parses */
    GMimeObject *part;
    char   *name;

    part = g_mime_parser_construct_part(p, o);
    assert_non_null(part);
    name = fname_from_part(part);
    g_object_unref(part);
    g_object_unref(p);
    g_object_unref(s);
    g_mime_parser_options_free(o);
    return name;
}

#define EXPECT_NAME(hdrs, want) do { \
        char *got_ = name_of(hdrs); \
        assert_non_null(got_); \
        assert_string_equal(got_, want); \
        g_free(got_); \
    } while (0)

static void test_plain_name(void **state)
{
    EXPECT_NAME("Content-Type: application/pdf\nContent-Disposition: attachment; filename=\"report.pdf\"",
                "report.pdf");
}

static void test_name_from_content_type(void **state)
{
    EXPECT_NAME("Content-Type: application/pdf; name=\"only-ct.pdf\"", "only-ct.pdf");
}

static void test_rfc2231_with_continuations(void **state)
{
    /* 請求書.pdf split over two encoded continuations */
    EXPECT_NAME("Content-Type: application/pdf\nContent-Disposition: attachment;\n"
                " filename*0*=UTF-8''%E8%AB%8B%E6%B1%82;\n filename*1*=%E6%9B%B8.pdf",
                "請求書.pdf");
}

static void test_rfc2047_in_parameter(void **state)
{
    EXPECT_NAME("Content-Type: application/pdf; name=\"=?ISO-2022-JP?B?GyRCO3FOQRsoQg==?=.pdf\"",
                "資料.pdf");
}

static void test_raw_8bit_names(void **state)
{
    EXPECT_NAME("Content-Type: application/pdf; name=\"\xe8\xb3\x87\xe6\x96\x99.pdf\"", "資料.pdf");
    /* raw Shift_JIS / CP932 bytes of 資料 */
    EXPECT_NAME("Content-Type: application/pdf; name=\"\x8e\x91\x97\xbf.pdf\"", "資料.pdf");
}

static void test_no_name(void **state)
{
    char   *n = name_of("Content-Type: application/octet-stream");

    assert_null(n);
}

static void test_display_escapes_bidi_and_controls(void **state)
{
    char   *d = fname_display("invoice\xE2\x80\xAE" "fdp.exe");

    assert_string_equal(d, "invoice<U+202E>fdp.exe");
    g_free(d);
    d = fname_display("a\tb\x01" "c");
    assert_string_equal(d, "a<U+0009>b<U+0001>c");
    g_free(d);
    d = fname_display("bad\xff" "utf8");
    assert_true(g_utf8_validate(d, -1, NULL));
    g_free(d);
}

static void test_display_caps_length(void **state)
{
    GString *s = g_string_new(NULL);
    char   *d;
    int     i;

    for (i = 0; i < 1000; i++)
        g_string_append(s, "あ");
    d = fname_display(s->str);
    assert_int_equal(g_utf8_strlen(d, -1), FNAME_MAX_DISPLAY_CHARS + 3);
    assert_true(g_str_has_suffix(d, "..."));
    g_free(d);
    g_string_free(s, TRUE);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_name),
        cmocka_unit_test(test_name_from_content_type),
        cmocka_unit_test(test_rfc2231_with_continuations),
        cmocka_unit_test(test_rfc2047_in_parameter),
        cmocka_unit_test(test_raw_8bit_names),
        cmocka_unit_test(test_no_name),
        cmocka_unit_test(test_display_escapes_bidi_and_controls),
        cmocka_unit_test(test_display_caps_length),
    };

    g_mime_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
