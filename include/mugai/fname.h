/* fname - attachment file names: decoded, then made safe to show
 *
 * Names arrive RFC 2231-encoded (with continuations), RFC 2047-encoded
 * inside parameters, or as raw 8-bit bytes in whatever charset the sender
 * used.  fname_from_part() returns the decoded UTF-8 name; fname_display()
 * escapes what must never reach a reader's screen as is: control
 * characters and the invisible format characters that reorder or hide text
 * (U+202E RIGHT-TO-LEFT OVERRIDE makes "exe.pdf" look like "fdp.exe").
 */
#ifndef MUGAI_FNAME_H
#define MUGAI_FNAME_H

#include <gmime/gmime.h>

/* Longest name shown, in characters; longer names end in "...". */
#define FNAME_MAX_DISPLAY_CHARS 200

/* fname_from_part - decoded UTF-8 name from Content-Disposition filename,
 * else Content-Type name; NULL when the part has none (transfer full) */
char   *fname_from_part(GMimeObject *part);

/* fname_raw_param - key's value in a raw Content-Type/Content-Disposition
 * value, decoded by mugai's charset rules (RFC 2231, RFC 2047 in quotes,
 * raw 8-bit); NULL when absent (transfer full) */
char   *fname_raw_param(const char *header, const char *key);

/* fname_utf8 - a raw name (any bytes) as valid UTF-8 (transfer full) */
char   *fname_utf8(const char *raw);

/* fname_display - name safe to show: controls and bidi/invisible format
 * characters written as <U+XXXX>, length capped (transfer full) */
char   *fname_display(const char *name);

/* fname_is_deceptive - does the name contain a character fname_display()
 * escapes: a control, or a bidi or invisible format character? */
gboolean fname_is_deceptive(const char *name);

/* fname_extension - lower-case last extension of a name (a path is
 * allowed), without the dot, ignoring the trailing dots and spaces that
 * Windows drops; NULL when there is none (transfer full) */
char   *fname_extension(const char *name);

#endif
