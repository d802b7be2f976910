/* sanitize - the engine: one raw RFC 5322 message in, one verdict out
 *
 * Order of work for one message (each step is a decision point):
 *   1. size limits            -> reject, before anything is parsed
 *   2. line ends unified, header NULs blanked, excess parts cut off
 *      (normalize.c: in memory, or in a file when the message is large)
 *   3. the raw message scanned (ClamAV's own mail parser); when that
 *      was whole and clean, body text is not scanned again in step 4
 *   4. GMime parse, walk: body rendered, every other part recorded
 *   5. URLs rewritten, notice written, header and body encoded
 * A scanner failure at any point ends in tempfail: fail closed.
 */
#include <errno.h>
#include <malloc.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "mugai/charset.h"
#include "mugai/fname.h"
#include "mugai/jis.h"
#include "mugai/mime_part.h"
#include "mugai/msg.h"
#include "mugai/sizefmt.h"
#include "mugai/url.h"
#include "normalize.h"
#include "notice.h"
#include "outmsg.h"
#include "verdict.h"
#include "walk.h"

/* Most virus names listed in X-Mugai-Status. */
#define SANITIZE_STATUS_MAX_VIRUSES 5

/* The heap of a process that sanitizes: blocks up to this size come from
 * the heap, larger ones are mapped and unmapped on their own (glibc's
 * largest moving threshold on 64-bit systems). */
#define ENGINE_HEAP_MMAP_BYTES (32 * 1024 * 1024)
/* Free memory at the top of the heap kept for the next message instead
 * of being returned to the kernel (and faulted in again): twice the
 * above, as glibc keeps once its threshold has moved there. */
#define ENGINE_HEAP_KEEP_BYTES (64 * 1024 * 1024)

struct engine {
    const MUGAI_CONF *conf;
    AV_ENGINE *av;
    FTYPE  *ft;
};

/* engine_global_init - libraries that want one initialisation per process */
static void engine_global_init(void)
{
    static gsize once;

    if (g_once_init_enter(&once)) {
        /* glibc's own thresholds move with what was freed last; a message
         * of a few hundred KB then has its buffers unmapped or trimmed
         * after it and faulted in again for the next (docs/performance.md,
         * "Engine only"). */
        mallopt(M_MMAP_THRESHOLD, ENGINE_HEAP_MMAP_BYTES);
        mallopt(M_TRIM_THRESHOLD, ENGINE_HEAP_KEEP_BYTES);
        g_mime_init();
        xmlInitParser();
        charset_keep_loaded();
        g_once_init_leave(&once, 1);
    }
}

/* engine_new - load scanners */
ENGINE *engine_new(const MUGAI_CONF *conf, const ENGINE_OPTS *opts, GError **err)
{
    ENGINE *eng = g_new0(ENGINE, 1);

    engine_global_init();
    eng->conf = conf;
    if (conf->engine_temp_directory != NULL && !g_file_test(conf->engine_temp_directory, G_FILE_TEST_IS_DIR)) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOTDIR, "[engine] temp_directory: %s is not a directory",
                    conf->engine_temp_directory);
        goto fail;
    }
    if ((eng->ft = ftype_new((guint) conf->engine_type_cache, err)) == NULL)
        goto fail;
    if (!(opts && opts->no_av) && (eng->av = av_engine_new(conf, err)) == NULL)
        goto fail;
    return eng;

fail:
    engine_free(eng);
    return NULL;
}

/* engine_free - release; accepts NULL */
void    engine_free(ENGINE *eng)
{
    if (eng == NULL)
        return;
    av_engine_free(eng->av);
    ftype_free(eng->ft);
    g_free(eng);
}

/* engine_av_signatures - signatures loaded */
guint   engine_av_signatures(const ENGINE *eng)
{
    return eng->av ? av_engine_signatures(eng->av) : 0;
}

/* engine_describe - scanner lines for check-config */
void    engine_describe(const ENGINE *eng, GString *out)
{
    if (eng->av == NULL)
        g_string_append(out, "clamav: off\n");
    else
        av_engine_describe(eng->av, out);
}

/* engine_signatures_changed - signature directory changed since loading? */
gboolean engine_signatures_changed(ENGINE *eng)
{
    return eng->av != NULL && av_engine_changed(eng->av);
}

/* warning_name - GMime parser finding as a report word; *serious when it may hide content */
static const char *warning_name(GMimeParserWarning code, gboolean *serious)
{
    *serious = TRUE;
    switch (code) {
    case GMIME_WARN_TRUNCATED_MESSAGE: return "truncated-message";
    case GMIME_WARN_MALFORMED_MESSAGE: return "malformed-message";
    case GMIME_WARN_MALFORMED_MULTIPART: return "malformed-multipart";
    case GMIME_CRIT_INVALID_HEADER_NAME: return "invalid-header-name";
    case GMIME_CRIT_CONFLICTING_HEADER: return "conflicting-header";
    case GMIME_CRIT_CONFLICTING_PARAMETER: return "conflicting-parameter";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: return "multipart-without-boundary";
    case GMIME_CRIT_NESTING_OVERFLOW: return "nesting-overflow";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: return "part-without-headers-or-content";
    default:
        break;
    }
    *serious = FALSE;
    switch (code) {
    case GMIME_WARN_DUPLICATED_HEADER: return "duplicated-header";
    case GMIME_WARN_DUPLICATED_PARAMETER: return "duplicated-parameter";
    case GMIME_WARN_UNENCODED_8BIT_HEADER: return "unencoded-8bit-header";
    case GMIME_WARN_INVALID_CONTENT_TYPE: return "invalid-content-type";
    case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE: return "invalid-rfc2047";
    case GMIME_WARN_INVALID_PARAMETER: return "invalid-parameter";
    case GMIME_WARN_INVALID_ADDRESS_LIST: return "invalid-address-list";
    case GMIME_WARN_PART_WITHOUT_CONTENT: return "part-without-content";
    default:
        return "parser-warning";
    }
}

/* on_parser_warning - GMime's anomaly callback: findings feed the verdict */
static void on_parser_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer ctx)
{
    gboolean serious;
    const char *name = warning_name(code, &serious);

    verdict_add_anomaly((VERDICT *) ctx, name, serious);
}

/* parse - GMime with mugai's options; the parts' contents stay where
 * the normalized message is (GMime keeps offsets, not copies) (transfer
 * full).  NULL with *io_error set (transfer full) when the file could not
 * be opened for GMime: a failure of the host, not of the message. */
static GMimeMessage *parse(const NORMAL_MSG *norm, GMimeParserOptions *po, char **io_error)
{
    GMimeStream *stream;
    GMimeParser *parser;
    GMimeMessage *m;
    int     fd;

    if (norm->data.mem != NULL) {
        stream = g_mime_stream_mem_new_with_byte_array(norm->data.mem);
        g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
    } else {
        if ((fd = dup(norm->data.fd)) < 0) {
            *io_error = g_strdup_printf("dup of the normalized message's file: %s", g_strerror(errno));
            return NULL;
        }
        stream = g_mime_stream_fs_new_with_bounds(fd, 0, (gint64) norm->data.src.len);
    }
    parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    m = g_mime_parser_construct_message(parser, po);
    g_object_unref(parser);
    g_object_unref(stream);
    return m;
}

/* build_status - the X-Mugai-Status value */
static char *build_status(const VERDICT *v)
{
    GString *s = g_string_new("sanitized");
    guint   i, removed, held, shown;

    g_string_append_printf(s, "; html=%s", v->html_converted ? "converted" : "none");
    verdict_attachment_counts(v, &removed, &held, &shown);
    g_string_append_printf(s, "; attachments=%u", v->attachments->len);
    if (removed)
        g_string_append_printf(s, " removed=%u", removed);
    if (held)
        g_string_append_printf(s, " quarantined=%u", held);
    if (shown)
        g_string_append_printf(s, " extracted=%u", shown);
    g_string_append(s, "; virus=");
    if (v->viruses->len == 0)
        g_string_append(s, "none");
    for (i = 0; i < v->viruses->len && i < SANITIZE_STATUS_MAX_VIRUSES; i++)
        g_string_append_printf(s, "%s%s", i ? "," : "", (char *) g_ptr_array_index(v->viruses, i));
    if (v->limits)
        g_string_append(s, "; limits=exceeded");
    if (v->serious_anomalies || v->unreadable)
        g_string_append(s, "; malformed=yes");
    return g_string_free(s, FALSE);
}

/* compose - notice plus body, URLs rewritten, into v->text */
static void compose(VERDICT *v, const MUGAI_CONF *conf, GString *body, guint parts_skipped,
                    gboolean withheld)
{
    const NOTICE_TEXT *t = notice_text(conf->notice_language);
    g_autoptr(GString) notice = g_string_new(NULL);
    g_autoptr(GString) rewritten = g_string_new(NULL);

    render_tidy(body);
    v->links = url_rewrite(body->str, body->len, conf->links, t->link_removed, rewritten);
    notice_build(v, conf, parts_skipped, withheld, notice);
    url_rewrite(notice->str, notice->len, conf->links, t->link_removed, v->text);
    g_string_append_c(v->text, '\n');
    if (rewritten->len > 0)
        g_string_append_len(v->text, rewritten->str, rewritten->len);
    else if (v->extracted->len == 0)
        g_string_append_printf(v->text, "%s\n", t->empty_body);
    if (v->extracted->len > 0) {
        g_autoptr(GString) shown = g_string_new(NULL);

        render_tidy(v->extracted);
        v->links += url_rewrite(v->extracted->str, v->extracted->len, conf->links, t->link_removed, shown);
        if (rewritten->len > 0)
            g_string_append_c(v->text, '\n');
        g_string_append_len(v->text, shown->str, shown->len);
    }
}

/* policy_reply - a reject the policy asks for (virus, or a rejecting rule); FALSE if none */
static gboolean policy_reply(VERDICT *v, const MUGAI_CONF *conf)
{
    const ATT_REC *r;

    if (v->viruses->len > 0 && conf->on_virus == CONF_VIRUS_REJECT) {
        g_autofree char *names = verdict_viruses(v);
        g_autofree char *text = g_strdup_printf("message refused: virus found (%s)", names);

        verdict_set_reply(v, DECISION_REJECT, "554", "5.7.1", "virus", text);
        return TRUE;
    }
    if ((r = verdict_rejecting(v)) != NULL) {
        g_autofree char *name = r->filename ? fname_display(r->filename) : g_strdup("(no name)");
        g_autofree char *text = g_strdup_printf("message refused by attachment policy: %s (%s, %s)",
                                                name, r->detected_type, r->reason);

        verdict_set_reply(v, DECISION_REJECT, "550", "5.7.1", "policy", text);
        return TRUE;
    }
    return FALSE;
}

/* deferred - a tempfail for what went wrong inside mugai (logged) */
static void deferred(VERDICT *v, const char *what, const char *why, const char *reason, const char *text)
{
    msg_warn("queue_id=%s %s: %s; answering tempfail", v->queue_id, what, why);
    verdict_set_reply(v, DECISION_TEMPFAIL, "451", "4.3.0", reason, text);
}

/* sanitize_parsed - steps 3 to 5 on a normalized message */
static void sanitize_parsed(ENGINE *eng, VERDICT *v, const NORMAL_MSG *norm, const char *quarantine_id)
{
    const BYTESRC *src = &norm->data.src;
    const MUGAI_CONF *conf = eng->conf;
    GMimeParserOptions *po = mime_options_new();
    WALK    w = {conf, eng->av, eng->ft, notice_text(conf->notice_language), po, v, 0, 0, NULL, NULL, FALSE, NULL};
    g_autoptr(GString) body = g_string_new(NULL);
    g_autofree char *raw_virus = NULL;
    g_autoptr(GHashTable) inner = NULL;
    GMimeMessage *msg;
    gboolean withheld = FALSE;

    if (eng->av) {
        inner = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        switch (av_scan_noting(eng->av, src, "message", &raw_virus, inner)) {
        case AV_INFECTED:
            verdict_add_virus(v, raw_virus);
            v->scan_complete = TRUE;
            break;
        case AV_ERROR:
            w.av_error = g_steal_pointer(&raw_virus);
            break;
        case AV_INCOMPLETE:     /* the whole message: its parts are scanned one by one below */
            break;
        case AV_CLEAN:
            /* A clean pass that unpacked nothing (or warned) proves
             * nothing about the parts: see walk.h. */
            if (g_hash_table_size(inner) > 0)
                w.clean_inner = inner;
            v->scan_complete = TRUE;
            break;
        }
    }
    g_mime_parser_options_set_warning_callback(po, on_parser_warning, v);
    msg = parse(norm, po, &w.io_error);
    if (msg != NULL) {
        walk_message(&w, msg, body);
        if (eng->av && !norm->cut && w.parts_skipped == 0 && !w.scan_incomplete && w.av_error == NULL
            && w.io_error == NULL)
            v->scan_complete = TRUE;    /* every part scanned to its end */
    } else if (w.io_error == NULL)
        v->unreadable = TRUE;
    if (w.av_error != NULL || w.io_error != NULL) {
        if (w.av_error != NULL)
            deferred(v, "virus scan failed", w.av_error, "scan-failed", "virus scan failed; message deferred");
        else
            deferred(v, "temporary file failed", w.io_error, "temp-failed",
                     "temporary storage failed; message deferred");
        g_free(w.av_error);
        g_free(w.io_error);
        goto done;
    }
    if (policy_reply(v, conf))
        goto done;
    /* A virus anywhere: the reader gets the notice only (the original is held). */
    if (v->viruses->len > 0) {
        g_string_truncate(body, 0);
        g_string_truncate(v->extracted, 0);
        withheld = TRUE;
    }
    if (quarantine_id != NULL && verdict_holds_original(v))
        v->quarantine_id = g_strdup(quarantine_id);
    compose(v, conf, body, w.parts_skipped, withheld);
    if (conf->out_charset == CONF_OUT_ISO2022JP) {
        /* Count what ISO-2022-JP cannot carry, then say so in the notice. */
        g_autoptr(GString) probe = g_string_new(NULL);

        if ((v->jis_replaced = jis_encode_utf8(v->text->str, v->text->len, probe)) > 0) {
            g_string_truncate(v->text, 0);
            compose(v, conf, body, w.parts_skipped, withheld);
        }
    }
    v->status = build_status(v);
    outmsg_headers(v, msg, conf, po);
    outmsg_body(v, conf);

done:
    g_clear_object(&msg);
    g_mime_parser_options_free(po);
}

/* sanitize_message - decide about one message */
VERDICT *sanitize_message(ENGINE *eng, const char *data, gsize len, const char *queue_id)
{
    BYTESRC src = bytesrc_mem(data, len);

    return sanitize_source_q(eng, &src, queue_id, NULL);
}

/* sanitize_message_q - decide about one message; the notice may name quarantine_id */
VERDICT *sanitize_message_q(ENGINE *eng, const char *data, gsize len, const char *queue_id,
                            const char *quarantine_id)
{
    BYTESRC src = bytesrc_mem(data, len);

    return sanitize_source_q(eng, &src, queue_id, quarantine_id);
}

/* sanitize_source_q - decide about the message in src */
VERDICT *sanitize_source_q(ENGINE *eng, const BYTESRC *src, const char *queue_id, const char *quarantine_id)
{
    const MUGAI_CONF *conf = eng->conf;
    VERDICT *v = verdict_new();
    gint64  t0 = g_get_monotonic_time();
    NORMAL_MSG norm = {BYTESTORE_INIT, 0, 0, FALSE, FALSE};
    GError *err = NULL;
    char    sz[SIZEFMT_BUFSIZE];

    v->queue_id = g_strdup(queue_id && *queue_id ? queue_id : "-");
    v->in_bytes = src->len;
    if (src->len > (gsize) conf->max_message_bytes) {
        g_autofree char *text = g_strdup_printf("message too large for sanitizing (limit %s)",
                                                sizefmt_human(conf->max_message_bytes, sz));

        verdict_set_reply(v, DECISION_REJECT, "552", "5.3.4", "message-too-large", text);
        goto done;
    }
    if (!normalize_message(src, conf, &norm, &err)) {
        deferred(v, "temporary file failed", err->message, "temp-failed",
                 "temporary storage failed; message deferred");
        g_error_free(err);
        goto done;
    }
    if (norm.header_too_large) {
        g_autofree char *text = g_strdup_printf("header section too large for sanitizing (limit %s)",
                                                sizefmt_human(conf->max_header_bytes, sz));

        verdict_set_reply(v, DECISION_REJECT, "552", "5.3.4", "header-too-large", text);
        goto done;
    }
    if (norm.nuls)
        verdict_add_anomaly(v, "nul-in-header", FALSE);
    if (norm.cut) {
        v->limits |= LIMIT_PARTS;
        verdict_add_anomaly(v, "too-many-parts", TRUE);
    }
    sanitize_parsed(eng, v, &norm, quarantine_id);

done:
    bytestore_clear(&norm.data);
    v->elapsed_ms = (double) (g_get_monotonic_time() - t0) / 1000.0;
    return v;
}
