/* mugai-milter - the sanitizing milter for Postfix and Sendmail
 *
 *   mugai-milter [-c CONFIG] [-f]
 *
 * Process layout (see docs/milter.md):
 *   supervisor  this process: loads the configuration and the ClamAV engine,
 *               forks the workers and the front, restarts whichever dies,
 *               reloads on SIGHUP and when the signature directory
 *               changes ([clamav] reload_interval), drains on SIGTERM;
 *   workers     [milter] workers processes running the engine (worker.c);
 *   front       one process running libmilter's threads (mfilter.c).
 * Only the supervisor forks, and it has no threads, so no fork happens
 * in a multi-threaded process.
 *
 * Exit status (sysexits): 0 after SIGTERM, 64 usage, 71 cannot fork,
 * 75 no virus signatures (fail closed: nothing is accepted), 78 configuration.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "mfilter.h"
#include "mugai/conf.h"
#include "mugai/msg.h"
#include "mugai/qstore.h"
#include "mugai/sanitize.h"
#include "worker.h"

#define MILTER_DEFAULT_CONFIG "/etc/mugai/mugai.conf"
/* A child that dies sooner than this after its start delays the next restart. */
#define MILTER_RESPAWN_FAST_SECONDS 2
/* Upper bound on the number of workers, whatever the configuration says. */
#define MILTER_MAX_WORKERS 256

typedef struct {
    MUGAI_CONF *conf;
    char   *conf_path;
    ENGINE *eng;
    int     wsock;                  /* worker listening socket */
    char   *wsock_path;
    pid_t   front;
    GArray *workers;                /* pid_t */
    gint64  last_crash;             /* monotonic time of the last fast death */
} SUPER;

static volatile sig_atomic_t got_chld, got_hup, got_term, got_alrm;

static void on_signal(int sig)
{
    if (sig == SIGCHLD)
        got_chld = 1;
    else if (sig == SIGHUP)
        got_hup = 1;
    else if (sig == SIGALRM)
        got_alrm = 1;
    else
        got_term = 1;
}

static void G_GNUC_NORETURN usage(void)
{
    fprintf(stderr, "usage: mugai-milter [-c CONFIG] [-f]\n");
    exit(EX_USAGE);
}

/* load - configuration from path (an absent default path means defaults) */
static MUGAI_CONF *load(const char *path, gboolean explicit, GError **err)
{
    if (!explicit && access(path, F_OK) != 0)
        return conf_new_defaults();
    return conf_load(path, err);
}

/* socket_dir - directory of a unix: milter socket, or NULL (transfer full) */
static char *socket_dir(const char *spec)
{
    const char *p = strchr(spec, ':');

    if (p == NULL || !(g_str_has_prefix(spec, "unix:") || g_str_has_prefix(spec, "local:")))
        return NULL;
    return g_path_get_dirname(p + 1);
}

/* prepare_dirs - create our directories, owned by uid/gid when running as root */
static void prepare_dirs(const MUGAI_CONF *conf, uid_t uid, gid_t gid)
{
    g_autofree char *sdir = socket_dir(conf->milter_socket);
    g_autofree char *pdir = conf->milter_pidfile ? g_path_get_dirname(conf->milter_pidfile) : NULL;
    /* The quarantine directory too: made here, while we may still be root,
     * under a parent the mugai user could not create it in. */
    const struct {
        const char *path;
        mode_t  mode;
    } dirs[] = {{conf->milter_spool, 0700}, {sdir, 0750}, {pdir, 0750}, {conf->quar_directory, 0700}};
    gsize   i;

    for (i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (dirs[i].path == NULL)
            continue;
        g_autofree char *parent = g_path_get_dirname(dirs[i].path);

        /* Parents stay traversable (0755); the directory itself is ours alone. */
        if (g_mkdir_with_parents(parent, 0755) != 0
            || (mkdir(dirs[i].path, dirs[i].mode) != 0 && errno != EEXIST))
            msg_fatal(EX_CANTCREAT, "cannot create %s: %s", dirs[i].path, g_strerror(errno));
        if (getuid() == 0 && uid != (uid_t) -1 && chown(dirs[i].path, uid, gid) != 0)
            msg_fatal(EX_CANTCREAT, "cannot chown %s: %s", dirs[i].path, g_strerror(errno));
    }
}

/* drop_privileges - become [milter] user and group when started as root */
static void drop_privileges(const MUGAI_CONF *conf)
{
    struct passwd *pw = NULL;
    struct group *gr = NULL;
    uid_t   uid = (uid_t) -1;
    gid_t   gid = (gid_t) -1;

    if (geteuid() != 0 || conf->milter_user == NULL) {
        prepare_dirs(conf, uid, gid);
        return;
    }
    if ((pw = getpwnam(conf->milter_user)) == NULL)
        msg_fatal(EX_CONFIG, "[milter] user: no user \"%s\"", conf->milter_user);
    uid = pw->pw_uid;
    gid = pw->pw_gid;
    if (conf->milter_group != NULL) {
        if ((gr = getgrnam(conf->milter_group)) == NULL)
            msg_fatal(EX_CONFIG, "[milter] group: no group \"%s\"", conf->milter_group);
        gid = gr->gr_gid;
    }
    prepare_dirs(conf, uid, gid);
    if (initgroups(pw->pw_name, gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
        msg_fatal(EX_NOPERM, "cannot become %s: %s", conf->milter_user, g_strerror(errno));
}

/* open_worker_socket - listening unix socket in the spool directory */
static int open_worker_socket(const char *path)
{
    struct sockaddr_un sun = {0};
    int     fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || strlen(path) >= sizeof(sun.sun_path))
        msg_fatal(EX_OSERR, "worker socket %s: %s", path, fd < 0 ? g_strerror(errno) : "path too long");
    sun.sun_family = AF_UNIX;
    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    unlink(path);
    if (bind(fd, (struct sockaddr *) &sun, sizeof(sun)) != 0 || chmod(path, 0600) != 0
        || listen(fd, 128) != 0)
        msg_fatal(EX_OSERR, "worker socket %s: %s", path, g_strerror(errno));
    return fd;
}

/* child_signals - a forked child starts with default dispositions, nothing
 * blocked, and is told (SIGTERM) when the supervisor dies, so that no front
 * keeps accepting mail that no one would restart */
static void child_signals(void)
{
    sigset_t none;

    prctl(PR_SET_PDEATHSIG, SIGTERM);

    signal(SIGCHLD, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGALRM, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* spawn_worker - fork one worker from the loaded engine */
static void spawn_worker(SUPER *s)
{
    pid_t   pid = fork();

    if (pid < 0) {
        msg_warn("cannot fork a worker: %s", g_strerror(errno));
        return;
    }
    if (pid == 0) {
        child_signals();
        worker_main(s->eng, s->conf, s->wsock);
    }
    g_array_append_val(s->workers, pid);
}

/* spawn_front - fork the libmilter process */
static void spawn_front(SUPER *s)
{
    pid_t   pid = fork();

    if (pid < 0)
        msg_fatal(EX_OSERR, "cannot fork the milter front: %s", g_strerror(errno));
    if (pid == 0) {
        child_signals();
        close(s->wsock);
        _exit(mfilter_run(s->conf, s->wsock_path));
    }
    s->front = pid;
}

/* reap - collect dead children; restart them unless stopping */
static void reap(SUPER *s, gboolean stopping)
{
    pid_t   pid;
    int     status;
    guint   i;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        gboolean bad = !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        gboolean worker = FALSE;

        for (i = 0; i < s->workers->len; i++) {
            if (g_array_index(s->workers, pid_t, i) == pid) {
                g_array_remove_index_fast(s->workers, i);
                worker = TRUE;
                break;
            }
        }
        if (bad) {
            if (WIFSIGNALED(status))
                msg_warn("%s %d killed by signal %d", worker ? "worker" : "front", (int) pid, WTERMSIG(status));
            else
                msg_warn("%s %d exited with status %d", worker ? "worker" : "front", (int) pid,
                         WEXITSTATUS(status));
        }
        if (pid == s->front) {
            s->front = 0;
            if (!stopping) {
                msg_warn("milter front stopped; restarting it");
                g_usleep(G_USEC_PER_SEC);
                spawn_front(s);
            }
        }
    }
    while (!stopping && s->workers->len < (guint) MIN(s->conf->milter_workers, MILTER_MAX_WORKERS)) {
        gint64  now = g_get_monotonic_time();

        /* Workers dying one after another: slow down, never stop serving. */
        if (now - s->last_crash < MILTER_RESPAWN_FAST_SECONDS * G_USEC_PER_SEC)
            g_usleep(G_USEC_PER_SEC / 4);
        s->last_crash = now;
        spawn_worker(s);
    }
}

/* reload - a new engine (and, on SIGHUP, a new configuration); the old
 * workers finish the message in hand and exit, new ones take the socket.
 * The old engine lives on in the old workers (copy-on-write) until their
 * last scan ends; while the new one compiles the workers keep scanning
 * with the old, so no mail waits and none passes unscanned.  Memory: the
 * supervisor holds two engines while compiling.  On failure nothing changes. */
static void reload(SUPER *s, gboolean reread_conf, const char *why)
{
    GError *err = NULL;
    MUGAI_CONF *conf = reread_conf ? load(s->conf_path, TRUE, &err) : s->conf;
    ENGINE *eng;
    guint   i;

    if (conf == NULL) {
        msg_warn("reload: %s; keeping the running configuration", err->message);
        g_error_free(err);
        return;
    }
    if ((eng = engine_new(conf, NULL, &err)) == NULL) {
        msg_warn("reload (%s): %s; keeping the running engine", why, err->message);
        g_error_free(err);
        if (conf != s->conf)
            conf_free(conf);
        return;
    }
    engine_free(s->eng);
    if (conf != s->conf)
        conf_free(s->conf);
    s->conf = conf;
    s->eng = eng;
    for (i = 0; i < s->workers->len; i++)
        kill(g_array_index(s->workers, pid_t, i), SIGTERM);
    g_array_set_size(s->workers, 0);    /* reaped later; replaced now */
    msg_info("reloaded (%s): %u signatures; workers replaced (the front keeps its socket)",
             why, engine_av_signatures(eng));
}

/* arm_check - the next look at the signature directory ([clamav]
 * reload_interval seconds from now; 0 cancels it) */
static void arm_check(const SUPER *s)
{
    alarm((unsigned) s->conf->av_reload_interval);
}

/* check_signatures - the periodic look at the signature directory */
static void check_signatures(SUPER *s)
{
    if (engine_signatures_changed(s->eng))
        reload(s, FALSE, "signature database changed");
    arm_check(s);
}

/* write_pidfile - our pid, or fatal */
static void write_pidfile(const char *path)
{
    g_autofree char *text = g_strdup_printf("%d\n", (int) getpid());
    GError *err = NULL;

    if (path && !g_file_set_contents(path, text, -1, &err))
        msg_fatal(EX_CANTCREAT, "pid file: %s", err->message);
}

int     main(int argc, char **argv)
{
    SUPER   s = {0};
    gboolean foreground = FALSE, explicit = FALSE;
    GError *err = NULL;
    struct sigaction sa;
    sigset_t block, old;
    QSTORE *qs;
    int     ch;
    guint   i;

    s.conf_path = MILTER_DEFAULT_CONFIG;
    while ((ch = getopt(argc, argv, "c:f")) != -1) {
        switch (ch) {
        case 'c': s.conf_path = optarg; explicit = TRUE; break;
        case 'f': foreground = TRUE; break;
        default: usage();
        }
    }
    if (optind != argc)
        usage();
    msg_init_daemon("mugai-milter", foreground);
    if ((s.conf = load(s.conf_path, explicit, &err)) == NULL)
        msg_fatal(EX_CONFIG, "%s", err->message);
    /* Signatures are read with the caller's rights (a root-started daemon
     * can read a database its user cannot); everything written afterwards
     * belongs to [milter] user. */
    if ((s.eng = engine_new(s.conf, NULL, &err)) == NULL)
        msg_fatal(EX_TEMPFAIL, "%s; not starting (fail closed)", err->message);
    drop_privileges(s.conf);
    if ((qs = qstore_open(s.conf, TRUE, &err)) == NULL)
        msg_fatal(EX_CANTCREAT, "%s", err->message);
    qstore_close(qs);
    if (!foreground) {
        if (daemon(0, 0) != 0)
            msg_fatal(EX_OSERR, "cannot become a daemon: %s", g_strerror(errno));
    }
    write_pidfile(s.conf->milter_pidfile);
    s.wsock_path = g_build_filename(s.conf->milter_spool, "workers.sock", NULL);
    s.wsock = open_worker_socket(s.wsock_path);
    s.workers = g_array_new(FALSE, FALSE, sizeof(pid_t));

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGCHLD, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigaddset(&block, SIGCHLD);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &old);

    msg_info("starting: %u signatures, %" G_GINT64_FORMAT " workers, milter socket %s",
             engine_av_signatures(s.eng), s.conf->milter_workers, s.conf->milter_socket);
    reap(&s, FALSE);                    /* spawns the workers */
    spawn_front(&s);
    arm_check(&s);
    while (!got_term) {
        sigsuspend(&old);
        if (got_hup) {
            got_hup = 0;
            reload(&s, TRUE, s.conf_path);
            arm_check(&s);
        }
        if (got_alrm) {
            got_alrm = 0;
            check_signatures(&s);
        }
        if (got_chld || got_term) {
            got_chld = 0;
            reap(&s, got_term);
        }
    }

    /* SIGTERM: the front stops accepting and finishes its messages, then the workers go. */
    msg_info("stopping: finishing messages in flight");
    if (s.front > 0)
        kill(s.front, SIGTERM);
    while (s.front > 0) {
        sigsuspend(&old);
        reap(&s, TRUE);
    }
    for (i = 0; i < s.workers->len; i++)
        kill(g_array_index(s.workers, pid_t, i), SIGTERM);
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;
    unlink(s.wsock_path);
    if (s.conf->milter_pidfile)
        unlink(s.conf->milter_pidfile);
    msg_info("stopped");
    g_array_free(s.workers, TRUE);
    g_free(s.wsock_path);
    engine_free(s.eng);
    conf_free(s.conf);
    return EX_OK;
}
