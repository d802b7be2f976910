/* jis - ISO-2022-JP as real senders write it (the CP50220/CP50221 family)
 *
 * Outlook and most Japanese clients label text "ISO-2022-JP" but put the
 * Microsoft/NEC extensions of CP932 inside it: NEC row 13 (①, ㈱, Ⅲ), the
 * NEC-selected IBM extensions (髙, 﨑) and user-defined rows.  glibc's
 * ISO-2022-JP converters refuse those, so this module maps the JIS X 0208
 * code space arithmetically onto Shift_JIS bytes and lets the caller decode
 * them with glibc's CP932 table, which has every one of them.
 *
 * Understood: ESC ( B, ESC ( J (JIS X 0201 Roman, read as ASCII), ESC $ @,
 * ESC $ B, ESC $ ( Q and ESC $ ( O (JIS X 0213 plane 1, read as its JIS
 * X 0208 subset), ESC ( I and SO/SI (JIS X 0201 half-width katakana).
 * A line end returns to ASCII, as RFC 1468 requires of senders anyway.
 */
#ifndef MUGAI_JIS_H
#define MUGAI_JIS_H

#include <glib.h>

/* Stands in, in CP932 output, for a byte that cannot be part of any character:
 * 0xFD is never a CP932 lead byte, so the CP932 decoder counts and replaces it. */
#define JIS_BAD_BYTE 0xFD

/* jis_to_cp932 - append the CP932 bytes for ISO-2022-JP text in; returns
 * the number of malformed sequences (each written as JIS_BAD_BYTE) */
gsize   jis_to_cp932(const char *in, gsize len, GByteArray *out);

/* jis_from_cp932_pair - the JIS X 0208 row/cell bytes (0x21..0x7E each) of a
 * Shift_JIS/CP932 double-byte code; FALSE when it has none (IBM
 * extensions at 0xFA40 and above, invalid codes) */
gboolean jis_from_cp932_pair(guchar s1, guchar s2, guchar *j1, guchar *j2);

/* jis_encode_utf8 - append UTF-8 text as ISO-2022-JP (CP50220: half-width
 * katakana become full-width; NEC and NEC-selected IBM characters kept);
 * each character with no ISO-2022-JP form becomes 〓 (U+3013).  Returns how
 * many characters were replaced.  The output ends in ASCII mode. */
gsize   jis_encode_utf8(const char *utf8, gsize len, GString *out);

#endif
