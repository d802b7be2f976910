/* mfilter - the libmilter callbacks of mugai-milter (the "front")
 *
 * The callbacks only collect the envelope, header and body (in memory up
 * to [milter] spool_memory, then in an unlinked file under the spool
 * directory) and, at end of message, hand everything to a worker over the
 * worker socket and apply its answer.  They never parse MIME themselves.
 *
 * Fail closed: whatever goes wrong between end of message and a complete
 * worker answer ends in 451 4.3.0 (tempfail), except a worker that dies
 * or runs past [milter] timeout on the message: then the original is held
 * in the quarantine and a short notice is delivered in its place, so that
 * a poison message is neither lost nor retried forever.
 */
#ifndef MUGAI_MFILTER_H
#define MUGAI_MFILTER_H

#include "mugai/conf.h"

/* mfilter_run - register with libmilter and serve until SIGTERM; returns
 * a sysexits code after the messages in flight are finished */
int     mfilter_run(const MUGAI_CONF *conf, const char *worker_socket);

#endif
