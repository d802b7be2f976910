/* msg - diagnostics for operators (stderr or syslog)
 *
 * Modelled on Postfix's msg(3): msg_info() and msg_warn() report and carry on,
 * msg_fatal() is for start-up and configuration errors only (exits with the
 * given sysexits code), msg_panic() is for broken internal invariants only.
 * A message never reaches msg_fatal() or msg_panic() because of its content.
 */
#ifndef MUGAI_MSG_H
#define MUGAI_MSG_H

#include <glib.h>

/* msg_init - set the program name; use_syslog routes output to syslog(3) */
void msg_init(const char *progname, gboolean use_syslog);

/* msg_init_daemon - syslog (facility mail), copied to stderr when also_stderr,
 * except when stderr is systemd's journal stream (JOURNAL_STREAM), which
 * gets the syslog lines already */
void msg_init_daemon(const char *progname, gboolean also_stderr);

/* msg_set_verbose - enable msg_debug() output */
void msg_set_verbose(gboolean verbose);

void msg_debug(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void msg_info(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void msg_warn(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void msg_fatal(int exit_code, const char *fmt, ...) G_GNUC_PRINTF(2, 3) G_GNUC_NORETURN;
void msg_panic(const char *fmt, ...) G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN;

#endif
