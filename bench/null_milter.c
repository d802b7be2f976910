/*
 * null_milter - the cheapest milter possible, as a baseline for bench/e2e.sh.
 *
 *   null_milter [-r] inet:PORT@127.0.0.1
 *
 * It asks the MTA for the same protocol steps as mugai-milter (headers and
 * body without replies, only the queue ID macro at end of message), reads
 * and discards what it is sent, and answers at end of message:
 *   without -r  accept the message unchanged: the cost of the milter
 *               conversation alone, in the MTA and in a filter that does
 *               nothing;
 *   with -r     replace the body with one fixed line of text and set
 *               Content-Type and Content-Transfer-Encoding, as every
 *               sanitizing filter must: the MTA's cost of applying that.
 * The gap between Postfix alone and these two is what no milter can avoid;
 * mugai's own cost is what it adds beyond them.  Not installed; a
 * benchmark's baseline, not a product.
 */
#include <libmilter/mfapi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NULL_STEPS_NR (SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT \
                       | SMFIP_NR_HDR | SMFIP_NR_BODY)
#define NULL_STEPS_SKIP (SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NOEOH)
#define NULL_ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY)

static int null_replace;        /* -r: replace each body */
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
    (void) ctx;
    (void) name;
    (void) value;
    return null_answer(SMFIP_NR_HDR);
}

static sfsistat null_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
    (void) ctx;
    (void) chunk;
    (void) len;
    return null_answer(SMFIP_NR_BODY);
}

static sfsistat null_eom(SMFICTX *ctx)
{
    static const char text[] = "[null_milter] body replaced.\r\n";

    if (null_replace) {
        if (smfi_chgheader(ctx, "Content-Type", 1, " text/plain; charset=UTF-8") != MI_SUCCESS
            || smfi_chgheader(ctx, "Content-Transfer-Encoding", 1, " 8bit") != MI_SUCCESS
            || smfi_replacebody(ctx, (unsigned char *) text, sizeof(text) - 1) != MI_SUCCESS)
            return SMFIS_TEMPFAIL;
    }
    return SMFIS_ACCEPT;
}

int     main(int argc, char **argv)
{
    struct smfiDesc desc;
    int     ch;

    while ((ch = getopt(argc, argv, "r")) != -1) {
        if (ch != 'r') {
            fprintf(stderr, "usage: %s [-r] inet:PORT@127.0.0.1\n", argv[0]);
            return 64;                  /* EX_USAGE */
        }
        null_replace = 1;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: %s [-r] inet:PORT@127.0.0.1\n", argv[0]);
        return 64;
    }
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
    if (smfi_setconn(argv[optind]) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS) {
        fprintf(stderr, "%s: cannot set up %s\n", argv[0], argv[optind]);
        return 71;                      /* EX_OSERR */
    }
    return smfi_main() == MI_SUCCESS ? 0 : 75;
}
