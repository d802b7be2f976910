/* fdio - whole-buffer writes to a file or a socket */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mugai/fdio.h"

/* write_loop - the whole buffer, across short writes and EINTR */
static gboolean write_loop(int fd, const void *buf, gsize len, gboolean sock)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = sock ? send(fd, p, len, MSG_NOSIGNAL) : write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = ENOSPC;
            return FALSE;
        }
        p += n;
        len -= (gsize) n;
    }
    return TRUE;
}

/* fd_write_all - the whole buffer to a file */
gboolean fd_write_all(int fd, const void *buf, gsize len)
{
    return write_loop(fd, buf, len, FALSE);
}

/* fd_send_all - the whole buffer to a socket */
gboolean fd_send_all(int fd, const void *buf, gsize len)
{
    return write_loop(fd, buf, len, TRUE);
}

/* fd_tmpfile - a new unlinked file in dir */
int     fd_tmpfile(const char *dir, GError **err)
{
    g_autofree char *path = NULL;
    int     fd;

    if (dir == NULL)
        dir = g_get_tmp_dir();
    if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
        return fd;
    /* File systems without O_TMPFILE: make a name and take it away at once. */
    path = g_build_filename(dir, "mugai.XXXXXX", NULL);
    if ((fd = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, 0600)) < 0) {
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create a temporary file in %s: %s",
                    dir, g_strerror(errno));
        return -1;
    }
    unlink(path);
    return fd;
}
