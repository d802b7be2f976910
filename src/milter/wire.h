/* wire - records between the milter front and its sanitizing workers
 *
 * A record is one tag byte, a 32-bit length in host order and that many
 * bytes; a request or reply is a run of records ended by WIRE_END.  Both
 * ends are processes of the same program on the same host.
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

/* wire_put - write one record; FALSE on error */
gboolean wire_put(int fd, char tag, const void *data, gsize len);

/* wire_put_begin - write only the head of a record whose len bytes the
 * caller then writes with wire_write */
gboolean wire_put_begin(int fd, char tag, gsize len);

/* wire_write - raw bytes (the body of a record begun by wire_put_begin) */
gboolean wire_write(int fd, const void *data, gsize len);

/* wire_put_str - wire_put of a string (NULL sends nothing) */
gboolean wire_put_str(int fd, char tag, const char *s);

/* wire_get - read one record before deadline (monotonic, microseconds;
 * 0: none); *data is NUL-terminated (transfer full) */
WIRE_STATUS wire_get(int fd, gint64 deadline, WIRE_TICK tick, void *ctx,
                     char *tag, GByteArray **data);

#endif
