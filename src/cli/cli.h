/* cli - subcommands of the mugai command that live in their own files */
#ifndef MUGAI_CLI_H
#define MUGAI_CLI_H

#include "mugai/conf.h"

/* cli_quarantine - `mugai quarantine SUBCOMMAND ...`; argv[0] is the
 * subcommand.  Returns a sysexits code. */
int     cli_quarantine(const MUGAI_CONF *conf, int argc, char **argv);

#endif
