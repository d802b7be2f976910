/* av - virus scanning with libclamav in the process */
#include <clamav.h>

#include "mugai/av.h"
#include "mugai/msg.h"

struct av_engine {
    struct cl_engine *engine;
    guint   signatures;
};

/* av_log - libclamav's own messages go through msg(3), at debug level
 * unless they are errors or warnings */
static void av_log(enum cl_msg severity, const char *fullmsg, const char *msg, void *ctx)
{
    g_autofree char *line = g_strchomp(g_strdup(msg));

    if (severity == CL_MSG_ERROR || severity == CL_MSG_WARN)
        msg_warn("libclamav: %s", line);
    else
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

/* av_engine_new - load signatures and compile */
AV_ENGINE *av_engine_new(const MUGAI_CONF *conf, GError **err)
{
    AV_ENGINE *av;
    cl_error_t rc;
    unsigned int sigs = 0;

    if (!av_global_init(err))
        return NULL;
    av = g_new0(AV_ENGINE, 1);
    if ((av->engine = cl_engine_new()) == NULL) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOMEM, "libclamav: cl_engine_new failed");
        goto fail;
    }
    if (!set_limit(av->engine, CL_ENGINE_MAX_FILESIZE, conf->av_max_filesize, "max_filesize", err)
        || !set_limit(av->engine, CL_ENGINE_MAX_SCANSIZE, conf->av_max_scansize, "max_scansize", err)
        || !set_limit(av->engine, CL_ENGINE_MAX_RECURSION, conf->av_max_recursion, "max_recursion", err)
        || !set_limit(av->engine, CL_ENGINE_MAX_FILES, conf->av_max_files, "max_files", err)
        || !set_limit(av->engine, CL_ENGINE_MAX_SCANTIME, conf->av_max_scantime_ms, "max_scantime", err))
        goto fail;
    rc = cl_load(conf->av_database, av->engine, &sigs, CL_DB_STDOPT);
    if (rc != CL_SUCCESS) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    "libclamav: no signatures loaded from %s: %s (run freshclam, or set [clamav] database)",
                    conf->av_database, cl_strerror(rc));
        goto fail;
    }
    if (sigs == 0) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                    "libclamav: no signatures in %s (run freshclam, or set [clamav] database)",
                    conf->av_database);
        goto fail;
    }
    if ((rc = cl_engine_compile(av->engine)) != CL_SUCCESS) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_FAILED, "libclamav: cannot compile engine: %s",
                    cl_strerror(rc));
        goto fail;
    }
    av->signatures = sigs;
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
    g_free(av);
}

/* av_engine_signatures - number of signatures loaded */
guint   av_engine_signatures(const AV_ENGINE *av)
{
    return av->signatures;
}

/* av_scan - scan bytes */
AV_RESULT av_scan(AV_ENGINE *av, const void *buf, gsize len, const char *name, char **virus)
{
    struct cl_scan_options opts = {0};
    const char *vname = NULL;
    unsigned long scanned = 0;
    cl_fmap_t *map;
    cl_error_t rc;

    *virus = NULL;
    opts.parse = ~0u;           /* every archive, document and mail parser */
    if ((map = cl_fmap_open_memory(len ? buf : "", len)) == NULL) {
        *virus = g_strdup("libclamav: cannot map buffer");
        return AV_ERROR;
    }
    rc = cl_scanmap_callback(map, name, &vname, &scanned, av->engine, &opts, NULL);
    cl_fmap_close(map);
    switch (rc) {
    case CL_CLEAN:
        return AV_CLEAN;
    case CL_VIRUS:
        *virus = g_strdup(vname ? vname : "unknown");
        return AV_INFECTED;
    default:
        *virus = g_strdup_printf("libclamav: %s", cl_strerror(rc));
        return AV_ERROR;
    }
}
