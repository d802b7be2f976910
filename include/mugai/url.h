/* url - find URLs in rendered text and defang, keep or remove them
 *
 * A URL starts with a known scheme (http, https, ftp, ftps, file, smb) or
 * "www." after a non-alphanumeric character, and runs over the printable
 * ASCII characters RFC 3986 allows.  It ends at the first space, control,
 * non-ASCII character (so Japanese written straight after a URL is never
 * swallowed), or delimiter; trailing sentence punctuation and an unbalanced
 * closing bracket are not part of it.
 */
#ifndef MUGAI_URL_H
#define MUGAI_URL_H

#include <glib.h>

#include "mugai/conf.h"

/* url_defang_one - append the defanged form of one URL (scheme and host
 * rewritten: https://a.example/x -> hxxps://a[.]example/x) */
void    url_defang_one(const char *url, gsize len, GString *out);

/* url_rewrite - copy text to out with every URL handled per mode;
 * removed URLs become placeholder.  Returns the number of URLs found. */
guint   url_rewrite(const char *text, gsize len, CONF_LINKS mode,
                    const char *placeholder, GString *out);

/* url_find - locate the next URL at or after text[0]; FALSE when none.
 * *start and *ulen are offsets into text. */
gboolean url_find(const char *text, gsize len, gsize *start, gsize *ulen);

#endif
