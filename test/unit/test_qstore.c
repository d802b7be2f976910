/* test_qstore - the quarantine store: an original is never replaced, a
 * failed hold leaves the store ready for the next one, a hold is not
 * acknowledged before its directory is synced, and an original up to
 * [quarantine] inline_max lives in the index, read back checked */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <grp.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "mugai/bytesrc.h"
#include "mugai/conf.h"
#include "mugai/qstore.h"

typedef struct {
    char   *dir;
    MUGAI_CONF *conf;
    QSTORE *qs;
} FIX;

/* Size up to which the inline tests' store keeps originals in the index. */
#define TEST_INLINE_MAX 64

/* open_store - a new store under a temporary directory, keeping
 * originals of up to inline_max bytes in the index */
static int open_store(void **state, gint64 inline_max)
{
    FIX    *f = g_new0(FIX, 1);
    GError *err = NULL;

    f->dir = g_dir_make_tmp("mugai-qstore-XXXXXX", NULL);
    assert_non_null(f->dir);
    f->conf = conf_new_defaults();
    g_free(f->conf->quar_directory);
    f->conf->quar_directory = g_build_filename(f->dir, "q", NULL);
    f->conf->quar_inline_max = inline_max;
    f->qs = qstore_open(f->conf, TRUE, &err);
    assert_null(err);
    assert_non_null(f->qs);
    *state = f;
    return 0;
}

/* setup - every original in a file of its own */
static int setup(void **state)
{
    return open_store(state, 0);
}

/* setup_inline - originals up to TEST_INLINE_MAX in the index */
static int setup_inline(void **state)
{
    return open_store(state, TEST_INLINE_MAX);
}

static int teardown(void **state)
{
    FIX    *f = *state;
    g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", f->dir);

    qstore_close(f->qs);
    conf_free(f->conf);
    assert_int_equal(system(cmd), 0);
    g_free(f->dir);
    g_free(f);
    return 0;
}

/* put - hold text under id */
static gboolean put(FIX *f, const char *id, const char *text, GError **err)
{
    const char *rcpts[] = {"staff@city.example.lg.jp", NULL};
    QENVELOPE env = {"QID1", "127.0.0.1", "localhost", "helo", "sender@example.com", rcpts};
    QMETA   meta = {"From <a@example.com>", "subject", "<m@example.com>", "virus", "Eicar-Test", "{}", "text"};
    BYTESRC src = bytesrc_mem(text, strlen(text));

    return qstore_put(f->qs, id, &src, &env, &meta, "test", err);
}

/* msg_file - where id's original is stored (transfer full) */
static char *msg_file(FIX *f, const char *id)
{
    g_autofree char *name = g_strconcat(id, ".eml", NULL);

    return g_build_filename(qstore_msg_dir(f->qs), name, NULL);
}

/* original - the stored bytes of id (transfer full), or NULL */
static char *original(FIX *f, const char *id)
{
    g_autofree char *path = msg_file(f, id);
    char   *text = NULL;

    return g_file_get_contents(path, &text, NULL, NULL) ? text : NULL;
}

/* assert_refused - holding text under id fails, and says why */
static void assert_refused(FIX *f, const char *id, const char *text, const char *why)
{
    GError *err = NULL;

    assert_false(put(f, id, text, &err));
    assert_non_null(err);
    assert_non_null(strstr(err->message, why));
    g_error_free(err);
}

/* Two holds that drew the same id: the second fails (the MTA is answered
 * tempfail and retries under a new id); the first's original and row stay. */
static void test_same_id_keeps_first(void **state)
{
    FIX    *f = *state;
    GError *err = NULL;
    g_autofree char *kept = NULL, *empty = NULL;
    QITEM  *it;

    assert_true(put(f, "20261130-100000-0000abcd", "first original\n", &err));
    assert_null(err);
    /* inline_max = 0: even an empty original is a file. */
    assert_true(put(f, "20261130-100000-0000abce", "", &err));
    assert_null(err);
    empty = original(f, "20261130-100000-0000abce");
    assert_non_null(empty);
    assert_string_equal(empty, "");
    assert_refused(f, "20261130-100000-0000abcd", "second original\n", "exists");
    kept = original(f, "20261130-100000-0000abcd");
    assert_non_null(kept);
    assert_string_equal(kept, "first original\n");
    it = qstore_get(f->qs, "20261130-100000-0000abcd", &err);
    assert_non_null(it);
    assert_int_equal(it->size, strlen("first original\n"));
    qitem_free(it);
}

/* The index refuses a row (its id is taken, the file was not there):
 * nothing of the failed hold stays on disk, and the statements kept
 * between holds serve the next one. */
static void test_failed_row_then_next(void **state)
{
    FIX    *f = *state;
    GError *err = NULL;
    g_autofree char *gone = NULL;
    g_autofree char *next = NULL;
    g_autofree char *path = NULL;
    QITEM  *it;

    assert_true(put(f, "20261130-100001-00000001", "one\n", &err));
    path = msg_file(f, "20261130-100001-00000001");
    assert_int_equal(unlink(path), 0);
    assert_refused(f, "20261130-100001-00000001", "again\n", "cannot record item");
    gone = original(f, "20261130-100001-00000001");
    assert_null(gone);
    assert_true(put(f, "20261130-100001-00000002", "two\n", &err));
    assert_null(err);
    next = original(f, "20261130-100001-00000002");
    assert_string_equal(next, "two\n");
    it = qstore_get(f->qs, "20261130-100001-00000002", &err);
    assert_non_null(it);
    assert_string_equal(it->queue_id, "QID1");
    assert_string_equal(it->recipients, "staff@city.example.lg.jp");
    qitem_free(it);
}

/* A directory that cannot be synced fails the hold, and the published
 * file goes with it.  Its mode lets the owner create files but not open
 * it for reading; root would pass that check, so the hold runs in a child
 * that gives up root first (as nobody, who then owns the store). */
static void test_unsyncable_dir_fails(void **state)
{
    FIX    *f = *state;
    pid_t   pid;
    int     status;

    if (geteuid() == 0) {
        g_autofree char *cmd = g_strdup_printf("chown -R 65534:65534 '%s'", f->dir);

        assert_int_equal(system(cmd), 0);
    }
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        GError *err = NULL;
        g_autofree char *gone = NULL;

        if (geteuid() == 0 && (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0
                               || setresuid(65534, 65534, 65534) != 0))
            _exit(2);
        if (chmod(qstore_msg_dir(f->qs), 0300) != 0)
            _exit(3);
        if (put(f, "20261130-100002-00000001", "unsynced\n", &err) || err == NULL
            || strstr(err->message, "cannot sync") == NULL)
            _exit(4);
        (void) chmod(qstore_msg_dir(f->qs), 0700);
        gone = original(f, "20261130-100002-00000001");
        _exit(gone == NULL ? 0 : 5);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* item - the index row of id (transfer full); fails the test when missing */
static QITEM *item(FIX *f, const char *id)
{
    GError *err = NULL;
    QITEM  *it = qstore_get(f->qs, id, &err);

    assert_null(err);
    assert_non_null(it);
    return it;
}

/* read_back - qstore_read of id: the bytes as a string (transfer full), or
 * NULL with *err set */
static char *read_back(FIX *f, const char *id, GError **err)
{
    QITEM  *it = item(f, id);
    GBytes *b = qstore_read(f->qs, it, err);
    char   *text = NULL;

    if (b) {
        gsize   len;
        const char *p = g_bytes_get_data(b, &len);

        text = g_strndup(p, len);
        g_bytes_unref(b);
    }
    qitem_free(it);
    return text;
}

/* index_exec - run sql on the store's index through a connection of its own */
static void index_exec(FIX *f, const char *sql)
{
    g_autofree char *path = g_build_filename(f->conf->quar_directory, "index.db", NULL);
    sqlite3 *db = NULL;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* Up to inline_max bytes the original is in the index, not in a file,
 * and reads back the same; one byte more and it is a file.  An empty
 * original is an empty blob, not a missing one. */
static void test_inline_up_to_the_limit(void **state)
{
    FIX    *f = *state;
    GError *err = NULL;
    g_autofree char *at = g_strnfill(TEST_INLINE_MAX, 'a');
    g_autofree char *over = g_strnfill(TEST_INLINE_MAX + 1, 'b');
    g_autofree char *at_file = NULL, *over_file = NULL, *at_back = NULL, *over_back = NULL;
    g_autofree char *empty_back = NULL;

    assert_true(put(f, "20261201-100000-00000001", at, &err));
    assert_true(put(f, "20261201-100000-00000002", over, &err));
    assert_true(put(f, "20261201-100000-00000003", "", &err));
    assert_null(err);
    at_file = original(f, "20261201-100000-00000001");
    over_file = original(f, "20261201-100000-00000002");
    assert_null(at_file);
    assert_non_null(over_file);
    assert_string_equal(over_file, over);
    at_back = read_back(f, "20261201-100000-00000001", &err);
    over_back = read_back(f, "20261201-100000-00000002", &err);
    empty_back = read_back(f, "20261201-100000-00000003", &err);
    assert_null(err);
    assert_string_equal(at_back, at);
    assert_string_equal(over_back, over);
    assert_string_equal(empty_back, "");
}

/* An original coming from a file (the front's spool) is kept the same
 * way as one in memory. */
static void test_inline_from_a_file(void **state)
{
    FIX    *f = *state;
    GError *err = NULL;
    const char *rcpts[] = {"staff@city.example.lg.jp", NULL};
    QENVELOPE env = {"QID2", "127.0.0.1", "localhost", "helo", "sender@example.com", rcpts};
    QMETA   meta = {NULL, NULL, NULL, "attachment", NULL, "{}", "text"};
    g_autofree char *spool = g_build_filename(f->dir, "spool", NULL);
    g_autofree char *back = NULL;
    const char text[] = "Subject: spooled\r\n\r\nbody\r\n";
    BYTESRC src;
    int     fd;

    assert_true(g_file_set_contents(spool, text, -1, NULL));
    fd = open(spool, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    src = bytesrc_file(fd, strlen(text));
    assert_true(qstore_put(f->qs, "20261201-100001-00000001", &src, &env, &meta, "test", &err));
    close(fd);
    assert_null(err);
    back = read_back(f, "20261201-100001-00000001", &err);
    assert_non_null(back);
    assert_string_equal(back, text);
}

/* A second hold under a used id fails and leaves the first as it was;
 * the next hold goes through. */
static void test_inline_same_id_keeps_first(void **state)
{
    FIX    *f = *state;
    GError *err = NULL;
    g_autofree char *kept = NULL, *next = NULL;

    assert_true(put(f, "20261201-100002-0000abcd", "first original\n", &err));
    assert_false(put(f, "20261201-100002-0000abcd", "second original\n", &err));
    assert_non_null(err);
    g_clear_error(&err);
    kept = read_back(f, "20261201-100002-0000abcd", &err);
    assert_string_equal(kept, "first original\n");
    assert_true(put(f, "20261201-100002-0000abce", "next\n", &err));
    next = read_back(f, "20261201-100002-0000abce", &err);
    assert_string_equal(next, "next\n");
}

/* assert_unreadable - reading id back fails as damaged, with why in the
 * message when why is not NULL */
static void assert_unreadable(FIX *f, const char *id, const char *why)
{
    GError *err = NULL;
    g_autofree char *back = read_back(f, id, &err);

    assert_null(back);
    assert_non_null(err);
    assert_int_equal(err->code, QSTORE_ERR_CORRUPT);
    if (why != NULL)
        assert_non_null(strstr(err->message, why));
    g_error_free(err);
}

/* A changed original in the index is reported as damaged, not returned;
 * a removed one is gone for good and reads as damaged too. */
static void test_inline_damage_and_removal(void **state)
{
    FIX    *f = *state;
    GError *err = NULL;

    assert_true(put(f, "20261201-100003-00000001", "intact\n", &err));
    assert_true(put(f, "20261201-100003-00000002", "to remove\n", &err));
    index_exec(f, "UPDATE originals SET data = CAST('tampered' AS BLOB) WHERE id = '20261201-100003-00000001'");
    assert_unreadable(f, "20261201-100003-00000001", "damaged");
    assert_true(qstore_remove_original(f->qs, "20261201-100003-00000002", &err));
    assert_null(err);
    assert_unreadable(f, "20261201-100003-00000002", NULL);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_id_keeps_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_row_then_next, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unsyncable_dir_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_inline_up_to_the_limit, setup_inline, teardown),
        cmocka_unit_test_setup_teardown(test_inline_from_a_file, setup_inline, teardown),
        cmocka_unit_test_setup_teardown(test_inline_same_id_keeps_first, setup_inline, teardown),
        cmocka_unit_test_setup_teardown(test_inline_damage_and_removal, setup_inline, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
