/* worker - a sanitizing process of mugai-milter */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "mugai/av.h"
#include "mugai/msg.h"
#include "mugai/qstore.h"
#include "wire.h"
#include "worker.h"

/* Free space under which a failed quarantine write is logged as a full disk. */
#define WORKER_LOW_SPACE_BYTES (1024 * 1024)

/* Seconds a worker waits for the front to send a whole request. */
#define WORKER_READ_TIMEOUT 300

static volatile sig_atomic_t worker_stop;

/* on_term - finish the message in hand, then exit */
static void on_term(int sig)
{
    (void) sig;
    worker_stop = 1;
}

/* Request fields (borrowed from the records, which the caller frees). */
typedef struct {
    GPtrArray *records;         /* GByteArray* kept alive */
    const char *queue_id, *client, *client_name, *helo, *sender;
    GPtrArray *rcpts;           /* const char* */
    BYTESRC src;                /* the message: a record, or the front's spool file */
    gboolean have_message;
    int     message_fd;         /* the spool file (closed by serve), or -1 */
} WREQ;

/* message_file - a WIRE_MESSAGE_FD record: the length, and the file that
 * came with it, which must hold at least that much */
static gboolean message_file(WIRE *wire, const GByteArray *d, WREQ *rq)
{
    guint64 len;
    struct stat st;

    if (d->len != sizeof(len) || rq->message_fd >= 0 || (rq->message_fd = wire_take_fd(wire)) < 0)
        return FALSE;
    memcpy(&len, d->data, sizeof(len));
    if (fstat(rq->message_fd, &st) != 0 || !S_ISREG(st.st_mode) || (guint64) st.st_size < len) {
        msg_warn("worker: the front's spool file is not what it said (%" G_GUINT64_FORMAT " bytes)", len);
        return FALSE;
    }
    rq->src = bytesrc_file(rq->message_fd, (gsize) len);
    return TRUE;
}

/* read_request - records up to WIRE_END; FALSE when the front went away */
static gboolean read_request(WIRE *wire, WREQ *rq)
{
    gint64  deadline = g_get_monotonic_time() + WORKER_READ_TIMEOUT * G_USEC_PER_SEC;

    for (;;) {
        GByteArray *d;
        char    tag;

        if (wire_get(wire, deadline, NULL, NULL, &tag, &d) != WIRE_OK)
            return FALSE;
        g_ptr_array_add(rq->records, d);
        switch (tag) {
        case WIRE_QUEUE_ID: rq->queue_id = (const char *) d->data; break;
        case WIRE_CLIENT: rq->client = (const char *) d->data; break;
        case WIRE_CLIENT_NAME: rq->client_name = (const char *) d->data; break;
        case WIRE_HELO: rq->helo = (const char *) d->data; break;
        case WIRE_SENDER: rq->sender = (const char *) d->data; break;
        case WIRE_RCPT: g_ptr_array_add(rq->rcpts, d->data); break;
        case WIRE_MESSAGE:
            rq->src = bytesrc_mem(d->data, d->len);
            rq->have_message = TRUE;
            break;
        case WIRE_MESSAGE_FD:
            if (!(rq->have_message = message_file(wire, d, rq)))
                return FALSE;
            break;
        case WIRE_END: return rq->have_message;
        default: return FALSE;
        }
    }
}

/* hold - store the original; FALSE (logged) when the store fails */
static gboolean hold(QSTORE **qs, const MUGAI_CONF *conf, const WREQ *rq, const VERDICT *v)
{
    g_autofree char *reasons = verdict_reasons(v);
    g_autofree char *viruses = verdict_viruses(v);
    g_autofree char *report = verdict_report_json(v);
    GError *err = NULL;
    QENVELOPE env = {rq->queue_id, rq->client, rq->client_name, rq->helo, rq->sender,
                     (const char *const *) rq->rcpts->pdata};
    QMETA   meta = {verdict_from(v), verdict_subject(v), verdict_message_id(v), reasons, viruses,
                    report, verdict_text(v)};

    if (*qs == NULL && (*qs = qstore_open(conf, FALSE, &err)) == NULL)
        goto fail;
    if (qstore_put(*qs, verdict_quarantine_id(v), &rq->src, &env, &meta, "mugai-milter", &err))
        return TRUE;
    /* The connection may be stale (database replaced): reopen next time. */
    qstore_close(*qs);
    *qs = NULL;
fail:
    {
        struct statvfs sv;

        /* SQLite reports a full disk as an I/O error: say what it is. */
        if (statvfs(conf->quar_directory, &sv) == 0
            && (guint64) sv.f_bavail * sv.f_frsize < WORKER_LOW_SPACE_BYTES)
            msg_warn("queue_id=%s quarantine file system is full (%" G_GUINT64_FORMAT " bytes free in %s)",
                     rq->queue_id, (guint64) sv.f_bavail * sv.f_frsize, conf->quar_directory);
    }
    msg_warn("queue_id=%s quarantine write failed: %s; answering tempfail", rq->queue_id, err->message);
    g_error_free(err);
    return FALSE;
}

/* reply - the verdict, or a tempfail when holding failed, in one write */
static void reply(WIRE *wire, const VERDICT *v, gboolean held_ok)
{
    g_autofree char *log = verdict_log_line(v);
    gsize   blen;
    const char *body;
    guint   i;

    if (!held_ok) {
        wire_put_str(wire, WIRE_DECISION, "tempfail");
        wire_put_str(wire, WIRE_CODE, "451");
        wire_put_str(wire, WIRE_DSN, "4.3.0");
        wire_put_str(wire, WIRE_TEXT, "quarantine unavailable; message deferred");
        wire_put_str(wire, WIRE_LOG, log);
        wire_put(wire, WIRE_END, "", 0);
        wire_flush(wire);
        return;
    }
    wire_put_str(wire, WIRE_DECISION, decision_name(verdict_decision(v)));
    wire_put_str(wire, WIRE_CODE, verdict_reply_code(v));
    wire_put_str(wire, WIRE_DSN, verdict_reply_dsn(v));
    wire_put_str(wire, WIRE_TEXT, verdict_reply_text(v));
    wire_put_str(wire, WIRE_LOG, log);
    wire_put_str(wire, WIRE_QID, verdict_quarantine_id(v));
    if (verdict_decision(v) == DECISION_DELIVER) {
        for (i = 0; i < verdict_header_count(v); i++) {
            const char *name, *value;
            GString *h = g_string_new(NULL);

            verdict_header(v, i, &name, &value);
            g_string_append(h, name);
            g_string_append_c(h, '\0');
            g_string_append(h, value);
            wire_put(wire, WIRE_HEADER, h->str, h->len);
            g_string_free(h, TRUE);
        }
        body = verdict_body(v, &blen);
        wire_put(wire, WIRE_BODY, body, blen);
    }
    wire_put(wire, WIRE_END, "", 0);
    wire_flush(wire);
}

#ifdef MUGAI_TEST_HOOKS
/* test_fault - fault injection for the end-to-end tests (built only with
 * -Dtest_hooks=true, active only with MUGAI_TEST_HOOKS=1 in the
 * environment): a message carrying "X-Mugai-Test: crash" aborts the
 * worker, "X-Mugai-Test: hang" stops it until it is killed. */
static void test_fault(const BYTESRC *m)
{
    if (g_strcmp0(g_getenv("MUGAI_TEST_HOOKS"), "1") != 0)
        return;
    if (bytesrc_find(m, "\nX-Mugai-Test: crash", 20) == 1)
        abort();
    if (bytesrc_find(m, "\nX-Mugai-Test: hang", 19) == 1)
        for (;;)
            pause();
}
#endif

/* serve - one front connection */
static void serve(int fd, ENGINE *eng, const MUGAI_CONF *conf, QSTORE **qs)
{
    WREQ    rq = {0};
    WIRE   *wire = wire_new(fd);
    pid_t   pid = getpid();
    g_autofree char *qid = qstore_new_id();
    VERDICT *v;
    gboolean held_ok = TRUE;

    rq.message_fd = -1;
    rq.records = g_ptr_array_new_with_free_func((GDestroyNotify) g_byte_array_unref);
    rq.rcpts = g_ptr_array_new();
    if (!wire_put(wire, WIRE_HELLO, &pid, sizeof(pid)) || !read_request(wire, &rq))
        goto done;
    g_ptr_array_add(rq.rcpts, NULL);
#ifdef MUGAI_TEST_HOOKS
    test_fault(&rq.src);
#endif
    v = sanitize_source_q(eng, &rq.src, rq.queue_id, qid);
    if (verdict_quarantine_id(v) != NULL)
        held_ok = hold(qs, conf, &rq, v);
    reply(wire, v, held_ok);
    verdict_free(v);
done:
    if (rq.message_fd >= 0)
        close(rq.message_fd);
    wire_free(wire);
    g_ptr_array_free(rq.rcpts, TRUE);
    g_ptr_array_free(rq.records, TRUE);
}

/* worker_main - accept and serve until told to stop */
void    worker_main(ENGINE *eng, const MUGAI_CONF *conf, int listen_fd)
{
    struct sigaction sa;
    QSTORE *qs = NULL;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_term;            /* no SA_RESTART: accept() returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    av_after_fork();
    {
        sigset_t none;

        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
    }
    while (!worker_stop) {
        int     fd = accept(listen_fd, NULL, NULL);

        if (fd < 0) {
            if (errno != EINTR && errno != ECONNABORTED)
                msg_warn("worker: accept: %s", g_strerror(errno));
            continue;
        }
        serve(fd, eng, conf, &qs);
        close(fd);
    }
    qstore_close(qs);
    _exit(0);
}
