/*
 * null_milter - the cheapest milter possible, as a baseline for bench/e2e.sh.
 *
 *   null_milter [-r | -s CONF] SOCKET
 *
 * It asks the MTA for the same protocol steps as mugai-milter (headers and
 * body without replies, only the queue ID macro at end of message), reads
 * and discards what it is sent, and answers at end of message:
 *   without -r  accept the message unchanged: the cost of the milter
 *               conversation alone, in the MTA and in a filter that does
 *               nothing;
 *   with -r     replace the body with one fixed line of text and set
 *               Content-Type and Content-Transfer-Encoding, as every
 *               sanitizing filter must: the MTA's cost of applying that;
 *   with -s     as -r, and first the whole message (header and body, as
 *               the MTA sent them) is collected in memory and scanned once
 *               by libclamav through mugai's own av module, configured by
 *               CONF ([clamav]: signatures, temp_directory, limits): the
 *               one pass a filter that must scan mail with libclamav
 *               cannot leave out.  The body is replaced whatever the scan
 *               says (a baseline measures cost, not policy); a scan that
 *               cannot be made answers tempfail.  The scan runs in
 *               libmilter's thread for the connection, no worker process
 *               and no hand-over.
 * The gap between Postfix alone and the first two is what no milter can
 * avoid, and -s adds what no filter that scans with libclamav can avoid;
 * mugai's own cost is what it adds beyond them.  Not installed; a
 * benchmark's baseline, not a product.
 */
#include <libmilter/mfapi.h>

#include <glib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mugai/av.h"
#include "mugai/bytesrc.h"
#include "mugai/conf.h"

#define NULL_STEPS_NR (SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT \
                       | SMFIP_NR_HDR | SMFIP_NR_BODY)
#define NULL_STEPS_SKIP (SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NOEOH)
#define NULL_ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY)

static int null_replace;        /* -r or -s: replace each body */
static AV_ENGINE *null_av;      /* -s: scan each message first */

/* The message as collected for -s: owned by the connection's context,
 * freed at end of message, abort and close. */
typedef struct {
    GByteArray *bytes;
    gboolean in_body;           /* the blank line after the header is written */
} NULL_MSG;

static volatile unsigned long null_no_reply;    /* SMFIP_NR_* the MTA agreed to (one MTA) */

/* null_answer - the answer of a step the filter only listens to */
static sfsistat null_answer(unsigned long step)
{
    return (null_no_reply & step) != 0 ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static sfsistat null_negotiate(SMFICTX *ctx, unsigned long actions, unsigned long steps,
                               unsigned long f2, unsigned long f3, unsigned long *want_actions,
                               unsigned long *want_steps, unsigned long *pf2, unsigned long *pf3)
{
    (void) f2;
    (void) f3;
    if ((actions & SMFIF_SETSYMLIST) != 0) {
        (void) smfi_setsymlist(ctx, SMFIM_CONNECT, "i");
        (void) smfi_setsymlist(ctx, SMFIM_HELO, "i");
        (void) smfi_setsymlist(ctx, SMFIM_ENVFROM, "i");
        (void) smfi_setsymlist(ctx, SMFIM_ENVRCPT, "i");
        (void) smfi_setsymlist(ctx, SMFIM_DATA, "i");
        (void) smfi_setsymlist(ctx, SMFIM_EOH, "i");
        (void) smfi_setsymlist(ctx, SMFIM_EOM, "i");
    }
    *want_actions = NULL_ACTIONS | (actions & SMFIF_SETSYMLIST);
    null_no_reply = steps & NULL_STEPS_NR;
    *want_steps = null_no_reply | (steps & NULL_STEPS_SKIP);
    *pf2 = 0;
    *pf3 = 0;
    return SMFIS_CONTINUE;
}

/* null_msg - the context's message, made on first use (-s only) */
static NULL_MSG *null_msg(SMFICTX *ctx)
{
    NULL_MSG *m = smfi_getpriv(ctx);

    if (m == NULL) {
        m = g_new0(NULL_MSG, 1);
        m->bytes = g_byte_array_new();
        (void) smfi_setpriv(ctx, m);
    }
    return m;
}

/* null_msg_free - drop the context's message, if any */
static void null_msg_free(SMFICTX *ctx)
{
    NULL_MSG *m = smfi_getpriv(ctx);

    if (m != NULL) {
        g_byte_array_unref(m->bytes);
        g_free(m);
        (void) smfi_setpriv(ctx, NULL);
    }
}

static sfsistat null_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
    (void) ctx;
    (void) host;
    (void) sa;
    return null_answer(SMFIP_NR_CONN);
}

static sfsistat null_helo(SMFICTX *ctx, char *helo)
{
    (void) ctx;
    (void) helo;
    return null_answer(SMFIP_NR_HELO);
}

static sfsistat null_envfrom(SMFICTX *ctx, char **argv)
{
    (void) ctx;
    (void) argv;
    return null_answer(SMFIP_NR_MAIL);
}

static sfsistat null_envrcpt(SMFICTX *ctx, char **argv)
{
    (void) ctx;
    (void) argv;
    return null_answer(SMFIP_NR_RCPT);
}

static sfsistat null_header(SMFICTX *ctx, char *name, char *value)
{
    if (null_av != NULL) {
        GByteArray *b = null_msg(ctx)->bytes;

        g_byte_array_append(b, (const guint8 *) name, strlen(name));
        g_byte_array_append(b, (const guint8 *) ": ", 2);
        g_byte_array_append(b, (const guint8 *) value, strlen(value));
        g_byte_array_append(b, (const guint8 *) "\r\n", 2);
    }
    return null_answer(SMFIP_NR_HDR);
}

/* null_end_header - the blank line between header and body, once */
static void null_end_header(NULL_MSG *m)
{
    if (!m->in_body) {
        g_byte_array_append(m->bytes, (const guint8 *) "\r\n", 2);
        m->in_body = TRUE;
    }
}

static sfsistat null_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
    if (null_av != NULL) {
        NULL_MSG *m = null_msg(ctx);

        null_end_header(m);
        g_byte_array_append(m->bytes, chunk, (guint) len);
    }
    return null_answer(SMFIP_NR_BODY);
}

/* null_scan - -s: scan the collected message; FALSE when it could not be
 * scanned (an infected or incomplete result is not a failure here) */
static gboolean null_scan(SMFICTX *ctx)
{
    NULL_MSG *m = null_msg(ctx);
    BYTESRC src;
    char   *why = NULL;
    AV_RESULT r;

    null_end_header(m);
    src = bytesrc_mem(m->bytes->data, m->bytes->len);
    r = av_scan(null_av, &src, "message", &why);
    g_free(why);
    null_msg_free(ctx);
    return r != AV_ERROR;
}

static sfsistat null_abort(SMFICTX *ctx)
{
    null_msg_free(ctx);
    return SMFIS_CONTINUE;
}

static sfsistat null_close(SMFICTX *ctx)
{
    null_msg_free(ctx);
    return SMFIS_CONTINUE;
}

static sfsistat null_eom(SMFICTX *ctx)
{
    static const char text[] = "[null_milter] body replaced.\r\n";

    if (null_av != NULL && !null_scan(ctx))
        return SMFIS_TEMPFAIL;
    if (null_replace) {
        if (smfi_chgheader(ctx, "Content-Type", 1, " text/plain; charset=UTF-8") != MI_SUCCESS
            || smfi_chgheader(ctx, "Content-Transfer-Encoding", 1, " 8bit") != MI_SUCCESS
            || smfi_replacebody(ctx, (unsigned char *) text, sizeof(text) - 1) != MI_SUCCESS)
            return SMFIS_TEMPFAIL;
    }
    return SMFIS_ACCEPT;
}

/* null_av_load - -s CONF: mugai's configuration, then its av engine */
static AV_ENGINE *null_av_load(const char *path)
{
    GError *err = NULL;
    MUGAI_CONF *conf = conf_load(path, &err);
    AV_ENGINE *av = conf != NULL ? av_engine_new(conf, &err) : NULL;

    if (av == NULL)
        fprintf(stderr, "null_milter: %s: %s\n", path, err != NULL ? err->message : "no engine");
    g_clear_error(&err);
    conf_free(conf);
    return av;
}

static int null_usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [-r | -s CONF] SOCKET\n", argv0);
    return 64;                          /* EX_USAGE */
}

int     main(int argc, char **argv)
{
    struct smfiDesc desc;
    int     ch;

    while ((ch = getopt(argc, argv, "rs:")) != -1) {
        switch (ch) {
        case 'r':
            null_replace = 1;
            break;
        case 's':
            null_replace = 1;
            if ((null_av = null_av_load(optarg)) == NULL)
                return 78;              /* EX_CONFIG */
            break;
        default:
            return null_usage(argv[0]);
        }
    }
    if (optind != argc - 1)
        return null_usage(argv[0]);
    memset(&desc, 0, sizeof(desc));
    desc.xxfi_name = (char *) "null_milter";
    desc.xxfi_version = SMFI_VERSION;
    desc.xxfi_flags = NULL_ACTIONS;
    desc.xxfi_negotiate = null_negotiate;
    desc.xxfi_connect = null_connect;
    desc.xxfi_helo = null_helo;
    desc.xxfi_envfrom = null_envfrom;
    desc.xxfi_envrcpt = null_envrcpt;
    desc.xxfi_header = null_header;
    desc.xxfi_body = null_body;
    desc.xxfi_eom = null_eom;
    desc.xxfi_abort = null_abort;
    desc.xxfi_close = null_close;
    if (smfi_setconn(argv[optind]) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS) {
        fprintf(stderr, "%s: cannot set up %s\n", argv[0], argv[optind]);
        return 71;                      /* EX_OSERR */
    }
    return smfi_main() == MI_SUCCESS ? 0 : 75;
}
