/* fuzz_engine - libFuzzer target: the engine entry point, sanitize_message()
 *
 * Every input must end in a decision; a delivered message must pass the
 * structural output invariants (test/tools/outcheck.h).  Virus scanning is
 * off (ENGINE_OPTS no_av): libclamav's own parsers are fuzzed by ClamAV.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mugai/sanitize.h"
#include "outcheck.h"

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static MUGAI_CONF *conf;
    static ENGINE *eng;
    static const ENGINE_OPTS opts = {TRUE};
    VERDICT *v;

    if (eng == NULL) {
        conf = conf_new_defaults();
        if ((eng = engine_new(conf, &opts, NULL)) == NULL)
            abort();
    }
    v = sanitize_message(eng, (const char *) data, size, "FUZZ");
    if (verdict_decision(v) == DECISION_DELIVER) {
        char   *out = NULL;
        size_t  out_len = 0;
        FILE   *fp = open_memstream(&out, &out_len);
        g_autoptr(GString) why = g_string_new(NULL);

        if (fp == NULL || !verdict_write_message(v, fp))
            abort();
        fclose(fp);
        if (!outcheck_run(out, out_len, (const char *) data, size, OUTCHECK_STRUCTURE, why, NULL)) {
            fprintf(stderr, "output invariant violated: %s\n", why->str);
            abort();
        }
        free(out);
    } else if (verdict_decision(v) != DECISION_REJECT && verdict_decision(v) != DECISION_TEMPFAIL) {
        abort();
    }
    verdict_free(v);
    return 0;
}
