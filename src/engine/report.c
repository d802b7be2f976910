/* report - the JSON report and the one-line log summary of a verdict */
#include <string.h>

#include <json-glib/json-glib.h>

#include "mugai/jsonw.h"
#include "verdict.h"

/* add_members - "archive_members": [{path, type, size, encrypted}], or
 * null when the part is not an archive (an Office document's parts are
 * not listed) */
static void add_members(JsonBuilder *b, const CONTAINER_INFO *ci)
{
    guint   i;

    json_builder_set_member_name(b, "archive_members");
    if (ci == NULL || ci->document || !ci->archive) {
        json_builder_add_null_value(b);
        return;
    }
    json_builder_begin_array(b);
    for (i = 0; i < ci->members->len; i++) {
        const CONTAINER_MEMBER *m = g_ptr_array_index(ci->members, i);

        json_builder_begin_object(b);
        jsonw_str(b, "path", m->path);
        jsonw_str(b, "type", m->type);
        jsonw_size(b, "size", m->size);
        jsonw_bool(b, "encrypted", m->encrypted);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* add_attachment - one attachment object */
static void add_attachment(JsonBuilder *b, const ATT_REC *a)
{
    json_builder_begin_object(b);
    jsonw_str(b, "filename", a->filename);
    jsonw_str(b, "declared_type", a->declared_type);
    jsonw_str(b, "detected_type", a->detected_type);
    jsonw_size(b, "size", a->size);
    jsonw_str(b, "sha256", a->sha256[0] ? a->sha256 : NULL);
    jsonw_str(b, "source", a->source);
    jsonw_str(b, "action", att_action_name(a));
    jsonw_str(b, "rule", a->rule);
    jsonw_str(b, "reason", a->reason);
    jsonw_str(b, "virus", a->virus);
    jsonw_bool(b, "mismatch", a->mismatch);
    jsonw_bool(b, "encrypted", a->contents && a->contents->encrypted);
    jsonw_bool(b, "macro", a->contents && a->contents->macro);
    jsonw_bool(b, "inspection_incomplete", a->incomplete || container_incomplete(a->contents));
    add_members(b, a->contents);
    json_builder_end_object(b);
}

/* add_string_array - "member": ["a", "b"] */
static void add_string_array(JsonBuilder *b, const char *member, GPtrArray *a, gboolean as_name)
{
    guint   i;

    json_builder_set_member_name(b, member);
    json_builder_begin_array(b);
    for (i = 0; i < a->len; i++) {
        if (as_name) {
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "name");
            json_builder_add_string_value(b, g_ptr_array_index(a, i));
            json_builder_end_object(b);
        } else {
            json_builder_add_string_value(b, g_ptr_array_index(a, i));
        }
    }
    json_builder_end_array(b);
}

/* verdict_report_json - the JSON report */
char   *verdict_report_json(const VERDICT *v)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autoptr(JsonNode) root = NULL;
    guint   i;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "decision");
    json_builder_add_string_value(b, decision_name(v->decision));
    jsonw_str(b, "reason", v->reason);
    if (v->reply_code) {
        g_autofree char *reply = g_strdup_printf("%s %s %s", v->reply_code, v->reply_dsn, v->reply_text);

        jsonw_str(b, "reply", reply);
    }
    jsonw_str(b, "queue_id", v->queue_id);
    jsonw_str(b, "status", v->status);
    json_builder_set_member_name(b, "size");
    json_builder_add_int_value(b, (gint64) v->in_bytes);
    json_builder_set_member_name(b, "parts");
    json_builder_add_int_value(b, v->parts);
    jsonw_bool(b, "html_converted", v->html_converted);
    json_builder_set_member_name(b, "links");
    json_builder_add_int_value(b, v->links);
    json_builder_set_member_name(b, "attachments");
    json_builder_begin_array(b);
    for (i = 0; i < v->attachments->len; i++)
        add_attachment(b, g_ptr_array_index(v->attachments, i));
    json_builder_end_array(b);
    add_string_array(b, "viruses", v->viruses, TRUE);
    add_string_array(b, "anomalies", v->anomalies, FALSE);
    jsonw_str(b, "quarantine_id", v->quarantine_id);
    json_builder_end_object(b);

    root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    return json_generator_to_data(gen, NULL);
}

/* append_kv - key=value, quoting values with spaces or quotes */
static void append_kv(GString *s, const char *key, const char *value)
{
    const char *p;

    g_string_append_printf(s, "%s%s=", s->len ? " " : "", key);
    if (value == NULL || *value == '\0') {
        g_string_append_c(s, '-');
        return;
    }
    if (strpbrk(value, " \t\"=") == NULL) {
        g_string_append(s, value);
        return;
    }
    g_string_append_c(s, '"');
    for (p = value; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_c(s, '\\');
        g_string_append_c(s, (*p == '\n' || *p == '\r') ? ' ' : *p);
    }
    g_string_append_c(s, '"');
}

/* verdict_log_line - one key=value line for syslog */
char   *verdict_log_line(const VERDICT *v)
{
    GString *s = g_string_new(NULL);
    GString *names = g_string_new(NULL);
    char    num[64];
    guint   i;

    for (i = 0; i < v->viruses->len; i++)
        g_string_append_printf(names, "%s%s", i ? "," : "", (char *) g_ptr_array_index(v->viruses, i));
    append_kv(s, "queue_id", v->queue_id);
    append_kv(s, "decision", decision_name(v->decision));
    if (v->reason)
        append_kv(s, "reason", v->reason);
    g_snprintf(num, sizeof(num), "%" G_GSIZE_FORMAT, v->in_bytes);
    append_kv(s, "size", num);
    g_snprintf(num, sizeof(num), "%u", v->attachments->len);
    append_kv(s, "attachments", num);
    append_kv(s, "virus", names->len ? names->str : "none");
    append_kv(s, "html", v->html_converted ? "converted" : "none");
    g_snprintf(num, sizeof(num), "%u", v->anomalies->len);
    append_kv(s, "anomalies", num);
    append_kv(s, "from", v->log_from);
    append_kv(s, "message_id", v->log_msgid);
    g_snprintf(num, sizeof(num), "%.1f", v->elapsed_ms);
    append_kv(s, "ms", num);
    g_string_free(names, TRUE);
    return g_string_free(s, FALSE);
}
