/* fdio - whole-buffer writes to a file or a socket
 *
 * fd_write_all() goes on across short writes and EINTR.  On a socket it
 * uses send(MSG_NOSIGNAL), so a peer that went away is an error return,
 * never a SIGPIPE that kills the process (the CLI talking to clamd, the
 * milter talking to its workers).
 *
 * fd_tmpfile() makes the scratch files the engine keeps large data in:
 * unlinked from the start, so nothing is left behind by a crash.
 */
#ifndef MUGAI_FDIO_H
#define MUGAI_FDIO_H

#include <glib.h>

/* fd_write_all - the whole buffer, or FALSE (errno set) */
gboolean fd_write_all(int fd, const void *buf, gsize len);

/* fd_tmpfile - a new unlinked file in dir (NULL: $TMPDIR or /tmp), open
 * for reading and writing; -1 and *err on failure (the caller closes it) */
int     fd_tmpfile(const char *dir, GError **err);

#endif
