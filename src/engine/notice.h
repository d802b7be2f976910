/* notice (engine-internal) - the words mugai puts in front of a reader
 *
 * All reader-visible strings live here, per language, so the walker and
 * the notice say things the same way.  The notice block itself comes from
 * a template (built in per language, or [notice] template) with these
 * placeholders: {viruses} {attachments} {notes} {count} {quarantine_id}.
 */
#ifndef MUGAI_ENGINE_NOTICE_H
#define MUGAI_ENGINE_NOTICE_H

#include "mugai/conf.h"
#include "verdict.h"

/* A rule's reason word and what the reader is told. */
struct notice_reason {
    const char *word;
    const char *text;
};

typedef struct {
    const char *tmpl;           /* default notice template */
    const char *att_head;       /* {} = count */
    const char *att_noname;
    const char *size_unknown;
    const char *virus_line;     /* {} = names */
    const char *virus_tag;      /* {} = name, after an attachment line */
    const char *body_withheld;
    const char *html;
    const char *active;
    const char *links_defang;
    const char *links_remove;
    const char *limits;         /* {} = list of limits */
    const char *malformed;
    const char *unreadable;
    const char *separator;
    const char *empty_body;
    const char *forwarded;
    const char *image;
    const char *link_removed;
    const char *blob_removed;   /* {} = name */
    const char *parts_skipped;
    const char *jis_replaced;   /* {} characters became 〓 in ISO-2022-JP output */
    const char *held;           /* the original is in the quarantine: {} is its id */
    const char *act_removed, *act_quarantined, *act_extracted, *act_rejected, *act_not_text;
    const char *members;        /* {} = member names, after an attachment line */
    const char *members_more;   /* {} = how many more members are not listed */
    const char *extract_head;   /* {} = name; heads an attachment shown as text */
    const struct notice_reason *reasons;    /* reason words, NULL-terminated */
} NOTICE_TEXT;

/* notice_text - strings for "ja" or "en" (static) */
const NOTICE_TEXT *notice_text(const char *lang);

/* notice_subst - append fmt with its first "{}" replaced by arg */
void    notice_subst(GString *out, const char *fmt, const char *arg);

/* notice_subst_uint - notice_subst with a number */
void    notice_subst_uint(GString *out, const char *fmt, guint n);

/* notice_build - append the notice block for v to out */
void    notice_build(const VERDICT *v, const MUGAI_CONF *conf, guint parts_skipped,
                     gboolean body_withheld, GString *out);

#endif
