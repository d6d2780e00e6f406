/* --history, --no-repeats and --history-decay, shared by `groups`, `pairs`
 * and `rounds`: the groups or pairs files of earlier rounds, read against
 * the pool and attached to the run's parameters, and the repeats of the
 * result in its JSON (docs/formats.md, "History"). */
#ifndef LMATCH_CLI_HISTORY_H
#define LMATCH_CLI_HISTORY_H

#include <stdbool.h>

#include "cli.h"

/* Values clear of the shared run options and of cli_lifecycle.h's. */
enum { OPT_HISTORY = 0x1a0, OPT_NO_REPEATS, OPT_HISTORY_DECAY };

#define CLI_HISTORY_OPTIONS                                                                \
    {"history", required_argument, NULL, OPT_HISTORY},                                    \
        {"no-repeats", no_argument, NULL, OPT_NO_REPEATS},                                \
        {"history-decay", required_argument, NULL, OPT_HISTORY_DECAY}

extern const char cli_history_options_help[];

#define CLI_HISTORY_FILES_MAX 64

typedef struct cli_history {
    const char *paths[CLI_HISTORY_FILES_MAX]; /* oldest first */
    size_t count;
    lm_history *history;
    const lm_params *params;
} cli_history;

/* Takes one of the options above (into h, or params for the decay and
 * --no-repeats). Returns 1 when it was one of them, 0 when not, -1 after
 * printing a usage error. */
int cli_history_option(const char *command, int option, const char *value, lm_params *params,
                       cli_history *h);
/* After the pool is loaded: reads the files (in the order given: the last
 * is the latest round) and attaches the history to params; with a source,
 * the result JSON gets "repeated_pairs" and "repeat_penalty". Prints the
 * error (file, line, reason) and returns the exit code. */
int cli_history_load(const char *command, const lm_pool *pool, lm_params *params,
                     cli_history *h, cli_pool_source *source);
void cli_history_free(cli_history *h);

#endif
