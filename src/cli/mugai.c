/* mugai - command-line front end
 *
 *   mugai sanitize [-c CONFIG] [--report FILE] [--queue-id ID] [INPUT]
 *   mugai check-config [-c CONFIG]
 *   mugai quarantine [-c CONFIG] list|show|export|release|delete|purge|history ...
 *   mugai version
 *
 * Exit status (sysexits): 0 when a decision was made, 64 usage, 66 input
 * missing, 74 I/O error, 75 temporary failure (a scanner could not start),
 * 78 configuration error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"
#include "mugai/conf.h"
#include "mugai/msg.h"
#include "mugai/sanitize.h"

#ifndef MUGAI_VERSION
#define MUGAI_VERSION "0.1.0"
#endif
#define MUGAI_DEFAULT_CONFIG "/etc/mugai/mugai.conf"

/* usage - print how to call and exit 64 */
static void G_GNUC_NORETURN usage(void)
{
    fprintf(stderr,
            "usage: mugai sanitize [-c CONFIG] [--report FILE] [--queue-id ID] [INPUT]\n"
            "       mugai check-config [-c CONFIG]\n"
            "       mugai quarantine [-c CONFIG] list [--status S] [--since WHEN] [--sender S]\n"
            "                        [--recipient S] [--reason R] [--json]\n"
            "       mugai quarantine [-c CONFIG] show|export|history ID\n"
            "       mugai quarantine [-c CONFIG] release ID [--to ADDR ...]\n"
            "       mugai quarantine [-c CONFIG] delete ID\n"
            "       mugai quarantine [-c CONFIG] purge [--older-than DURATION]\n"
            "       mugai quarantine [-c CONFIG] check\n"
            "       mugai version\n");
    exit(EX_USAGE);
}

static MUGAI_CONF *cli_conf;    /* the one configuration; freed at exit */

/* free_conf - atexit handler: every exit path, msg_fatal() included */
static void free_conf(void)
{
    conf_free(cli_conf);
    cli_conf = NULL;
}

/* load_conf - explicit path must exist; the default path may be absent.
 * The result lives until exit (borrowed) */
static MUGAI_CONF *load_conf(const char *path)
{
    GError *err = NULL;

    if (path == NULL && access(MUGAI_DEFAULT_CONFIG, F_OK) != 0) {
        cli_conf = conf_new_defaults();
    } else {
        if (path == NULL)
            path = MUGAI_DEFAULT_CONFIG;
        if ((cli_conf = conf_load(path, &err)) == NULL) {
            char    why[1024];

            g_strlcpy(why, err->message, sizeof(why));
            g_error_free(err);
            msg_fatal(EX_CONFIG, "%s", why);
        }
    }
    atexit(free_conf);
    return cli_conf;
}

/* read_input - the message from fd: a regular file is read where it is
 * (*in takes fd over); a pipe is read into memory, and into an unlinked
 * temporary file once larger than in_memory_max, at most max + 1 bytes so
 * that a message over the limit is still seen to be over it.  FALSE on a
 * read or write error (errno set, or logged) */
static gboolean read_input(int fd, const MUGAI_CONF *conf, BYTESTORE *in)
{
    gsize   max = (gsize) conf->max_message_bytes + 1;
    g_autofree guint8 *buf = g_malloc(BYTESRC_CHUNK);
    struct stat st;
    GError *err = NULL;

    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        in->fd = fd;
        in->src = bytesrc_file(fd, (gsize) st.st_size);
        return TRUE;
    }
    while (in->src.len < max) {
        ssize_t n = read(fd, buf, MIN(BYTESRC_CHUNK, max - in->src.len));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return FALSE;
        if (n == 0)
            break;
        if (!bytestore_append(in, buf, (gsize) n, (gsize) conf->engine_in_memory_max,
                              conf->engine_temp_directory, &err)) {
            msg_warn("%s", err->message);
            g_error_free(err);
            return FALSE;
        }
    }
    return TRUE;
}

/* write_file - write text to path via a temporary file and rename */
static gboolean write_file(const char *path, const char *text)
{
    GError *err = NULL;

    if (!g_file_set_contents(path, text, -1, &err)) {
        msg_warn("cannot write %s: %s", path, err->message);
        g_error_free(err);
        return FALSE;
    }
    return TRUE;
}

/* cmd_sanitize - mugai sanitize */
static int cmd_sanitize(int argc, char **argv)
{
    const char *conf_path = NULL, *report = NULL, *queue_id = NULL, *input = NULL;
    MUGAI_CONF   *conf;
    ENGINE *eng;
    VERDICT *v;
    BYTESTORE in = BYTESTORE_INIT;
    GError *err = NULL;
    int     fd = STDIN_FILENO;
    g_autofree char *line = NULL;
    int     i, rc = EX_OK;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
            conf_path = argv[++i];
        else if (strcmp(argv[i], "--report") == 0 && i + 1 < argc)
            report = argv[++i];
        else if (strcmp(argv[i], "--queue-id") == 0 && i + 1 < argc)
            queue_id = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] != '\0')
            usage();
        else if (input == NULL)
            input = argv[i];
        else
            usage();
    }
    conf = load_conf(conf_path);
    if (input != NULL && strcmp(input, "-") != 0 && (fd = open(input, O_RDONLY | O_CLOEXEC)) < 0)
        msg_fatal(EX_NOINPUT, "cannot open %s: %s", input, g_strerror(errno));
    if (!read_input(fd, conf, &in))
        msg_fatal(EX_IOERR, "cannot read %s: %s", input ? input : "standard input", g_strerror(errno));
    if ((eng = engine_new(conf, NULL, &err)) == NULL)
        msg_fatal(EX_TEMPFAIL, "%s; no message was processed", err->message);

    v = sanitize_source_q(eng, &in.src, queue_id, NULL);
    line = verdict_log_line(v);
    msg_info("%s", line);
    if (report != NULL) {
        g_autofree char *json = verdict_report_json(v);
        g_autofree char *withnl = g_strconcat(json, "\n", NULL);

        if (!write_file(report, withnl))
            rc = EX_IOERR;
    }
    if (verdict_decision(v) == DECISION_DELIVER) {
        if (!verdict_write_message(v, stdout)) {
            msg_warn("cannot write the sanitized message: %s", g_strerror(errno));
            rc = EX_IOERR;
        }
    } else if (verdict_reply_code(v) != NULL) {
        fprintf(stderr, "%s %s %s\n", verdict_reply_code(v), verdict_reply_dsn(v), verdict_reply_text(v));
    }
    verdict_free(v);
    engine_free(eng);
    bytestore_clear(&in);
    return rc;
}

/* cmd_check_config - mugai check-config: effective settings and scanners */
static int cmd_check_config(int argc, char **argv)
{
    const char *conf_path = NULL;
    GString *out = g_string_new(NULL);
    GError *err = NULL;
    MUGAI_CONF   *conf;
    ENGINE *eng;
    int     i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
            conf_path = argv[++i];
        else
            usage();
    }
    conf = load_conf(conf_path);
    conf_dump(conf, out);
    fputs(out->str, stdout);
    g_string_free(out, TRUE);
    if ((eng = engine_new(conf, NULL, &err)) == NULL)
        msg_fatal(EX_TEMPFAIL, "%s", err->message);
    out = g_string_new(NULL);
    engine_describe(eng, out);
    fputs(out->str, stdout);
    g_string_free(out, TRUE);
    engine_free(eng);
    return EX_OK;
}

int     main(int argc, char **argv)
{
    msg_init("mugai", FALSE);
    if (argc < 2)
        usage();
    if (strcmp(argv[1], "sanitize") == 0)
        return cmd_sanitize(argc - 1, argv + 1);
    if (strcmp(argv[1], "check-config") == 0)
        return cmd_check_config(argc - 1, argv + 1);
    if (strcmp(argv[1], "quarantine") == 0) {
        const char *cfg = NULL;
        MUGAI_CONF *conf;
        int     i = 2, rc;

        if (argc > 3 && strcmp(argv[2], "-c") == 0) {
            cfg = argv[3];
            i = 4;
        }
        conf = load_conf(cfg);
        msg_init("mugai", TRUE);      /* audit lines go to syslog */
        rc = cli_quarantine(conf, argc - i, argv + i);
            return rc;
    }
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("mugai %s\n", MUGAI_VERSION);
        return EX_OK;
    }
    usage();
}
