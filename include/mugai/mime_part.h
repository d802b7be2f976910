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

/* mime_part_decode - decode a leaf part's content into *out (empty when
 * it has none): in memory when its encoded form is at most in_memory_max
 * bytes (decoding never grows data: base64, quoted-printable and uuencode
 * all shrink), else in a new unlinked file in tmpdir (NULL: $TMPDIR or
 * /tmp).  FALSE and *err when the file cannot be written; *out is to be
 * released with bytestore_clear() in every case */
gboolean mime_part_decode(GMimePart *part, gsize in_memory_max, const char *tmpdir, BYTESTORE *out,
                          GError **err);

#endif
