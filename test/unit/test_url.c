/* test_url - URL detection and defanging */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mugai/url.h"

/* rewrite - text through url_rewrite (transfer full) */
static char *rewrite(const char *in, CONF_LINKS mode, guint *count)
{
    GString *out = g_string_new(NULL);
    guint   n = url_rewrite(in, strlen(in), mode, "[link removed]", out);

    if (count)
        *count = n;
    return g_string_free(out, FALSE);
}

#define EXPECT(in, mode, want) do { \
        char *got_ = rewrite(in, mode, NULL); \
        assert_string_equal(got_, want); \
        g_free(got_); \
    } while (0)

static void test_defang_scheme_and_host(void **state)
{
    EXPECT("go https://www.example.com/a.b?x=1#f now", CONF_LINKS_DEFANG,
           "go hxxps://www[.]example[.]com/a.b?x=1#f now");
    EXPECT("http://192.168.0.1:8080/", CONF_LINKS_DEFANG, "hxxp://192[.]168[.]0[.]1:8080/");
    EXPECT("ftp://files.example.org/x", CONF_LINKS_DEFANG, "fxp://files[.]example[.]org/x");
    EXPECT("HTTPS://EXAMPLE.COM", CONF_LINKS_DEFANG, "hxxps://EXAMPLE[.]COM");
}

static void test_www_without_scheme(void **state)
{
    EXPECT("see www.example.jp.", CONF_LINKS_DEFANG, "see www[.]example[.]jp.");
}

static void test_japanese_after_url_not_swallowed(void **state)
{
    EXPECT("詳細はhttps://example.jp/infoをご覧ください", CONF_LINKS_DEFANG,
           "詳細はhxxps://example[.]jp/infoをご覧ください");
    EXPECT("（https://example.jp/a）", CONF_LINKS_DEFANG, "（hxxps://example[.]jp/a）");
    EXPECT("https://example.jp/。次", CONF_LINKS_DEFANG, "hxxps://example[.]jp/。次");
}

static void test_trailing_punctuation(void **state)
{
    EXPECT("(see https://example.com/x).", CONF_LINKS_DEFANG, "(see hxxps://example[.]com/x).");
    EXPECT("https://en.example.org/wiki/A_(b)", CONF_LINKS_DEFANG,
           "hxxps://en[.]example[.]org/wiki/A_(b)");
    EXPECT("url: https://example.com/, ok", CONF_LINKS_DEFANG, "url: hxxps://example[.]com/, ok");
}

static void test_not_urls(void **state)
{
    guint   n;
    char   *t = rewrite("mail user@example.com, shttp://x, https:// alone, hxxp://a[.]b", CONF_LINKS_DEFANG, &n);

    assert_string_equal(t, "mail user@example.com, shttp://x, https:// alone, hxxp://a[.]b");
    assert_int_equal(n, 0);
    g_free(t);
}

static void test_keep_and_remove(void **state)
{
    guint   n;
    char   *t;

    EXPECT("a https://example.com/x b", CONF_LINKS_KEEP, "a https://example.com/x b");
    t = rewrite("a https://example.com/x b http://e.org c", CONF_LINKS_REMOVE, &n);
    assert_string_equal(t, "a [link removed] b [link removed] c");
    assert_int_equal(n, 2);
    g_free(t);
}

static void test_userinfo_trick_defanged(void **state)
{
    EXPECT("https://bank.example.com@evil.example/", CONF_LINKS_DEFANG,
           "hxxps://bank[.]example[.]com@evil[.]example/");
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defang_scheme_and_host),
        cmocka_unit_test(test_www_without_scheme),
        cmocka_unit_test(test_japanese_after_url_not_swallowed),
        cmocka_unit_test(test_trailing_punctuation),
        cmocka_unit_test(test_not_urls),
        cmocka_unit_test(test_keep_and_remove),
        cmocka_unit_test(test_userinfo_trick_defanged),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
