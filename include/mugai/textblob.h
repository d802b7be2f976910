/* textblob - cut uuencoded, BinHex and yEnc blocks out of body text
 *
 * Works on the raw decoded bytes of a text part, before charset decoding
 * (yEnc is 8-bit).  Each block found is taken out of the text and reported
 * through a callback, which may append a placeholder in its place.
 */
#ifndef MUGAI_TEXTBLOB_H
#define MUGAI_TEXTBLOB_H

#include <glib.h>

typedef enum {
    TEXTBLOB_UUENCODE,
    TEXTBLOB_BINHEX,
    TEXTBLOB_YENC,
} TEXTBLOB_KIND;

/* Called once per block.  name is the file name the block declares (may be
 * empty, never NULL), data/len its decoded bytes (BinHex: the encoded block,
 * which is not decoded).  out is where the text continues. */
typedef void (*TEXTBLOB_FN)(TEXTBLOB_KIND kind, const char *name,
                            const guchar *data, gsize len, gpointer ctx, GByteArray *out);

/* textblob_extract - copy in to out without encoded blocks; returns the
 * number of blocks found.  The caller owns out. */
guint   textblob_extract(const char *in, gsize len, GByteArray *out,
                         TEXTBLOB_FN fn, gpointer ctx);

/* textblob_kind_type - MIME type used to describe a block kind (static) */
const char *textblob_kind_type(TEXTBLOB_KIND kind);

#endif
