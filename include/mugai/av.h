/* av - virus scanning with libclamav in the process
 *
 * One compiled engine serves every scan; it is read-only after
 * av_engine_new() and may be shared by threads.  An engine with no
 * signatures is refused: scanning against nothing would pass everything.
 */
#ifndef MUGAI_AV_H
#define MUGAI_AV_H

#include <glib.h>

#include "mugai/conf.h"

typedef struct av_engine AV_ENGINE;

typedef enum {
    AV_CLEAN,
    AV_INFECTED,
    AV_ERROR,                   /* could not scan: the caller fails closed */
} AV_RESULT;

/* av_engine_new - load signatures from conf->av_database and compile,
 * with the scan limits of conf; NULL and *err on failure (transfer full) */
AV_ENGINE *av_engine_new(const MUGAI_CONF *conf, GError **err);

/* av_engine_free - release; accepts NULL */
void    av_engine_free(AV_ENGINE *av);

/* av_engine_signatures - number of signatures loaded */
guint   av_engine_signatures(const AV_ENGINE *av);

/* av_scan - scan bytes; on AV_INFECTED *virus gets the signature name, on
 * AV_ERROR the reason (transfer full in both cases) */
AV_RESULT av_scan(AV_ENGINE *av, const void *buf, gsize len, const char *name, char **virus);

#endif
