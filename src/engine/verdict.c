/* verdict - the record of what was decided about one message */
#include <string.h>

#include "verdict.h"

/* att_rec_new - a record with the given static source */
ATT_REC *att_rec_new(const char *source)
{
    ATT_REC *rec = g_new0(ATT_REC, 1);

    rec->source = source;
    rec->action = RULE_REMOVE;
    rec->size = -1;
    return rec;
}

/* att_action_name - what happened to the part, as the report spells it */
const char *att_action_name(const ATT_REC *rec)
{
    switch (rec->action) {
    case RULE_REMOVE: return "removed";
    case RULE_QUARANTINE: return "quarantined";
    case RULE_EXTRACT_TEXT: return rec->not_text ? "removed" : "extracted";
    case RULE_REJECT: return "rejected";
    }
    return "removed";
}

/* att_count - parts whose rule took action a */
static guint att_count(const VERDICT *v, RULE_ACTION a)
{
    guint   i, n = 0;

    for (i = 0; i < v->attachments->len; i++)
        if (((ATT_REC *) g_ptr_array_index(v->attachments, i))->action == a)
            n++;
    return n;
}

/* verdict_rejecting - the first part whose rule rejects the message */
const ATT_REC *verdict_rejecting(const VERDICT *v)
{
    guint   i;

    for (i = 0; i < v->attachments->len; i++)
        if (((ATT_REC *) g_ptr_array_index(v->attachments, i))->action == RULE_REJECT)
            return g_ptr_array_index(v->attachments, i);
    return NULL;
}

/* att_rec_free - release; accepts NULL */
void    att_rec_free(ATT_REC *rec)
{
    if (rec == NULL)
        return;
    g_free(rec->filename);
    g_free(rec->declared_type);
    g_free(rec->detected_type);
    g_free(rec->virus);
    g_free(rec->rule);
    g_free(rec->reason);
    container_info_free(rec->contents);
    g_free(rec);
}

/* verdict_new - an empty verdict */
VERDICT *verdict_new(void)
{
    VERDICT *v = g_new0(VERDICT, 1);

    v->decision = DECISION_DELIVER;
    v->attachments = g_ptr_array_new_with_free_func((GDestroyNotify) att_rec_free);
    v->viruses = g_ptr_array_new_with_free_func(g_free);
    v->anomalies = g_ptr_array_new_with_free_func(g_free);
    v->hdr_names = g_ptr_array_new_with_free_func(g_free);
    v->hdr_values = g_ptr_array_new_with_free_func(g_free);
    v->text = g_string_new(NULL);
    v->extracted = g_string_new(NULL);
    v->body = g_string_new(NULL);
    return v;
}

/* verdict_free - release; accepts NULL */
void    verdict_free(VERDICT *v)
{
    if (v == NULL)
        return;
    g_free(v->reply_code);
    g_free(v->reply_dsn);
    g_free(v->reply_text);
    g_free(v->reason);
    g_free(v->queue_id);
    g_ptr_array_unref(v->attachments);
    g_ptr_array_unref(v->viruses);
    g_ptr_array_unref(v->anomalies);
    g_ptr_array_unref(v->hdr_names);
    g_ptr_array_unref(v->hdr_values);
    g_string_free(v->text, TRUE);
    g_string_free(v->extracted, TRUE);
    g_string_free(v->body, TRUE);
    g_free(v->status);
    g_free(v->quarantine_id);
    g_free(v->log_from);
    g_free(v->log_subject);
    g_free(v->log_msgid);
    g_free(v);
}

/* verdict_set_reply - set decision with its SMTP reply */
void    verdict_set_reply(VERDICT *v, DECISION d, const char *code, const char *dsn,
                          const char *reason, const char *text)
{
    v->decision = d;
    g_free(v->reply_code);
    g_free(v->reply_dsn);
    g_free(v->reply_text);
    g_free(v->reason);
    v->reply_code = g_strdup(code);
    v->reply_dsn = g_strdup(dsn);
    v->reply_text = g_strdup(text);
    v->reason = g_strdup(reason);
}

/* ptr_array_has - is the string already in the array? */
static gboolean ptr_array_has(GPtrArray *a, const char *s)
{
    guint   i;

    for (i = 0; i < a->len; i++)
        if (strcmp(g_ptr_array_index(a, i), s) == 0)
            return TRUE;
    return FALSE;
}

/* verdict_add_attachment - append a record */
void    verdict_add_attachment(VERDICT *v, ATT_REC *rec)
{
    g_ptr_array_add(v->attachments, rec);
}

/* verdict_add_virus - remember a signature name once */
void    verdict_add_virus(VERDICT *v, const char *name)
{
    if (!ptr_array_has(v->viruses, name))
        g_ptr_array_add(v->viruses, g_strdup(name));
}

/* verdict_add_anomaly - remember a parser finding once */
void    verdict_add_anomaly(VERDICT *v, const char *what, gboolean serious)
{
    if (serious)
        v->serious_anomalies++;
    if (!ptr_array_has(v->anomalies, what))
        g_ptr_array_add(v->anomalies, g_strdup(what));
}

/* verdict_add_header - append an output header */
void    verdict_add_header(VERDICT *v, const char *name, const char *value)
{
    g_ptr_array_add(v->hdr_names, g_strdup(name));
    g_ptr_array_add(v->hdr_values, g_strdup(value));
}

/* verdict_decision - what to do with the message */
DECISION verdict_decision(const VERDICT *v)
{
    return v->decision;
}

/* decision_name - the decision as the report spells it */
const char *decision_name(DECISION d)
{
    switch (d) {
    case DECISION_DELIVER: return "deliver";
    case DECISION_REJECT: return "reject";
    case DECISION_DISCARD: return "discard";
    case DECISION_TEMPFAIL: return "tempfail";
    }
    return "tempfail";
}

const char *verdict_reply_code(const VERDICT *v) { return v->reply_code; }
const char *verdict_reply_dsn(const VERDICT *v) { return v->reply_dsn; }
const char *verdict_reply_text(const VERDICT *v) { return v->reply_text; }
const char *verdict_status(const VERDICT *v) { return v->status; }
const char *verdict_text(const VERDICT *v) { return v->text->str; }
double  verdict_elapsed_ms(const VERDICT *v) { return v->elapsed_ms; }
const char *verdict_quarantine_id(const VERDICT *v) { return v->quarantine_id; }
const char *verdict_from(const VERDICT *v) { return v->log_from; }
const char *verdict_subject(const VERDICT *v) { return v->log_subject; }
const char *verdict_message_id(const VERDICT *v) { return v->log_msgid; }

/* verdict_holds_original - was anything taken away that an administrator
 * may need to hand out: a part the policy quarantines, a virus, content
 * lost to limits or damage.  Parts the policy removes are gone for good. */
gboolean verdict_holds_original(const VERDICT *v)
{
    return v->decision == DECISION_DELIVER
        && (att_count(v, RULE_QUARANTINE) > 0 || v->viruses->len > 0 || v->limits != 0
            || v->unreadable || v->serious_anomalies > 0);
}

/* verdict_scan_complete - the virus scan saw the whole original */
gboolean verdict_scan_complete(const VERDICT *v)
{
    return v->scan_complete;
}

/* verdict_attachment_counts - parts removed, quarantined and extracted */
void    verdict_attachment_counts(const VERDICT *v, guint *removed, guint *quarantined,
                                  guint *extracted)
{
    guint   i;

    *quarantined = att_count(v, RULE_QUARANTINE);
    *extracted = 0;
    for (i = 0; i < v->attachments->len; i++) {
        const ATT_REC *a = g_ptr_array_index(v->attachments, i);

        if (a->action == RULE_EXTRACT_TEXT && !a->not_text)
            (*extracted)++;
    }
    *removed = v->attachments->len - *quarantined - *extracted;
}

/* verdict_reasons - why the original is held, comma-separated (transfer full) */
char   *verdict_reasons(const VERDICT *v)
{
    GString *s = g_string_new(NULL);

    if (v->viruses->len > 0)
        g_string_append(s, "virus,");
    if (att_count(v, RULE_QUARANTINE) > 0)
        g_string_append(s, "attachment,");
    if (v->limits != 0)
        g_string_append(s, "limits,");
    if (v->unreadable || v->serious_anomalies > 0)
        g_string_append(s, "malformed,");
    if (s->len > 0)
        g_string_truncate(s, s->len - 1);
    return g_string_free(s, FALSE);
}

/* verdict_viruses - signature names, comma-separated (transfer full) */
char   *verdict_viruses(const VERDICT *v)
{
    GString *s = g_string_new(NULL);
    guint   i;

    for (i = 0; i < v->viruses->len; i++)
        g_string_append_printf(s, "%s%s", i ? "," : "", (char *) g_ptr_array_index(v->viruses, i));
    return g_string_free(s, FALSE);
}

/* verdict_header_count - number of output header fields */
guint   verdict_header_count(const VERDICT *v)
{
    return v->hdr_names->len;
}

/* verdict_header - one output header field */
void    verdict_header(const VERDICT *v, guint i, const char **name, const char **value)
{
    *name = g_ptr_array_index(v->hdr_names, i);
    *value = g_ptr_array_index(v->hdr_values, i);
}

/* verdict_body - encoded body */
const char *verdict_body(const VERDICT *v, gsize *len)
{
    *len = v->body->len;
    return v->body->str;
}

/* verdict_write_message - write the whole sanitized message */
gboolean verdict_write_message(const VERDICT *v, FILE *fp)
{
    guint   i;

    for (i = 0; i < v->hdr_names->len; i++)
        fprintf(fp, "%s: %s\n", (char *) g_ptr_array_index(v->hdr_names, i),
                (char *) g_ptr_array_index(v->hdr_values, i));
    fputc('\n', fp);
    fwrite(v->body->str, 1, v->body->len, fp);
    return fflush(fp) == 0 && !ferror(fp);
}
