/* fdio - whole-buffer writes to a file or a socket
 *
 * fd_write_all() goes on across short writes and EINTR.  On a socket it
 * uses send(MSG_NOSIGNAL), so a peer that went away is an error return,
 * never a SIGPIPE that kills the process (the CLI talking to clamd, the
 * milter talking to its workers).
 */
#ifndef MUGAI_FDIO_H
#define MUGAI_FDIO_H

#include <glib.h>

/* fd_write_all - the whole buffer, or FALSE (errno set) */
gboolean fd_write_all(int fd, const void *buf, gsize len);

#endif
