/* test_av - libclamav in the process: what a scan of a whole message
 * notes about the files it unpacked (av_scan_noting), which the walk
 * uses to leave out scans of the same bytes */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "mugai/av.h"
#include "mugai/conf.h"
#include "mugai/sha256.h"

typedef struct {
    MUGAI_CONF *conf;
    AV_ENGINE *av;
} FIX;

static int setup(void **state)
{
    FIX    *f = g_new0(FIX, 1);
    GError *err = NULL;

    f->conf = conf_new_defaults();
    g_free(f->conf->av_database);
    f->conf->av_database = g_strdup("fixtures/sigs");
    f->av = av_engine_new(f->conf, &err);
    assert_null(err);
    assert_non_null(f->av);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    FIX    *f = *state;

    av_engine_free(f->av);
    conf_free(f->conf);
    g_free(f);
    return 0;
}

/* attachment_sums - hex SHA-256 of each attachment of the message in
 * path, as GMime decodes it (a second decoder, not libclamav's) */
static GPtrArray *attachment_sums(const char *path)
{
    GPtrArray *sums = g_ptr_array_new_with_free_func(g_free);
    GMimeStream *file = g_mime_stream_file_open(path, "rb", NULL);
    GMimeParser *parser;
    GMimeMessage *msg;
    GMimePartIter *iter;

    assert_non_null(file);
    parser = g_mime_parser_new_with_stream(file);
    msg = g_mime_parser_construct_message(parser, NULL);
    assert_non_null(msg);
    iter = g_mime_part_iter_new(GMIME_OBJECT(msg));
    do {
        GMimeObject *obj = g_mime_part_iter_get_current(iter);
        GMimeStream *mem;
        GByteArray *bytes;

        if (!GMIME_IS_PART(obj) || !g_mime_part_is_attachment(GMIME_PART(obj)))
            continue;
        mem = g_mime_stream_mem_new();
        g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(GMIME_PART(obj)), mem);
        bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
        g_ptr_array_add(sums, sha256_hex_of(bytes->data, bytes->len));
        g_object_unref(mem);
    } while (g_mime_part_iter_next(iter));
    g_mime_part_iter_free(iter);
    g_object_unref(msg);
    g_object_unref(parser);
    g_object_unref(file);
    return sums;
}

/* scan_file - av_scan_noting over the bytes of path */
static AV_RESULT scan_file(FIX *f, const char *path, GHashTable *inner, char **virus, char **message_sum)
{
    char   *data;
    gsize   len;
    BYTESRC src;
    AV_RESULT r;

    assert_true(g_file_get_contents(path, &data, &len, NULL));
    src = bytesrc_mem(data, len);
    r = av_scan_noting(f->av, &src, "message", virus, inner);
    *message_sum = sha256_hex_of(data, len);
    g_free(data);
    return r;
}

/* A clean message with four Office attachments, two of them zip
 * containers: each attachment's bytes, as GMime decodes them, are among
 * the files noted, and so are the members libclamav unpacked from them;
 * the message itself is not. */
static void test_clean_message_notes_its_attachments(void **state)
{
    FIX    *f = *state;
    g_autoptr(GHashTable) inner = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GPtrArray) sums = attachment_sums("fixtures/msg/policy-macro.eml");
    g_autofree char *virus = NULL;
    g_autofree char *whole = NULL;
    guint   i;

    assert_int_equal(scan_file(f, "fixtures/msg/policy-macro.eml", inner, &virus, &whole), AV_CLEAN);
    assert_int_equal(sums->len, 4);
    for (i = 0; i < sums->len; i++)
        assert_true(g_hash_table_contains(inner, g_ptr_array_index(sums, i)));
    assert_true(g_hash_table_size(inner) > sums->len);
    assert_false(g_hash_table_contains(inner, whole));
}

/* A message with a virus: the result says so (the set then means
 * nothing, and the walk scans every part); a scan that notes nothing
 * gives the same answer. */
static void test_infected_message_reported(void **state)
{
    FIX    *f = *state;
    g_autoptr(GHashTable) inner = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autofree char *virus = NULL, *virus2 = NULL, *whole = NULL, *whole2 = NULL;

    assert_int_equal(scan_file(f, "fixtures/msg/virus-eicar.eml", inner, &virus, &whole), AV_INFECTED);
    assert_non_null(strstr(virus, "Mugai.Test.EICAR"));
    assert_int_equal(scan_file(f, "fixtures/msg/virus-eicar.eml", NULL, &virus2, &whole2), AV_INFECTED);
    assert_string_equal(virus, virus2);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_clean_message_notes_its_attachments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_infected_message_reported, setup, teardown),
    };

    g_mime_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
