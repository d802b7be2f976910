/* fdio - whole-buffer writes to a file or a socket
 *
 * Both go on across short writes and EINTR.  fd_write_all() is for files
 * (write(2)); fd_send_all() is for sockets and uses send(MSG_NOSIGNAL), so
 * a peer that went away is an error return, never a SIGPIPE that kills
 * the process (the CLI talking to clamd, the milter talking to its
 * workers).
 *
 * fd_tmpfile() makes the scratch files the engine keeps large data in:
 * unlinked from the start, so nothing is left behind by a crash.
 */
#ifndef MUGAI_FDIO_H
#define MUGAI_FDIO_H

#include <glib.h>

/* fd_write_all - the whole buffer to a file, or FALSE (errno set; ENOSPC
 * when the file system took nothing) */
gboolean fd_write_all(int fd, const void *buf, gsize len);

/* fd_send_all - the whole buffer to a socket, or FALSE (errno set) */
gboolean fd_send_all(int fd, const void *buf, gsize len);

/* fd_tmpfile - a new unlinked file in dir (NULL: $TMPDIR or /tmp), open
 * for reading and writing; -1 and *err on failure (the caller closes it) */
int     fd_tmpfile(const char *dir, GError **err);

#endif
