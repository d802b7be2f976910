/* release - hand a held original to the release relay over SMTP
 *
 * The relay ([quarantine] release_relay, "host:port") is an MTA listener
 * that does not pass mail through mugai again (in Postfix, a second smtpd
 * on loopback with "-o smtpd_milters="; see milter-conf/master.cf).  The
 * message is sent unchanged apart from CRLF line ends and dot-stuffing.
 */
#ifndef MUGAI_RELEASE_H
#define MUGAI_RELEASE_H

#include <glib.h>

/* Seconds to wait for any one reply of the relay. */
#define RELEASE_REPLY_TIMEOUT 60

#define RELEASE_ERROR (release_error_quark())
GQuark  release_error_quark(void);

/* release_send - deliver data from sender (may be "" for the null sender)
 * to every recipient; FALSE with *err (naming the relay's reply) when
 * the relay did not accept the message for every recipient */
gboolean release_send(const char *relay, const char *sender, const char *const *recipients,
                      const char *data, gsize len, GError **err);

#endif
