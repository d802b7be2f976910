/* av - virus scanning: libclamav in the process, or a running clamd
 *
 * [clamav] mode = library: one compiled engine serves every scan; it is
 * read-only after av_engine_new() and may be shared by threads and by
 * forked workers (copy-on-write).  Scan limits (file size, scan size,
 * recursion, files, time) are set explicitly from the configuration, and
 * a scan stopped by one of them is reported as AV_INCOMPLETE, never as
 * clean.  An engine with no signatures is refused: scanning against
 * nothing would pass everything.
 *
 * [clamav] mode = clamd: every scan is sent to clamd with INSTREAM; a
 * clamd that cannot be reached, or answers with an error, is AV_ERROR.
 */
#ifndef MUGAI_AV_H
#define MUGAI_AV_H

#include <glib.h>

#include "mugai/bytesrc.h"
#include "mugai/conf.h"

typedef struct av_engine AV_ENGINE;

typedef enum {
    AV_CLEAN,
    AV_INFECTED,
    AV_INCOMPLETE,              /* a scan limit stopped the scan: not known clean */
    AV_ERROR,                   /* could not scan: the caller fails closed */
} AV_RESULT;

/* av_engine_new - load signatures from conf->av_database and compile, or
 * check that clamd answers; NULL and *err on failure (transfer full) */
AV_ENGINE *av_engine_new(const MUGAI_CONF *conf, GError **err);

/* av_engine_free - release; accepts NULL */
void    av_engine_free(AV_ENGINE *av);

/* av_engine_signatures - signatures loaded (0 with clamd) */
guint   av_engine_signatures(const AV_ENGINE *av);

/* av_engine_describe - signature count and database versions, one
 * "clamav ..." line each, for mugai check-config */
void    av_engine_describe(const AV_ENGINE *av, GString *out);

/* av_engine_changed - has the signature directory changed since the
 * engine was loaded? (always FALSE with clamd, which reloads itself) */
gboolean av_engine_changed(AV_ENGINE *av);

/* av_after_fork - in a process forked from one that may have scanned:
 * give libclamav's scratch names a sequence of this process's own */
void    av_after_fork(void);

/* av_scan - scan the bytes of src (a file is read a page at a time); on
 * AV_INFECTED *virus gets the signature name, on AV_INCOMPLETE the limit,
 * on AV_ERROR the reason (transfer full in each case) */
AV_RESULT av_scan(AV_ENGINE *av, const BYTESRC *src, const char *name, char **virus);

/* Most files av_scan_noting() notes for one scan. */
#define AV_INNER_MAX 4096

/* av_scan_noting - av_scan, and with inner (a set of strings, may be
 * NULL) the hex SHA-256 of every file libclamav unpacked from the bytes
 * and looked at (a mail's parts as it decoded them, an archive's
 * members, at any depth; up to AV_INNER_MAX) is added to inner.  When the
 * result is AV_CLEAN each of them was found clean by this very scan (or
 * by libclamav's clean cache), with the same signatures, options and
 * limits a scan of those bytes on their own would have; the set means
 * nothing otherwise.  When libclamav warned or reported an error during
 * the scan (a part its mail parser could not write out whole), or the
 * scan of some unpacked file ended in an error, the set is left empty.
 * With clamd nothing is noted. */
AV_RESULT av_scan_noting(AV_ENGINE *av, const BYTESRC *src, const char *name, char **virus,
                         GHashTable *inner);

#endif
