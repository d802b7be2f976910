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
    gboolean scan_incomplete;   /* a scan limit stopped some part's scan */
    GHashTable *clean_inner;    /* when ClamAV scanned the raw message whole, found it
                                 * clean and unpacked something without a warning:
                                 * the hex SHA-256 of each file it unpacked
                                 * (av_scan_noting, never empty), else NULL; borrowed */
} WALK;

/* walk_message - render msg's body into out and record its attachments */
void    walk_message(WALK *w, GMimeMessage *msg, GString *out);

#endif
