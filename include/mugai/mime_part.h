/* mime_part - small questions asked of GMime objects */
#ifndef MUGAI_MIME_PART_H
#define MUGAI_MIME_PART_H

#include <gmime/gmime.h>

/* mime_options_new - GMime parser options as mugai parses: loose
 * compliance, addresses without domain, and fallback charsets for raw
 * 8-bit header text (UTF-8, CP932, EUC-JP, Windows-1252) (transfer full;
 * g_mime_parser_options_free) */
GMimeParserOptions *mime_options_new(void);

/* mime_type_of - "type/subtype" in lower case (transfer full) */
char   *mime_type_of(GMimeObject *obj);

/* mime_is_attachment - Content-Disposition says attachment */
gboolean mime_is_attachment(GMimeObject *obj);

/* mime_part_decode - decoded content of a leaf part; empty when it has
 * none.  Decoding never grows data (base64, quoted-printable and uuencode
 * all shrink), so the size is bounded by the message size. (transfer full) */
GByteArray *mime_part_decode(GMimePart *part);

#endif
