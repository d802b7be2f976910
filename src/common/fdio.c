/* fdio - whole-buffer writes to a file or a socket */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mugai/fdio.h"

/* fd_write_all - the whole buffer, across short writes and EINTR */
gboolean fd_write_all(int fd, const void *buf, gsize len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

        if (n < 0 && errno == ENOTSOCK)
            n = write(fd, p, len);      /* a spool file */
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return FALSE;
        p += n;
        len -= (gsize) n;
    }
    return TRUE;
}
