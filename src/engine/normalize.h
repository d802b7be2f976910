/* normalize (engine-internal) - the raw message as GMime is given it
 *
 * Line ends become LF (CRLF and, in the body, a bare CR); in the header
 * section a NUL becomes a space, and so does a bare CR, unless the message
 * has no LF at all (old Mac files: CR ends lines); a last line without a
 * line end gets one.  After the line that starts the part beyond
 * max_parts delimiters the message is cut, so that GMime never builds an
 * unbounded tree.
 *
 * The input is read a chunk at a time; the result is built in memory when
 * the input is at most in_memory_max bytes, else in an unlinked file in
 * temp_directory.  Memory use is then bounded by the header section and
 * the chunk size, whatever the size of the message.
 */
#ifndef MUGAI_ENGINE_NORMALIZE_H
#define MUGAI_ENGINE_NORMALIZE_H

#include "mugai/bytesrc.h"
#include "mugai/conf.h"

typedef struct {
    BYTESTORE data;             /* the result: in memory, or in an unlinked file */
    gsize   hdr_len;            /* the header section with its blank line (the
                                 * whole input when it has none) */
    guint   nuls;               /* NULs blanked in the header section */
    gboolean cut;               /* cut after max_parts delimiters */
    gboolean header_too_large;  /* hdr_len > max_header_bytes: nothing else was done */
} NORMAL_MSG;

/* normalize_message - normalize in into *out (out->data released with
 * bytestore_clear() in every case); FALSE and *err when the input could
 * not be read or the temporary file written */
gboolean normalize_message(const BYTESRC *in, const MUGAI_CONF *conf, NORMAL_MSG *out, GError **err);

#endif
