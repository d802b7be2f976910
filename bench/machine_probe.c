/* machine_probe - what this machine charges for the kernel work a mail filter does
 *
 *   machine_probe [DIR]
 *
 * Times four kinds of operation, first in one process, then in two
 * processes at once (one per CPU on a two-CPU box), and prints
 * microseconds per operation in each process and the ratio of the two:
 *   compute   a loop of arithmetic, no system call (the baseline: it
 *             should not slow down when two run on two CPUs)
 *   syscall   getppid(), a system call that does nothing
 *   pages     map 64 KB of anonymous memory, touch its 16 pages, unmap
 *             (what libclamav does for each scratch file it scans, and
 *             glibc for each large buffer)
 *   file      create a file in DIR (default /tmp), write 4 KB, close,
 *             unlink (a scratch file)
 * On a machine where "pages" costs tens of microseconds per page, or
 * grows several times over with two processes, the kernel work of
 * libmilter, libclamav and the quarantine costs more than the filter's
 * own code; docs/performance.md (the sixth and ninth looks) has this
 * machine's figures.  Not installed; a benchmark, not a product.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Operations per process for each kind (the cheap ones repeat more). */
#define PROBE_COMPUTE_OPS  200000
#define PROBE_SYSCALL_OPS  200000
#define PROBE_PAGES_OPS    4000
#define PROBE_FILE_OPS     20000
#define PROBE_MAP_BYTES    (64 * 1024)
#define PROBE_PAGE_BYTES   4096
#define PROBE_WRITE_BYTES  4096

typedef enum { PROBE_COMPUTE, PROBE_SYSCALL, PROBE_PAGES, PROBE_FILE } PROBE_KIND;

static const char *probe_dir = "/tmp";

/* Where the compute and syscall loops leave their results, so that the
 * compiler keeps them. */
static volatile unsigned long probe_sink;

/* probe_now - monotonic seconds */
static double probe_now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* probe_run - n operations of kind; 0, or 1 when one failed */
static int probe_run(PROBE_KIND kind, long n, int id)
{
    static char block[PROBE_WRITE_BYTES];
    char    path[4096];
    long    i;
    int     k;

    snprintf(path, sizeof(path), "%s/machine_probe.%ld.%d", probe_dir, (long) getpid(), id);
    for (i = 0; i < n; i++) {
        switch (kind) {
        case PROBE_COMPUTE:
            for (k = 0; k < 1000; k++)
                probe_sink += (unsigned long) k * (unsigned long) i;
            break;
        case PROBE_SYSCALL:
            probe_sink += (unsigned long) getppid();
            break;
        case PROBE_PAGES:{
                char   *m = mmap(NULL, PROBE_MAP_BYTES, PROT_READ | PROT_WRITE,
                                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

                if (m == MAP_FAILED)
                    return 1;
                for (k = 0; k < PROBE_MAP_BYTES; k += PROBE_PAGE_BYTES)
                    m[k] = 1;
                munmap(m, PROBE_MAP_BYTES);
                break;
            }
        case PROBE_FILE:{
                int     fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);

                if (fd < 0)
                    return 1;
                if (write(fd, block, sizeof(block)) != (ssize_t) sizeof(block)) {
                    close(fd);
                    unlink(path);
                    return 1;
                }
                close(fd);
                unlink(path);
                break;
            }
        }
    }
    return 0;
}

/* probe_time - microseconds per operation per process, n operations in
 * each of procs processes at once; negative when an operation failed */
static double probe_time(PROBE_KIND kind, long n, int procs)
{
    double  t0 = probe_now();
    int     p, status, failed = 0;

    for (p = 0; p < procs; p++) {
        pid_t   pid = fork();

        if (pid < 0)
            return -1;
        if (pid == 0)
            _exit(probe_run(kind, n, p));
    }
    while (wait(&status) > 0)
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed = 1;
    return failed ? -1 : (probe_now() - t0) * 1e6 / (double) n;
}

int     main(int argc, char **argv)
{
    static const struct {
        PROBE_KIND kind;
        long    ops;                    /* per process */
        const char *name;
    } kinds[] = {
        {PROBE_COMPUTE, PROBE_COMPUTE_OPS, "compute (1,000 additions)"},
        {PROBE_SYSCALL, PROBE_SYSCALL_OPS, "syscall (getppid)"},
        {PROBE_PAGES, PROBE_PAGES_OPS, "pages (map 64 KB, touch 16 pages, unmap)"},
        {PROBE_FILE, PROBE_FILE_OPS, "file (create, write 4 KB, close, unlink)"},
    };
    long    cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t  i;

    if (argc > 2) {
        fprintf(stderr, "usage: %s [DIR]\n", argv[0]);
        return 64;                      /* EX_USAGE */
    }
    if (argc == 2)
        probe_dir = argv[1];
    printf("machine_probe: %ld CPUs online; files in %s\n", cpus, probe_dir);
    printf("| operation | 1 process: us/op | 2 at once: us/op in each | ratio |\n| --- | --- | --- | --- |\n");
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        double  one = probe_time(kinds[i].kind, kinds[i].ops, 1);
        double  two = probe_time(kinds[i].kind, kinds[i].ops, 2);

        if (one < 0 || two < 0) {
            fprintf(stderr, "machine_probe: %s failed (%s)\n", kinds[i].name, probe_dir);
            return 74;                  /* EX_IOERR */
        }
        printf("| %s | %.2f | %.2f | %.2f |\n", kinds[i].name, one, two, two / one);
    }
    return 0;
}
