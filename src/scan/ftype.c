/* ftype - the true type of decoded bytes, from libmagic */
#include <magic.h>

#include "mugai/ftype.h"

struct ftype {
    magic_t cookie;
};

/* ftype_new - open and load the system magic database */
FTYPE  *ftype_new(GError **err)
{
    FTYPE  *ft = g_new0(FTYPE, 1);

    ft->cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF
                            | MAGIC_ERROR);
    if (ft->cookie == NULL || magic_load(ft->cookie, NULL) != 0) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED, "libmagic: cannot load database: %s",
                    ft->cookie ? magic_error(ft->cookie) : "out of memory");
        ftype_free(ft);
        return NULL;
    }
    return ft;
}

/* ftype_free - release; accepts NULL */
void    ftype_free(FTYPE *ft)
{
    if (ft == NULL)
        return;
    if (ft->cookie)
        magic_close(ft->cookie);
    g_free(ft);
}

/* ftype_detect - MIME type of the bytes */
char   *ftype_detect(FTYPE *ft, const void *buf, gsize len)
{
    const char *t;

    if (len == 0)
        return g_strdup("application/x-empty");
    t = magic_buffer(ft->cookie, buf, MIN(len, FTYPE_MAX_PROBE_BYTES));
    return g_strdup(t ? t : "application/octet-stream");
}
