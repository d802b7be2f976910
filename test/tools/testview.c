/* mugai-testview - a sanitized message as a person reads it, for golden tests
 *
 *   mugai-testview SANITIZED [ORIGINAL]
 *
 * Checks the output invariants (outcheck.h); on failure prints why and
 * exits 1.  Otherwise prints the header fields and the decoded text.
 */
#include <stdio.h>

#include <gmime/gmime.h>

#include "outcheck.h"

int     main(int argc, char **argv)
{
    g_autofree char *out = NULL, *orig = NULL, *text = NULL;
    gsize   out_len, orig_len = 0;
    g_autoptr(GString) why = g_string_new(NULL);
    const char *end;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: mugai-testview SANITIZED [ORIGINAL]\n");
        return 64;
    }
    g_mime_init();
    if (!g_file_get_contents(argv[1], &out, &out_len, NULL)
        || (argc == 3 && !g_file_get_contents(argv[2], &orig, &orig_len, NULL))) {
        fprintf(stderr, "mugai-testview: cannot read input\n");
        return 66;
    }
    if (!outcheck_run(out, out_len, orig, orig_len, OUTCHECK_STRUCTURE | OUTCHECK_CONTENT, why, &text)) {
        printf("INVARIANT VIOLATED: %s\n", why->str);
        return 1;
    }
    /* The header section as written, then the decoded text. */
    end = g_strstr_len(out, (gssize) out_len, "\n\n");
    fwrite(out, 1, end ? (gsize) (end - out) + 1 : out_len, stdout);
    printf("=== text ===\n%s", text);
    return 0;
}
