/* test_policy - attachment rules, type mismatch, extensions and archive inspection */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mugai/conf.h"
#include "mugai/fdio.h"
#include "mugai/container.h"
#include "mugai/fname.h"
#include "mugai/ftype.h"
#include "mugai/rules.h"

/* first_rule - name of the built-in rule that decides these facts */
static const char *first_rule(const RULE_FACTS *f)
{
    static GPtrArray *rules;
    const RULE *r;

    if (rules == NULL)
        rules = rules_defaults();
    r = rules_match(rules, f);
    assert_non_null(r);
    return rule_name(r);
}

static void test_builtin_rules(void **state)
{
    RULE_FACTS f = {"report.pdf", "application/pdf", "application/pdf", 1000, FALSE, FALSE, FALSE, NULL};
    CONTAINER_INFO ci = {0};

    assert_string_equal(first_rule(&f), "default");
    f.detected_type = "application/x-dosexec";
    assert_string_equal(first_rule(&f), "executable");
    f.detected_type = "text/x-shellscript";
    assert_string_equal(first_rule(&f), "script");
    f.detected_type = "text/plain";
    f.filename = "run.JS";
    assert_string_equal(first_rule(&f), "executable-name");
    f.filename = "invoice.exe. ";      /* Windows drops the trailing dot and space */
    assert_string_equal(first_rule(&f), "executable-name");
    f.filename = "notes.txt";
    f.virus = TRUE;
    assert_string_equal(first_rule(&f), "virus");
    f.virus = FALSE;
    f.mismatch = TRUE;
    assert_string_equal(first_rule(&f), "mismatch");
    f.mismatch = FALSE;
    f.incomplete = TRUE;
    assert_string_equal(first_rule(&f), "incomplete");
    f.incomplete = FALSE;

    ci.members = g_ptr_array_new();
    f.contents = &ci;
    f.filename = "a.zip";
    f.detected_type = "application/zip";
    ci.archive = TRUE;
    assert_string_equal(first_rule(&f), "default");
    ci.encrypted = TRUE;
    assert_string_equal(first_rule(&f), "encrypted");
    ci.encrypted = FALSE;
    ci.macro = TRUE;
    assert_string_equal(first_rule(&f), "macro");
    ci.macro = FALSE;
    {
        CONTAINER_MEMBER m = {"dir/setup.scr", "application/octet-stream", 10, FALSE, 2};

        g_ptr_array_add(ci.members, &m);
        assert_string_equal(first_rule(&f), "archive-executable-name");
        m.path = "dir/readme";
        m.type = "application/x-dosexec";
        assert_string_equal(first_rule(&f), "archive-executable");
        m.type = "text/plain";
        assert_string_equal(first_rule(&f), "default");
        g_ptr_array_set_size(ci.members, 0);
    }
    ci.damaged = TRUE;
    assert_string_equal(first_rule(&f), "incomplete");
    g_ptr_array_unref(ci.members);
}

static void test_own_rules(void **state)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GPtrArray) rules = g_ptr_array_new_with_free_func((GDestroyNotify) rule_free);
    RULE_FACTS big = {"photo.jpg", "image/jpeg", "image/jpeg", 20 * 1024 * 1024, FALSE, FALSE, FALSE, NULL};
    RULE_FACTS small = big;
    GError *err = NULL;

    assert_true(g_key_file_load_from_data(kf,
        "[rule big-images]\ntype = image/*\nmin_size = 10M\naction = quarantine\n"
        "[rule csv]\nextension = .CSV, txt\ndeclared = text/*; application/vnd.ms-excel\naction = extract-text\n"
        "[rule rest]\naction = remove\n", -1, G_KEY_FILE_NONE, NULL));
    g_ptr_array_add(rules, rules_parse(kf, "rule big-images", &err));
    g_ptr_array_add(rules, rules_parse(kf, "rule csv", &err));
    g_ptr_array_add(rules, rules_parse(kf, "rule rest", &err));
    assert_null(err);
    assert_true(rules_check(rules, NULL));
    assert_string_equal(rule_name(rules_match(rules, &big)), "big-images");
    assert_int_equal(rule_action(rules_match(rules, &big)), RULE_QUARANTINE);
    assert_string_equal(rule_reason(rules_match(rules, &big)), "big-images");
    small.size = 1000;
    assert_string_equal(rule_name(rules_match(rules, &small)), "rest");
    small.filename = "一覧.csv";
    small.declared_type = "application/vnd.ms-excel";
    assert_string_equal(rule_name(rules_match(rules, &small)), "csv");
    /* The last rule must catch everything. */
    g_ptr_array_remove_index(rules, 2);
    assert_false(rules_check(rules, &err));
    assert_non_null(strstr(err->message, "last [rule ...] section"));
    g_clear_error(&err);
}

static void test_extension(void **state)
{
    char   *e;

    assert_null(fname_extension(NULL));
    assert_null(fname_extension("README"));
    assert_null(fname_extension("dir.d/README"));
    assert_string_equal(e = fname_extension("a.tar.GZ"), "gz"); g_free(e);
    assert_string_equal(e = fname_extension("x.EXE .. "), "exe"); g_free(e);
    assert_string_equal(e = fname_extension("C:\\temp\\a.b\\run.bat"), "bat"); g_free(e);
    assert_true(fname_is_deceptive("photo_\xe2\x80\xaegpj.exe"));
    assert_false(fname_is_deceptive("見積書.pdf"));
}

static void test_type_globs(void **state)
{
    static const char *const globs[] = {"application/vnd.ms-excel.*", "text/*", "image/?ng", "*/x-*-exec", NULL};

    assert_true(ftype_in(globs, "application/vnd.ms-excel.sheet.macroEnabled.12"));
    assert_true(ftype_in(globs, "TEXT/Plain"));
    assert_true(ftype_in(globs, "text/"));
    assert_true(ftype_in(globs, "image/png"));
    assert_true(ftype_in(globs, "application/x-dos-exec"));
    assert_true(ftype_in(globs, "application/x-x-dos-exec"));   /* the '*' moves on */
    assert_false(ftype_in(globs, "application/vnd.ms-excel"));
    assert_false(ftype_in(globs, "image/pngx"));
    assert_false(ftype_in(globs, "image/ng"));
    assert_false(ftype_in(globs, "application/x-dosexec"));
    assert_false(ftype_in(globs, "xtext/plain"));
    assert_false(ftype_in(globs, NULL));
}

static void test_mismatch(void **state)
{
    assert_false(ftype_mismatch("report.pdf", "application/pdf", "application/pdf"));
    assert_false(ftype_mismatch("report.pdf", "application/octet-stream", "application/octet-stream"));
    assert_false(ftype_mismatch("photo.png", "image/png", "image/jpeg"));      /* same family */
    assert_false(ftype_mismatch("list.csv", "application/vnd.ms-excel", "text/plain"));
    assert_false(ftype_mismatch("a.docx", "application/msword", "application/zip"));
    assert_false(ftype_mismatch("data.xyz", NULL, "application/x-dosexec"));  /* unknown extension */
    assert_true(ftype_mismatch("invoice.txt", "text/plain", "application/x-dosexec"));
    assert_true(ftype_mismatch("photo.jpg", "image/jpeg", "application/pdf"));
    assert_true(ftype_mismatch("report.pdf", "text/plain", "application/pdf"));   /* declared vs name */
    assert_true(ftype_mismatch("report\xe2\x80\xae" "fdp.txt", "text/plain", "text/plain"));
}

/* zip_stored - a one-member ZIP with stored data (enough for libarchive) */
static GByteArray *zip_stored(const char *name, const char *data, guint32 declared_size, gboolean encrypted)
{
    GByteArray *z = g_byte_array_new();
    guint16 nlen = (guint16) strlen(name), flags = encrypted ? 1 : 0;
    guint32 dlen = (guint32) strlen(data), crc = 0, cdoff;
    guint8  h[30] = {'P', 'K', 3, 4, 20, 0};
    guint8  c[46] = {'P', 'K', 1, 2, 20, 0, 20, 0};
    guint8  e[22] = {'P', 'K', 5, 6};

    memcpy(h + 6, &flags, 2);
    memcpy(h + 14, &crc, 4);
    memcpy(h + 18, &dlen, 4);
    memcpy(h + 22, &declared_size, 4);
    memcpy(h + 26, &nlen, 2);
    g_byte_array_append(z, h, 30);
    g_byte_array_append(z, (const guint8 *) name, nlen);
    g_byte_array_append(z, (const guint8 *) data, dlen);
    cdoff = z->len;
    memcpy(c + 8, &flags, 2);
    memcpy(c + 20, &dlen, 4);
    memcpy(c + 24, &declared_size, 4);
    memcpy(c + 28, &nlen, 2);
    g_byte_array_append(z, c, 46);
    g_byte_array_append(z, (const guint8 *) name, nlen);
    e[8] = e[10] = 1;
    {
        guint32 cdlen = 46 + nlen;

        memcpy(e + 12, &cdlen, 4);
        memcpy(e + 16, &cdoff, 4);
    }
    g_byte_array_append(z, e, 22);
    return z;
}

/* inspect_mem - container_inspect() of a buffer */
static CONTAINER_INFO *inspect_mem(FTYPE *ft, const void *data, gsize len, const char *type,
                                   const CONTAINER_LIMITS *lim)
{
    BYTESRC src = bytesrc_mem(data, len);

    return container_inspect(ft, &src, type, lim);
}

/* file_of - an unlinked file holding data */
static int file_of(const void *data, gsize len)
{
    int     fd = fd_tmpfile(NULL, NULL);

    assert_true(fd >= 0);
    assert_true(fd_write_all(fd, data, len));
    return fd;
}

/* put_utf16 - ascii as UTF-16LE at buf + at */
static void put_utf16(guint8 *buf, gsize at, const char *ascii)
{
    for (; *ascii; ascii++, at += 2) {
        buf[at] = (guint8) *ascii;
        buf[at + 1] = 0;
    }
}

/* The same inspection read from a file, a chunk at a time. */
static void test_container_file(void **state)
{
    FTYPE  *ft = ftype_new(0, NULL);
    CONTAINER_LIMITS lim = {3, 1000, 1024 * 1024};
    g_autoptr(GByteArray) plain = zip_stored("docs/readme.txt", "hello", 5, FALSE);
    g_autoptr(GByteArray) locked = zip_stored("secret.txt", "hello", 5, TRUE);
    gsize   ole_len = 3 * BYTESRC_CHUNK;
    g_autofree guint8 *ole = g_malloc0(ole_len);
    CONTAINER_INFO *ci;
    BYTESRC src;
    int     fd;

    fd = file_of(plain->data, plain->len);
    src = bytesrc_file(fd, plain->len);
    ci = container_inspect(ft, &src, "application/zip", &lim);
    assert_true(ci->archive);
    assert_int_equal(ci->members->len, 1);
    assert_string_equal(((CONTAINER_MEMBER *) g_ptr_array_index(ci->members, 0))->path, "docs/readme.txt");
    assert_false(ci->encrypted || ci->incomplete || ci->macro);
    container_info_free(ci);
    close(fd);

    fd = file_of(locked->data, locked->len);
    src = bytesrc_file(fd, locked->len);
    ci = container_inspect(ft, &src, "application/zip", &lim);
    assert_true(ci->encrypted);
    container_info_free(ci);
    close(fd);

    /* An OLE file whose VBA stream name straddles the end of the first
     * read (BYTESRC_CHUNK plus the name's length less one) is found. */
    memcpy(ole, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    put_utf16(ole, BYTESRC_CHUNK + 10, "_VBA_PROJECT");
    fd = file_of(ole, ole_len);
    src = bytesrc_file(fd, ole_len);
    assert_int_equal(bytesrc_find(&src, "_\0V\0B\0A\0_\0P\0R\0O\0J\0E\0C\0T", 23), 1);
    assert_int_equal(bytesrc_find(&src, "nowhere", 7), 0);
    ci = container_inspect(ft, &src, "application/x-ole-storage", &lim);
    assert_true(ci->document && ci->macro);
    assert_false(ci->encrypted || ci->damaged);
    container_info_free(ci);
    /* A file shorter than it was said to be cannot be read: damaged, never clean. */
    src = bytesrc_file(fd, ole_len + 5 * BYTESRC_CHUNK);
    assert_int_equal(bytesrc_find(&src, "nowhere", 7), -1);
    ci = container_inspect(ft, &src, "application/x-ole-storage", &lim);
    assert_true(ci->damaged);
    container_info_free(ci);
    close(fd);
    ftype_free(ft);
}

/* A store keeps bytes in memory up to its limit, then all of them in a file. */
static void test_bytestore(void **state)
{
    BYTESTORE b = BYTESTORE_INIT;
    char    back[8] = {0};

    assert_true(bytestore_append(&b, "abc", 3, 5, NULL, NULL));
    assert_non_null(b.mem);
    assert_int_equal(b.fd, -1);
    assert_memory_equal(b.src.data, "abc", 3);
    assert_true(bytestore_append(&b, "defg", 4, 5, NULL, NULL));
    assert_null(b.mem);
    assert_true(b.fd >= 0);
    assert_null(b.src.data);
    assert_int_equal(b.src.len, 7);
    assert_int_equal(bytesrc_read(&b.src, 0, back, sizeof(back)), 7);
    assert_string_equal(back, "abcdefg");
    bytestore_clear(&b);
    assert_int_equal(b.fd, -1);
    assert_int_equal(b.src.len, 0);
    bytestore_clear(&b);
}

/* The cache answers what libmagic answers; a slot taken by other bytes
 * is asked again, and what is larger than FTYPE_CACHE_MAX_BYTES is never
 * remembered. */
static void test_type_cache(void **state)
{
#define SAMPLE(lit) {lit, sizeof(lit) - 1}
    static const struct {
        const char *bytes;
        gsize   len;
    } samples[] = {
        SAMPLE("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"),
        SAMPLE("#!/bin/sh\necho hello\n"),
        SAMPLE("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0"),
        SAMPLE("MZ\x90\0\3\0\0\0\4\0\0\0\xff\xff\0\0"),
        SAMPLE("plain words only\n"),
    };
#undef SAMPLE
    FTYPE  *plain = ftype_new(0, NULL), *cached = ftype_new(1, NULL);
    g_autofree char *big = g_malloc(FTYPE_CACHE_MAX_BYTES + 1);
    guint64 lookups, hits;
    gsize   i, round;

    assert_non_null(plain);
    assert_non_null(cached);
    /* One slot: each sample takes it from the one before, then is asked for again at once. */
    for (i = 0; i < G_N_ELEMENTS(samples); i++)
        for (round = 0; round < 2; round++) {
            g_autofree char *want = ftype_detect(plain, samples[i].bytes, samples[i].len);
            g_autofree char *got = ftype_detect(cached, samples[i].bytes, samples[i].len);

            assert_string_equal(got, want);
        }
    ftype_cache_stats(cached, &lookups, &hits);
    assert_int_equal(lookups, 2 * G_N_ELEMENTS(samples));
    assert_int_equal(hits, G_N_ELEMENTS(samples));
    /* Another run of the first sample after the slot moved on: asked again. */
    g_free(ftype_detect(cached, samples[0].bytes, samples[0].len));
    ftype_cache_stats(cached, &lookups, &hits);
    assert_int_equal(hits, G_N_ELEMENTS(samples));
    memset(big, 'a', FTYPE_CACHE_MAX_BYTES + 1);
    g_free(ftype_detect(cached, big, FTYPE_CACHE_MAX_BYTES + 1));
    g_free(ftype_detect(cached, big, FTYPE_CACHE_MAX_BYTES + 1));
    ftype_cache_stats(cached, &lookups, &hits);
    assert_int_equal(lookups, 2 * G_N_ELEMENTS(samples) + 1);
    ftype_free(plain);
    ftype_free(cached);
}

static void test_container(void **state)
{
    FTYPE  *ft = ftype_new(0, NULL);
    CONTAINER_LIMITS lim = {3, 1000, 1024 * 1024};
    g_autoptr(GByteArray) plain = zip_stored("docs/readme.txt", "hello", 5, FALSE);
    g_autoptr(GByteArray) bomb = zip_stored("zeros.bin", "hello", 0x7fffffff, FALSE);
    g_autoptr(GByteArray) locked = zip_stored("secret.txt", "hello", 5, TRUE);
    CONTAINER_INFO *ci;

    assert_non_null(ft);
    assert_null(inspect_mem(ft, "x", 1, "text/plain", &lim));
    assert_true(container_wants("application/x-7z-compressed"));
    assert_true(container_wants("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));

    ci = inspect_mem(ft, plain->data, plain->len, "application/zip", &lim);
    assert_non_null(ci);
    assert_true(ci->archive);
    assert_int_equal(ci->members->len, 1);
    assert_string_equal(((CONTAINER_MEMBER *) g_ptr_array_index(ci->members, 0))->path, "docs/readme.txt");
    assert_false(ci->encrypted || ci->incomplete || ci->macro);
    container_info_free(ci);

    /* A member announcing 2 GB: a bomb, found without decompressing it. */
    ci = inspect_mem(ft, bomb->data, bomb->len, "application/zip", &lim);
    assert_true(ci->incomplete);
    container_info_free(ci);

    ci = inspect_mem(ft, locked->data, locked->len, "application/zip", &lim);
    assert_true(ci->encrypted);
    container_info_free(ci);

    /* Garbage that claims to be a ZIP is damaged, not a crash. */
    ci = inspect_mem(ft, "PK\3\4garbage", 11, "application/zip", &lim);
    assert_non_null(ci);
    assert_true(ci->damaged);
    container_info_free(ci);
    ftype_free(ft);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_rules),
        cmocka_unit_test(test_own_rules),
        cmocka_unit_test(test_extension),
        cmocka_unit_test(test_mismatch),
        cmocka_unit_test(test_type_globs),
        cmocka_unit_test(test_container),
        cmocka_unit_test(test_type_cache),
        cmocka_unit_test(test_container_file),
        cmocka_unit_test(test_bytestore),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
