/* charset - bytes in any declared (or undeclared) charset to UTF-8
 *
 * Decoding never fails: bytes that cannot be decoded become U+FFFD and are
 * counted.  When the declared charset is missing, unknown, or decodes with
 * errors, the bytes are detected (valid UTF-8, then ISO-2022-JP escapes,
 * then CP932 against EUC-JP, then Windows-1252) and the better result wins.
 */
#ifndef MUGAI_CHARSET_H
#define MUGAI_CHARSET_H

#include <glib.h>

/* The name charset_canonical() gives ISO-2022-JP: decoded by jis.c on top
 * of glibc's CP932, because glibc's own ISO-2022-JP lacks ①, ㈱, 髙 ... */
#define CHARSET_CP50221 "CP50221"

/* charset_canonical - iconv name for a MIME charset label, e.g. Shift_JIS -> CP932.
 * Returns a static string, or NULL when the label is unknown. */
const char *charset_canonical(const char *label);

/* charset_detect - best guess for undeclared bytes (static string) */
const char *charset_detect(const char *in, gsize len);

/* charset_to_utf8 - append the UTF-8 decoding of in to out.
 * declared may be NULL.  Returns the charset actually used (static string);
 * *bad (may be NULL) receives the number of U+FFFD substitutions. */
const char *charset_to_utf8(const char *in, gsize len, const char *declared,
                            GString *out, gsize *bad);

/* charset_keep_loaded - open the converters Japanese mail needs and keep
 * them open, so that glibc does not unload and reload them per message
 * (called once per process by engine_new; safe to call again) */
void    charset_keep_loaded(void);

/* charset_sniff_html_meta - charset named by <meta charset> or
 * <meta http-equiv content="...charset=..."> in the first bytes of an HTML
 * document, or NULL (transfer full) */
char   *charset_sniff_html_meta(const char *in, gsize len);

#endif
