/* rules - the attachment policy: ordered rules from [rule NAME] sections
 *
 * Every part that leaves the message is described by RULE_FACTS and the
 * rules are tried in the order of the configuration file; the first rule
 * whose conditions all hold decides the action.  A condition given as a
 * list holds when any item matches.  A configuration without any
 * [rule ...] section gets the built-in rules (rules_defaults()), which
 * end in a rule without conditions; a configuration's own list must end
 * in one too, so that every part meets a rule.  See mugai.conf(5).
 */
#ifndef MUGAI_RULES_H
#define MUGAI_RULES_H

#include <glib.h>

#include "mugai/container.h"

typedef struct rule RULE;

typedef enum {
    RULE_REMOVE,                /* the part is dropped; the notice names it */
    RULE_QUARANTINE,            /* dropped, and the original message is held */
    RULE_EXTRACT_TEXT,          /* a clean text file is shown after the body; else removed */
    RULE_REJECT,                /* the whole message is refused with 550 5.7.1 */
} RULE_ACTION;

/* What is known about one part when the rules are tried. */
typedef struct {
    const char *filename;       /* decoded UTF-8, or NULL */
    const char *declared_type;  /* from Content-Type, or NULL */
    const char *detected_type;  /* libmagic */
    gint64  size;               /* decoded bytes */
    gboolean virus;             /* ClamAV found a signature */
    gboolean mismatch;          /* name, declared and true type disagree (ftype_mismatch) */
    gboolean incomplete;        /* a limit stopped the scan or the archive inspection */
    const CONTAINER_INFO *contents;     /* NULL when not a container */
} RULE_FACTS;

/* rules_parse - one [rule NAME] section of kf into a rule; NULL and *err
 * naming the section and key on error (transfer full) */
RULE   *rules_parse(GKeyFile *kf, const char *group, GError **err);

/* rules_defaults - the built-in list (transfer full; GPtrArray of RULE*) */
GPtrArray *rules_defaults(void);

/* rules_check - the list ends in a rule without conditions; FALSE and *err if not */
gboolean rules_check(const GPtrArray *rules, GError **err);

/* rules_match - the first rule whose conditions hold; never NULL for a
 * checked list (borrowed) */
const RULE *rules_match(const GPtrArray *rules, const RULE_FACTS *f);

/* rule_free - release; accepts NULL */
void    rule_free(RULE *r);

/* rule_name, rule_action, rule_reason - the rule's name, action and the
 * reason word shown to the reader (borrowed) */
const char *rule_name(const RULE *r);
RULE_ACTION rule_action(const RULE *r);
const char *rule_reason(const RULE *r);

/* rule_action_name - "remove", "quarantine", "extract-text", "reject" */
const char *rule_action_name(RULE_ACTION a);

/* rules_dump - the list as [rule NAME] sections that read back the same */
void    rules_dump(const GPtrArray *rules, GString *out);

#endif
