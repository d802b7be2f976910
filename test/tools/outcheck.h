/* outcheck - the sanitized-output invariants every test applies
 *
 * Structure: a sanitized message must be one text/plain part, charset UTF-8, with a
 * 7bit, quoted-printable or base64 transfer encoding; no line over 998
 * octets; valid UTF-8 once decoded; no Content-Disposition or file name in
 * the header; an X-Mugai-Status field; and the From, To, Cc, Subject and
 * Message-ID fields of the original still present.
 * Content: no HTML markup, no uuencoded block and no base64 blob in the text.
 */
#ifndef MUGAI_TEST_OUTCHECK_H
#define MUGAI_TEST_OUTCHECK_H

#include <glib.h>

/* What is checked: structure always; the text's content (markup, blobs)
 * only with OUTCHECK_CONTENT. */
typedef enum {
    OUTCHECK_STRUCTURE = 1,
    OUTCHECK_CONTENT = 2,
} OUTCHECK_LEVEL;

/* outcheck_run - check out (the sanitized message) against orig (may be
 * NULL); TRUE when all invariants hold, else FALSE with reasons appended
 * to why.  *text (may be NULL) receives the decoded text (transfer full). */
gboolean outcheck_run(const char *out, gsize out_len, const char *orig, gsize orig_len,
                      guint levels, GString *why, char **text);

#endif
