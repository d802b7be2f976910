/* mime_skel - a message written out again without the content of some
 * of its parts
 *
 * The engine scans every attachment on its own decoding.  Handing the
 * whole message to ClamAV's mail parser as well would decode and scan
 * each attachment a second time (and write it to a scratch file); the
 * skeleton keeps every header, every boundary, preamble, epilogue and
 * body text, and leaves out only the content of the parts already
 * scanned, so the mail parser still sees the body text (its HTML checks
 * and mail-level signatures) at a fraction of the cost.
 */
#ifndef MUGAI_MIME_SKEL_H
#define MUGAI_MIME_SKEL_H

#include <gmime/gmime.h>

/* mime_skel_write - msg as GMime writes it, with the content of each
 * GMimePart in omit (a set of GMimePart*, borrowed) written as empty.
 * The parts are changed while msg is written and restored before the
 * return.  Returns the bytes (transfer full) */
GByteArray *mime_skel_write(GMimeMessage *msg, GHashTable *omit);

#endif
