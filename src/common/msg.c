/* msg - diagnostics for operators (stderr or syslog) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

#include "mugai/msg.h"

static const char *msg_progname = "mugai";
static gboolean msg_use_syslog;
static gboolean msg_verbose;

/* msg_init - remember program name and output channel */
void msg_init(const char *progname, gboolean use_syslog)
{
    msg_progname = progname;
    msg_use_syslog = use_syslog;
    if (use_syslog)
        openlog(progname, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

/* stderr_is_journal - is standard error systemd's journal stream?  systemd
 * names that stream in JOURNAL_STREAM as DEVICE:INODE (systemd.exec(5)).
 * There the syslog lines reach the journal already, through /dev/log, and
 * a copy on standard error would show every line twice in journalctl. */
static gboolean stderr_is_journal(void)
{
    const char *js = getenv("JOURNAL_STREAM");
    guint64 dev, ino;
    char   *end;
    struct stat st;

    if (js == NULL || fstat(2, &st) != 0)
        return FALSE;
    dev = g_ascii_strtoull(js, &end, 10);
    if (end == js || *end != ':')
        return FALSE;
    js = end + 1;
    ino = g_ascii_strtoull(js, &end, 10);
    if (end == js || *end != '\0')
        return FALSE;
    return (guint64) st.st_dev == dev && (guint64) st.st_ino == ino;
}

/* msg_init_daemon - syslog, and stderr too when also_stderr (foreground)
 * unless stderr is the journal, which has the syslog lines already.
 * Without TZ, glibc stats /etc/localtime again on every localtime() (each
 * syslog line, each Date and timestamp: eight times per message here); a
 * daemon pins it to that file, read once.  A changed zone takes effect on
 * restart. */
void msg_init_daemon(const char *progname, gboolean also_stderr)
{
    if (getenv("TZ") == NULL)
        setenv("TZ", ":/etc/localtime", 0);
    tzset();
    msg_progname = progname;
    msg_use_syslog = TRUE;
    if (also_stderr && stderr_is_journal())
        also_stderr = FALSE;
    closelog();
    openlog(progname, LOG_PID | LOG_NDELAY | (also_stderr ? LOG_PERROR : 0), LOG_MAIL);
}

/* msg_set_verbose - enable msg_debug() output */
void msg_set_verbose(gboolean verbose)
{
    msg_verbose = verbose;
}

/* msg_vprintf - write one diagnostic line */
static void G_GNUC_PRINTF(3, 0) msg_vprintf(int level, const char *tag, const char *fmt, va_list ap)
{
    char buf[4096];

    vsnprintf(buf, sizeof(buf), fmt, ap);
    if (msg_use_syslog) {
        syslog(level, "%s%s", tag, buf);
    } else {
        fprintf(stderr, "%s: %s%s\n", msg_progname, tag, buf);
        fflush(stderr);
    }
}

/* msg_debug - verbose-only diagnostic */
void msg_debug(const char *fmt, ...)
{
    va_list ap;

    if (!msg_verbose)
        return;
    va_start(ap, fmt);
    msg_vprintf(LOG_DEBUG, "debug: ", fmt, ap);
    va_end(ap);
}

/* msg_info - informational line (one per message, start-up facts) */
void msg_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(LOG_INFO, "", fmt, ap);
    va_end(ap);
}

/* msg_warn - something was wrong; say what was done about it and carry on */
void msg_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(LOG_WARNING, "warning: ", fmt, ap);
    va_end(ap);
}

/* msg_fatal - start-up or configuration error: report and exit */
void msg_fatal(int exit_code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(LOG_CRIT, "fatal: ", fmt, ap);
    va_end(ap);
    exit(exit_code);
}

/* msg_panic - broken internal invariant: report and abort */
void msg_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    msg_vprintf(LOG_CRIT, "panic: ", fmt, ap);
    va_end(ap);
    abort();
}
