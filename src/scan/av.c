/* av - virus scanning: libclamav in the process, or a running clamd */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <clamav.h>

#include "mugai/av.h"
#include "mugai/bytesrc.h"
#include "mugai/fdio.h"
#include "mugai/msg.h"
#include "mugai/sha256.h"

/* INSTREAM chunk size sent to clamd. */
#define AV_CLAMD_CHUNK (64 * 1024)
/* Longest clamd reply read. */
#define AV_CLAMD_REPLY_MAX 1024
/* Signature names ClamAV gives when a limit stopped a scan (heuristic alert). */
#define AV_LIMITS_PREFIX "Heuristics.Limits.Exceeded"

struct av_engine {
    CONF_AVMODE mode;
    /* library */
    struct cl_engine *engine;
    guint   signatures;
    char   *database;
    struct cl_stat dbstat;
    gboolean dbstat_ok;
    /* clamd */
    char   *clamd;
    gint64  clamd_timeout;
};

/* NOTING - what av_scan_noting() collects during one scan: the scan's
 * callback context, and so also what libclamav passes to av_log() while
 * that scan runs (every other scan has none) */
typedef struct {
    GHashTable *inner;          /* hex SHA-256 of unpacked files */
    gboolean spoiled;           /* an error or warning during the scan */
} NOTING;

/* av_log - libclamav's own messages go through msg(3), at debug level
 * unless they are errors or warnings */
static void av_log(enum cl_msg severity, const char *fullmsg, const char *msg, void *ctx)
{
    g_autofree char *line = g_strchomp(g_strdup(msg));

    if (severity == CL_MSG_ERROR || severity == CL_MSG_WARN) {
        msg_warn("libclamav: %s", line);
        /* A part its mail parser could not write out whole ("Can't write
         * ... to temporary file") is reported only here, and the message
         * may still end clean: trust nothing this scan noted. */
        if (ctx != NULL)
            ((NOTING *) ctx)->spoiled = TRUE;
    } else
        msg_debug("libclamav: %s", line);
}

/* av_global_init - cl_init() exactly once per process */
static gboolean av_global_init(GError **err)
{
    static gsize once;
    static cl_error_t rc;

    if (g_once_init_enter(&once)) {
        cl_set_clcb_msg(av_log);
        rc = cl_init(CL_INIT_DEFAULT);
        g_once_init_leave(&once, 1);
    }
    if (rc != CL_SUCCESS) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED, "libclamav: cl_init: %s", cl_strerror(rc));
        return FALSE;
    }
    return TRUE;
}

/* set_limit - one engine limit; FALSE and *err on failure */
static gboolean set_limit(struct cl_engine *e, enum cl_engine_field f, long long v,
                          const char *what, GError **err)
{
    cl_error_t rc = cl_engine_set_num(e, f, v);

    if (rc != CL_SUCCESS) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED, "libclamav: cannot set %s: %s",
                    what, cl_strerror(rc));
        return FALSE;
    }
    return TRUE;
}

/* clamd_connect - a connected socket to spec (unix:PATH, inet:PORT@HOST),
 * with send and receive timeouts; -1 and *err on failure */
static int clamd_connect(const char *spec, gint64 timeout, GError **err)
{
    struct timeval tv = {(time_t) timeout, 0};
    int     fd = -1;

    if (g_str_has_prefix(spec, "unix:") || spec[0] == '/') {
        struct sockaddr_un sun = {0};
        const char *path = spec[0] == '/' ? spec : spec + 5;

        sun.sun_family = AF_UNIX;
        if (strlen(path) >= sizeof(sun.sun_path)) {
            g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NAMETOOLONG, "clamd socket path too long: %s", path);
            return -1;
        }
        g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
        if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0
            || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0
            || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0
            || connect(fd, (struct sockaddr *) &sun, sizeof(sun)) != 0)
            goto fail;
        return fd;
    }
    if (g_str_has_prefix(spec, "inet:") && strchr(spec, '@')) {
        g_autofree char *port = g_strndup(spec + 5, strchr(spec, '@') - spec - 5);
        struct addrinfo hints = {0}, *res = NULL, *ai;
        int     rc;

        hints.ai_socktype = SOCK_STREAM;
        if ((rc = getaddrinfo(strchr(spec, '@') + 1, port, &hints, &res)) != 0) {
            g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED, "clamd %s: %s", spec, gai_strerror(rc));
            return -1;
        }
        for (ai = res; ai; ai = ai->ai_next) {
            if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
                continue;
            if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0
                && setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0
                && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
                break;
            close(fd);
            fd = -1;
        }
        freeaddrinfo(res);
        if (fd >= 0)
            return fd;
        goto fail;
    }
    g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "[clamav] clamd_socket: \"%s\" is not unix:PATH or inet:PORT@HOST", spec);
    return -1;

fail:
    g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED, "clamd %s: %s", spec, g_strerror(errno));
    if (fd >= 0)
        close(fd);
    return -1;
}

/* clamd_reply - read a NUL-terminated reply (transfer full), or NULL */
static char *clamd_reply(int fd)
{
    GString *r = g_string_new(NULL);
    char    c;

    for (;;) {
        ssize_t n = read(fd, &c, 1);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || c == '\0' || r->len >= AV_CLAMD_REPLY_MAX)
            break;
        g_string_append_c(r, c);
    }
    if (r->len == 0) {
        g_string_free(r, TRUE);
        return NULL;
    }
    return g_strchomp(g_string_free(r, FALSE));
}

/* INSTREAM - the state of one stream sent to clamd */
typedef struct {
    int     fd;
    gboolean failed;
} INSTREAM;

/* instream_chunk - BYTESRC_EACH: one or more INSTREAM chunks */
static gboolean instream_chunk(const guchar *p, gsize len, gpointer ctx)
{
    INSTREAM *is = ctx;

    while (len > 0) {
        guint32 n = (guint32) MIN(len, AV_CLAMD_CHUNK);
        guint32 be = GUINT32_TO_BE(n);

        if (!fd_send_all(is->fd, &be, 4) || !fd_send_all(is->fd, p, n)) {
            is->failed = TRUE;
            return FALSE;
        }
        p += n;
        len -= n;
    }
    return TRUE;
}

/* clamd_command - send one z-command (with the bytes of src as a stream
 * when src is not NULL), return the reply */
static char *clamd_command(const AV_ENGINE *av, const char *cmd, const BYTESRC *src, GError **err)
{
    int     fd = clamd_connect(av->clamd, av->clamd_timeout, err);
    char   *reply = NULL;

    if (fd < 0)
        return NULL;
    if (!fd_send_all(fd, cmd, strlen(cmd) + 1))
        goto io;
    if (src != NULL) {
        INSTREAM is = {fd, FALSE};
        guint32 zero = 0;

        if (!bytesrc_each(src, 0, instream_chunk, &is)) {
            if (!is.failed) {   /* our own file could not be read */
                g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot read the data to scan: %s",
                            g_strerror(errno));
                close(fd);
                return NULL;
            }
            goto io;
        }
        if (!fd_send_all(fd, &zero, 4))
            goto io;
    }
    if ((reply = clamd_reply(fd)) == NULL)
        goto io;
    close(fd);
    return reply;

io:
    g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_IO, "clamd %s: %s", av->clamd,
                errno ? g_strerror(errno) : "connection closed");
    close(fd);
    return NULL;
}

/* on_inspect - clcb_file_inspection: libclamav is about to look at a
 * file, the scanned bytes themselves at level 0 and what it unpacked
 * from them below.  When noting, the SHA-256 of each unpacked file is
 * noted, unless libclamav changed the bytes to match them (a normalized
 * or decrypted layer).  It is called before libclamav asks its clean
 * cache, so a file the cache answers is noted too. */
static cl_error_t on_inspect(int fd, const char *type, const char **ancestors, size_t parent_size,
                             const char *file_name, size_t file_size, const char *file_buffer,
                             uint32_t level, uint32_t attributes, void *context)
{
    NOTING *n = context;

    (void) fd;
    (void) type;
    (void) ancestors;
    (void) parent_size;
    (void) file_name;
    if (n != NULL && !n->spoiled && level > 0 && attributes == LAYER_ATTRIBUTES_NONE && file_buffer != NULL
        && g_hash_table_size(n->inner) < AV_INNER_MAX)
        g_hash_table_add(n->inner, sha256_hex_of(file_buffer, file_size));
    return CL_CLEAN;
}

/* on_post_scan - clcb_post_scan: a file's scan ended.  libclamav's
 * container parsers carry on past an unpacked file whose scan failed,
 * and the whole may still end clean; then nothing noted is trusted
 * (av_scan_noting empties the set).  A cached file has no such call. */
static cl_error_t on_post_scan(int fd, int result, const char *virname, void *context)
{
    NOTING *n = context;

    (void) fd;
    (void) virname;
    if (n != NULL && result != CL_CLEAN && result != CL_VIRUS)
        n->spoiled = TRUE;
    return CL_CLEAN;
}

/* library_new - load and compile */
static gboolean library_new(AV_ENGINE *av, const MUGAI_CONF *conf, GError **err)
{
    unsigned int sigs = 0;
    cl_error_t rc;

    if (!av_global_init(err))
        return FALSE;
    if ((av->engine = cl_engine_new()) == NULL) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOMEM, "libclamav: cl_engine_new failed");
        return FALSE;
    }
    if (!set_limit(av->engine, CL_ENGINE_MAX_FILESIZE, conf->av_max_filesize, "max_filesize", err)
        || !set_limit(av->engine, CL_ENGINE_MAX_SCANSIZE, conf->av_max_scansize, "max_scansize", err)
        || !set_limit(av->engine, CL_ENGINE_MAX_RECURSION, conf->av_max_recursion, "max_recursion", err)
        || !set_limit(av->engine, CL_ENGINE_MAX_FILES, conf->av_max_files, "max_files", err)
        || !set_limit(av->engine, CL_ENGINE_MAX_SCANTIME, conf->av_max_scantime_ms, "max_scantime", err))
        return FALSE;
    /* libclamav makes and removes a directory for every scan there. */
    if (conf->av_temp_directory != NULL) {
        if (!g_file_test(conf->av_temp_directory, G_FILE_TEST_IS_DIR)) {
            g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT, "[clamav] temp_directory: %s is not a directory",
                        conf->av_temp_directory);
            return FALSE;
        }
        if ((rc = cl_engine_set_str(av->engine, CL_ENGINE_TMPDIR, conf->av_temp_directory)) != CL_SUCCESS) {
            g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED, "libclamav: cannot set temp_directory: %s",
                        cl_strerror(rc));
            return FALSE;
        }
    }
    /* Taken before loading: a change during the load is seen next time. */
    av->dbstat_ok = cl_statinidir(conf->av_database, &av->dbstat) == CL_SUCCESS;
    rc = cl_load(conf->av_database, av->engine, &sigs, CL_DB_STDOPT);
    if (rc != CL_SUCCESS) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    "libclamav: no signatures loaded from %s: %s (run freshclam, or set [clamav] database)",
                    conf->av_database, cl_strerror(rc));
        return FALSE;
    }
    if (sigs == 0) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    "libclamav: no signatures in %s (run freshclam, or set [clamav] database)",
                    conf->av_database);
        return FALSE;
    }
    if ((rc = cl_engine_compile(av->engine)) != CL_SUCCESS) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED, "libclamav: cannot compile engine: %s",
                    cl_strerror(rc));
        return FALSE;
    }
    cl_engine_set_clcb_file_inspection(av->engine, on_inspect);
    cl_engine_set_clcb_post_scan(av->engine, on_post_scan);
    av->signatures = sigs;
    return TRUE;
}

/* av_engine_new - load signatures and compile, or check clamd */
AV_ENGINE *av_engine_new(const MUGAI_CONF *conf, GError **err)
{
    AV_ENGINE *av = g_new0(AV_ENGINE, 1);

    av->mode = conf->av_mode;
    av->database = g_strdup(conf->av_database);
    av->clamd = g_strdup(conf->av_clamd_socket);
    av->clamd_timeout = conf->av_clamd_timeout;
    if (av->mode == CONF_AV_CLAMD) {
        g_autofree char *pong = clamd_command(av, "zPING", NULL, err);

        if (pong == NULL)
            goto fail;
        if (strcmp(pong, "PONG") != 0) {
            g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED, "clamd %s: unexpected answer \"%s\"",
                        av->clamd, pong);
            goto fail;
        }
        return av;
    }
    if (library_new(av, conf, err))
        return av;
fail:
    av_engine_free(av);
    return NULL;
}

/* av_engine_free - release; accepts NULL */
void    av_engine_free(AV_ENGINE *av)
{
    if (av == NULL)
        return;
    if (av->engine)
        cl_engine_free(av->engine);
    if (av->dbstat_ok)
        cl_statfree(&av->dbstat);
    g_free(av->database);
    g_free(av->clamd);
    g_free(av);
}

/* av_engine_signatures - number of signatures loaded */
guint   av_engine_signatures(const AV_ENGINE *av)
{
    return av->signatures;
}

/* cmp_names - g_ptr_array_sort() order of file names */
static gint cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* describe_dir - one line per database file: CVD version, or signature count */
static void describe_dir(const AV_ENGINE *av, GString *out)
{
    g_autoptr(GDir) dir = g_dir_open(av->database, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    guint   i;

    if (dir == NULL)
        return;
    while ((name = g_dir_read_name(dir)) != NULL)
        g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, cmp_names);
    for (i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);
        g_autofree char *path = g_build_filename(av->database, n, NULL);
        unsigned int sigs = 0;

        if (g_str_has_suffix(n, ".cvd") || g_str_has_suffix(n, ".cld") || g_str_has_suffix(n, ".cud")) {
            struct cl_cvd *cvd = cl_cvdhead(path);

            if (cvd != NULL) {
                g_string_append_printf(out, "clamav database %s: version %u, %u signatures, built %s\n",
                                       n, cvd->version, cvd->sigs, cvd->time ? cvd->time : "?");
                cl_cvdfree(cvd);
                continue;
            }
        }
        if (cl_countsigs(path, CL_COUNTSIGS_ALL, &sigs) == CL_SUCCESS && sigs > 0)
            g_string_append_printf(out, "clamav database %s: %u signatures (no version)\n", n, sigs);
    }
}

/* av_engine_describe - signature count and database versions */
void    av_engine_describe(const AV_ENGINE *av, GString *out)
{
    if (av->mode == CONF_AV_CLAMD) {
        GError *err = NULL;
        g_autofree char *ver = clamd_command(av, "zVERSION", NULL, &err);

        if (ver != NULL) {
            g_string_append_printf(out, "clamav mode: clamd at %s\nclamav version: %s\n", av->clamd, ver);
        } else {
            g_string_append_printf(out, "clamav mode: clamd at %s\nclamav version: unknown (%s)\n",
                                   av->clamd, err->message);
            g_error_free(err);
        }
        return;
    }
    g_string_append_printf(out, "clamav mode: library %s\nclamav signatures loaded: %u\n",
                           cl_retver(), av->signatures);
    describe_dir(av, out);
}

/* av_engine_changed - signature directory changed since loading? */
gboolean av_engine_changed(AV_ENGINE *av)
{
    return av->mode == CONF_AV_LIBRARY && av->dbstat_ok && cl_statchkdir(&av->dbstat) == 1;
}

/* found - a signature name: a virus, or a limit that stopped the scan */
static AV_RESULT found(const char *name, char **virus)
{
    /* libclamav 1.4 reports some limit alerts without a name. */
    *virus = g_strdup(name && *name ? name : AV_LIMITS_PREFIX " (unnamed)");
    return g_str_has_prefix(*virus, AV_LIMITS_PREFIX) ? AV_INCOMPLETE : AV_INFECTED;
}

/* scan_clamd - INSTREAM to clamd */
static AV_RESULT scan_clamd(AV_ENGINE *av, const BYTESRC *src, char **virus)
{
    GError *err = NULL;
    g_autofree char *reply = clamd_command(av, "zINSTREAM", src, &err);
    const char *body;
    gsize   n;

    if (reply == NULL) {
        *virus = g_strdup(err->message);
        g_error_free(err);
        return AV_ERROR;
    }
    body = g_str_has_prefix(reply, "stream: ") ? reply + 8 : reply;
    n = strlen(body);
    if (strcmp(body, "OK") == 0)
        return AV_CLEAN;
    if (n > 6 && strcmp(body + n - 6, " FOUND") == 0) {
        g_autofree char *name = g_strndup(body, n - 6);

        return found(name, virus);
    }
    *virus = g_strdup_printf("clamd %s: %s", av->clamd, reply);
    return AV_ERROR;
}

/* fd_pread - clcb_pread for a BYTESRC's file: libclamav maps it page by
 * page and lets old pages go ("aging"), so a large file is not read whole */
static off_t fd_pread(void *handle, void *buf, size_t count, off_t offset)
{
    const BYTESRC *src = handle;
    gssize  n = bytesrc_read(src, (gsize) offset, buf, count);

    return n < 0 ? -1 : (off_t) n;
}

/* av_after_fork - libclamav 1.0 draws the names of its scratch
 * directories and files from rand(), and seeds it from the clock only until
 * it has made its first name; a process forked after that would draw its
 * siblings' names, and their scans would collide.  A seed of its own. */
void    av_after_fork(void)
{
    srand((unsigned) getpid() ^ (unsigned) g_get_real_time());
}

/* av_scan - scan the bytes of src */
AV_RESULT av_scan(AV_ENGINE *av, const BYTESRC *src, const char *name, char **virus)
{
    return av_scan_noting(av, src, name, virus, NULL);
}

/* av_scan_noting - scan, noting in inner what libclamav unpacked */
AV_RESULT av_scan_noting(AV_ENGINE *av, const BYTESRC *src, const char *name, char **virus, GHashTable *inner)
{
    struct cl_scan_options opts = {0};
    const char *vname = NULL;
    unsigned long scanned = 0;
    cl_fmap_t *map;
    cl_error_t rc;
    NOTING  noting = {inner, FALSE};

    *virus = NULL;
    if (av->mode == CONF_AV_CLAMD)
        return scan_clamd(av, src, virus);
    opts.parse = ~0u;           /* every archive, document and mail parser */
    opts.general = CL_SCAN_GENERAL_HEURISTICS;
    opts.heuristic = CL_SCAN_HEURISTIC_EXCEEDS_MAX;     /* a limit hit is not "clean" */
    map = src->data != NULL ? cl_fmap_open_memory(src->len ? (const void *) src->data : "", src->len)
        : cl_fmap_open_handle((void *) src, 0, src->len, fd_pread, 1);
    if (map == NULL) {
        *virus = g_strdup("libclamav: cannot map the data");
        return AV_ERROR;
    }
    rc = cl_scanmap_callback(map, name, &vname, &scanned, av->engine, &opts, inner ? &noting : NULL);
    cl_fmap_close(map);
    if (noting.spoiled)
        g_hash_table_remove_all(inner);
    switch (rc) {
    case CL_CLEAN:
        return AV_CLEAN;
    case CL_VIRUS:
        return found(vname, virus);
    default:
        *virus = g_strdup_printf("libclamav: %s", cl_strerror(rc));
        return AV_ERROR;
    }
}
