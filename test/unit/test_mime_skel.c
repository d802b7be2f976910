/* test_mime_skel - a message written again without some parts' content */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mugai/mime_part.h"
#include "mugai/mime_skel.h"

static const char MSG[] =
    "From: a@example.org\n"
    "To: b@example.jp\n"
    "Subject: skel\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"BB\"\n"
    "\n"
    "preamble line\n"
    "--BB\n"
    "Content-Type: text/html; charset=utf-8\n"
    "\n"
    "<p>BODY-TEXT-KEPT</p>\n"
    "--BB\n"
    "Content-Type: application/octet-stream; name=\"a.bin\"\n"
    "Content-Disposition: attachment; filename=\"a.bin\"\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "QVRUQUNITUVOVC1DT05URU5ULUxFRlQtT1VU\n"
    "--BB--\n"
    "epilogue line\n";

/* parse - MSG as the engine parses it (transfer full) */
static GMimeMessage *parse(void)
{
    GMimeStream *s = g_mime_stream_mem_new_with_buffer(MSG, strlen(MSG));
    GMimeParser *p = g_mime_parser_new_with_stream(s);
    GMimeParserOptions *o = mime_options_new();
    GMimeMessage *m = g_mime_parser_construct_message(p, o);

    assert_non_null(m);
    g_object_unref(p);
    g_object_unref(s);
    g_mime_parser_options_free(o);
    return m;
}

/* written - msg as GMime writes it, NUL-terminated (transfer full) */
static char *written(GMimeMessage *msg)
{
    return g_mime_object_to_string(GMIME_OBJECT(msg), NULL);
}

/* has - does the byte array hold needle */
static gboolean has(const GByteArray *b, const char *needle)
{
    return g_strstr_len((const char *) b->data, (gssize) b->len, needle) != NULL;
}

static void test_omitted_content_left_out(void **state)
{
    GMimeMessage *msg = parse();
    GMimeMultipart *mp = GMIME_MULTIPART(g_mime_message_get_mime_part(msg));
    GMimeObject *att = g_mime_multipart_get_part(mp, 1);
    GHashTable *omit = g_hash_table_new(NULL, NULL);
    char   *before = written(msg);
    char   *after;
    GByteArray *skel;

    g_hash_table_add(omit, att);
    skel = mime_skel_write(msg, omit);
    /* the attachment's encoded content is gone, its headers stay */
    assert_false(has(skel, "QVRUQUNITUVOVC1DT05URU5ULUxFRlQtT1VU"));
    assert_true(has(skel, "filename=\"a.bin\""));
    /* every body text, boundary, preamble and epilogue stays */
    assert_true(has(skel, "BODY-TEXT-KEPT"));
    assert_true(has(skel, "--BB--"));
    assert_true(has(skel, "preamble line"));
    assert_true(has(skel, "epilogue line"));
    assert_true(has(skel, "Subject: skel"));
    assert_true(skel->len < strlen(before));
    /* the message itself is as it was */
    after = written(msg);
    assert_string_equal(before, after);
    g_free(after);
    g_free(before);
    g_byte_array_unref(skel);
    g_hash_table_unref(omit);
    g_object_unref(msg);
}

static void test_nothing_omitted_is_the_message(void **state)
{
    GMimeMessage *msg = parse();
    GHashTable *omit = g_hash_table_new(NULL, NULL);
    char   *whole = written(msg);
    GByteArray *skel = mime_skel_write(msg, omit);

    assert_int_equal(skel->len, strlen(whole));
    assert_memory_equal(skel->data, whole, skel->len);
    g_free(whole);
    g_byte_array_unref(skel);
    g_hash_table_unref(omit);
    g_object_unref(msg);
}

/* skel_of - the skeleton of text with its second part omitted (transfer full) */
static GByteArray *skel_of(const char *text, gsize len)
{
    GMimeStream *st = g_mime_stream_mem_new_with_buffer(text, len);
    GMimeParser *p = g_mime_parser_new_with_stream(st);
    GMimeParserOptions *o = mime_options_new();
    GMimeMessage *msg = g_mime_parser_construct_message(p, o);
    GHashTable *omit = g_hash_table_new(NULL, NULL);
    GByteArray *skel;

    assert_non_null(msg);
    g_hash_table_add(omit, g_mime_multipart_get_part(GMIME_MULTIPART(g_mime_message_get_mime_part(msg)), 1));
    skel = mime_skel_write(msg, omit);
    g_hash_table_unref(omit);
    g_object_unref(msg);
    g_object_unref(p);
    g_object_unref(st);
    g_mime_parser_options_free(o);
    return skel;
}

static void test_empty_part_omitted_can_be_the_message(void **state)
{
    static const char two[] =
        "From: a@example.org\nTo: b@example.jp\nMIME-Version: 1.0\n"
        "Content-Type: multipart/mixed; boundary=\"b\"\n\n"
        "--b\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\naGVsbG8K\n"
        "--b\nContent-Type: application/octet-stream; name=\"e.bin\"\n\n"
        "--b--\n";
    GByteArray *once = skel_of(two, strlen(two));
    GByteArray *twice = skel_of((const char *) once->data, once->len);

    /* A message whose omitted part is already empty, as GMime writes
     * it, has a skeleton byte for byte the same as itself: the engine
     * then scans the message whole (scan_split; the golden test
     * virus-in-body-same-skeleton). */
    assert_int_equal(twice->len, once->len);
    assert_memory_equal(twice->data, once->data, once->len);
    assert_memory_equal(once->data, two, strlen(two) - 7);  /* all but the last part's end */
    g_byte_array_unref(once);
    g_byte_array_unref(twice);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_omitted_content_left_out),
        cmocka_unit_test(test_nothing_omitted_is_the_message),
        cmocka_unit_test(test_empty_part_omitted_can_be_the_message),
    };

    g_mime_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
