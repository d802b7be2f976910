/* conf - mugai configuration (one INI file read with GLib's GKeyFile)
 *
 * The table below is the single list of parameters: their group, key, type,
 * default and where they are stored.  An unknown group or key is an error
 * that names it, so a typo never silently falls back to a default.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "mugai/conf.h"
#include "mugai/ftype.h"
#include "mugai/qstore.h"
#include "mugai/rules.h"

G_DEFINE_QUARK(mugai-conf-error-quark, conf_error)

/* PT_INT0 allows 0; PT_ENUM stores the index of the value in names. */
typedef enum { PT_STRING, PT_SIZE, PT_SIZE0, PT_INT, PT_INT0, PT_ENUM, PT_LANG, PT_LIST, PT_OPTSTRING } PARAM_TYPE;

typedef struct {
    const char *group;
    const char *key;
    PARAM_TYPE  type;
    const char *def;            /* default, in config-file syntax */
    size_t      offset;         /* into MUGAI_CONF */
    const char *const *names;   /* PT_ENUM: the values, NULL-terminated */
} PARAM;

#define OFF(f) offsetof(MUGAI_CONF, f)

static const char *const links_names[] = {"defang", "keep", "remove", NULL};
static const char *const outcs_names[] = {"utf-8", "iso-2022-jp", NULL};
static const char *const avmode_names[] = {"library", "clamd", NULL};
static const char *const onvirus_names[] = {"quarantine", "reject", NULL};

static const PARAM conf_params[] = {
    {"clamav", "mode", PT_ENUM, "library", OFF(av_mode), avmode_names},
    {"clamav", "database", PT_STRING, "/var/lib/clamav", OFF(av_database), NULL},
    {"clamav", "max_filesize", PT_SIZE, "25M", OFF(av_max_filesize), NULL},
    {"clamav", "max_scansize", PT_SIZE, "100M", OFF(av_max_scansize), NULL},
    {"clamav", "max_recursion", PT_INT, "16", OFF(av_max_recursion), NULL},
    {"clamav", "max_files", PT_INT, "10000", OFF(av_max_files), NULL},
    {"clamav", "max_scantime", PT_INT, "60000", OFF(av_max_scantime_ms), NULL},
    {"clamav", "reload_interval", PT_INT0, "60", OFF(av_reload_interval), NULL},
    {"clamav", "clamd_socket", PT_STRING, "unix:/run/clamav/clamd.ctl", OFF(av_clamd_socket), NULL},
    {"clamav", "clamd_timeout", PT_INT, "120", OFF(av_clamd_timeout), NULL},
    {"clamav", "temp_directory", PT_OPTSTRING, "", OFF(av_temp_directory), NULL},
    {"engine", "temp_directory", PT_OPTSTRING, "", OFF(engine_temp_directory), NULL},
    {"engine", "in_memory_max", PT_SIZE, "8M", OFF(engine_in_memory_max), NULL},
    {"engine", "type_cache", PT_INT0, G_STRINGIFY(FTYPE_CACHE_DEFAULT), OFF(engine_type_cache), NULL},
    {"policy", "on_virus", PT_ENUM, "quarantine", OFF(on_virus), onvirus_names},
    {"quarantine", "directory", PT_STRING, "/var/spool/mugai/quarantine", OFF(quar_directory), NULL},
    {"quarantine", "database", PT_OPTSTRING, "", OFF(quar_database), NULL},
    {"quarantine", "retention_days", PT_INT, "30", OFF(quar_retention_days), NULL},
    {"quarantine", "release_relay", PT_STRING, "127.0.0.1:10026", OFF(quar_release_relay), NULL},
    {"quarantine", "admin_group", PT_OPTSTRING, "", OFF(quar_admin_group), NULL},
    {"quarantine", "inline_max", PT_SIZE0, QSTORE_INLINE_DEFAULT, OFF(quar_inline_max), NULL},
    {"milter", "socket", PT_STRING, "unix:/run/mugai/milter.sock", OFF(milter_socket), NULL},
    {"milter", "user", PT_OPTSTRING, "mugai", OFF(milter_user), NULL},
    {"milter", "group", PT_OPTSTRING, "mugai", OFF(milter_group), NULL},
    {"milter", "pidfile", PT_OPTSTRING, "/run/mugai/mugai-milter.pid", OFF(milter_pidfile), NULL},
    {"milter", "spool_directory", PT_STRING, "/var/spool/mugai/spool", OFF(milter_spool), NULL},
    {"milter", "spool_memory", PT_SIZE, "1M", OFF(milter_spool_memory), NULL},
    {"milter", "workers", PT_INT, "4", OFF(milter_workers), NULL},
    {"milter", "timeout", PT_INT, "120", OFF(milter_timeout), NULL},
    {"limits", "max_message_bytes", PT_SIZE, "50M", OFF(max_message_bytes), NULL},
    {"limits", "max_header_bytes", PT_SIZE, "256K", OFF(max_header_bytes), NULL},
    {"limits", "max_mime_depth", PT_INT, "16", OFF(max_mime_depth), NULL},
    {"limits", "max_parts", PT_INT, "500", OFF(max_parts), NULL},
    {"limits", "max_decoded_bytes", PT_SIZE, "10M", OFF(max_decoded_bytes), NULL},
    {"limits", "max_text_bytes", PT_SIZE, "4M", OFF(max_text_bytes), NULL},
    {"limits", "max_html_depth", PT_INT, "200", OFF(max_html_depth), NULL},
    {"limits", "archive_depth", PT_INT, "3", OFF(archive_depth), NULL},
    {"limits", "archive_members", PT_INT, "1000", OFF(archive_members), NULL},
    {"limits", "archive_bytes", PT_SIZE, "64M", OFF(archive_bytes), NULL},
    {"render", "links", PT_ENUM, "defang", OFF(links), links_names},
    {"notice", "language", PT_LANG, "ja", OFF(notice_language), NULL},
    {"notice", "template", PT_OPTSTRING, "", OFF(notice_template), NULL},
    {"notice", "members_listed", PT_INT0, "20", OFF(notice_members), NULL},
    {"output", "keep_headers", PT_LIST, "", OFF(keep_headers), NULL},
    {"output", "charset", PT_ENUM, "utf-8", OFF(out_charset), outcs_names},
};

/* conf_parse_size - "123", "64K", "50M", "1G" to bytes; FALSE on syntax error */
gboolean conf_parse_size(const char *s, gint64 *out)
{
    char   *end;
    guint64 v;
    guint64 mult = 1;

    errno = 0;
    v = g_ascii_strtoull(s, &end, 10);
    if (end == s || errno)
        return FALSE;
    switch (*end) {
    case 'k': case 'K': mult = 1024; end++; break;
    case 'm': case 'M': mult = 1024 * 1024; end++; break;
    case 'g': case 'G': mult = 1024 * 1024 * 1024; end++; break;
    default: break;
    }
    if (*end != '\0' || v > (guint64) G_MAXINT64 / mult)
        return FALSE;
    *out = (gint64) (v * mult);
    return TRUE;
}

/* param_set - store one textual value into conf; FALSE with *err on bad value */
static gboolean param_set(MUGAI_CONF *conf, const PARAM *p, const char *value, GError **err)
{
    char   *base = (char *) conf;
    gint64  n;
    gsize   i;
    gboolean sized, may_be_0;

    switch (p->type) {
    case PT_STRING:
    case PT_LANG:
    case PT_OPTSTRING:
        if (p->type == PT_LANG && strcmp(value, "ja") != 0 && strcmp(value, "en") != 0) {
            g_set_error(err, CONF_ERROR, 1, "[%s] %s: \"%s\" is not one of ja, en",
                        p->group, p->key, value);
            return FALSE;
        }
        if (p->type == PT_STRING && *value == '\0') {
            g_set_error(err, CONF_ERROR, 1, "[%s] %s: must not be empty", p->group, p->key);
            return FALSE;
        }
        g_free(*(char **) (base + p->offset));
        *(char **) (base + p->offset) =
            (p->type == PT_OPTSTRING && *value == '\0') ? NULL : g_strdup(value);
        return TRUE;
    case PT_SIZE:
    case PT_SIZE0:
    case PT_INT:
    case PT_INT0:
        sized = p->type == PT_SIZE || p->type == PT_SIZE0;
        may_be_0 = p->type == PT_INT0 || p->type == PT_SIZE0;
        if (!conf_parse_size(value, &n) || (!sized && !g_ascii_isdigit(value[strlen(value) - 1]))
            || n < (may_be_0 ? 0 : 1)) {
            g_set_error(err, CONF_ERROR, 1, "[%s] %s: \"%s\" is not a %s %s",
                        p->group, p->key, value, may_be_0 ? "non-negative" : "positive",
                        sized ? "size (e.g. 64K, 50M)" : "number");
            return FALSE;
        }
        *(gint64 *) (base + p->offset) = n;
        return TRUE;
    case PT_ENUM:
        for (i = 0; p->names[i]; i++) {
            if (g_ascii_strcasecmp(value, p->names[i]) == 0) {
                *(int *) (base + p->offset) = (int) i;
                return TRUE;
            }
        }
        {
            g_autofree char *all = g_strjoinv(", ", (char **) p->names);

            g_set_error(err, CONF_ERROR, 1, "[%s] %s: \"%s\" is not one of %s",
                        p->group, p->key, value, all);
        }
        return FALSE;
    case PT_LIST:
        g_strfreev(*(char ***) (base + p->offset));
        *(char ***) (base + p->offset) = g_strsplit_set(value, ";, ", -1);
        return TRUE;
    }
    return FALSE;
}

/* conf_new_defaults - a configuration with every default */
MUGAI_CONF   *conf_new_defaults(void)
{
    MUGAI_CONF   *conf = g_new0(MUGAI_CONF, 1);
    gsize   i;

    for (i = 0; i < G_N_ELEMENTS(conf_params); i++)
        if (!param_set(conf, &conf_params[i], conf_params[i].def, NULL))
            g_error("conf: bad built-in default for [%s] %s",
                    conf_params[i].group, conf_params[i].key);
    conf->rules = rules_defaults();
    return conf;
}

/* param_find - table entry for group/key, or NULL */
static const PARAM *param_find(const char *group, const char *key)
{
    gsize   i;

    for (i = 0; i < G_N_ELEMENTS(conf_params); i++)
        if (strcmp(conf_params[i].group, group) == 0
            && (key == NULL || strcmp(conf_params[i].key, key) == 0))
            return &conf_params[i];
    return NULL;
}

/* conf_load - read path over the defaults */
MUGAI_CONF   *conf_load(const char *path, GError **err)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_auto(GStrv) groups = NULL;
    GError *lerr = NULL;
    MUGAI_CONF *conf;
    g_autoptr(GPtrArray) rules = NULL;
    gsize   g, k;

    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &lerr)) {
        g_set_error(err, CONF_ERROR, 1, "%s: %s", path, lerr->message);
        g_error_free(lerr);
        return NULL;
    }
    conf = conf_new_defaults();
    rules = g_ptr_array_new_with_free_func((GDestroyNotify) rule_free);
    groups = g_key_file_get_groups(kf, NULL);
    for (g = 0; groups[g]; g++) {
        g_auto(GStrv) keys = NULL;

        if (g_str_has_prefix(groups[g], "rule ") || strcmp(groups[g], "rule") == 0) {
            RULE   *r = rules_parse(kf, groups[g], &lerr);

            if (r == NULL) {
                g_set_error(err, CONF_ERROR, 1, "%s: %s", path, lerr->message);
                g_error_free(lerr);
                goto fail;
            }
            g_ptr_array_add(rules, r);
            continue;
        }
        if (param_find(groups[g], NULL) == NULL) {
            g_set_error(err, CONF_ERROR, 1, "%s: unknown section [%s]", path, groups[g]);
            goto fail;
        }
        keys = g_key_file_get_keys(kf, groups[g], NULL, NULL);
        for (k = 0; keys && keys[k]; k++) {
            const PARAM *p = param_find(groups[g], keys[k]);
            g_autofree char *value = NULL;
            GError *perr = NULL;

            if (p == NULL) {
                g_set_error(err, CONF_ERROR, 1, "%s: unknown key \"%s\" in section [%s]",
                            path, keys[k], groups[g]);
                goto fail;
            }
            value = g_key_file_get_string(kf, groups[g], keys[k], &perr);
            if (value == NULL) {
                g_set_error(err, CONF_ERROR, 1, "%s: [%s] %s: %s", path, groups[g], keys[k],
                            perr->message);
                g_error_free(perr);
                goto fail;
            }
            g_strstrip(value);
            if (!param_set(conf, p, value, &perr)) {
                g_set_error(err, CONF_ERROR, 1, "%s: %s", path, perr->message);
                g_error_free(perr);
                goto fail;
            }
        }
    }
    if (conf->engine_type_cache > FTYPE_CACHE_MAX_SLOTS) {
        g_set_error(err, CONF_ERROR, 1, "%s: [engine] type_cache: at most %d", path, FTYPE_CACHE_MAX_SLOTS);
        goto fail;
    }
    if (conf->quar_inline_max > QSTORE_INLINE_CEILING) {
        g_set_error(err, CONF_ERROR, 1, "%s: [quarantine] inline_max: at most %dK", path,
                    QSTORE_INLINE_CEILING / 1024);
        goto fail;
    }
    /* A file's own rules replace the built-in list as a whole. */
    if (rules->len > 0) {
        if (!rules_check(rules, &lerr)) {
            g_set_error(err, CONF_ERROR, 1, "%s: %s", path, lerr->message);
            g_error_free(lerr);
            goto fail;
        }
        g_ptr_array_unref(conf->rules);
        conf->rules = g_steal_pointer(&rules);
    }
    return conf;

fail:
    conf_free(conf);
    return NULL;
}

/* conf_free - release; accepts NULL */
void    conf_free(MUGAI_CONF *conf)
{
    char   *base = (char *) conf;
    gsize   i;

    if (conf == NULL)
        return;
    for (i = 0; i < G_N_ELEMENTS(conf_params); i++) {
        switch (conf_params[i].type) {
        case PT_STRING:
        case PT_LANG:
        case PT_OPTSTRING:
            g_free(*(char **) (base + conf_params[i].offset));
            break;
        case PT_LIST:
            g_strfreev(*(char ***) (base + conf_params[i].offset));
            break;
        default:
            break;
        }
    }
    if (conf->rules)
        g_ptr_array_unref(conf->rules);
    g_free(conf);
}

/* conf_dump - append "[group] key = value" lines of the effective configuration */
void    conf_dump(const MUGAI_CONF *conf, GString *out)
{
    const char *base = (const char *) conf;
    gsize   i;

    for (i = 0; i < G_N_ELEMENTS(conf_params); i++) {
        const PARAM *p = &conf_params[i];
        const char *s;
        g_autofree char *joined = NULL;

        g_string_append_printf(out, "[%s] %s = ", p->group, p->key);
        switch (p->type) {
        case PT_SIZE:
        case PT_SIZE0:
        case PT_INT:
        case PT_INT0:
            g_string_append_printf(out, "%" G_GINT64_FORMAT, *(const gint64 *) (base + p->offset));
            break;
        case PT_ENUM:
            g_string_append(out, p->names[*(const int *) (base + p->offset)]);
            break;
        case PT_LIST:
            joined = g_strjoinv(";", *(char **const *) (base + p->offset));
            g_string_append(out, joined);
            break;
        default:
            s = *(char *const *) (base + p->offset);
            g_string_append(out, s ? s : "");
            break;
        }
        g_string_append_c(out, '\n');
    }
    g_string_append(out, "\n# attachment rules, tried in this order\n");
    rules_dump(conf->rules, out);
}
