/* The options of a programme that runs for months, shared by `groups`,
 * `pairs`, `eval` (and `rounds`): --constraints FILE (together, apart, pin,
 * exclude), and for groups --keep GROUPS.csv [--reshuffle] (continuing
 * groups). docs/formats.md describes both files. */
#ifndef LMATCH_CLI_LIFECYCLE_H
#define LMATCH_CLI_LIFECYCLE_H

#include <stdbool.h>

#include "cli.h"

/* Values clear of the shared run options (cli_result.h) and of any
 * command's own. */
enum { OPT_CONSTRAINTS = 0x180, OPT_KEEP, OPT_RESHUFFLE };

#define CLI_CONSTRAINT_OPTIONS {"constraints", required_argument, NULL, OPT_CONSTRAINTS}
#define CLI_KEEP_OPTIONS                                                                   \
    {"keep", required_argument, NULL, OPT_KEEP},                                          \
        {"reshuffle", no_argument, NULL, OPT_RESHUFFLE}

/* Help text of the options (string literals, to join a command's usage). */
#define CLI_CONSTRAINT_HELP                                                                  \
    "  --constraints FILE   coordinator constraints, CSV kind,a,b: 'together' (same group\n" \
    "                       or both out; closed transitively), 'apart' (never the same\n"   \
    "                       group), 'pin' (a stays in group b of the --keep file),\n"       \
    "                       'exclude' (a takes no part this time); docs/formats.md\n"
#define CLI_KEEP_HELP                                                                        \
    "  --keep GROUPS.csv    continue the groups of an earlier run (its groups CSV): kept\n"  \
    "                       groups stay as they are (members, slot, venue), new sign-ups\n" \
    "                       join groups with room where best, the rest form new groups;\n"  \
    "                       people no longer in the pool leave their group. The output\n"   \
    "                       marks new members (CSV column 'new', JSON 'new' and 'kept')\n"  \
    "  --reshuffle          with --keep: everybody may move (pinned people stay)\n"

typedef struct cli_lifecycle {
    const char *constraints_path, *keep_path;
    bool reshuffle;
    lm_constraints *constraints;
    lm_grouping *keep;
    size_t left; /* people of the keep file no longer in the pool */
    bool pairs;  /* the run forms pairs: together sets of two at most */
} cli_lifecycle;

/* Takes one of the options above into l. Returns 1 when it was one of
 * them, 0 when not. */
int cli_lifecycle_option(int option, const char *value, cli_lifecycle *l);
/* After the pool is loaded: reads the files given and attaches them to
 * params. Prints the error (file, line, reason) and returns the exit code;
 * --reshuffle without --keep is a usage error. */
int cli_lifecycle_load(const char *command, const lm_pool *pool, lm_params *params,
                       cli_lifecycle *l, bool quiet);
void cli_lifecycle_free(cli_lifecycle *l);

#endif
