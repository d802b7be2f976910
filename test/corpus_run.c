/* corpus_run - every message of a folder through the engine, invariants checked
 *
 *   corpus_run CONFIG DIR
 *
 * Used with ../shared/corpus (real-world messages from public MIME test
 * suites).  Exits 77 (skipped) when DIR is absent, 1 when any output
 * breaks a structural invariant or a message ends in tempfail, else 0.
 * Text that still looks like markup or a base64 blob (bounces quoting raw
 * MIME, for instance) is listed and counted as "content" findings.
 */
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mugai/conf.h"
#include "mugai/sanitize.h"
#include "tools/outcheck.h"

/* Messages larger than this are left out (none in the corpus today). */
#define CORPUS_MAX_FILE_BYTES (64 * 1024 * 1024)

typedef struct {
    ENGINE *eng;
    guint   total, deliver, reject, tempfail, failed;
    guint   content;            /* structure fine, text still looks like markup or a blob */
    double  slowest_ms;
    char   *slowest;
} RUN;

/* skip_name - bookkeeping files of the corpus, not messages */
static gboolean skip_name(const char *name)
{
    return strcmp(name, "SOURCE.txt") == 0 || strcmp(name, "MANIFEST.tsv") == 0
        || strcmp(name, "README.md") == 0 || name[0] == '.';
}

/* run_one - sanitize one file and check the result */
static void run_one(RUN *r, const char *path)
{
    g_autofree char *data = NULL;
    gsize   len;
    VERDICT *v;
    char   *buf = NULL;
    size_t  blen = 0;
    FILE   *mem;
    g_autoptr(GString) why = g_string_new(NULL);

    if (!g_file_get_contents(path, &data, &len, NULL) || len > CORPUS_MAX_FILE_BYTES)
        return;
    r->total++;
    v = sanitize_message(r->eng, data, len, "corpus");
    switch (verdict_decision(v)) {
    case DECISION_DELIVER:
        r->deliver++;
        mem = open_memstream(&buf, &blen);
        verdict_write_message(v, mem);
        fclose(mem);
        if (!outcheck_run(buf, blen, data, len, OUTCHECK_STRUCTURE, why, NULL)) {
            printf("FAIL %s: %s\n", path, why->str);
            r->failed++;
        } else if (!outcheck_run(buf, blen, NULL, 0, OUTCHECK_CONTENT, why, NULL)) {
            printf("content %s: %s\n", path, why->str);
            r->content++;
        }
        free(buf);
        break;
    case DECISION_REJECT:
        r->reject++;
        printf("reject %s: %s %s\n", path, verdict_reply_code(v), verdict_reply_text(v));
        break;
    default:
        r->tempfail++;
        r->failed++;
        printf("FAIL %s: decision %s\n", path, decision_name(verdict_decision(v)));
        break;
    }
    if (verdict_elapsed_ms(v) > r->slowest_ms) {
        r->slowest_ms = verdict_elapsed_ms(v);
        g_free(r->slowest);
        r->slowest = g_strdup(path);
    }
    verdict_free(v);
}

/* run_dir - recurse */
static void run_dir(RUN *r, const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    guint   i;

    if (d == NULL)
        return;
    while ((name = g_dir_read_name(d)) != NULL)
        if (!skip_name(name))
            g_ptr_array_add(names, g_strdup(name));
    g_ptr_array_sort(names, (GCompareFunc) g_strcmp0);
    for (i = 0; i < names->len; i++) {
        g_autofree char *path = g_build_filename(dir, g_ptr_array_index(names, i), NULL);

        if (g_file_test(path, G_FILE_TEST_IS_DIR))
            run_dir(r, path);
        else if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
            run_one(r, path);
    }
}

int     main(int argc, char **argv)
{
    RUN     r = {0};
    MUGAI_CONF *conf;
    GError *err = NULL;

    if (argc != 3) {
        fprintf(stderr, "usage: corpus_run CONFIG DIR\n");
        return 64;
    }
    if (!g_file_test(argv[2], G_FILE_TEST_IS_DIR)) {
        printf("SKIP: corpus folder %s is absent\n", argv[2]);
        return 77;
    }
    if ((conf = conf_load(argv[1], &err)) == NULL || (r.eng = engine_new(conf, NULL, &err)) == NULL) {
        fprintf(stderr, "corpus_run: %s\n", err->message);
        return 1;
    }
    run_dir(&r, argv[2]);
    printf("corpus: %u messages: %u delivered sanitized, %u rejected, %u tempfail; "
           "%u failures; %u with markup- or blob-like text; slowest %.1f ms (%s)\n",
           r.total, r.deliver, r.reject, r.tempfail, r.failed, r.content, r.slowest_ms, r.slowest ? r.slowest : "-");
    engine_free(r.eng);
    conf_free(conf);
    g_free(r.slowest);
    return r.failed == 0 && r.total > 0 ? 0 : 1;
}
