/* container - what an archive or an Office document holds
 *
 * container_inspect() lists the members of ZIP, 7z, RAR, tar, cpio, cab,
 * LHA, ISO 9660 and gzip/bzip2/xz data (through libarchive), tells whether
 * any of it is encrypted, and looks inside nested archives.  The data is
 * read where it is (a buffer, or a file a chunk at a time); a nested
 * archive is read into memory within max_bytes.  Nothing is written.
 * Work is bounded by CONTAINER_LIMITS: nesting depth,
 * members listed and bytes decompressed in total; a bound that stops the
 * inspection sets `incomplete`, so that a bomb is a finding, not a hang.
 *
 * Office documents are containers too: an OOXML or OpenDocument file is a
 * ZIP (its members are inspected but it is marked `document`), an OLE2
 * (.doc, .xls) file is searched for a VBA project and for the
 * EncryptedPackage stream of a password-protected OOXML file.
 */
#ifndef MUGAI_CONTAINER_H
#define MUGAI_CONTAINER_H

#include <glib.h>

#include "mugai/bytesrc.h"
#include "mugai/ftype.h"

/* Bytes of each member read to find its true type. */
#define CONTAINER_PROBE_BYTES (64 * 1024)

typedef struct {
    guint   max_depth;          /* archives inside archives followed */
    guint   max_members;        /* members recorded, all depths together */
    gint64  max_bytes;          /* bytes decompressed, all members together */
} CONTAINER_LIMITS;

typedef struct {
    char   *path;               /* UTF-8; "inner.zip/evil.exe" when nested */
    char   *type;               /* true type of its first bytes; NULL when not read */
    gint64  size;               /* uncompressed size from the header; -1 unknown */
    gboolean encrypted;
    guint   depth;              /* 1: directly in the inspected file */
} CONTAINER_MEMBER;

typedef struct {
    GPtrArray *members;         /* CONTAINER_MEMBER*, at most max_members */
    guint   total;              /* members seen, including those not recorded */
    gboolean archive;           /* libarchive read it as an archive */
    gboolean document;          /* an Office or OpenDocument file, not an archive */
    gboolean encrypted;         /* some member, the directory or the document is encrypted */
    gboolean macro;             /* a VBA project is present */
    gboolean incomplete;        /* a limit stopped the inspection */
    gboolean damaged;           /* the data could not be read to the end */
} CONTAINER_INFO;

/* container_wants - is the true type one container_inspect() looks into? */
gboolean container_wants(const char *type);

/* container_inspect - look into the bytes of src, of true type type; NULL
 * when the type is not a container (transfer full) */
CONTAINER_INFO *container_inspect(FTYPE *ft, const BYTESRC *src, const char *type,
                                  const CONTAINER_LIMITS *lim);

/* container_incomplete - a limit stopped the inspection or the data could
 * not be read to the end: what is inside is not known; FALSE for NULL */
gboolean container_incomplete(const CONTAINER_INFO *ci);

/* container_info_free - release; accepts NULL */
void    container_info_free(CONTAINER_INFO *ci);

#endif
