/* qstore - the quarantine: held originals and their index in SQLite, or
 * on disk beside it when they are large */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "mugai/fdio.h"
#include "mugai/msg.h"
#include "mugai/qstore.h"
#include "mugai/sha256.h"

/* How long a writer waits for another's lock before giving up. */
#define QSTORE_BUSY_TIMEOUT_MS 15000
/* Rendered text kept in the index for `show` (bytes). */
#define QSTORE_PREVIEW_BYTES 4096

G_DEFINE_QUARK(mugai-qstore-error-quark, qstore_error)

/* Statements every hold runs, prepared once per connection (qs->st). */
enum {
    QSTORE_ST_ITEM,             /* a new item */
    QSTORE_ST_HISTORY,          /* an audit row */
    QSTORE_ST_ORIGINAL,         /* an original kept in the index */
    QSTORE_ST_COUNT
};
static const char *const qstore_sql[QSTORE_ST_COUNT] = {
    "INSERT INTO items(id, created, queue_id, client_addr, client_name, helo, sender, recipients,"
    " hdr_from, subject, message_id, size, sha256, reasons, viruses, report, preview)"
    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "INSERT INTO history(id, at, actor, action, result, detail) VALUES(?,?,?,?,?,?)",
    "INSERT INTO originals(id, data) VALUES(?,?)",
};

struct qstore {
    sqlite3 *db;
    sqlite3_stmt *st[QSTORE_ST_COUNT];  /* prepared on first use, finalized by close */
    char   *dir;                /* [quarantine] directory */
    char   *msgdir;             /* dir/msg */
    gid_t   gid;                /* admin group, or (gid_t) -1 */
    gsize   inline_max;         /* [quarantine] inline_max */
};

static const char qstore_schema[] =
    "CREATE TABLE IF NOT EXISTS items("
    " id TEXT PRIMARY KEY, created INTEGER NOT NULL, queue_id TEXT, client_addr TEXT,"
    " client_name TEXT, helo TEXT, sender TEXT, recipients TEXT, hdr_from TEXT, subject TEXT,"
    " message_id TEXT, size INTEGER NOT NULL, sha256 TEXT NOT NULL, reasons TEXT, viruses TEXT,"
    " report TEXT, preview TEXT, status TEXT NOT NULL DEFAULT 'held');"
    "CREATE INDEX IF NOT EXISTS items_created ON items(created);"
    "CREATE TABLE IF NOT EXISTS history("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, at INTEGER NOT NULL,"
    " actor TEXT NOT NULL, action TEXT NOT NULL, result TEXT NOT NULL, detail TEXT);"
    "CREATE INDEX IF NOT EXISTS history_id ON history(id);"
    "CREATE TABLE IF NOT EXISTS originals(id TEXT PRIMARY KEY, data BLOB NOT NULL);";

/* io_error - set *err from errno, telling permission problems apart */
static gboolean io_error(GError **err, int e, const char *what, const char *path)
{
    g_set_error(err, QSTORE_ERROR, (e == EACCES || e == EPERM) ? QSTORE_ERR_ACCESS : QSTORE_ERR_IO,
                "%s %s: %s", what, path, g_strerror(e));
    return FALSE;
}

/* db_error - set *err from the connection's last error */
static gboolean db_error(QSTORE *qs, GError **err, const char *what)
{
    int     rc = sqlite3_errcode(qs->db);

    g_set_error(err, QSTORE_ERROR,
                (rc == SQLITE_READONLY || rc == SQLITE_PERM || rc == SQLITE_CANTOPEN) ? QSTORE_ERR_ACCESS
                : QSTORE_ERR_IO, "quarantine index: %s: %s", what, sqlite3_errmsg(qs->db));
    return FALSE;
}

/* make_dir - create path with mode, owned by the admin group when set */
static gboolean make_dir(const QSTORE *qs, const char *path, mode_t mode, GError **err)
{
    gboolean created = mkdir(path, mode) == 0;

    if (!created && errno != EEXIST)
        return io_error(err, errno, "cannot create", path);
    if (qs->gid != (gid_t) -1 && created)
        (void) chown(path, (uid_t) -1, qs->gid);
    return TRUE;
}

/* qstore_open - open (create when create is TRUE) the store of conf */
QSTORE *qstore_open(const MUGAI_CONF *conf, gboolean create, GError **err)
{
    QSTORE *qs = g_new0(QSTORE, 1);
    g_autofree char *dbpath = NULL;
    gboolean shared = conf->quar_admin_group != NULL;
    int     flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    char   *emsg = NULL;

    qs->gid = (gid_t) -1;
    qs->inline_max = (gsize) conf->quar_inline_max;
    if (shared) {
        struct group *gr = getgrnam(conf->quar_admin_group);

        if (gr == NULL) {
            g_set_error(err, QSTORE_ERROR, QSTORE_ERR_IO, "[quarantine] admin_group: no group \"%s\"",
                        conf->quar_admin_group);
            goto fail;
        }
        qs->gid = gr->gr_gid;
    }
    qs->dir = g_strdup(conf->quar_directory);
    qs->msgdir = g_build_filename(qs->dir, "msg", NULL);
    dbpath = conf->quar_database ? g_strdup(conf->quar_database) : g_build_filename(qs->dir, "index.db", NULL);
    if (create) {
        g_autofree char *parent = g_path_get_dirname(qs->dir);

        if (g_mkdir_with_parents(parent, 0755) != 0) {
            io_error(err, errno, "cannot create", parent);
            goto fail;
        }
        if (!make_dir(qs, qs->dir, shared ? 02770 : 0700, err)
            || !make_dir(qs, qs->msgdir, shared ? 02770 : 0700, err))
            goto fail;
        flags |= SQLITE_OPEN_CREATE;
    } else if (access(qs->dir, R_OK | X_OK) != 0) {
        io_error(err, errno, "cannot open quarantine directory", qs->dir);
        goto fail;
    }
    if (sqlite3_open_v2(dbpath, &qs->db, flags, NULL) != SQLITE_OK) {
        int     e = errno;

        g_set_error(err, QSTORE_ERROR,
                    (e == EACCES || sqlite3_errcode(qs->db) == SQLITE_CANTOPEN) ? QSTORE_ERR_ACCESS : QSTORE_ERR_IO,
                    "cannot open quarantine index %s: %s", dbpath, sqlite3_errmsg(qs->db));
        goto fail;
    }
    sqlite3_busy_timeout(qs->db, QSTORE_BUSY_TIMEOUT_MS);
    if (sqlite3_exec(qs->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL, &emsg) != SQLITE_OK
        || sqlite3_exec(qs->db, qstore_schema, NULL, NULL, &emsg) != SQLITE_OK) {
        g_set_error(err, QSTORE_ERROR, strstr(emsg ? emsg : "", "readonly") ? QSTORE_ERR_ACCESS : QSTORE_ERR_IO,
                    "quarantine index %s: %s", dbpath, emsg ? emsg : "error");
        sqlite3_free(emsg);
        goto fail;
    }
    if (create)
        (void) chmod(dbpath, shared ? 0660 : 0600);
    if (create && shared)
        (void) chown(dbpath, (uid_t) -1, qs->gid);
    return qs;

fail:
    qstore_close(qs);
    return NULL;
}

/* qstore_close - release; accepts NULL */
void    qstore_close(QSTORE *qs)
{
    guint   i;

    if (qs == NULL)
        return;
    for (i = 0; i < QSTORE_ST_COUNT; i++)
        sqlite3_finalize(qs->st[i]);
    sqlite3_close(qs->db);
    g_free(qs->dir);
    g_free(qs->msgdir);
    g_free(qs);
}

/* qstore_new_id - time plus 32 random bits */
char   *qstore_new_id(void)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y%m%d-%H%M%S");

    return g_strdup_printf("%s-%08x", stamp, g_random_int());
}

/* qstore_id_valid - only the characters qstore_new_id() uses: safe as a file name */
gboolean qstore_id_valid(const char *id)
{
    const char *p;

    if (id == NULL || *id == '\0' || strlen(id) > 64)
        return FALSE;
    for (p = id; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '-')
            return FALSE;
    return TRUE;
}

/* msg_path - where id's original lives (transfer full) */
static char *msg_path(const QSTORE *qs, const char *id)
{
    g_autofree char *name = g_strconcat(id, ".eml", NULL);

    return g_build_filename(qs->msgdir, name, NULL);
}

/* WRITING - a file being written and the checksum of what went into it */
typedef struct {
    int     fd;
    SHA256_SUM *sum;
} WRITING;

/* write_chunk - BYTESRC_EACH: append to the file, add to the checksum */
static gboolean write_chunk(const guchar *p, gsize len, gpointer ctx)
{
    WRITING *wr = ctx;

    sha256_update(wr->sum, p, len);
    return fd_write_all(wr->fd, p, len);
}

/* publish - give the finished temporary file its name, never replacing a
 * file already there (another item's original: ids are time and 32 random
 * bits, so two can meet).  renameat2's RENAME_NOREPLACE, or link() where
 * the file system does not offer it (NFS); FALSE with errno set. */
static gboolean publish(const char *tmp, const char *path)
{
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
        return TRUE;
    if (errno != EINVAL && errno != ENOSYS)
        return FALSE;
    if (link(tmp, path) != 0)
        return FALSE;
    (void) unlink(tmp);
    return TRUE;
}

/* sync_msgdir - fsync the originals' directory, so that a name made or
 * removed in it is durable: 0, or the errno of the open or the fsync */
static int sync_msgdir(const QSTORE *qs)
{
    int     dfd = open(qs->msgdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), e = 0;

    if (dfd < 0)
        return errno;
    if (fsync(dfd) != 0)
        e = errno;
    close(dfd);
    return e;
}

/* write_durably - temporary file, write, fsync, rename (not over an
 * existing file), fsync the directory; *digest gets the hex SHA-256 of
 * data (transfer full) */
static gboolean write_durably(const QSTORE *qs, const char *path, const BYTESRC *data, char **digest,
                              GError **err)
{
    g_autofree char *tmp = g_strconcat(path, ".tmp", NULL);
    g_autoptr(SHA256_SUM) sum = sha256_new();
    int     fd, e;
    WRITING wr;

    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, qs->gid != (gid_t) -1 ? 0640 : 0600);
    if (fd < 0)
        return io_error(err, errno, "cannot create", tmp);
    wr.fd = fd;
    wr.sum = sum;
    if (!bytesrc_each(data, 0, write_chunk, &wr))
        goto fail;
    if (fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (!publish(tmp, path))
        goto fail;
    /* The new name is durable only once the directory is: a directory
     * that cannot be opened or synced fails the hold (the MTA keeps the
     * message), and the file goes, lest it stay without an index row. */
    if ((e = sync_msgdir(qs)) != 0) {
        unlink(path);
        return io_error(err, e, "cannot sync", qs->msgdir);
    }
    *digest = sha256_hex(g_steal_pointer(&sum));
    return TRUE;

fail:
    e = errno ? errno : EIO;
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return io_error(err, e, "cannot write", path);
}

/* bind_text - bind s (may be NULL) to parameter i */
static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* kept - statement k, prepared on first use and reused until close; NULL
 * (err set) when it cannot be prepared */
static sqlite3_stmt *kept(QSTORE *qs, int k, const char *what, GError **err)
{
    if (qs->st[k] == NULL
        && sqlite3_prepare_v3(qs->db, qstore_sql[k], -1, SQLITE_PREPARE_PERSISTENT, &qs->st[k], NULL) != SQLITE_OK) {
        db_error(qs, err, what);
        return NULL;
    }
    return qs->st[k];
}

/* run_kept - step a kept statement to its end, then make it ready for the
 * next use; FALSE (err set) on failure */
static gboolean run_kept(QSTORE *qs, sqlite3_stmt *st, const char *what, GError **err)
{
    gboolean ok = sqlite3_step(st) == SQLITE_DONE;

    if (!ok)
        db_error(qs, err, what);
    sqlite3_reset(st);
    return ok;
}

/* put_original - an original small enough for the index, as one more
 * row of the hold's transaction */
static gboolean put_original(QSTORE *qs, const char *id, const guchar *bytes, gsize len, GError **err)
{
    sqlite3_stmt *st = kept(qs, QSTORE_ST_ORIGINAL, "cannot record original", err);

    if (st == NULL)
        return FALSE;
    bind_text(st, 1, id);
    /* Never a NULL pointer: SQLite would store NULL for an empty original. */
    sqlite3_bind_blob64(st, 2, bytes ? bytes : (const guchar *) "", len, SQLITE_STATIC);
    return run_kept(qs, st, "cannot record original", err);
}

/* qstore_put - an original up to inline_max goes into the index with its
 * row; a larger one is written durably to a file first.  Either way the
 * row and its history entry are one transaction, committed (synced)
 * before this returns. */
gboolean qstore_put(QSTORE *qs, const char *id, const BYTESRC *data,
                    const QENVELOPE *env, const QMETA *meta, const char *actor, GError **err)
{
    g_autofree char *path = NULL;
    g_autofree char *rcpts = NULL;
    g_autofree char *digest = NULL;
    g_autofree char *preview = NULL;
    g_autoptr(GByteArray) copy = NULL;
    const guchar *bytes = NULL;
    sqlite3_stmt *st = NULL;

    if (!qstore_id_valid(id)) {
        g_set_error(err, QSTORE_ERROR, QSTORE_ERR_IO, "bad quarantine id \"%s\"", id);
        return FALSE;
    }
    if (qs->inline_max > 0 && data->len <= qs->inline_max) {
        gsize   got = 0;

        /* got is data->len whenever the bytes come back */
        if ((bytes = bytesrc_head(data, data->len, &copy, &got)) == NULL)
            return io_error(err, errno ? errno : EIO, "cannot read", "the message");
        digest = sha256_hex_of(bytes, got);
    } else {
        path = msg_path(qs, id);
        if (!write_durably(qs, path, data, &digest, err))
            return FALSE;
    }
    rcpts = env->recipients ? g_strjoinv("\n", (char **) env->recipients) : NULL;
    if (meta->preview)
        preview = g_utf8_make_valid(meta->preview, MIN(strlen(meta->preview), QSTORE_PREVIEW_BYTES));
    if (sqlite3_exec(qs->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    if ((st = kept(qs, QSTORE_ST_ITEM, "cannot record item", err)) == NULL)
        goto rollback_quiet;
    bind_text(st, 1, id);
    sqlite3_bind_int64(st, 2, g_get_real_time() / G_USEC_PER_SEC);
    bind_text(st, 3, env->queue_id);
    bind_text(st, 4, env->client_addr);
    bind_text(st, 5, env->client_name);
    bind_text(st, 6, env->helo);
    bind_text(st, 7, env->sender);
    bind_text(st, 8, rcpts);
    bind_text(st, 9, meta->from);
    bind_text(st, 10, meta->subject);
    bind_text(st, 11, meta->message_id);
    sqlite3_bind_int64(st, 12, (gint64) data->len);
    bind_text(st, 13, digest);
    bind_text(st, 14, meta->reasons);
    bind_text(st, 15, meta->viruses);
    bind_text(st, 16, meta->report_json);
    bind_text(st, 17, preview);
    if (!run_kept(qs, st, "cannot record item", err))
        goto rollback_quiet;
    if (path == NULL && !put_original(qs, id, bytes, data->len, err))
        goto rollback_quiet;
    if (!qstore_audit(qs, id, actor, "hold", "ok", meta->reasons, err))
        goto rollback_quiet;
    if (sqlite3_exec(qs->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        goto rollback;
    return TRUE;

rollback:
    db_error(qs, err, "cannot record item");
rollback_quiet:
    sqlite3_exec(qs->db, "ROLLBACK", NULL, NULL, NULL);
    if (path)
        unlink(path);
    return FALSE;
fail:
    db_error(qs, err, "cannot begin");
    if (path)
        unlink(path);
    return FALSE;
}

/* col - a text column as a new string, or NULL */
static char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);

    return t ? g_strdup((const char *) t) : NULL;
}

#define QSTORE_COLUMNS "id, created, queue_id, client_addr, client_name, helo, sender, recipients," \
    " hdr_from, subject, message_id, size, sha256, reasons, viruses, report, preview, status"

/* row_item - the current row as a QITEM (columns in QSTORE_COLUMNS order) */
static QITEM *row_item(sqlite3_stmt *st)
{
    QITEM  *it = g_new0(QITEM, 1);

    it->id = col(st, 0);
    it->created = sqlite3_column_int64(st, 1);
    it->queue_id = col(st, 2);
    it->client_addr = col(st, 3);
    it->client_name = col(st, 4);
    it->helo = col(st, 5);
    it->sender = col(st, 6);
    it->recipients = col(st, 7);
    it->from = col(st, 8);
    it->subject = col(st, 9);
    it->message_id = col(st, 10);
    it->size = sqlite3_column_int64(st, 11);
    it->sha256 = col(st, 12);
    it->reasons = col(st, 13);
    it->viruses = col(st, 14);
    it->report = col(st, 15);
    it->preview = col(st, 16);
    it->status = col(st, 17);
    return it;
}

/* qstore_msg_dir - the directory holding the originals */
const char *qstore_msg_dir(const QSTORE *qs)
{
    return qs->msgdir;
}

/* qstore_get - one item */
QITEM  *qstore_get(QSTORE *qs, const char *id, GError **err)
{
    sqlite3_stmt *st = NULL;
    QITEM  *it = NULL;
    int     rc;

    if (sqlite3_prepare_v2(qs->db, "SELECT " QSTORE_COLUMNS " FROM items WHERE id = ?", -1, &st, NULL)
        != SQLITE_OK) {
        db_error(qs, err, "cannot read");
        return NULL;
    }
    bind_text(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        it = row_item(st);
    else if (rc == SQLITE_DONE)
        g_set_error(err, QSTORE_ERROR, QSTORE_ERR_NOTFOUND, "no quarantined message with id %s", id);
    else
        db_error(qs, err, "cannot read");
    sqlite3_finalize(st);
    return it;
}

/* qstore_list - items matching f, newest first */
GPtrArray *qstore_list(QSTORE *qs, const QFILTER *f, GError **err)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify) qitem_free);
    sqlite3_stmt *st = NULL;
    int     rc;

    if (sqlite3_prepare_v2(qs->db, "SELECT " QSTORE_COLUMNS " FROM items WHERE"
                           " (?1 IS NULL OR status = ?1) AND (?2 = 0 OR created >= ?2)"
                           " AND (?3 IS NULL OR instr(lower(sender), lower(?3)) > 0)"
                           " AND (?4 IS NULL OR instr(lower(recipients), lower(?4)) > 0)"
                           " AND (?5 IS NULL OR instr(reasons, ?5) > 0)"
                           " AND (?6 = 0 OR created < ?6)"
                           " ORDER BY created DESC, id DESC", -1, &st, NULL) != SQLITE_OK) {
        db_error(qs, err, "cannot list");
        g_ptr_array_free(out, TRUE);
        return NULL;
    }
    bind_text(st, 1, f ? f->status : NULL);
    sqlite3_bind_int64(st, 2, f ? f->since : 0);
    bind_text(st, 3, f ? f->sender : NULL);
    bind_text(st, 4, f ? f->recipient : NULL);
    bind_text(st, 5, f ? f->reason : NULL);
    sqlite3_bind_int64(st, 6, f ? f->older_than : 0);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        g_ptr_array_add(out, row_item(st));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        db_error(qs, err, "cannot list");
        g_ptr_array_free(out, TRUE);
        return NULL;
    }
    return out;
}

/* read_inline - id's original from the index into *data (transfer full),
 * left NULL when it is not there (an original written to a file); FALSE
 * (err set) when the index cannot be read */
static gboolean read_inline(QSTORE *qs, const char *id, char **data, gsize *len, GError **err)
{
    sqlite3_stmt *st = NULL;
    int     rc;

    *data = NULL;
    if (sqlite3_prepare_v2(qs->db, "SELECT data FROM originals WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
        return db_error(qs, err, "cannot read original");
    bind_text(st, 1, id);
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const void *p = sqlite3_column_blob(st, 0);

        *len = (gsize) sqlite3_column_bytes(st, 0);
        *data = g_malloc(*len + 1);
        if (*len)
            memcpy(*data, p, *len);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(qs, err, "cannot read original");
    return TRUE;
}

/* qstore_read - the held original, from the index or its file, checked
 * against its digest */
GBytes *qstore_read(QSTORE *qs, const QITEM *item, GError **err)
{
    g_autofree char *path = NULL;
    g_autofree char *digest = NULL;
    GError *lerr = NULL;
    char   *data;
    gsize   len = 0;

    if (!read_inline(qs, item->id, &data, &len, err))
        return NULL;
    if (data == NULL) {
        path = msg_path(qs, item->id);
        if (!g_file_get_contents(path, &data, &len, &lerr)) {
            g_set_error(err, QSTORE_ERROR,
                        g_error_matches(lerr, G_FILE_ERROR, G_FILE_ERROR_ACCES) ? QSTORE_ERR_ACCESS
                        : QSTORE_ERR_CORRUPT, "original of %s unreadable: %s", item->id, lerr->message);
            g_error_free(lerr);
            return NULL;
        }
    }
    digest = sha256_hex_of(data, len);
    if (item->sha256 == NULL || strcmp(digest, item->sha256) != 0) {
        g_set_error(err, QSTORE_ERROR, QSTORE_ERR_CORRUPT,
                    "original of %s is damaged: %s has SHA-256 %s, the index recorded %s",
                    item->id, path ? path : "its copy in the index", digest,
                    item->sha256 ? item->sha256 : "none");
        g_free(data);
        return NULL;
    }
    return g_bytes_new_take(data, len);
}

/* qstore_set_status - change an item's status */
gboolean qstore_set_status(QSTORE *qs, const char *id, const char *status, GError **err)
{
    sqlite3_stmt *st = NULL;
    int     rc;

    if (sqlite3_prepare_v2(qs->db, "UPDATE items SET status = ? WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
        return db_error(qs, err, "cannot update");
    bind_text(st, 1, status);
    bind_text(st, 2, id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_error(qs, err, "cannot update");
    if (sqlite3_changes(qs->db) == 0) {
        g_set_error(err, QSTORE_ERROR, QSTORE_ERR_NOTFOUND, "no quarantined message with id %s", id);
        return FALSE;
    }
    return TRUE;
}

/* qstore_remove_original - the original of id out of the index and off
 * the disk, wherever it is */
gboolean qstore_remove_original(QSTORE *qs, const char *id, GError **err)
{
    g_autofree char *path = msg_path(qs, id);
    sqlite3_stmt *st = NULL;
    int     rc;

    if (sqlite3_prepare_v2(qs->db, "DELETE FROM originals WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
        return db_error(qs, err, "cannot remove original");
    bind_text(st, 1, id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_error(qs, err, "cannot remove original");
    if (unlink(path) == 0)
        (void) sync_msgdir(qs);
    else if (errno != ENOENT)
        return io_error(err, errno, "cannot remove", path);
    return TRUE;
}

/* qstore_audit - history row plus a syslog line */
gboolean qstore_audit(QSTORE *qs, const char *id, const char *actor, const char *action,
                      const char *result, const char *detail, GError **err)
{
    sqlite3_stmt *st = NULL;

    msg_info("quarantine_id=%s action=%s actor=%s result=%s%s%s", id, action, actor, result,
             detail ? " detail=" : "", detail ? detail : "");
    if ((st = kept(qs, QSTORE_ST_HISTORY, "cannot record history", err)) == NULL)
        return FALSE;
    bind_text(st, 1, id);
    sqlite3_bind_int64(st, 2, g_get_real_time() / G_USEC_PER_SEC);
    bind_text(st, 3, actor);
    bind_text(st, 4, action);
    bind_text(st, 5, result);
    bind_text(st, 6, detail);
    return run_kept(qs, st, "cannot record history", err);
}

/* qstore_history - every record for id, oldest first */
GPtrArray *qstore_history(QSTORE *qs, const char *id, GError **err)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify) qhist_free);
    sqlite3_stmt *st = NULL;
    int     rc;

    if (sqlite3_prepare_v2(qs->db, "SELECT at, actor, action, result, detail FROM history"
                           " WHERE id = ? ORDER BY seq", -1, &st, NULL) != SQLITE_OK) {
        db_error(qs, err, "cannot read history");
        g_ptr_array_free(out, TRUE);
        return NULL;
    }
    bind_text(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        QHIST  *h = g_new0(QHIST, 1);

        h->at = sqlite3_column_int64(st, 0);
        h->actor = col(st, 1);
        h->action = col(st, 2);
        h->result = col(st, 3);
        h->detail = col(st, 4);
        g_ptr_array_add(out, h);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        db_error(qs, err, "cannot read history");
        g_ptr_array_free(out, TRUE);
        return NULL;
    }
    return out;
}

/* qitem_free - release; accepts NULL */
void    qitem_free(QITEM *it)
{
    if (it == NULL)
        return;
    g_free(it->id);
    g_free(it->queue_id);
    g_free(it->client_addr);
    g_free(it->client_name);
    g_free(it->helo);
    g_free(it->sender);
    g_free(it->recipients);
    g_free(it->from);
    g_free(it->subject);
    g_free(it->message_id);
    g_free(it->sha256);
    g_free(it->reasons);
    g_free(it->viruses);
    g_free(it->report);
    g_free(it->preview);
    g_free(it->status);
    g_free(it);
}

/* qhist_free - release; accepts NULL */
void    qhist_free(QHIST *h)
{
    if (h == NULL)
        return;
    g_free(h->actor);
    g_free(h->action);
    g_free(h->result);
    g_free(h->detail);
    g_free(h);
}
