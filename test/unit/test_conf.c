/* test_conf - configuration: defaults, values, and errors that name the key */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <unistd.h>

#include <cmocka.h>

#include "mugai/conf.h"

/* load_text - write text to a temporary file and load it */
static MUGAI_CONF *load_text(const char *text, GError **err)
{
    g_autofree char *path = NULL;
    int     fd = g_file_open_tmp("mugai-conf-XXXXXX", &path, NULL);
    MUGAI_CONF *c;

    assert_true(fd >= 0);
    close(fd);
    assert_true(g_file_set_contents(path, text, -1, NULL));
    c = conf_load(path, err);
    unlink(path);
    return c;
}

static void test_defaults(void **state)
{
    MUGAI_CONF *c = conf_new_defaults();

    assert_string_equal(c->av_database, "/var/lib/clamav");
    assert_int_equal(c->max_message_bytes, 50 * 1024 * 1024);
    assert_int_equal(c->max_mime_depth, 16);
    assert_int_equal(c->links, CONF_LINKS_DEFANG);
    assert_string_equal(c->notice_language, "ja");
    assert_null(c->notice_template);
    conf_free(c);
}

static void test_values(void **state)
{
    GError *err = NULL;
    MUGAI_CONF *c = load_text("[clamav]\ndatabase = /tmp/db\n[limits]\nmax_message_bytes = 10M\n"
                              "max_parts = 50\n[render]\nlinks = remove\n[notice]\nlanguage = en\n"
                              "template = A\\nB {count}\n[output]\nkeep_headers = X-A; X-B\n", &err);

    assert_non_null(c);
    assert_string_equal(c->av_database, "/tmp/db");
    assert_int_equal(c->max_message_bytes, 10 * 1024 * 1024);
    assert_int_equal(c->max_parts, 50);
    assert_int_equal(c->links, CONF_LINKS_REMOVE);
    assert_string_equal(c->notice_template, "A\nB {count}");
    assert_true(g_strv_contains((const char *const *) c->keep_headers, "X-B"));
    conf_free(c);
}

static void test_unknown_key_named(void **state)
{
    GError *err = NULL;

    assert_null(load_text("[clamav]\ndatabse = /x\n", &err));
    assert_non_null(strstr(err->message, "databse"));
    g_clear_error(&err);
    assert_null(load_text("[clamv]\ndatabase = /x\n", &err));
    assert_non_null(strstr(err->message, "clamv"));
    g_clear_error(&err);
}

static void test_bad_values_named(void **state)
{
    GError *err = NULL;

    assert_null(load_text("[limits]\nmax_parts = lots\n", &err));
    assert_non_null(strstr(err->message, "max_parts"));
    g_clear_error(&err);
    assert_null(load_text("[render]\nlinks = maybe\n", &err));
    assert_non_null(strstr(err->message, "links"));
    g_clear_error(&err);
    assert_null(load_text("[limits]\nmax_mime_depth = 0\n", &err));
    g_clear_error(&err);
    assert_null(load_text("not an ini file\n", &err));
    g_clear_error(&err);
}

/* [quarantine] inline_max: a size, 128K by default, 0 allowed (every
 * original in a file), at most QSTORE_INLINE_CEILING (4M) */
static void test_inline_max(void **state)
{
    GError *err = NULL;
    MUGAI_CONF *c = conf_new_defaults();

    assert_int_equal(c->quar_inline_max, 128 * 1024);
    conf_free(c);
    c = load_text("[quarantine]\ninline_max = 0\n", &err);
    assert_non_null(c);
    assert_int_equal(c->quar_inline_max, 0);
    conf_free(c);
    c = load_text("[quarantine]\ninline_max = 4M\n", &err);
    assert_non_null(c);
    assert_int_equal(c->quar_inline_max, 4 * 1024 * 1024);
    conf_free(c);
    assert_null(load_text("[quarantine]\ninline_max = 4097K\n", &err));
    assert_non_null(strstr(err->message, "inline_max: at most 4096K"));
    g_clear_error(&err);
    assert_null(load_text("[quarantine]\ninline_max = -1\n", &err));
    assert_non_null(strstr(err->message, "inline_max"));
    g_clear_error(&err);
    /* The other sizes stay positive. */
    assert_null(load_text("[milter]\nspool_memory = 0\n", &err));
    assert_non_null(strstr(err->message, "positive size"));
    g_clear_error(&err);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_unknown_key_named),
        cmocka_unit_test(test_bad_values_named),
        cmocka_unit_test(test_inline_max),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
