/* wire - records between the milter front and its sanitizing workers
 *
 * A record is one tag byte, a 32-bit length in host order and that many
 * bytes; a request or reply is a run of records ended by WIRE_END.  Both
 * ends are processes of the same program on the same host.  A record may
 * carry a file descriptor (SCM_RIGHTS): a large message goes to the
 * worker as its spool file, not through the socket.
 */
#ifndef MUGAI_WIRE_H
#define MUGAI_WIRE_H

#include <glib.h>

/* Largest record accepted: a message at the size limit plus slack. */
#define WIRE_MAX_RECORD (G_MAXINT32 - 1)

/* Tags of the request (front -> worker). */
#define WIRE_QUEUE_ID   'q'
#define WIRE_CLIENT     'c'
#define WIRE_CLIENT_NAME 'n'
#define WIRE_HELO       'h'
#define WIRE_SENDER     's'
#define WIRE_RCPT       'r'
#define WIRE_MESSAGE    'm'
#define WIRE_MESSAGE_FD 'f'     /* 64-bit length; the message is the file sent with it */
/* Tags of the reply (worker -> front). */
#define WIRE_HELLO      'P'     /* worker pid, sent on accept */
#define WIRE_DECISION   'd'
#define WIRE_CODE       'C'
#define WIRE_DSN        'D'
#define WIRE_TEXT       'T'
#define WIRE_HEADER     'H'     /* name NUL value */
#define WIRE_BODY       'B'
#define WIRE_LOG        'L'
#define WIRE_QID        'Q'
#define WIRE_END        'E'

/* Why a read ended without a record. */
typedef enum {
    WIRE_OK,
    WIRE_EOF,                   /* the peer closed (a worker that died) */
    WIRE_TIMEOUT,               /* the deadline passed */
    WIRE_ERROR,                 /* I/O error or a malformed record */
} WIRE_STATUS;

/* Called about every WIRE_TICK_SECONDS while a read waits (may be NULL). */
#define WIRE_TICK_SECONDS 10
typedef void (*WIRE_TICK) (void *ctx);

/* Bytes gathered before a write, and read ahead at once. */
#define WIRE_BUFFER_BYTES 65536

/* One end of a front-worker connection, with its buffers (opaque).
 * Records are gathered and written together: a reply of twenty records
 * is one write and wakes the reader once. */
typedef struct WIRE WIRE;

/* wire_new - buffers for fd, which stays the caller's to close */
WIRE   *wire_new(int fd);

/* wire_free - drop the buffers (unflushed output is lost) */
void    wire_free(WIRE *w);

/* wire_put - add one record; FALSE on error */
gboolean wire_put(WIRE *w, char tag, const void *data, gsize len);

/* wire_put_begin - add only the head of a record whose len bytes the
 * caller then adds with wire_write */
gboolean wire_put_begin(WIRE *w, char tag, gsize len);

/* wire_write - raw bytes (the body of a record begun by wire_put_begin) */
gboolean wire_write(WIRE *w, const void *data, gsize len);

/* wire_put_str - wire_put of a string (NULL adds nothing) */
gboolean wire_put_str(WIRE *w, char tag, const char *s);

/* wire_put_fd - add one record and send fd with it (the caller keeps
 * its own fd); flushes; FALSE on error */
gboolean wire_put_fd(WIRE *w, char tag, const void *data, gsize len, int fd);

/* wire_take_fd - the oldest descriptor received and not yet taken, or -1
 * (transfer full: the caller closes it; wire_free closes the others) */
int     wire_take_fd(WIRE *w);

/* wire_flush - write what was added; FALSE on error */
gboolean wire_flush(WIRE *w);

/* wire_get - flush, then read one record before deadline (monotonic,
 * microseconds; 0: none); *data is NUL-terminated (transfer full) */
WIRE_STATUS wire_get(WIRE *w, gint64 deadline, WIRE_TICK tick, void *ctx,
                     char *tag, GByteArray **data);

#endif
