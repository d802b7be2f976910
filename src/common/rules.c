/* rules - the attachment policy: ordered rules from [rule NAME] sections */
#include <stddef.h>
#include <string.h>

#include "mugai/conf.h"
#include "mugai/fname.h"
#include "mugai/ftype.h"
#include "mugai/rules.h"

/* Executable and script types, as libmagic names them. */
#define RULES_EXEC_TYPES \
    "application/x-dosexec; application/vnd.microsoft.portable-executable; " \
    "application/x-msdownload; application/x-executable; application/x-pie-executable; " \
    "application/x-sharedlib; application/x-mach-binary; application/x-elf; " \
    "application/x-msi; application/x-ms-shortcut; application/x-ms-installer; " \
    "application/java-archive; application/x-java-applet; application/vnd.android.package-archive; " \
    "application/x-iso9660-image; application/x-ms-wim; application/x-apple-diskimage"
#define RULES_SCRIPT_TYPES \
    "text/x-shellscript; text/x-msdos-batch; application/x-bat; text/x-python*; " \
    "text/x-perl; text/x-php; text/x-ruby; text/x-tcl; text/javascript; " \
    "application/javascript; application/x-javascript; application/hta; text/x-vbscript"
/* File names Windows would run, open in a scripting host or mount. */
#define RULES_EXEC_EXTENSIONS \
    "exe; com; scr; pif; cpl; dll; sys; ocx; msi; msp; mst; bat; cmd; vbs; vbe; js; jse; " \
    "wsf; wsh; ws; wsc; hta; ps1; psm1; psd1; lnk; url; scf; inf; reg; jar; chm; hlp; " \
    "iso; img; vhd; vhdx; appx; msix; appref-ms; application; gadget; sh; apk"

/* The built-in policy for an LGWAN gateway, in configuration syntax:
 * `mugai check-config` prints it, and a site copies what it changes. */
static const char rules_default_text[] =
    "[rule virus]\n"
    "virus = yes\n"
    "action = quarantine\n"
    "reason = virus\n"
    "[rule encrypted]\n"
    "encrypted = yes\n"
    "action = quarantine\n"
    "reason = encrypted\n"
    "[rule executable]\n"
    "type = " RULES_EXEC_TYPES "\n"
    "action = quarantine\n"
    "reason = executable\n"
    "[rule script]\n"
    "type = " RULES_SCRIPT_TYPES "\n"
    "action = quarantine\n"
    "reason = executable\n"
    "[rule executable-name]\n"
    "extension = " RULES_EXEC_EXTENSIONS "\n"
    "action = quarantine\n"
    "reason = executable\n"
    "[rule macro]\n"
    "macro = yes\n"
    "action = quarantine\n"
    "reason = macro\n"
    "[rule archive-executable]\n"
    "member_type = " RULES_EXEC_TYPES "; " RULES_SCRIPT_TYPES "\n"
    "action = quarantine\n"
    "reason = archive-executable\n"
    "[rule archive-executable-name]\n"
    "member_extension = " RULES_EXEC_EXTENSIONS "\n"
    "action = quarantine\n"
    "reason = archive-executable\n"
    "[rule mismatch]\n"
    "mismatch = yes\n"
    "action = quarantine\n"
    "reason = mismatch\n"
    "[rule incomplete]\n"
    "incomplete = yes\n"
    "action = quarantine\n"
    "reason = incomplete\n"
    "[rule default]\n"
    "action = remove\n"
    "reason = attachment\n";

typedef enum { C_TYPES, C_EXTS, C_SIZE, C_BOOL } COND_KIND;

/* Three-valued condition: not given, must be true, must be false. */
typedef enum { TRI_ANY = 0, TRI_YES, TRI_NO } TRI;

struct rule {
    char   *name;
    char  **type, **extension, **declared, **member_type, **member_extension;
    gint64  min_size, max_size;         /* -1: not given */
    TRI     virus, encrypted, macro, mismatch, archive, incomplete;
    RULE_ACTION action;
    char   *reason;
};

typedef struct {
    const char *key;
    COND_KIND kind;
    size_t  offset;
} COND;

#define ROFF(f) offsetof(RULE, f)

static const COND rule_conds[] = {
    {"type", C_TYPES, ROFF(type)},
    {"declared", C_TYPES, ROFF(declared)},
    {"extension", C_EXTS, ROFF(extension)},
    {"min_size", C_SIZE, ROFF(min_size)},
    {"max_size", C_SIZE, ROFF(max_size)},
    {"virus", C_BOOL, ROFF(virus)},
    {"encrypted", C_BOOL, ROFF(encrypted)},
    {"macro", C_BOOL, ROFF(macro)},
    {"mismatch", C_BOOL, ROFF(mismatch)},
    {"archive", C_BOOL, ROFF(archive)},
    {"incomplete", C_BOOL, ROFF(incomplete)},
    {"member_type", C_TYPES, ROFF(member_type)},
    {"member_extension", C_EXTS, ROFF(member_extension)},
};

static const char *const action_names[] = {"remove", "quarantine", "extract-text", "reject"};

/* rule_action_name - the action as the configuration spells it */
const char *rule_action_name(RULE_ACTION a)
{
    return action_names[a];
}

/* rule_free - release; accepts NULL */
void    rule_free(RULE *r)
{
    if (r == NULL)
        return;
    g_free(r->name);
    g_strfreev(r->type);
    g_strfreev(r->extension);
    g_strfreev(r->declared);
    g_strfreev(r->member_type);
    g_strfreev(r->member_extension);
    g_free(r->reason);
    g_free(r);
}

const char *rule_name(const RULE *r) { return r->name; }
RULE_ACTION rule_action(const RULE *r) { return r->action; }
const char *rule_reason(const RULE *r) { return r->reason; }

/* split_list - "a; b, c" to lower-case items without empty ones or
 * leading dots (transfer full) */
static char **split_list(const char *value)
{
    g_auto(GStrv) raw = g_strsplit_set(value, ";, \t", -1);
    GPtrArray *out = g_ptr_array_new();
    gsize   i;

    for (i = 0; raw[i]; i++) {
        const char *s = raw[i];

        while (*s == '.')
            s++;
        if (*s)
            g_ptr_array_add(out, g_ascii_strdown(s, -1));
    }
    g_ptr_array_add(out, NULL);
    return (char **) g_ptr_array_free(out, FALSE);
}

/* parse_cond - one condition key; FALSE and *err on a bad value */
static gboolean parse_cond(RULE *r, const COND *c, const char *value, GError **err)
{
    char   *base = (char *) r;

    switch (c->kind) {
    case C_TYPES:
    case C_EXTS:
        g_strfreev(*(char ***) (base + c->offset));
        *(char ***) (base + c->offset) = split_list(value);
        if (**(char ***) (base + c->offset) == NULL) {
            g_set_error(err, CONF_ERROR, 1, "[rule %s] %s: empty list", r->name, c->key);
            return FALSE;
        }
        return TRUE;
    case C_SIZE:
        /* Sizes are written as everywhere else in the file. */
        if (!conf_parse_size(value, (gint64 *) (base + c->offset))) {
            g_set_error(err, CONF_ERROR, 1, "[rule %s] %s: \"%s\" is not a size (e.g. 64K, 50M)",
                        r->name, c->key, value);
            return FALSE;
        }
        return TRUE;
    case C_BOOL:
        if (g_ascii_strcasecmp(value, "yes") == 0 || g_ascii_strcasecmp(value, "true") == 0)
            *(TRI *) (base + c->offset) = TRI_YES;
        else if (g_ascii_strcasecmp(value, "no") == 0 || g_ascii_strcasecmp(value, "false") == 0)
            *(TRI *) (base + c->offset) = TRI_NO;
        else {
            g_set_error(err, CONF_ERROR, 1, "[rule %s] %s: \"%s\" is not yes or no",
                        r->name, c->key, value);
            return FALSE;
        }
        return TRUE;
    }
    return FALSE;
}

/* parse_key - one key of a rule section */
static gboolean parse_key(RULE *r, const char *key, const char *value, gboolean *has_action,
                          GError **err)
{
    gsize   i;

    if (strcmp(key, "action") == 0) {
        for (i = 0; i < G_N_ELEMENTS(action_names); i++) {
            if (g_ascii_strcasecmp(value, action_names[i]) == 0) {
                r->action = (RULE_ACTION) i;
                *has_action = TRUE;
                return TRUE;
            }
        }
        g_set_error(err, CONF_ERROR, 1,
                    "[rule %s] action: \"%s\" is not one of remove, quarantine, extract-text, reject",
                    r->name, value);
        return FALSE;
    }
    if (strcmp(key, "reason") == 0) {
        g_free(r->reason);
        r->reason = g_strdup(value);
        return TRUE;
    }
    for (i = 0; i < G_N_ELEMENTS(rule_conds); i++)
        if (strcmp(key, rule_conds[i].key) == 0)
            return parse_cond(r, &rule_conds[i], value, err);
    g_set_error(err, CONF_ERROR, 1, "unknown key \"%s\" in section [rule %s]", key, r->name);
    return FALSE;
}

/* rules_parse - one [rule NAME] section */
RULE   *rules_parse(GKeyFile *kf, const char *group, GError **err)
{
    RULE   *r = g_new0(RULE, 1);
    g_auto(GStrv) keys = g_key_file_get_keys(kf, group, NULL, NULL);
    gboolean has_action = FALSE;
    gsize   k;

    r->name = g_strstrip(g_strdup(group + strlen("rule")));
    r->min_size = r->max_size = -1;
    if (*r->name == '\0') {
        g_set_error(err, CONF_ERROR, 1, "[%s]: a rule section needs a name, e.g. [rule executables]", group);
        goto fail;
    }
    for (k = 0; keys && keys[k]; k++) {
        g_autofree char *value = g_key_file_get_string(kf, group, keys[k], NULL);

        if (value == NULL || !parse_key(r, keys[k], g_strstrip(value), &has_action, err))
            goto fail;
    }
    if (!has_action) {
        g_set_error(err, CONF_ERROR, 1, "[rule %s]: no action (remove, quarantine, extract-text, reject)",
                    r->name);
        goto fail;
    }
    if (r->reason == NULL)
        r->reason = g_strdup(r->name);
    return r;

fail:
    rule_free(r);
    return NULL;
}

/* cond_given - did the rule's section set condition c? */
static gboolean cond_given(const RULE *r, const COND *c)
{
    const char *base = (const char *) r;

    switch (c->kind) {
    case C_TYPES:
    case C_EXTS:
        return *(char **const *) (base + c->offset) != NULL;
    case C_SIZE:
        return *(const gint64 *) (base + c->offset) >= 0;
    case C_BOOL:
        return *(const TRI *) (base + c->offset) != TRI_ANY;
    }
    return FALSE;
}

/* has_conditions - does the rule test anything? */
static gboolean has_conditions(const RULE *r)
{
    gsize   c;

    for (c = 0; c < G_N_ELEMENTS(rule_conds); c++)
        if (cond_given(r, &rule_conds[c]))
            return TRUE;
    return FALSE;
}

/* rules_check - the list ends in a rule without conditions */
gboolean rules_check(const GPtrArray *rules, GError **err)
{
    const RULE *last = rules->len ? g_ptr_array_index(rules, rules->len - 1) : NULL;

    if (last == NULL || has_conditions(last)) {
        g_set_error(err, CONF_ERROR, 1,
                    "the last [rule ...] section must have no conditions (only action and reason),"
                    " so that every attachment meets a rule");
        return FALSE;
    }
    return TRUE;
}

/* rules_defaults - the built-in list */
GPtrArray *rules_defaults(void)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_auto(GStrv) groups = NULL;
    GPtrArray *rules = g_ptr_array_new_with_free_func((GDestroyNotify) rule_free);
    gsize   g;

    if (!g_key_file_load_from_data(kf, rules_default_text, -1, G_KEY_FILE_NONE, NULL))
        g_error("rules: built-in rules do not parse");
    groups = g_key_file_get_groups(kf, NULL);
    for (g = 0; groups[g]; g++) {
        RULE   *r = rules_parse(kf, groups[g], NULL);

        if (r == NULL)
            g_error("rules: built-in rule [%s] does not parse", groups[g]);
        g_ptr_array_add(rules, r);
    }
    return rules;
}

/* ext_matches - the file name's extension is one of exts */
static gboolean ext_matches(char **exts, const char *filename)
{
    g_autofree char *ext = fname_extension(filename);

    return ext != NULL && g_strv_contains((const char *const *) exts, ext);
}

/* member_matches - some member of the container satisfies the test */
static gboolean member_matches(const RULE *r, const CONTAINER_INFO *ci)
{
    guint   i;

    if (ci == NULL)
        return FALSE;
    for (i = 0; i < ci->members->len; i++) {
        const CONTAINER_MEMBER *m = g_ptr_array_index(ci->members, i);

        if ((r->member_type && ftype_in((const char *const *) r->member_type, m->type))
            || (r->member_extension && ext_matches(r->member_extension, m->path)))
            return TRUE;
    }
    return FALSE;
}

/* tri_ok - a yes/no condition against a fact */
static gboolean tri_ok(TRI t, gboolean fact)
{
    return t == TRI_ANY || (t == TRI_YES) == (fact != FALSE);
}

/* rule_holds - every condition of r holds for f */
static gboolean rule_holds(const RULE *r, const RULE_FACTS *f)
{
    const CONTAINER_INFO *ci = f->contents;

    return (r->type == NULL || ftype_in((const char *const *) r->type, f->detected_type))
        && (r->declared == NULL || ftype_in((const char *const *) r->declared, f->declared_type))
        && (r->extension == NULL || ext_matches(r->extension, f->filename))
        && (r->min_size < 0 || f->size >= r->min_size)
        && (r->max_size < 0 || f->size <= r->max_size)
        && tri_ok(r->virus, f->virus)
        && tri_ok(r->encrypted, ci && ci->encrypted)
        && tri_ok(r->macro, ci && ci->macro)
        && tri_ok(r->mismatch, f->mismatch)
        && tri_ok(r->archive, ci && ci->archive && !ci->document)
        && tri_ok(r->incomplete, f->incomplete || container_incomplete(ci))
        && ((r->member_type == NULL && r->member_extension == NULL) || member_matches(r, ci));
}

/* rules_match - the first rule whose conditions hold */
const RULE *rules_match(const GPtrArray *rules, const RULE_FACTS *f)
{
    guint   i;

    for (i = 0; i < rules->len; i++)
        if (rule_holds(g_ptr_array_index(rules, i), f))
            return g_ptr_array_index(rules, i);
    return NULL;
}

/* dump_list - "key = a; b; c" */
static void dump_list(GString *out, const char *key, char **list)
{
    g_autofree char *joined = g_strjoinv("; ", list);

    g_string_append_printf(out, "%s = %s\n", key, joined);
}

/* rules_dump - the list as sections that read back the same */
void    rules_dump(const GPtrArray *rules, GString *out)
{
    guint   i;
    gsize   c;

    for (i = 0; i < rules->len; i++) {
        const RULE *r = g_ptr_array_index(rules, i);
        const char *base = (const char *) r;

        g_string_append_printf(out, "[rule %s]\n", r->name);
        for (c = 0; c < G_N_ELEMENTS(rule_conds); c++) {
            const COND *cd = &rule_conds[c];

            if (!cond_given(r, cd))
                continue;
            switch (cd->kind) {
            case C_TYPES:
            case C_EXTS:
                dump_list(out, cd->key, *(char **const *) (base + cd->offset));
                break;
            case C_SIZE:
                g_string_append_printf(out, "%s = %" G_GINT64_FORMAT "\n", cd->key,
                                       *(const gint64 *) (base + cd->offset));
                break;
            case C_BOOL:
                g_string_append_printf(out, "%s = %s\n", cd->key,
                                       *(const TRI *) (base + cd->offset) == TRI_YES ? "yes" : "no");
                break;
            }
        }
        g_string_append_printf(out, "action = %s\nreason = %s\n\n", action_names[r->action], r->reason);
    }
}
