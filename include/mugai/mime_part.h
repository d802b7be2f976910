/* mime_part - small questions asked of GMime objects */
#ifndef MUGAI_MIME_PART_H
#define MUGAI_MIME_PART_H

#include <gmime/gmime.h>

#include "mugai/bytesrc.h"

/* mime_options_new - GMime parser options as mugai parses: loose
 * compliance, addresses without domain, and fallback charsets for raw
 * 8-bit header text (UTF-8, CP932, EUC-JP, Windows-1252) (transfer full;
 * g_mime_parser_options_free) */
GMimeParserOptions *mime_options_new(void);

/* mime_type_of - "type/subtype" in lower case (transfer full) */
char   *mime_type_of(GMimeObject *obj);

/* mime_is_attachment - Content-Disposition says attachment */
gboolean mime_is_attachment(GMimeObject *obj);

/* MIME_DATA - the decoded content of a leaf part, in memory or in an
 * unlinked file; src reads it either way */
typedef struct {
    GByteArray *mem;            /* the content, or NULL when it is in fd */
    int     fd;                 /* an unlinked file, or -1 */
    BYTESRC src;
} MIME_DATA;

/* mime_part_decode - decode a leaf part's content into *out (empty when
 * it has none): in memory when its encoded form is at most in_memory_max
 * bytes (decoding never grows data: base64, quoted-printable and uuencode
 * all shrink), else in a new unlinked file in tmpdir (NULL: $TMPDIR or
 * /tmp).  FALSE and *err when the file cannot be written; *out is to be
 * released with mime_data_clear() in every case */
gboolean mime_part_decode(GMimePart *part, gsize in_memory_max, const char *tmpdir, MIME_DATA *out,
                          GError **err);

/* mime_data_clear - release the content; accepts a cleared *d */
void    mime_data_clear(MIME_DATA *d);

#endif
