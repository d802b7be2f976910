/* outmsg (engine-internal) - the sanitized message's header and body
 *
 * Kept: From, Sender, Reply-To, To, Cc, Subject, Date, Message-ID,
 * In-Reply-To, References, Received, and [output] keep_headers.  Every kept
 * field is re-encoded (RFC 2047 UTF-8 words where it is not plain ASCII)
 * and re-folded; everything else, Content-* and MIME-Version included, is
 * dropped and replaced by one text/plain part, UTF-8 or (with [output]
 * charset = iso-2022-jp) ISO-2022-JP, where the Subject is then written in
 * ISO-2022-JP encoded words too; display names stay UTF-8 words.
 */
#ifndef MUGAI_ENGINE_OUTMSG_H
#define MUGAI_ENGINE_OUTMSG_H

#include <gmime/gmime.h>

#include "mugai/conf.h"
#include "verdict.h"

/* Folding target and hard limit for header lines. */
#define OUTMSG_FOLD_COLUMN 78
/* RFC 5322 line limit (octets, without CRLF). */
#define OUTMSG_MAX_LINE 998
/* Longest raw chunk in one RFC 2047 encoded word (base64 of it fits 75). */
#define OUTMSG_WORD_BYTES 45
/* Characters per ISO-2022-JP encoded word: 15 kanji with their escapes
 * are 36 octets, 48 in base64, within RFC 2047's 75. */
#define OUTMSG_JIS_WORD_CHARS 15

/* outmsg_headers - add the kept header fields of msg (may be NULL) to v;
 * po decodes raw header text (see mime_options_new) */
void    outmsg_headers(VERDICT *v, GMimeMessage *msg, const MUGAI_CONF *conf,
                       GMimeParserOptions *po);

/* outmsg_body - transfer-encode v->text into v->body in [output] charset
 * and add the MIME header fields and X-Mugai-Status */
void    outmsg_body(VERDICT *v, const MUGAI_CONF *conf);

/* outmsg_encode_unstructured - RFC 2047 encode and fold UTF-8 text for a
 * field whose name is name_len long (transfer full) */
char   *outmsg_encode_unstructured(const char *text, gsize name_len);

#endif
