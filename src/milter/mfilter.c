/* mfilter - the libmilter callbacks of mugai-milter (the "front") */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sysexits.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

#include "mfilter.h"
#include "mugai/fdio.h"
#include "mugai/msg.h"
#include "mugai/qstore.h"
#include "wire.h"

/* Bytes per smfi_replacebody() call and per spool read. */
#define MFILTER_CHUNK 65536
/*
 * Protocol steps asked of the MTA.  Everything before end of message only
 * records what it is told and never refuses, so those steps need no reply:
 * the MTA sends each header and body chunk without waiting for an answer,
 * which saves a round trip (two context switches and four system calls on
 * each side) per header, per body chunk and per envelope command.  Steps
 * mugai has no callback for are not sent at all.
 */
#define MFILTER_STEPS_NR (SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT \
                          | SMFIP_NR_HDR | SMFIP_NR_BODY)
#define MFILTER_STEPS_SKIP (SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NOEOH)
/* Message changes mugai makes. */
#define MFILTER_ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY)

/*
 * Macros asked of the MTA at each step: only the queue ID (for the log
 * line, read at end of message).  By default Postfix sends some twenty
 * macros (daemon, client, TLS, SASL, addresses) before the commands, which
 * both sides would build, send and parse for nothing.  Every step names
 * "i": Postfix ignores an empty list and keeps its default one, and sends a
 * macro packet before each command whatever the list (empty where the
 * queue ID is not known yet).  Asked where the MTA offers it
 * (SMFIF_SETSYMLIST: Postfix 2.6 and later, Sendmail 8.14).
 */
static const int mfilter_macro_steps[] = {
    SMFIM_CONNECT, SMFIM_HELO, SMFIM_ENVFROM, SMFIM_ENVRCPT, SMFIM_DATA, SMFIM_EOH, SMFIM_EOM,
};
#define MFILTER_MACROS "i"
/* Extra seconds granted to messages in flight at SIGTERM, beyond [milter] timeout. */
#define MFILTER_DRAIN_SLACK 30

/* Stack of each libmilter thread (one per MTA connection; libmilter
 * creates them with default attributes).  At the default, RLIMIT_STACK's
 * 8 MB, glibc's cache of freed stacks (40 MB) keeps five, so with more
 * sessions than that most connections mapped a new stack, set its guard
 * page and faulted it in, and unmapped it at the end.  A front thread runs
 * libmilter, the callbacks here, GLib, syslog and, for a message no worker
 * could read, the quarantine write (SQLite): tens of KB at most. */
#define MFILTER_THREAD_STACK_BYTES (512 * 1024)

/* Header fields of the original kept when a poison message is replaced by a notice. */
static const char *const mfilter_poison_keep[] = {
    "Received", "From", "Sender", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID", NULL,
};

static const MUGAI_CONF *mf_conf;
static const char *mf_worker_socket;
static gint mf_inflight;                /* connections open (atomic) */
static GMutex mf_store_lock;            /* guards mf_store */
static QSTORE *mf_store;                /* the front's own, for poison messages */

/* One SMTP connection, and the message in progress on it. */
typedef struct {
    char   *client_addr, *client_name, *helo;
    char   *sender;
    GPtrArray *rcpts;           /* char*, NULL-terminated when sent */
    GString *hdrs;              /* "Name: value\r\n" as received */
    GPtrArray *hdr_names;       /* char*, in order */
    GPtrArray *hdr_values;      /* char*, as the MTA sent them, same order */
    BYTESTORE msg;              /* header section, blank line and body: in memory
                                 * up to spool_memory, then in an unlinked file */
    gsize   body_len;
    gboolean spool_failed;
    unsigned long no_reply;     /* SMFIP_NR_* steps the MTA agreed to */
} MCTX;

/* The worker's answer. */
typedef struct {
    char   *decision, *code, *dsn, *text, *log, *qid;
    GPtrArray *hnames, *hvalues;    /* char* */
    GByteArray *body;
} WREPLY;

/* message_reset - forget the message, keep the connection facts */
static void message_reset(MCTX *m)
{
    g_clear_pointer(&m->sender, g_free);
    g_ptr_array_set_size(m->rcpts, 0);
    g_string_truncate(m->hdrs, 0);
    g_ptr_array_set_size(m->hdr_names, 0);
    g_ptr_array_set_size(m->hdr_values, 0);
    bytestore_clear(&m->msg);
    m->body_len = 0;
    m->spool_failed = FALSE;
}

/* wreply_free - release what a (possibly partial) answer holds */
static void wreply_free(WREPLY *r)
{
    g_free(r->decision);
    g_free(r->code);
    g_free(r->dsn);
    g_free(r->text);
    g_free(r->log);
    g_free(r->qid);
    if (r->hnames)
        g_ptr_array_free(r->hnames, TRUE);
    if (r->hvalues)
        g_ptr_array_free(r->hvalues, TRUE);
    if (r->body)
        g_byte_array_free(r->body, TRUE);
}

/* mctx_new - the connection's context, attached to ctx */
static MCTX *mctx_new(SMFICTX *ctx)
{
    MCTX   *m = g_new0(MCTX, 1);
    BYTESTORE none = BYTESTORE_INIT;

    m->rcpts = g_ptr_array_new_with_free_func(g_free);
    m->hdrs = g_string_new(NULL);
    m->hdr_names = g_ptr_array_new_with_free_func(g_free);
    m->hdr_values = g_ptr_array_new_with_free_func(g_free);
    m->msg = none;
    g_atomic_int_inc(&mf_inflight);
    smfi_setpriv(ctx, m);
    return m;
}

/* step_answer - the answer of a recording step: none when the MTA agreed to that */
static sfsistat step_answer(const MCTX *m, unsigned long step)
{
    return (m->no_reply & step) != 0 ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* mf_negotiate - ask for the steps mugai uses, without replies where the
 * MTA offers that (Postfix 2.6 and later, Sendmail 8.14 and later) */
static sfsistat mf_negotiate(SMFICTX *ctx, unsigned long actions, unsigned long steps,
                             unsigned long f2, unsigned long f3, unsigned long *want_actions,
                             unsigned long *want_steps, unsigned long *pf2, unsigned long *pf3)
{
    MCTX   *m;
    gsize   i;

    (void) f2;
    (void) f3;
    if ((actions & MFILTER_ACTIONS) != MFILTER_ACTIONS) {
        msg_warn("MTA does not offer the message changes mugai needs (offered 0x%lx); refusing", actions);
        return SMFIS_REJECT;
    }
    m = smfi_getpriv(ctx) ? smfi_getpriv(ctx) : mctx_new(ctx);
    m->no_reply = steps & MFILTER_STEPS_NR;
    for (i = 0; (actions & SMFIF_SETSYMLIST) != 0 && i < G_N_ELEMENTS(mfilter_macro_steps); i++)
        (void) smfi_setsymlist(ctx, mfilter_macro_steps[i], MFILTER_MACROS);
    *want_actions = MFILTER_ACTIONS | (actions & SMFIF_SETSYMLIST);
    *want_steps = m->no_reply | (steps & MFILTER_STEPS_SKIP);
    *pf2 = 0;
    *pf3 = 0;
    return SMFIS_CONTINUE;
}

static sfsistat mf_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *sa)
{
    MCTX   *m = smfi_getpriv(ctx) ? smfi_getpriv(ctx) : mctx_new(ctx);
    char    addr[INET6_ADDRSTRLEN] = "unknown";

    if (sa != NULL && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *) sa)->sin_addr, addr, sizeof(addr));
    else if (sa != NULL && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *) sa)->sin6_addr, addr, sizeof(addr));
    m->client_addr = g_strdup(addr);
    m->client_name = g_strdup(hostname ? hostname : "unknown");
    return step_answer(m, SMFIP_NR_CONN);
}

static sfsistat mf_helo(SMFICTX *ctx, char *helo)
{
    MCTX   *m = smfi_getpriv(ctx);

    g_free(m->helo);
    m->helo = g_strdup(helo);
    return step_answer(m, SMFIP_NR_HELO);
}

/* strip_brackets - "<a@b>" to "a@b" (transfer full) */
static char *strip_brackets(const char *s)
{
    gsize   n = strlen(s);

    if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
        return g_strndup(s + 1, n - 2);
    return g_strdup(s);
}

static sfsistat mf_envfrom(SMFICTX *ctx, char **argv)
{
    MCTX   *m = smfi_getpriv(ctx);

    message_reset(m);
    m->sender = strip_brackets(argv[0]);
    return step_answer(m, SMFIP_NR_MAIL);
}

static sfsistat mf_envrcpt(SMFICTX *ctx, char **argv)
{
    MCTX   *m = smfi_getpriv(ctx);

    g_ptr_array_add(m->rcpts, strip_brackets(argv[0]));
    return step_answer(m, SMFIP_NR_RCPT);
}

static sfsistat mf_header(SMFICTX *ctx, char *name, char *value)
{
    MCTX   *m = smfi_getpriv(ctx);
    const char *p;

    g_ptr_array_add(m->hdr_names, g_strdup(name));
    g_ptr_array_add(m->hdr_values, g_strdup(value));
    g_string_append_printf(m->hdrs, "%s: ", name);
    for (p = value; *p; p++) {
        if (*p == '\n' && (p == value || p[-1] != '\r'))
            g_string_append_c(m->hdrs, '\r');
        g_string_append_c(m->hdrs, *p);
    }
    g_string_append(m->hdrs, "\r\n");
    return step_answer(m, SMFIP_NR_HDR);
}

/* spool - add bytes to the message: in memory up to spool_memory, then
 * all of it in an unlinked file in spool_directory (the file a worker
 * reads and the quarantine holds); a failure is logged once and ends in
 * tempfail at the end of the message */
static void spool(MCTX *m, const void *p, gsize n)
{
    GError *err = NULL;

    if (m->spool_failed)
        return;
    if (!bytestore_append(&m->msg, p, n, (gsize) mf_conf->milter_spool_memory, mf_conf->milter_spool, &err)) {
        msg_warn("cannot spool the message in %s: %s", mf_conf->milter_spool, err->message);
        g_error_free(err);
        m->spool_failed = TRUE;
    }
}

/* spool_header - the header section and the blank line, before the first body byte */
static void spool_header(MCTX *m)
{
    if (m->msg.src.len > 0)
        return;
    spool(m, m->hdrs->str, m->hdrs->len);
    spool(m, "\r\n", 2);
}

static sfsistat mf_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
    MCTX   *m = smfi_getpriv(ctx);

    spool_header(m);
    spool(m, chunk, len);
    m->body_len += len;
    return step_answer(m, SMFIP_NR_BODY);
}

/* send_message - the message as one WIRE_MESSAGE record, or once
 * spooled, its file as a WIRE_MESSAGE_FD record (the worker reads it
 * where it is: nothing large goes through the socket) */
static gboolean send_message(WIRE *wire, MCTX *m)
{
    guint64 len = m->msg.src.len;

    if (m->msg.fd >= 0)
        return wire_put_fd(wire, WIRE_MESSAGE_FD, &len, sizeof(len), m->msg.fd);
    return wire_put(wire, WIRE_MESSAGE, m->msg.src.data, m->msg.src.len);
}

/* progress - keep the MTA waiting while a worker works */
static void progress(void *ctx)
{
    smfi_progress((SMFICTX *) ctx);
}

/* worker_connect - a connection to the worker socket, or -1 */
static int worker_connect(void)
{
    struct sockaddr_un sun = {0};
    int     fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    sun.sun_family = AF_UNIX;
    g_strlcpy(sun.sun_path, mf_worker_socket, sizeof(sun.sun_path));
    if (connect(fd, (struct sockaddr *) &sun, sizeof(sun)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

typedef enum { CALL_OK, CALL_UNAVAILABLE, CALL_FAILED, CALL_POISON } CALL_RESULT;

/* call_worker - send the message, read the answer; CALL_POISON when the
 * worker died or overran on it (*why says which) */
static CALL_RESULT call_worker(SMFICTX *ctx, MCTX *m, const char *queue_id, WREPLY *r, const char **why)
{
    gint64  deadline = g_get_monotonic_time() + mf_conf->milter_timeout * G_USEC_PER_SEC;
    int     fd = worker_connect();
    WIRE   *wire;
    pid_t   pid = 0;
    GByteArray *d = NULL;
    WIRE_STATUS st;
    CALL_RESULT result = CALL_FAILED;
    char    tag;
    guint   i;

    *why = "worker-unavailable";
    if (fd < 0)
        return CALL_UNAVAILABLE;
    wire = wire_new(fd);
    /* Waiting for a free worker counts against the same limit. */
    st = wire_get(wire, deadline, progress, ctx, &tag, &d);
    if (st != WIRE_OK || tag != WIRE_HELLO || d->len != sizeof(pid)) {
        *why = st == WIRE_TIMEOUT ? "no-worker-free" : "worker-unavailable";
        goto out;
    }
    memcpy(&pid, d->data, sizeof(pid));
    g_clear_pointer(&d, g_byte_array_unref);
    deadline = g_get_monotonic_time() + mf_conf->milter_timeout * G_USEC_PER_SEC;
    *why = "worker-io";
    if (!wire_put_str(wire, WIRE_QUEUE_ID, queue_id) || !wire_put_str(wire, WIRE_CLIENT, m->client_addr)
        || !wire_put_str(wire, WIRE_CLIENT_NAME, m->client_name) || !wire_put_str(wire, WIRE_HELO, m->helo)
        || !wire_put_str(wire, WIRE_SENDER, m->sender ? m->sender : ""))
        goto out;
    for (i = 0; i < m->rcpts->len; i++)
        if (!wire_put_str(wire, WIRE_RCPT, g_ptr_array_index(m->rcpts, i)))
            goto out;
    if (!send_message(wire, m) || !wire_put(wire, WIRE_END, "", 0))
        goto out;
    r->hnames = g_ptr_array_new_with_free_func(g_free);
    r->hvalues = g_ptr_array_new_with_free_func(g_free);
    for (;;) {
        st = wire_get(wire, deadline, progress, ctx, &tag, &d);
        if (st == WIRE_TIMEOUT) {
            kill(pid, SIGKILL);
            *why = "worker-timeout";
            result = CALL_POISON;
            goto out;
        }
        if (st == WIRE_EOF) {
            *why = "worker-died";
            result = CALL_POISON;
            goto out;
        }
        if (st != WIRE_OK)
            goto out;
        switch (tag) {
        case WIRE_DECISION: r->decision = g_strdup((char *) d->data); break;
        case WIRE_CODE: r->code = g_strdup((char *) d->data); break;
        case WIRE_DSN: r->dsn = g_strdup((char *) d->data); break;
        case WIRE_TEXT: r->text = g_strdup((char *) d->data); break;
        case WIRE_LOG: r->log = g_strdup((char *) d->data); break;
        case WIRE_QID: r->qid = g_strdup((char *) d->data); break;
        case WIRE_HEADER:
            g_ptr_array_add(r->hnames, g_strdup((char *) d->data));
            g_ptr_array_add(r->hvalues, g_strdup((char *) d->data + strlen((char *) d->data) + 1));
            break;
        case WIRE_BODY: r->body = g_steal_pointer(&d); break;
        case WIRE_END:
            result = r->decision ? CALL_OK : CALL_FAILED;
            goto out;
        default:
            goto out;
        }
        g_clear_pointer(&d, g_byte_array_unref);
    }

out:
    if (d)
        g_byte_array_unref(d);
    wire_free(wire);
    close(fd);
    return result;
}

/* replace_body - text with LF line ends, sent as CRLF in chunks */
static gboolean replace_body(SMFICTX *ctx, const char *text, gsize len)
{
    GString *buf = g_string_sized_new(MFILTER_CHUNK + 2);
    gsize   i;
    gboolean ok = TRUE;

    for (i = 0; i < len && ok; i++) {
        if (text[i] == '\n')
            g_string_append_c(buf, '\r');
        g_string_append_c(buf, text[i]);
        if (buf->len >= MFILTER_CHUNK) {
            ok = smfi_replacebody(ctx, (unsigned char *) buf->str, (int) buf->len) == MI_SUCCESS;
            g_string_truncate(buf, 0);
        }
    }
    if (ok && (buf->len > 0 || len == 0))
        ok = smfi_replacebody(ctx, (unsigned char *) buf->str, (int) buf->len) == MI_SUCCESS;
    g_string_free(buf, TRUE);
    return ok;
}

/* in_list - is name (case-insensitive) in the NULL-terminated list? */
static gboolean in_list(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (g_ascii_strcasecmp(name, *list) == 0)
            return TRUE;
    return FALSE;
}

/* values_named - the values of every field called name (any case), in order */
static GPtrArray *values_named(const GPtrArray *names, const GPtrArray *values, const char *name)
{
    GPtrArray *out = g_ptr_array_new();
    guint   i;

    for (i = 0; i < names->len; i++)
        if (g_ascii_strcasecmp(g_ptr_array_index(names, i), name) == 0)
            g_ptr_array_add(out, g_ptr_array_index(values, i));
    return out;
}

/* edit_field - make the instances of one field name the wanted values:
 * unchanged ones are left alone, changed ones changed in place, extra
 * wanted ones added, extra original ones deleted (last first, so the
 * indexes of the others hold) */
static gboolean edit_field(SMFICTX *ctx, const char *name, const GPtrArray *have, const GPtrArray *want)
{
    guint   i;

    for (i = 0; i < MIN(have->len, want->len); i++)
        if (strcmp(g_ptr_array_index(have, i), g_ptr_array_index(want, i)) != 0
            && smfi_chgheader(ctx, (char *) name, (int) i + 1, g_ptr_array_index(want, i)) != MI_SUCCESS)
            return FALSE;
    for (i = have->len; i < want->len; i++)
        if (smfi_addheader(ctx, (char *) name, g_ptr_array_index(want, i)) != MI_SUCCESS)
            return FALSE;
    for (i = have->len; i > want->len; i--)
        if (smfi_chgheader(ctx, (char *) name, (int) i, NULL) != MI_SUCCESS)
            return FALSE;
    return TRUE;
}

/* edit_headers - turn the original header into the wanted fields, those
 * named in keep untouched, with as few edits as possible: Postfix's
 * cleanup rewrites its queue file for each one, so a field that is already
 * right (From, To, Date, Message-ID in most mail) is not deleted and added
 * back */
static gboolean edit_headers(SMFICTX *ctx, const MCTX *m, const GPtrArray *want_names,
                             const GPtrArray *want_values, const char *const *keep)
{
    g_autoptr(GHashTable) done = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const GPtrArray *lists[2] = {want_names, m->hdr_names};
    guint   l, i;

    for (l = 0; l < G_N_ELEMENTS(lists); l++)
        for (i = 0; i < lists[l]->len; i++) {
            const char *name = g_ptr_array_index(lists[l], i);
            char   *lower = g_ascii_strdown(name, -1);
            g_autoptr(GPtrArray) have = NULL;
            g_autoptr(GPtrArray) want = NULL;

            if (in_list(name, keep) || g_hash_table_contains(done, lower)) {
                g_free(lower);
                continue;
            }
            g_hash_table_add(done, lower);
            have = values_named(m->hdr_names, m->hdr_values, name);
            want = values_named(want_names, want_values, name);
            if (!edit_field(ctx, name, have, want))
                return FALSE;
        }
    return TRUE;
}

/* apply_deliver - all header edits first, then the body (Postfix requires it) */
static gboolean apply_deliver(SMFICTX *ctx, MCTX *m, const WREPLY *r)
{
    static const char *const keep_received[] = {"Received", NULL};

    return edit_headers(ctx, m, r->hnames, r->hvalues, keep_received) && r->body != NULL
        && replace_body(ctx, (const char *) r->body->data, r->body->len);
}

/* raw_header - first value of a header field as received, unfolded (transfer full) */
static char *raw_header(const MCTX *m, const char *name)
{
    gsize   n = strlen(name);
    const char *p = m->hdrs->str;

    while (p && *p) {
        if (g_ascii_strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1, *end = v;
            GString *out = g_string_new(NULL);

            /* Up to the CRLF not followed by white space. */
            while (*end && !(end[0] == '\r' && end[1] == '\n' && end[2] != ' ' && end[2] != '\t'))
                end++;
            for (; v < end; v++)
                if (*v != '\r' && *v != '\n')
                    g_string_append_c(out, *v);
            g_strstrip(out->str);
            return g_string_free(out, FALSE);
        }
        if ((p = strstr(p, "\r\n")) != NULL)
            p += 2;
    }
    return NULL;
}

/* hold_poison - store the original and deliver a notice in its place */
static gboolean hold_poison(SMFICTX *ctx, MCTX *m, const char *queue_id, const char *why, char **qid_out)
{
    g_autofree char *qid = qstore_new_id();
    g_autofree char *text = NULL;
    g_autofree char *b64 = NULL;
    g_autofree char *status = g_strdup_printf("held; processing-failed=%s", why);
    GString *folded = g_string_new(NULL);
    /* The notice's own fields; the original's other than those kept go. */
    const char *notice_names[] = {"MIME-Version", "Content-Type", "Content-Transfer-Encoding", "X-Mugai-Status"};
    const char *notice_values[] = {"1.0", "text/plain; charset=UTF-8", "base64", status};
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    g_autoptr(GPtrArray) values = g_ptr_array_new();
    GError *err = NULL;
    QENVELOPE env = {queue_id, m->client_addr, m->client_name, m->helo, m->sender, NULL};
    g_autofree char *from = raw_header(m, "From");
    g_autofree char *subject = raw_header(m, "Subject");
    g_autofree char *msgid = raw_header(m, "Message-ID");
    g_autofree char *subject_utf8 = subject ? g_mime_utils_header_decode_text(NULL, subject) : NULL;
    QMETA   meta = {from, subject_utf8, msgid, "processing-failed", NULL, NULL, NULL};
    gboolean ok;
    gsize   i, n;

    g_ptr_array_add(m->rcpts, NULL);
    env.recipients = (const char *const *) m->rcpts->pdata;
    if (strcmp(mf_conf->notice_language, "en") == 0)
        text = g_strdup_printf("[mugai sanitizing notice] This message could not be processed safely (%s).\n"
                               "The original message is held in quarantine (ID %s). To obtain it, ask your "
                               "administrator quoting this ID.\n", why, qid);
    else
        text = g_strdup_printf("【mugai 無害化通知】このメールは安全に処理できなかったため（%s）、本文を配信していません。\n"
                               "元のメールは隔離しています（隔離ID: %s）。必要な場合はこのIDを添えて管理者にお問い合わせください。\n",
                               why, qid);
    meta.preview = text;
    g_mutex_lock(&mf_store_lock);
    if (mf_store == NULL)
        mf_store = qstore_open(mf_conf, FALSE, &err);
    ok = mf_store != NULL && qstore_put(mf_store, qid, &m->msg.src, &env, &meta, "mugai-milter", &err);
    g_mutex_unlock(&mf_store_lock);
    g_ptr_array_remove_index(m->rcpts, m->rcpts->len - 1);
    if (!ok) {
        msg_warn("queue_id=%s cannot hold poison message: %s", queue_id, err ? err->message : "?");
        g_clear_error(&err);
        return FALSE;
    }
    for (i = 0; i < G_N_ELEMENTS(notice_names); i++) {
        g_ptr_array_add(names, (gpointer) notice_names[i]);
        g_ptr_array_add(values, (gpointer) notice_values[i]);
    }
    b64 = g_base64_encode((const guchar *) text, strlen(text));
    for (i = 0, n = strlen(b64); i < n; i += 76) {
        g_string_append_len(folded, b64 + i, (gssize) MIN(76, n - i));
        g_string_append_c(folded, '\n');
    }
    ok = edit_headers(ctx, m, names, values, mfilter_poison_keep)
        && replace_body(ctx, folded->str, folded->len);
    g_string_free(folded, TRUE);
    *qid_out = g_steal_pointer(&qid);
    return ok;
}

/* tempfail - 451 4.3.0 with text */
static sfsistat tempfail(SMFICTX *ctx, const char *text)
{
    smfi_setreply(ctx, "451", "4.3.0", (char *) text);
    return SMFIS_TEMPFAIL;
}

static sfsistat mf_eom(SMFICTX *ctx)
{
    MCTX   *m = smfi_getpriv(ctx);
    const char *qv = smfi_getsymval(ctx, "i");
    g_autofree char *queue_id = g_strdup(qv && *qv ? qv : "-");
    gint64  t0 = g_get_monotonic_time();
    WREPLY  r = {0};
    const char *why = NULL;
    sfsistat rc;
    g_autofree char *qid = NULL;

    spool_header(m);            /* a message without a body */
    if (m->spool_failed) {
        msg_info("queue_id=%s decision=tempfail reason=spool-failed size=%" G_GSIZE_FORMAT, queue_id,
                 m->body_len);
        rc = tempfail(ctx, "cannot spool message; try again later");
        goto done;
    }
    if (m->hdrs->len + m->body_len > (gsize) mf_conf->max_message_bytes) {
        msg_info("queue_id=%s decision=reject reason=message-too-large size=%" G_GSIZE_FORMAT, queue_id,
                 m->hdrs->len + m->body_len);
        smfi_setreply(ctx, "552", "5.3.4", "message too large for sanitizing");
        rc = SMFIS_REJECT;
        goto done;
    }
    switch (call_worker(ctx, m, queue_id, &r, &why)) {
    case CALL_UNAVAILABLE:
    case CALL_FAILED:
        msg_warn("queue_id=%s decision=tempfail reason=%s", queue_id, why);
        rc = tempfail(ctx, "message sanitizer unavailable; try again later");
        goto done;
    case CALL_POISON:
        if (!hold_poison(ctx, m, queue_id, why, &qid)) {
            msg_warn("queue_id=%s decision=tempfail reason=%s hold=failed", queue_id, why);
            rc = tempfail(ctx, "message could not be processed; try again later");
        } else {
            msg_info("queue_id=%s decision=deliver reason=%s status=held quarantine_id=%s "
                     "client=%s sender=<%s> total_ms=%.0f", queue_id, why, qid, m->client_addr,
                     m->sender ? m->sender : "", (g_get_monotonic_time() - t0) / 1000.0);
            rc = SMFIS_CONTINUE;
        }
        goto done;
    case CALL_OK:
        break;
    }
    if (strcmp(r.decision, "deliver") == 0) {
        if (!apply_deliver(ctx, m, &r)) {
            msg_warn("queue_id=%s decision=tempfail reason=milter-edit-failed", queue_id);
            rc = tempfail(ctx, "cannot rewrite message; try again later");
            goto done;
        }
        rc = SMFIS_CONTINUE;
    } else if (strcmp(r.decision, "reject") == 0) {
        smfi_setreply(ctx, r.code ? r.code : "550", r.dsn ? r.dsn : "5.7.1", r.text ? r.text : "rejected");
        rc = SMFIS_REJECT;
    } else if (strcmp(r.decision, "discard") == 0) {
        rc = SMFIS_DISCARD;
    } else {
        smfi_setreply(ctx, r.code ? r.code : "451", r.dsn ? r.dsn : "4.3.0",
                      r.text ? r.text : "try again later");
        rc = SMFIS_TEMPFAIL;
    }
    msg_info("%s client=%s sender=<%s> rcpts=%u quarantine_id=%s total_ms=%.0f", r.log ? r.log : "", m->client_addr,
             m->sender ? m->sender : "", m->rcpts->len, r.qid ? r.qid : "-",
             (g_get_monotonic_time() - t0) / 1000.0);

done:
    wreply_free(&r);
    message_reset(m);
    return rc;
}

static sfsistat mf_abort(SMFICTX *ctx)
{
    MCTX   *m = smfi_getpriv(ctx);

    if (m)
        message_reset(m);
    return SMFIS_CONTINUE;
}

static sfsistat mf_close(SMFICTX *ctx)
{
    MCTX   *m = smfi_getpriv(ctx);

    if (m == NULL)
        return SMFIS_CONTINUE;
    message_reset(m);
    g_free(m->client_addr);
    g_free(m->client_name);
    g_free(m->helo);
    g_ptr_array_free(m->rcpts, TRUE);
    g_string_free(m->hdrs, TRUE);
    g_ptr_array_free(m->hdr_names, TRUE);
    g_ptr_array_free(m->hdr_values, TRUE);
    g_free(m);
    smfi_setpriv(ctx, NULL);
    g_atomic_int_dec_and_test(&mf_inflight);
    return SMFIS_CONTINUE;
}

/* Highest descriptor nodelay_listener() looks at for libmilter's socket. */
#define MFILTER_LISTEN_FD_MAX 1024

/*
 * nodelay_listener - TCP_NODELAY on libmilter's inet listening socket, which
 * the connections it accepts inherit (Linux copies the option).  At end of
 * message the front answers with several small packets in a row (header
 * changes, body chunks, the verdict); with Nagle's algorithm each one after
 * the first waits for the MTA to acknowledge the one before, and an MTA that
 * only reads acknowledges late (delayed ACK, up to 40 ms on Linux).
 * libmilter keeps its socket to itself, so it is found among our
 * descriptors: the only listening TCP socket the front has.  A unix socket
 * has no such delay; nothing is done for it.
 */
static void nodelay_listener(void)
{
    struct rlimit rl;
    int     fd;
    int     max = MFILTER_LISTEN_FD_MAX;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t) max)
        max = (int) rl.rlim_cur;
    for (fd = 0; fd < max; fd++) {
        int     val = 0;
        socklen_t len = sizeof(val);

        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &val, &len) != 0 || val == 0)
            continue;
        len = sizeof(val);
        if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &val, &len) != 0 || (val != AF_INET && val != AF_INET6))
            continue;
        val = 1;
        if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &val, sizeof(val)) != 0)
            msg_warn("milter socket: TCP_NODELAY: %s", g_strerror(errno));
    }
}

/* thread_stacks - MFILTER_THREAD_STACK_BYTES for the threads libmilter
 * creates from here on */
static void thread_stacks(void)
{
    pthread_attr_t attr;
    int     e;

    if ((e = pthread_attr_init(&attr)) == 0) {
        if ((e = pthread_attr_setstacksize(&attr, MFILTER_THREAD_STACK_BYTES)) == 0)
            e = pthread_setattr_default_np(&attr);
        pthread_attr_destroy(&attr);
    }
    if (e != 0)
        msg_warn("thread stack size stays the default: %s", g_strerror(e));
}

/* mfilter_run - register, serve, drain */
int     mfilter_run(const MUGAI_CONF *conf, const char *worker_socket)
{
    struct smfiDesc desc = {
        .xxfi_name = "mugai",
        .xxfi_version = SMFI_VERSION,
        .xxfi_flags = MFILTER_ACTIONS,
        .xxfi_connect = mf_connect,
        .xxfi_helo = mf_helo,
        .xxfi_envfrom = mf_envfrom,
        .xxfi_envrcpt = mf_envrcpt,
        .xxfi_header = mf_header,
        .xxfi_body = mf_body,
        .xxfi_eom = mf_eom,
        .xxfi_abort = mf_abort,
        .xxfi_close = mf_close,
        .xxfi_negotiate = mf_negotiate,
    };
    gint64  until;
    int     rc;

    mf_conf = conf;
    mf_worker_socket = worker_socket;
    signal(SIGPIPE, SIG_IGN);
    if (smfi_setconn((char *) conf->milter_socket) != MI_SUCCESS)
        msg_fatal(EX_CONFIG, "[milter] socket: cannot use \"%s\"", conf->milter_socket);
    if (smfi_register(desc) != MI_SUCCESS)
        msg_fatal(EX_SOFTWARE, "smfi_register failed");
    if (smfi_opensocket(1) != MI_SUCCESS)
        msg_fatal(EX_UNAVAILABLE, "cannot listen on %s", conf->milter_socket);
    if (g_str_has_prefix(conf->milter_socket, "unix:") || g_str_has_prefix(conf->milter_socket, "local:"))
        chmod(strchr(conf->milter_socket, ':') + 1, 0660);
    nodelay_listener();
    thread_stacks();
    msg_info("listening on %s", conf->milter_socket);
    rc = smfi_main();
    /* SIGTERM: libmilter stopped accepting; let messages in flight finish. */
    until = g_get_monotonic_time() + (conf->milter_timeout + MFILTER_DRAIN_SLACK) * G_USEC_PER_SEC;
    while (g_atomic_int_get(&mf_inflight) > 0 && g_get_monotonic_time() < until)
        g_usleep(100 * 1000);
    if (g_atomic_int_get(&mf_inflight) > 0)
        msg_warn("stopping with %d connection(s) still open", g_atomic_int_get(&mf_inflight));
    g_mutex_lock(&mf_store_lock);
    qstore_close(mf_store);
    mf_store = NULL;
    g_mutex_unlock(&mf_store_lock);
    return rc == MI_SUCCESS ? EX_OK : EX_SOFTWARE;
}
