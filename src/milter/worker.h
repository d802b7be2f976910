/* worker - a sanitizing process of mugai-milter
 *
 * The supervisor forks workers after it has loaded the ClamAV engine, so
 * they share its signatures copy-on-write.  Each worker accepts one front
 * connection at a time on the worker socket, says WIRE_HELLO with its pid
 * (the front kills that pid when the message runs past [milter] timeout),
 * reads one request, runs the engine, stores the original in the
 * quarantine when the verdict holds it, and replies.  A message that
 * crashes or hangs a worker costs only that worker; the supervisor forks
 * a new one.
 */
#ifndef MUGAI_WORKER_H
#define MUGAI_WORKER_H

#include "mugai/conf.h"
#include "mugai/sanitize.h"

/* worker_main - serve requests on listen_fd until SIGTERM; never returns */
void    worker_main(ENGINE *eng, const MUGAI_CONF *conf, int listen_fd) G_GNUC_NORETURN;

#endif
