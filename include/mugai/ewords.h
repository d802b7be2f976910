/* ewords - RFC 2047 encoded words put right before GMime decodes a header
 *
 * Japanese senders split a character across adjacent encoded words (the
 * first ends in the middle of a multi-byte sequence or an ISO-2022-JP
 * escape run), label CP932 as Shift_JIS and put CP932 extensions into
 * ISO-2022-JP; GMime decodes each word alone with glibc's converters and
 * loses such characters.  ewords_normalize() joins every run of adjacent
 * words of one charset, decodes the joined bytes with charset.c (CP932,
 * EUC-JP-MS, CP50221, detection) and writes one UTF-8 encoded word back, so
 * the header's structure (addresses, quoting) is untouched.  Raw ISO-2022-JP
 * (escape sequences outside encoded words, written by old mailers) becomes
 * UTF-8 text.
 */
#ifndef MUGAI_EWORDS_H
#define MUGAI_EWORDS_H

#include <glib.h>

/* ewords_normalize - value with encoded words joined and re-encoded as UTF-8 (transfer full) */
char   *ewords_normalize(const char *value);

#endif
