/* walk (engine-internal) - visit a parsed message and sort every part
 *
 * Body text parts are rendered into the text; every other part becomes an
 * ATT_REC in the verdict.  Every leaf part is decoded once, scanned, and
 * typed.  See docs/rendering.md for which part is body and which is not.
 */
#ifndef MUGAI_ENGINE_WALK_H
#define MUGAI_ENGINE_WALK_H

#include <gmime/gmime.h>

#include "mugai/av.h"
#include "mugai/conf.h"
#include "mugai/ftype.h"
#include "notice.h"
#include "verdict.h"

/* A body part rendered unscanned, and where in the attachment list it
 * would have been recorded had it been scanned in the walk. */
typedef struct {
    GMimePart *part;            /* borrowed from the message */
    guint   at;                 /* index into the verdict's attachments */
} WALK_BODY;

typedef struct {
    const MUGAI_CONF *conf;
    AV_ENGINE *av;              /* NULL: no scanning */
    FTYPE  *ft;
    const NOTICE_TEXT *nt;
    GMimeParserOptions *po;     /* for decoding header text */
    VERDICT *v;
    guint   parts;              /* parts visited */
    guint   parts_skipped;      /* parts removed unread because of limits */
    char   *av_error;           /* first scan failure, or NULL */
    char   *io_error;           /* first temporary file failure, or NULL */
    /* Body text is not scanned in the walk when bodies_later: the whole
     * message was scanned and found clean, or its body text is scanned
     * with it after the walk (walk_scan_bodies() if that scan stopped at
     * a limit). */
    gboolean bodies_later;
    GArray *bodies;             /* WALK_BODY: rendered unscanned, or NULL: not kept (borrowed) */
    GHashTable *scanned;        /* GMimePart* scanned on our decoding, or NULL: not kept (borrowed) */
} WALK;

/* walk_message - render msg's body into out and record its attachments */
void    walk_message(WALK *w, GMimeMessage *msg, GString *out);

/* walk_scan_bodies - scan each part in w->bodies on its own; a virus
 * is recorded as in the walk, in the same place in the list */
void    walk_scan_bodies(WALK *w);

#endif
