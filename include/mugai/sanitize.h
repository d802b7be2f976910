/* sanitize - the engine: one raw RFC 5322 message in, one verdict out
 *
 * ENGINE holds what lives across messages: the configuration (borrowed),
 * the compiled ClamAV engine and a libmagic handle.  sanitize_message()
 * never fails: every input, however broken, ends in a VERDICT whose
 * decision is deliver (the sanitized message), reject, discard or tempfail.
 * Nothing here knows about a mail server: the CLI, the tests and the milter
 * all call the same function.
 *
 * An ENGINE is used by one thread at a time (libmagic is not thread-safe).
 */
#ifndef MUGAI_SANITIZE_H
#define MUGAI_SANITIZE_H

#include <stdio.h>

#include <glib.h>

#include "mugai/bytesrc.h"
#include "mugai/conf.h"

typedef struct engine ENGINE;
typedef struct verdict VERDICT;

typedef enum {
    DECISION_DELIVER,           /* deliver the sanitized message */
    DECISION_REJECT,            /* refuse with a 5xx reply */
    DECISION_DISCARD,           /* accept and drop (never chosen by the engine yet) */
    DECISION_TEMPFAIL,          /* 4xx: the message stays with the sender's MTA */
} DECISION;

typedef struct {
    gboolean no_av;             /* skip virus scanning (benchmarks only) */
} ENGINE_OPTS;

/* engine_new - load scanners for conf (borrowed; must outlive the engine);
 * opts may be NULL.  NULL and *err when a scanner cannot start (transfer full) */
ENGINE *engine_new(const MUGAI_CONF *conf, const ENGINE_OPTS *opts, GError **err);

/* engine_free - release; accepts NULL */
void    engine_free(ENGINE *eng);

/* engine_av_signatures - signatures loaded (0 when scanning is off or by clamd) */
guint   engine_av_signatures(const ENGINE *eng);

/* engine_describe - scanner lines for mugai check-config: ClamAV mode,
 * signature count and database versions */
void    engine_describe(const ENGINE *eng, GString *out);

/* engine_signatures_changed - has the ClamAV signature directory changed
 * since the engine was made? (a new engine should then be made) */
gboolean engine_signatures_changed(ENGINE *eng);

/* sanitize_message - decide about one message; queue_id may be NULL (transfer full) */
VERDICT *sanitize_message(ENGINE *eng, const char *data, gsize len, const char *queue_id);

/* sanitize_message_q - sanitize_message(); when the verdict holds the
 * original (see verdict_holds_original) and quarantine_id is not NULL, the
 * notice names that id.  The caller stores the original under it before
 * it answers the MTA (transfer full) */
VERDICT *sanitize_message_q(ENGINE *eng, const char *data, gsize len, const char *queue_id,
                            const char *quarantine_id);

/* sanitize_source_q - sanitize_message_q() of the message in src, which
 * may be a file: a message larger than [engine] in_memory_max is worked
 * on from files, and so is every part larger than that (transfer full) */
VERDICT *sanitize_source_q(ENGINE *eng, const BYTESRC *src, const char *queue_id,
                           const char *quarantine_id);

/* verdict_free - release; accepts NULL */
void    verdict_free(VERDICT *v);

/* verdict_decision - what to do with the message */
DECISION verdict_decision(const VERDICT *v);

/* decision_name - "deliver", "reject", "discard", "tempfail" */
const char *decision_name(DECISION d);

/* verdict_reply - SMTP reply for reject and tempfail: code ("550"),
 * enhanced status ("5.7.1") and text; NULL for deliver */
const char *verdict_reply_code(const VERDICT *v);
const char *verdict_reply_dsn(const VERDICT *v);
const char *verdict_reply_text(const VERDICT *v);

/* verdict_status - the X-Mugai-Status value */
const char *verdict_status(const VERDICT *v);

/* verdict_header_count, verdict_header - output header fields in order:
 * name and folded, encoded value (no trailing newline) */
guint   verdict_header_count(const VERDICT *v);
void    verdict_header(const VERDICT *v, guint i, const char **name, const char **value);

/* verdict_body - encoded body with LF line ends (borrowed) */
const char *verdict_body(const VERDICT *v, gsize *len);

/* verdict_text - the rendered UTF-8 text before transfer encoding (borrowed) */
const char *verdict_text(const VERDICT *v);

/* verdict_write_message - write the whole sanitized message (LF line ends);
 * FALSE on a write error */
gboolean verdict_write_message(const VERDICT *v, FILE *fp);

/* verdict_report_json - the JSON report (transfer full) */
char   *verdict_report_json(const VERDICT *v);

/* verdict_elapsed_ms - wall-clock time sanitize_message() took */
double  verdict_elapsed_ms(const VERDICT *v);

/* verdict_log_line - one key=value line for syslog (transfer full) */
char   *verdict_log_line(const VERDICT *v);

/* verdict_holds_original - should the original go to the quarantine?
 * (deliver with parts removed, viruses, limits hit or a damaged structure) */
gboolean verdict_holds_original(const VERDICT *v);

/* verdict_scan_complete - did the virus scan see the whole original?
 * TRUE when libclamav's whole-message pass ran to its end, or when the
 * message was parsed and every MIME part was scanned on its own to the
 * end (none cut or skipped by a MIME limit, none stopped by a scan
 * limit; text between parts, such as a preamble, is seen only by the
 * whole-message pass).  FALSE for a message refused before the scan
 * (size limits), one whose scan failed, and one not parsed.  What a
 * release relies on: mail delivered sanitized needs less (body text is
 * only rendered, never passed on) */
gboolean verdict_scan_complete(const VERDICT *v);

/* verdict_quarantine_id - the id named in the notice, or NULL */
const char *verdict_quarantine_id(const VERDICT *v);

/* verdict_from, verdict_subject, verdict_message_id - the original's fields,
 * unfolded (Subject decoded to UTF-8), or NULL (borrowed) */
const char *verdict_from(const VERDICT *v);
const char *verdict_subject(const VERDICT *v);
const char *verdict_message_id(const VERDICT *v);

/* verdict_reasons - "virus,attachment,limits,malformed" subset (transfer full) */
char   *verdict_reasons(const VERDICT *v);

/* verdict_viruses - signature names, comma-separated (transfer full) */
char   *verdict_viruses(const VERDICT *v);

#endif
