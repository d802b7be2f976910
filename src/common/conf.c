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

G_DEFINE_QUARK(mugai-conf-error-quark, conf_error)

typedef enum { PT_STRING, PT_SIZE, PT_INT, PT_LINKS, PT_LANG, PT_LIST, PT_OPTSTRING, PT_OUTCS } PARAM_TYPE;

typedef struct {
    const char *group;
    const char *key;
    PARAM_TYPE  type;
    const char *def;            /* default, in config-file syntax */
    size_t      offset;         /* into MUGAI_CONF */
} PARAM;

#define OFF(f) offsetof(MUGAI_CONF, f)

static const PARAM conf_params[] = {
    {"clamav", "database", PT_STRING, "/var/lib/clamav", OFF(av_database)},
    {"clamav", "max_filesize", PT_SIZE, "25M", OFF(av_max_filesize)},
    {"clamav", "max_scansize", PT_SIZE, "100M", OFF(av_max_scansize)},
    {"clamav", "max_recursion", PT_INT, "16", OFF(av_max_recursion)},
    {"clamav", "max_files", PT_INT, "10000", OFF(av_max_files)},
    {"clamav", "max_scantime", PT_INT, "60000", OFF(av_max_scantime_ms)},
    {"quarantine", "directory", PT_STRING, "/var/spool/mugai/quarantine", OFF(quar_directory)},
    {"quarantine", "database", PT_OPTSTRING, "", OFF(quar_database)},
    {"quarantine", "retention_days", PT_INT, "30", OFF(quar_retention_days)},
    {"quarantine", "release_relay", PT_STRING, "127.0.0.1:10026", OFF(quar_release_relay)},
    {"quarantine", "admin_group", PT_OPTSTRING, "", OFF(quar_admin_group)},
    {"milter", "socket", PT_STRING, "unix:/run/mugai/milter.sock", OFF(milter_socket)},
    {"milter", "user", PT_OPTSTRING, "mugai", OFF(milter_user)},
    {"milter", "group", PT_OPTSTRING, "mugai", OFF(milter_group)},
    {"milter", "pidfile", PT_OPTSTRING, "/run/mugai/mugai-milter.pid", OFF(milter_pidfile)},
    {"milter", "spool_directory", PT_STRING, "/var/spool/mugai/spool", OFF(milter_spool)},
    {"milter", "spool_memory", PT_SIZE, "1M", OFF(milter_spool_memory)},
    {"milter", "workers", PT_INT, "4", OFF(milter_workers)},
    {"milter", "timeout", PT_INT, "120", OFF(milter_timeout)},
    {"limits", "max_message_bytes", PT_SIZE, "50M", OFF(max_message_bytes)},
    {"limits", "max_header_bytes", PT_SIZE, "256K", OFF(max_header_bytes)},
    {"limits", "max_mime_depth", PT_INT, "16", OFF(max_mime_depth)},
    {"limits", "max_parts", PT_INT, "500", OFF(max_parts)},
    {"limits", "max_decoded_bytes", PT_SIZE, "10M", OFF(max_decoded_bytes)},
    {"limits", "max_text_bytes", PT_SIZE, "4M", OFF(max_text_bytes)},
    {"limits", "max_html_depth", PT_INT, "200", OFF(max_html_depth)},
    {"render", "links", PT_LINKS, "defang", OFF(links)},
    {"notice", "language", PT_LANG, "ja", OFF(notice_language)},
    {"notice", "template", PT_OPTSTRING, "", OFF(notice_template)},
    {"output", "keep_headers", PT_LIST, "", OFF(keep_headers)},
    {"output", "charset", PT_OUTCS, "utf-8", OFF(out_charset)},
};

static const char *const links_names[] = {"defang", "keep", "remove"};
static const char *const outcs_names[] = {"utf-8", "iso-2022-jp"};

/* parse_size - "123", "64K", "50M", "1G" to bytes; FALSE on syntax error */
static gboolean parse_size(const char *s, gint64 *out)
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
    case PT_INT:
        if (!parse_size(value, &n) || (p->type == PT_INT && !g_ascii_isdigit(value[strlen(value) - 1]))
            || n <= 0) {
            g_set_error(err, CONF_ERROR, 1, "[%s] %s: \"%s\" is not a positive %s",
                        p->group, p->key, value, p->type == PT_SIZE ? "size (e.g. 64K, 50M)" : "number");
            return FALSE;
        }
        *(gint64 *) (base + p->offset) = n;
        return TRUE;
    case PT_LINKS:
        for (i = 0; i < G_N_ELEMENTS(links_names); i++) {
            if (strcmp(value, links_names[i]) == 0) {
                *(CONF_LINKS *) (base + p->offset) = (CONF_LINKS) i;
                return TRUE;
            }
        }
        g_set_error(err, CONF_ERROR, 1, "[%s] %s: \"%s\" is not one of defang, keep, remove",
                    p->group, p->key, value);
        return FALSE;
    case PT_LIST:
        g_strfreev(*(char ***) (base + p->offset));
        *(char ***) (base + p->offset) = g_strsplit_set(value, ";, ", -1);
        return TRUE;
    case PT_OUTCS:
        for (i = 0; i < G_N_ELEMENTS(outcs_names); i++) {
            if (g_ascii_strcasecmp(value, outcs_names[i]) == 0) {
                *(CONF_OUTCS *) (base + p->offset) = (CONF_OUTCS) i;
                return TRUE;
            }
        }
        g_set_error(err, CONF_ERROR, 1, "[%s] %s: \"%s\" is not one of utf-8, iso-2022-jp",
                    p->group, p->key, value);
        return FALSE;
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
    gsize   g, k;

    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &lerr)) {
        g_set_error(err, CONF_ERROR, 1, "%s: %s", path, lerr->message);
        g_error_free(lerr);
        return NULL;
    }
    conf = conf_new_defaults();
    groups = g_key_file_get_groups(kf, NULL);
    for (g = 0; groups[g]; g++) {
        g_auto(GStrv) keys = NULL;

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
        case PT_INT:
            g_string_append_printf(out, "%" G_GINT64_FORMAT, *(const gint64 *) (base + p->offset));
            break;
        case PT_LINKS:
            g_string_append(out, links_names[*(const CONF_LINKS *) (base + p->offset)]);
            break;
        case PT_OUTCS:
            g_string_append(out, outcs_names[*(const CONF_OUTCS *) (base + p->offset)]);
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
}
