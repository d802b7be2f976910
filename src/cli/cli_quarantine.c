/* cli_quarantine - `mugai quarantine`: review, release and delete held mail
 *
 *   list [--status S] [--since WHEN] [--sender S] [--recipient S] [--reason R] [--json]
 *   show ID [--json] | export ID | history ID [--json]
 *   release ID [--to ADDR ...] [--force] | delete ID | purge [--older-than DURATION]
 *   check
 *
 * Every action that changes the store is recorded (who: the invoking user,
 * and the sudo user behind it; when; what; result) in the index and syslog.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "cli.h"
#include "mugai/jsonw.h"
#include "mugai/msg.h"
#include "mugai/qstore.h"
#include "mugai/release.h"
#include "mugai/sanitize.h"
#include "mugai/sizefmt.h"

/* Display columns of the subject and address columns in `list`. */
#define CLI_LIST_SUBJECT_COLS 40
#define CLI_LIST_SENDER_COLS 28

static char *cli_actor;         /* who invoked us, fixed before any setuid */

/* actor - who is acting: user name, plus the sudo user (transfer full) */
static char *actor(void)
{
    if (cli_actor)
        return g_strdup(cli_actor);
    {
    struct passwd *pw = getpwuid(getuid());
    const char *sudo = g_getenv("SUDO_USER");
    const char *name = pw ? pw->pw_name : "?";

    if (sudo && *sudo && strcmp(sudo, name) != 0)
        return g_strdup_printf("%s(sudo:%s)", name, sudo);
    return g_strdup_printf("%s(uid:%u)", name, (unsigned) getuid());
    }
}

/* become_owner - root works on the store as its owner, so that SQLite's
 * -wal and -shm files never end up owned by root (the milter could then
 * no longer write, and every held message would be deferred) */
static void become_owner(const MUGAI_CONF *conf)
{
    struct stat st;

    if (geteuid() != 0 || stat(conf->quar_directory, &st) != 0 || st.st_uid == 0)
        return;
    if (setgid(st.st_gid) != 0 || setuid(st.st_uid) != 0)
        fprintf(stderr, "mugai: warning: cannot switch to the owner of %s: %s\n", conf->quar_directory,
                g_strerror(errno));
}

/* exit_for - sysexits code for a store error */
static int exit_for(const GError *e)
{
    if (e->domain != QSTORE_ERROR)
        return EX_UNAVAILABLE;
    switch (e->code) {
    case QSTORE_ERR_ACCESS: return EX_NOPERM;
    case QSTORE_ERR_NOTFOUND: return EX_NOINPUT;
    case QSTORE_ERR_CORRUPT: return EX_DATAERR;
    default: return EX_IOERR;
    }
}

/* fail - report e and return its exit code */
static int fail(GError *e)
{
    int     rc = exit_for(e);

    if (rc == EX_NOPERM)
        fprintf(stderr, "mugai: %s\nmugai: access refused: run as the mugai user, or as a member of "
                "[quarantine] admin_group\n", e->message);
    else
        fprintf(stderr, "mugai: %s\n", e->message);
    g_error_free(e);
    return rc;
}

/* parse_duration - "30d", "12h", "90m", "45s", "2w" (bare number: days) */
static gboolean parse_duration(const char *s, gint64 *secs)
{
    char   *end;
    gint64  n = g_ascii_strtoll(s, &end, 10);

    if (end == s || n < 0)
        return FALSE;
    switch (*end) {
    case 's': *secs = n; break;
    case 'm': *secs = n * 60; break;
    case 'h': *secs = n * 3600; break;
    case '\0':
    case 'd': *secs = n * 86400; break;
    case 'w': *secs = n * 7 * 86400; break;
    default: return FALSE;
    }
    return *end == '\0' || end[1] == '\0';
}

/* parse_when - "YYYY-MM-DD" (local midnight) or a duration ago; Unix time, -1 on error */
static gint64 parse_when(const char *s)
{
    gint64  secs;
    int     y, mo, d;

    if (sscanf(s, "%4d-%2d-%2d", &y, &mo, &d) == 3 && strlen(s) == 10) {
        g_autoptr(GDateTime) t = g_date_time_new_local(y, mo, d, 0, 0, 0);

        return t ? g_date_time_to_unix(t) : -1;
    }
    if (parse_duration(s, &secs))
        return g_get_real_time() / G_USEC_PER_SEC - secs;
    return -1;
}

/* local_time - "2026-11-23 09:41:07" (transfer full) */
static char *local_time(gint64 t)
{
    g_autoptr(GDateTime) d = g_date_time_new_from_unix_local(t);

    return d ? g_date_time_format(d, "%Y-%m-%d %H:%M:%S") : g_strdup("?");
}

/* put_cell - s cut or padded to cols display columns (wide characters count 2) */
static void put_cell(GString *out, const char *s, guint cols)
{
    g_autofree char *valid = g_utf8_make_valid(s ? s : "-", -1);
    const char *p;
    guint   used = 0, total = 0;

    for (p = valid; *p; p = g_utf8_next_char(p))
        total += g_unichar_iswide(g_utf8_get_char(p)) ? 2 : 1;
    for (p = valid; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        guint   w = g_unichar_iswide(c) ? 2 : 1;

        if (total > cols && used + w > cols - 1) {
            g_string_append(out, "\u2026");       /* ellipsis: one column */
            used++;
            break;
        }
        g_string_append_unichar(out, (c < 0x20 || c == 0x7F) ? ' ' : c);
        used += w;
    }
    for (; used < cols; used++)
        g_string_append_c(out, ' ');
}

/* json_item - an item as a JSON object */
static void json_item(JsonBuilder *b, const QITEM *it, gboolean full)
{
    g_autofree char *when = local_time(it->created);

    json_builder_begin_object(b);
    jsonw_str(b, "id", it->id);
    jsonw_str(b, "time", when);
    json_builder_set_member_name(b, "created");
    json_builder_add_int_value(b, it->created);
    jsonw_str(b, "status", it->status);
    jsonw_str(b, "queue_id", it->queue_id);
    jsonw_str(b, "client_addr", it->client_addr);
    jsonw_str(b, "client_name", it->client_name);
    jsonw_str(b, "helo", it->helo);
    jsonw_str(b, "sender", it->sender);
    json_builder_set_member_name(b, "recipients");
    json_builder_begin_array(b);
    if (it->recipients) {
        g_auto(GStrv) r = g_strsplit(it->recipients, "\n", -1);
        guint   i;

        for (i = 0; r[i]; i++)
            json_builder_add_string_value(b, r[i]);
    }
    json_builder_end_array(b);
    jsonw_str(b, "from", it->from);
    jsonw_str(b, "subject", it->subject);
    jsonw_str(b, "message_id", it->message_id);
    json_builder_set_member_name(b, "size");
    json_builder_add_int_value(b, it->size);
    jsonw_str(b, "sha256", it->sha256);
    jsonw_str(b, "reasons", it->reasons);
    jsonw_str(b, "viruses", it->viruses);
    if (full) {
        JsonParser *jp = json_parser_new();

        json_builder_set_member_name(b, "report");
        if (it->report && json_parser_load_from_data(jp, it->report, -1, NULL))
            json_builder_add_value(b, json_node_copy(json_parser_get_root(jp)));
        else
            json_builder_add_null_value(b);
        g_object_unref(jp);
        jsonw_str(b, "preview", it->preview);
    }
    json_builder_end_object(b);
}

/* print_json - write the builder's root to stdout */
static void print_json(JsonBuilder *b)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_autofree char *text = NULL;

    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    text = json_generator_to_data(gen, NULL);
    printf("%s\n", text);
}

/* cmd_list - one line per item, or a JSON array */
static int cmd_list(QSTORE *qs, int argc, char **argv)
{
    QFILTER f = {0};
    gboolean json = FALSE;
    GError *err = NULL;
    GPtrArray *items;
    int     i;

    for (i = 1; i < argc; i++) {
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(argv[i], "--json") == 0) {
            json = TRUE;
            continue;
        }
        if (val == NULL)
            goto usage;
        if (strcmp(argv[i], "--status") == 0)
            f.status = val;
        else if (strcmp(argv[i], "--since") == 0 && (f.since = parse_when(val)) >= 0)
            ;
        else if (strcmp(argv[i], "--sender") == 0)
            f.sender = val;
        else if (strcmp(argv[i], "--recipient") == 0)
            f.recipient = val;
        else if (strcmp(argv[i], "--reason") == 0)
            f.reason = val;
        else
            goto usage;
        i++;
    }
    if ((items = qstore_list(qs, &f, &err)) == NULL)
        return fail(err);
    if (json) {
        g_autoptr(JsonBuilder) b = json_builder_new();
        guint   k;

        json_builder_begin_array(b);
        for (k = 0; k < items->len; k++)
            json_item(b, g_ptr_array_index(items, k), FALSE);
        json_builder_end_array(b);
        print_json(b);
    } else {
        GString *out = g_string_new(NULL);
        guint   k;

        g_string_append_printf(out, "%-24s %-19s %-8s %8s  ", "ID", "TIME", "STATUS", "SIZE");
        put_cell(out, "SENDER", CLI_LIST_SENDER_COLS);
        g_string_append(out, " ");
        put_cell(out, "SUBJECT", CLI_LIST_SUBJECT_COLS);
        g_string_append(out, " REASONS\n");
        for (k = 0; k < items->len; k++) {
            const QITEM *it = g_ptr_array_index(items, k);
            g_autofree char *when = local_time(it->created);
            char    sz[SIZEFMT_BUFSIZE];

            g_string_append_printf(out, "%-24s %-19s %-8s %8s  ", it->id, when, it->status,
                                   sizefmt_human(it->size, sz));
            put_cell(out, it->sender && *it->sender ? it->sender : "<>", CLI_LIST_SENDER_COLS);
            g_string_append(out, " ");
            put_cell(out, it->subject, CLI_LIST_SUBJECT_COLS);
            g_string_append_printf(out, " %s\n", it->reasons ? it->reasons : "-");
        }
        g_string_append_printf(out, "%u message%s\n", items->len, items->len == 1 ? "" : "s");
        fputs(out->str, stdout);
        g_string_free(out, TRUE);
    }
    g_ptr_array_free(items, TRUE);
    return EX_OK;

usage:
    fprintf(stderr, "usage: mugai quarantine list [--status held|released|deleted] [--since YYYY-MM-DD|7d]"
            " [--sender S] [--recipient S] [--reason R] [--json]\n");
    return EX_USAGE;
}

/* get_item - the item named by argv[1], or NULL with *rc set */
static QITEM *get_item(QSTORE *qs, int argc, char **argv, int *rc)
{
    GError *err = NULL;
    QITEM  *it;

    if (argc < 2 || !qstore_id_valid(argv[1])) {
        fprintf(stderr, "mugai: quarantine %s: give a quarantine ID (as `mugai quarantine list` shows it)\n",
                argv[0]);
        *rc = EX_USAGE;
        return NULL;
    }
    if ((it = qstore_get(qs, argv[1], &err)) == NULL)
        *rc = fail(err);
    return it;
}

/* print_attachments - the report's attachment table (never opens an attachment) */
static void print_attachments(const char *report)
{
    g_autoptr(JsonParser) jp = json_parser_new();
    JsonArray *a;
    guint   i;

    if (report == NULL || !json_parser_load_from_data(jp, report, -1, NULL)
        || !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(jp)))
        return;
    a = json_object_get_array_member(json_node_get_object(json_parser_get_root(jp)), "attachments");
    if (a == NULL || json_array_get_length(a) == 0) {
        printf("Attachments:  none\n");
        return;
    }
    printf("Attachments:\n  %-3s %-32s %-28s %-28s %9s  %s\n", "#", "NAME", "DECLARED", "DETECTED", "SIZE",
           "SHA-256 / NOTE");
    for (i = 0; i < json_array_get_length(a); i++) {
        JsonObject *o = json_array_get_object_element(a, i);
        GString *line = g_string_new(NULL);
        char    sz[SIZEFMT_BUFSIZE];
        gint64  size = json_object_get_null_member(o, "size") ? -1 : json_object_get_int_member(o, "size");
        const char *virus = json_object_get_null_member(o, "virus") ? NULL
            : json_object_get_string_member(o, "virus");
        const char *sha = json_object_get_null_member(o, "sha256") ? "-"
            : json_object_get_string_member(o, "sha256");

        g_string_append_printf(line, "  %-3u ", i + 1);
        put_cell(line, json_object_get_null_member(o, "filename") ? "(no name)"
                 : json_object_get_string_member(o, "filename"), 32);
        g_string_append_c(line, ' ');
        put_cell(line, json_object_get_null_member(o, "declared_type") ? "-"
                 : json_object_get_string_member(o, "declared_type"), 28);
        g_string_append_c(line, ' ');
        put_cell(line, json_object_get_null_member(o, "detected_type") ? "-"
                 : json_object_get_string_member(o, "detected_type"), 28);
        g_string_append_printf(line, " %9s  %s%s%s\n", size >= 0 ? sizefmt_human(size, sz) : "?", sha,
                               virus ? "  VIRUS: " : "", virus ? virus : "");
        fputs(line->str, stdout);
        g_string_free(line, TRUE);
    }
}

/* cmd_show - metadata, header section, text preview, attachment table */
static int cmd_show(QSTORE *qs, int argc, char **argv)
{
    int     rc = EX_OK;
    QITEM  *it = get_item(qs, argc, argv, &rc);
    g_autofree char *when = NULL;
    GError *err = NULL;
    GBytes *orig;
    char    sz[SIZEFMT_BUFSIZE];

    if (it == NULL)
        return rc;
    if (argc > 2 && strcmp(argv[2], "--json") == 0) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_item(b, it, TRUE);
        print_json(b);
        qitem_free(it);
        return EX_OK;
    }
    when = local_time(it->created);
    printf("ID:           %s\nStatus:       %s\nReceived:     %s\nQueue ID:     %s\n"
           "Client:       %s [%s] HELO %s\nSender:       <%s>\n",
           it->id, it->status, when, it->queue_id ? it->queue_id : "-",
           it->client_name ? it->client_name : "-", it->client_addr ? it->client_addr : "-",
           it->helo ? it->helo : "-", it->sender ? it->sender : "");
    if (it->recipients) {
        g_auto(GStrv) r = g_strsplit(it->recipients, "\n", -1);
        guint   i;

        for (i = 0; r[i]; i++)
            printf("%s<%s>\n", i ? "              " : "Recipients:   ", r[i]);
    }
    printf("From:         %s\nSubject:      %s\nMessage-ID:   %s\nSize:         %s\n"
           "Reasons:      %s\nViruses:      %s\nSHA-256:      %s\n",
           it->from ? it->from : "-", it->subject ? it->subject : "-",
           it->message_id ? it->message_id : "-", sizefmt_human(it->size, sz),
           it->reasons ? it->reasons : "-", it->viruses && *it->viruses ? it->viruses : "-",
           it->sha256 ? it->sha256 : "-");
    print_attachments(it->report);
    /* The header section of the original, as text: never its body. */
    if (strcmp(it->status, "deleted") != 0) {
        if ((orig = qstore_read(qs, it, &err)) == NULL) {
            rc = exit_for(err);
            fprintf(stderr, "mugai: %s\n", err->message);
            g_clear_error(&err);
        } else {
            gsize   len;
            const char *d = g_bytes_get_data(orig, &len);
            const char *end = g_strstr_len(d, (gssize) len, "\r\n\r\n");
            g_autofree char *hdr = NULL;

            if (end == NULL)
                end = g_strstr_len(d, (gssize) len, "\n\n");
            hdr = g_utf8_make_valid(d, end ? end - d : (gssize) len);
            printf("\nHeader section of the original:\n");
            g_strdelimit(hdr, "\r", ' ');
            printf("%s\n", hdr);
            g_bytes_unref(orig);
        }
    }
    printf("\nText as delivered (start):\n%s\n", it->preview ? it->preview : "-");
    qitem_free(it);
    return rc;
}

/* read_original - the held original; on failure the attempted action is
 * recorded as failed, the error reported and *rc set (transfer full) */
static GBytes *read_original(QSTORE *qs, const QITEM *it, const char *who, const char *action, int *rc)
{
    GError *err = NULL;
    GBytes *orig = qstore_read(qs, it, &err);

    if (orig == NULL) {
        qstore_audit(qs, it->id, who, action, "failed", err->message, NULL);
        *rc = fail(err);
    }
    return orig;
}

/* cmd_export - the raw original on stdout */
static int cmd_export(QSTORE *qs, int argc, char **argv)
{
    int     rc = EX_OK;
    QITEM  *it = get_item(qs, argc, argv, &rc);
    g_autofree char *who = actor();
    GBytes *orig;
    gsize   len;
    const char *d;

    if (it == NULL)
        return rc;
    if ((orig = read_original(qs, it, who, "export", &rc)) == NULL) {
        qitem_free(it);
        return rc;
    }
    d = g_bytes_get_data(orig, &len);
    if (fwrite(d, 1, len, stdout) != len || fflush(stdout) != 0) {
        fprintf(stderr, "mugai: export: write error: %s\n", g_strerror(errno));
        rc = EX_IOERR;
    }
    qstore_audit(qs, it->id, who, "export", rc == EX_OK ? "ok" : "failed", NULL, NULL);
    g_bytes_unref(orig);
    qitem_free(it);
    return rc;
}

/* What rescanning a held original before its release found. */
typedef enum {
    RESCAN_CLEAN,               /* scanned whole with current signatures, nothing found */
    RESCAN_INFECTED,            /* signatures matched */
    RESCAN_FAILED,              /* it could not be scanned */
} RESCAN;

/* rescan - the original through the engine, with the signatures and
 * limits the configuration names now (a database updated since the hold
 * may know what it did not); *what gets the signature names, or why it
 * could not be scanned (transfer full) */
static RESCAN rescan(const MUGAI_CONF *conf, const QITEM *it, GBytes *orig, char **what)
{
    GError *err = NULL;
    ENGINE *eng = engine_new(conf, NULL, &err);
    g_autofree char *viruses = NULL;
    gsize   len;
    const char *d = g_bytes_get_data(orig, &len);
    BYTESRC src = bytesrc_mem(d, len);
    VERDICT *v;
    RESCAN  r = RESCAN_CLEAN;

    if (eng == NULL) {
        *what = g_strdup(err->message);
        g_error_free(err);
        return RESCAN_FAILED;
    }
    v = sanitize_source_q(eng, &src, it->queue_id, NULL);
    viruses = verdict_viruses(v);
    if (viruses != NULL && *viruses != '\0') {
        *what = g_steal_pointer(&viruses);
        r = RESCAN_INFECTED;
    } else if (verdict_decision(v) == DECISION_TEMPFAIL || !verdict_scan_complete(v)) {
        /* a scan that failed, a message over the current size limits, or
         * one a limit kept the scan from seeing whole */
        *what = g_strdup(verdict_reply_text(v) ? verdict_reply_text(v)
                         : "a limit kept the scan from seeing all of the message");
        r = RESCAN_FAILED;
    }
    verdict_free(v);
    engine_free(eng);
    return r;
}

/* release_gate - may the original go? Refused (the item stays held, the
 * refusal is recorded) when it was held for a virus, when a rescan finds
 * one now, or when the rescan cannot be done; force releases it anyway
 * and *forced says past what (transfer full).  EX_OK or the exit code */
static int release_gate(QSTORE *qs, const MUGAI_CONF *conf, const QITEM *it, GBytes *orig,
                        const char *who, gboolean force, char **forced)
{
    g_autofree char *what = NULL;
    g_autofree char *why = NULL;
    int     rc = EX_OK;

    switch (rescan(conf, it, orig, &what)) {
    case RESCAN_INFECTED:
        why = g_strdup_printf("virus found by a rescan with the current signatures: %s", what);
        rc = EX_DATAERR;
        break;
    case RESCAN_FAILED:
        why = g_strdup_printf("the rescan with the current signatures could not be done: %s", what);
        rc = EX_TEMPFAIL;
        break;
    case RESCAN_CLEAN:
        if (it->viruses != NULL && *it->viruses != '\0') {
            why = g_strdup_printf("held for a virus: %s (a rescan with the current signatures found none)",
                                  it->viruses);
            rc = EX_DATAERR;
        }
        break;
    }
    if (rc == EX_OK)
        return EX_OK;
    if (force) {
        *forced = g_steal_pointer(&why);
        return EX_OK;
    }
    qstore_audit(qs, it->id, who, "release", "refused", why, NULL);
    fprintf(stderr, "mugai: release of %s refused; it stays held: %s\n"
            "mugai: --force releases it anyway (recorded as forced)\n", it->id, why);
    return rc;
}

/* cmd_release - rescan, then send the original to the release relay;
 * held stays held on refusal or failure */
static int cmd_release(QSTORE *qs, const MUGAI_CONF *conf, int argc, char **argv)
{
    int     rc = EX_OK, i;
    QITEM  *it = get_item(qs, argc, argv, &rc);
    g_autofree char *who = actor();
    g_autoptr(GPtrArray) to = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *detail = NULL;
    g_autofree char *forced = NULL;
    gboolean force = FALSE;
    GError *err = NULL;
    GBytes *orig;
    gsize   len;
    const char *d;

    if (it == NULL)
        return rc;
    for (i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
            g_ptr_array_add(to, g_strdup(argv[++i]));
        else if (strcmp(argv[i], "--force") == 0)
            force = TRUE;
        else
            break;
    }
    if (i < argc) {
        fprintf(stderr, "usage: mugai quarantine release ID [--to ADDR ...] [--force]\n");
        qitem_free(it);
        return EX_USAGE;
    }
    if (strcmp(it->status, "held") != 0) {
        fprintf(stderr, "mugai: %s is %s, not held: nothing to release\n", it->id, it->status);
        qitem_free(it);
        return EX_DATAERR;
    }
    if (to->len == 0 && it->recipients) {
        g_auto(GStrv) r = g_strsplit(it->recipients, "\n", -1);

        for (i = 0; r[i]; i++)
            g_ptr_array_add(to, g_strdup(r[i]));
    }
    g_ptr_array_add(to, NULL);
    detail = g_strjoinv(",", (char **) to->pdata);
    if ((orig = read_original(qs, it, who, "release", &rc)) == NULL) {
        qitem_free(it);
        return rc;
    }
    if ((rc = release_gate(qs, conf, it, orig, who, force, &forced)) != EX_OK)
        goto done;
    d = g_bytes_get_data(orig, &len);
    if (!release_send(conf->quar_release_relay, it->sender, (const char *const *) to->pdata, d, len, &err)) {
        g_autofree char *why = g_strdup_printf("to %s via %s: %s", detail, conf->quar_release_relay,
                                               err->message);

        qstore_audit(qs, it->id, who, "release", "failed", why, NULL);
        fprintf(stderr, "mugai: release of %s failed; it stays held: %s\n", it->id, why);
        g_error_free(err);
        rc = EX_TEMPFAIL;
    } else if (!qstore_set_status(qs, it->id, "released", &err)) {
        rc = fail(err);
    } else {
        g_autofree char *what = forced ? g_strdup_printf("to %s via %s; forced past: %s", detail,
                                                         conf->quar_release_relay, forced)
            : g_strdup_printf("to %s via %s; rescanned clean", detail, conf->quar_release_relay);

        qstore_audit(qs, it->id, who, "release", "ok", what, NULL);
        printf("released %s to %s%s\n", it->id, detail, forced ? " (forced)" : "");
    }
done:
    g_bytes_unref(orig);
    qitem_free(it);
    return rc;
}

/* delete_one - remove the original, mark deleted, record it */
static int delete_one(QSTORE *qs, const char *id, const char *who, const char *action)
{
    GError *err = NULL;

    if (!qstore_remove_original(qs, id, &err) || !qstore_set_status(qs, id, "deleted", &err)) {
        qstore_audit(qs, id, who, action, "failed", err->message, NULL);
        return fail(err);
    }
    qstore_audit(qs, id, who, action, "ok", NULL, NULL);
    return EX_OK;
}

/* cmd_delete - delete one item's original; its index row and history stay */
static int cmd_delete(QSTORE *qs, int argc, char **argv)
{
    int     rc = EX_OK;
    QITEM  *it = get_item(qs, argc, argv, &rc);
    g_autofree char *who = actor();

    if (it == NULL)
        return rc;
    if (strcmp(it->status, "deleted") == 0) {
        fprintf(stderr, "mugai: %s is already deleted\n", it->id);
        qitem_free(it);
        return EX_DATAERR;
    }
    if ((rc = delete_one(qs, it->id, who, "delete")) == EX_OK)
        printf("deleted %s\n", it->id);
    qitem_free(it);
    return rc;
}

/* cmd_purge - delete every held or released item older than the retention */
static int cmd_purge(QSTORE *qs, const MUGAI_CONF *conf, int argc, char **argv)
{
    gint64  secs = conf->quar_retention_days * 86400;
    g_autofree char *who = actor();
    QFILTER f = {0};
    GError *err = NULL;
    GPtrArray *items;
    guint   k, n = 0;
    int     rc = EX_OK;

    if (argc == 3 && strcmp(argv[1], "--older-than") == 0) {
        if (!parse_duration(argv[2], &secs)) {
            fprintf(stderr, "mugai: purge: \"%s\" is not a duration (e.g. 30d, 12h, 2w)\n", argv[2]);
            return EX_USAGE;
        }
    } else if (argc != 1) {
        fprintf(stderr, "usage: mugai quarantine purge [--older-than DURATION]\n");
        return EX_USAGE;
    }
    f.older_than = g_get_real_time() / G_USEC_PER_SEC - secs;
    if ((items = qstore_list(qs, &f, &err)) == NULL)
        return fail(err);
    for (k = 0; k < items->len; k++) {
        const QITEM *it = g_ptr_array_index(items, k);

        if (strcmp(it->status, "deleted") == 0)
            continue;
        if (delete_one(qs, it->id, who, "purge") == EX_OK)
            n++;
        else
            rc = EX_IOERR;
    }
    printf("purged %u message%s older than %" G_GINT64_FORMAT " s\n", n, n == 1 ? "" : "s", secs);
    g_ptr_array_free(items, TRUE);
    return rc;
}

/* cmd_history - the audit trail of one item */
static int cmd_history(QSTORE *qs, int argc, char **argv)
{
    GError *err = NULL;
    GPtrArray *h;
    guint   k;

    if (argc < 2 || !qstore_id_valid(argv[1])) {
        fprintf(stderr, "usage: mugai quarantine history ID [--json]\n");
        return EX_USAGE;
    }
    if ((h = qstore_history(qs, argv[1], &err)) == NULL)
        return fail(err);
    if (h->len == 0) {
        g_ptr_array_free(h, TRUE);
        fprintf(stderr, "mugai: no history for %s\n", argv[1]);
        return EX_NOINPUT;
    }
    if (argc > 2 && strcmp(argv[2], "--json") == 0) {
        g_autoptr(JsonBuilder) b = json_builder_new();

        json_builder_begin_array(b);
        for (k = 0; k < h->len; k++) {
            const QHIST *r = g_ptr_array_index(h, k);
            g_autofree char *when = local_time(r->at);

            json_builder_begin_object(b);
            jsonw_str(b, "time", when);
            jsonw_str(b, "actor", r->actor);
            jsonw_str(b, "action", r->action);
            jsonw_str(b, "result", r->result);
            jsonw_str(b, "detail", r->detail);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        print_json(b);
    } else {
        printf("%-19s %-24s %-8s %-7s %s\n", "TIME", "ACTOR", "ACTION", "RESULT", "DETAIL");
        for (k = 0; k < h->len; k++) {
            const QHIST *r = g_ptr_array_index(h, k);
            g_autofree char *when = local_time(r->at);

            printf("%-19s %-24s %-8s %-7s %s\n", when, r->actor, r->action, r->result,
                   r->detail ? r->detail : "");
        }
    }
    g_ptr_array_free(h, TRUE);
    return EX_OK;
}

/* cmd_check - every original (in the index or a file) against its
 * digest: damaged or missing; then the files against the index: files
 * without an index row (a crash between file and row), unfinished writes */
static int cmd_check(QSTORE *qs)
{
    GError *err = NULL;
    GPtrArray *items = qstore_list(qs, NULL, &err);
    GDir   *dir;
    const char *name;
    guint   k, problems = 0, ok = 0;

    if (items == NULL)
        return fail(err);
    for (k = 0; k < items->len; k++) {
        const QITEM *it = g_ptr_array_index(items, k);
        GBytes *b;

        if (strcmp(it->status, "deleted") == 0)
            continue;
        if ((b = qstore_read(qs, it, &err)) == NULL) {
            printf("%-24s %-8s %s\n", it->id, "DAMAGED", err->message);
            g_clear_error(&err);
            problems++;
        } else {
            g_bytes_unref(b);
            ok++;
        }
    }
    g_ptr_array_free(items, TRUE);
    if ((dir = g_dir_open(qstore_msg_dir(qs), 0, &err)) == NULL)
        return fail(err);
    while ((name = g_dir_read_name(dir)) != NULL) {
        g_autofree char *id = NULL;
        QITEM  *it;

        if (g_str_has_suffix(name, ".tmp")) {
            printf("%-24s %-8s %s/%s: unfinished write (never acknowledged to the MTA)\n", "-", "PARTIAL",
                   qstore_msg_dir(qs), name);
            problems++;
            continue;
        }
        if (!g_str_has_suffix(name, ".eml"))
            continue;
        id = g_strndup(name, strlen(name) - 4);
        if ((it = qstore_get(qs, id, &err)) != NULL) {
            qitem_free(it);
            continue;
        }
        printf("%-24s %-8s %s/%s has no index entry (%s)\n", id, "ORPHAN", qstore_msg_dir(qs), name,
               err->message);
        g_clear_error(&err);
        problems++;
    }
    g_dir_close(dir);
    printf("%u original%s intact, %u problem%s\n", ok, ok == 1 ? "" : "s", problems, problems == 1 ? "" : "s");
    return problems ? EX_DATAERR : EX_OK;
}

/* cli_quarantine - dispatch a subcommand; argv[0] is the subcommand */
int     cli_quarantine(const MUGAI_CONF *conf, int argc, char **argv)
{
    GError *err = NULL;
    QSTORE *qs;
    int     rc;

    if (argc < 1) {
        fprintf(stderr, "usage: mugai quarantine list|show|export|release|delete|purge|history|check ...\n");
        return EX_USAGE;
    }
    cli_actor = actor();
    become_owner(conf);
    if ((qs = qstore_open(conf, FALSE, &err)) == NULL)
        return fail(err);
    if (strcmp(argv[0], "list") == 0)
        rc = cmd_list(qs, argc, argv);
    else if (strcmp(argv[0], "show") == 0)
        rc = cmd_show(qs, argc, argv);
    else if (strcmp(argv[0], "export") == 0)
        rc = cmd_export(qs, argc, argv);
    else if (strcmp(argv[0], "release") == 0)
        rc = cmd_release(qs, conf, argc, argv);
    else if (strcmp(argv[0], "delete") == 0)
        rc = cmd_delete(qs, argc, argv);
    else if (strcmp(argv[0], "purge") == 0)
        rc = cmd_purge(qs, conf, argc, argv);
    else if (strcmp(argv[0], "history") == 0)
        rc = cmd_history(qs, argc, argv);
    else if (strcmp(argv[0], "check") == 0)
        rc = cmd_check(qs);
    else {
        fprintf(stderr, "mugai: unknown quarantine command \"%s\"\n", argv[0]);
        rc = EX_USAGE;
    }
    qstore_close(qs);
    g_clear_pointer(&cli_actor, g_free);
    return rc;
}
