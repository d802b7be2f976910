/* qstore - the quarantine: held originals and their index in SQLite
 *
 * Layout under [quarantine] directory:
 *   index.db      SQLite in WAL mode (or [quarantine] database): one row
 *                 per item in "items", every action in "history", and
 *                 in "originals" each original of at most [quarantine]
 *                 inline_max bytes, exactly as received (headers as the
 *                 MTA passed them, CRLF line ends);
 *   msg/ID.eml    each larger original, written to a temporary name,
 *                 fsync()ed, renamed, directory fsync()ed.
 * qstore_put() returns only after the original and its row are durable
 * (the row's transaction commits with synchronous=FULL), so a caller
 * that answers the MTA afterwards never loses a message.  An original
 * kept in the index costs one synced commit; one in a file costs two
 * fsync()s and a file creation more (docs/performance.md).
 *
 * A QSTORE is one SQLite connection: use it from one thread at a time.
 * Processes (milter workers, the CLI) each open their own.
 */
#ifndef MUGAI_QSTORE_H
#define MUGAI_QSTORE_H

#include <glib.h>

#include "mugai/bytesrc.h"
#include "mugai/conf.h"

typedef struct qstore QSTORE;

/* Default of [quarantine] inline_max: below about 200 KB an original
 * costs less CPU in the index than in a file of its own on ext4. */
#define QSTORE_INLINE_DEFAULT "128K"
/* Largest [quarantine] inline_max allowed: an original put into the
 * index is read into memory first, and so is one read back from it. */
#define QSTORE_INLINE_CEILING (4 * 1024 * 1024)

/* The SMTP envelope of a held message (all borrowed; any may be NULL). */
typedef struct {
    const char *queue_id;
    const char *client_addr;
    const char *client_name;
    const char *helo;
    const char *sender;
    const char *const *recipients;  /* NULL-terminated */
} QENVELOPE;

/* What the engine found (all borrowed; any may be NULL). */
typedef struct {
    const char *from, *subject, *message_id;
    const char *reasons;        /* "virus,attachment,..." */
    const char *viruses;        /* comma-separated signature names */
    const char *report_json;    /* the engine's JSON report */
    const char *preview;        /* rendered text (the start is kept) */
} QMETA;

/* One row of the index (transfer full as a whole; free with qitem_free). */
typedef struct {
    char   *id;
    gint64  created;            /* Unix time */
    char   *queue_id, *client_addr, *client_name, *helo, *sender;
    char   *recipients;         /* newline-separated */
    char   *from, *subject, *message_id;
    gint64  size;
    char   *sha256;
    char   *reasons, *viruses, *report, *preview;
    char   *status;             /* "held", "released", "deleted" */
} QITEM;

/* One audit record (free with qhist_free). */
typedef struct {
    gint64  at;
    char   *actor, *action, *result, *detail;
} QHIST;

/* Filters for qstore_list (NULL or 0: any). */
typedef struct {
    const char *status;
    gint64  since;
    const char *sender;         /* substring */
    const char *recipient;      /* substring */
    const char *reason;         /* substring of reasons */
    gint64  older_than;         /* created before this Unix time */
} QFILTER;

#define QSTORE_ERROR (qstore_error_quark())
GQuark  qstore_error_quark(void);

typedef enum {
    QSTORE_ERR_IO,              /* a file or the database failed */
    QSTORE_ERR_ACCESS,          /* permission denied */
    QSTORE_ERR_NOTFOUND,        /* no such id */
    QSTORE_ERR_CORRUPT,         /* file missing, or its digest differs */
} QSTORE_ERR;

/* qstore_open - open (create when create is TRUE) the store of conf (transfer full) */
QSTORE *qstore_open(const MUGAI_CONF *conf, gboolean create, GError **err);

/* qstore_close - release; accepts NULL */
void    qstore_close(QSTORE *qs);

/* qstore_new_id - "YYYYMMDD-HHMMSS-xxxxxxxx" in local time (transfer full) */
char   *qstore_new_id(void);

/* qstore_id_valid - does id look like one qstore_new_id() makes? */
gboolean qstore_id_valid(const char *id);

/* qstore_put - store data (the raw original, from memory or a file) under
 * id, durably; records a "held" history entry by actor */
gboolean qstore_put(QSTORE *qs, const char *id, const BYTESRC *data,
                    const QENVELOPE *env, const QMETA *meta, const char *actor, GError **err);

/* qstore_msg_dir - the directory holding the originals kept in files (borrowed) */
const char *qstore_msg_dir(const QSTORE *qs);

/* qstore_get - one item (transfer full) */
QITEM  *qstore_get(QSTORE *qs, const char *id, GError **err);

/* qstore_list - items matching f, newest first (QITEM*; transfer full) */
GPtrArray *qstore_list(QSTORE *qs, const QFILTER *f, GError **err);

/* qstore_read - the held original, checked against its recorded digest (transfer full) */
GBytes *qstore_read(QSTORE *qs, const QITEM *item, GError **err);

/* qstore_set_status - "released", "deleted" or "held" */
gboolean qstore_set_status(QSTORE *qs, const char *id, const char *status, GError **err);

/* qstore_remove_original - remove the original of id from the index and
 * its file (missing is not an error) */
gboolean qstore_remove_original(QSTORE *qs, const char *id, GError **err);

/* qstore_audit - record an action in history and in syslog */
gboolean qstore_audit(QSTORE *qs, const char *id, const char *actor, const char *action,
                      const char *result, const char *detail, GError **err);

/* qstore_history - every record for id, oldest first (QHIST*; transfer full) */
GPtrArray *qstore_history(QSTORE *qs, const char *id, GError **err);

void    qitem_free(QITEM *it);
void    qhist_free(QHIST *h);

#endif
