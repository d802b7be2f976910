/* verdict (engine-internal) - the record a message's processing fills in
 *
 * Outside the engine VERDICT is opaque (see mugai/sanitize.h).  Inside it
 * is filled by walk.c (attachments, text), notice.c, outmsg.c and
 * sanitize.c, and read by report.c.
 */
#ifndef MUGAI_ENGINE_VERDICT_H
#define MUGAI_ENGINE_VERDICT_H

#include <glib.h>

#include "mugai/container.h"
#include "mugai/render.h"
#include "mugai/rules.h"
#include "mugai/sanitize.h"

/* One part that left the message. */
typedef struct {
    char   *filename;           /* decoded UTF-8, or NULL when the part has no name */
    char   *declared_type;      /* from Content-Type */
    char   *detected_type;      /* from libmagic on the decoded bytes */
    gint64  size;               /* decoded bytes; -1 when not read (limits) */
    char    sha256[65];         /* hex; "" when not read */
    const char *source;         /* why it is not body text: attachment, inline,
                                 * signature, encrypted, encoded-in-text, virus (static) */
    RULE_ACTION action;         /* what the policy did; RULE_REMOVE until decided */
    gboolean not_text;          /* extract-text found no clean text: removed instead */
    char   *rule;               /* the rule that decided, or NULL */
    char   *reason;             /* that rule's reason word, or NULL */
    char   *virus;              /* signature name, or NULL */
    gboolean mismatch;          /* ftype_mismatch() */
    gboolean incomplete;        /* a scan limit stopped ClamAV */
    CONTAINER_INFO *contents;   /* archive or document members, or NULL */
} ATT_REC;

/* Limits a message can hit, as bits. */
typedef enum {
    LIMIT_DEPTH = 1 << 0,
    LIMIT_PARTS = 1 << 1,
    LIMIT_DECODED = 1 << 2,
    LIMIT_TEXT = 1 << 3,
    LIMIT_HTML_DEPTH = 1 << 4,
} LIMIT_BITS;

struct verdict {
    DECISION decision;
    char   *reply_code, *reply_dsn, *reply_text;   /* reject and tempfail */
    char   *reason;             /* short machine reason for the log */
    char   *queue_id;
    gsize   in_bytes;
    GPtrArray *attachments;     /* ATT_REC* */
    GPtrArray *viruses;         /* char*, unique signature names */
    GPtrArray *anomalies;       /* char*, unique parser findings */
    guint   serious_anomalies;  /* findings that may hide content */
    guint   limits;             /* LIMIT_BITS */
    guint   parts;              /* MIME parts seen */
    guint   body_parts;         /* parts rendered as text */
    guint   forwarded;          /* message/rfc822 rendered inline */
    gboolean html_converted;
    gboolean unreadable;        /* the message could not be parsed at all */
    gboolean scan_complete;     /* see verdict_scan_complete() */
    RENDER_HTML_STATS html;
    guint   links;              /* URLs rewritten in the text */
    gsize   jis_replaced;       /* characters ISO-2022-JP output could not carry */
    GString *extracted;         /* text of attachments shown by extract-text */
    GString *text;              /* final text: notice + body */
    GPtrArray *hdr_names;       /* output header names (char*) */
    GPtrArray *hdr_values;      /* output header values, encoded and folded */
    GString *body;              /* transfer-encoded body, LF line ends */
    char   *status;             /* X-Mugai-Status */
    char   *quarantine_id;      /* NULL until the quarantine exists */
    char   *log_from, *log_subject, *log_msgid;
    double  elapsed_ms;
};

/* verdict_new - an empty verdict (decision deliver) (transfer full) */
VERDICT *verdict_new(void);

/* verdict_set_reply - set decision with its SMTP reply */
void    verdict_set_reply(VERDICT *v, DECISION d, const char *code, const char *dsn,
                          const char *reason, const char *text);

/* verdict_add_attachment - append a record (v takes ownership of rec) */
void    verdict_add_attachment(VERDICT *v, ATT_REC *rec);

/* verdict_add_virus - remember a signature name once */
void    verdict_add_virus(VERDICT *v, const char *name);

/* verdict_add_anomaly - remember a parser finding once */
void    verdict_add_anomaly(VERDICT *v, const char *what, gboolean serious);

/* verdict_add_header - append an output header (copies both strings) */
void    verdict_add_header(VERDICT *v, const char *name, const char *value);

/* att_rec_new - a record with the given static source (transfer full) */
ATT_REC *att_rec_new(const char *source);

/* att_action_name - "removed", "quarantined", "extracted", "rejected" */
const char *att_action_name(const ATT_REC *rec);

/* verdict_attachment_counts - parts removed (rejected ones included),
 * quarantined and shown as text */
void    verdict_attachment_counts(const VERDICT *v, guint *removed, guint *quarantined,
                                  guint *extracted);

/* verdict_rejecting - the first part whose rule rejects the message, or NULL */
const ATT_REC *verdict_rejecting(const VERDICT *v);

/* att_rec_free - release; accepts NULL */
void    att_rec_free(ATT_REC *rec);

#endif
