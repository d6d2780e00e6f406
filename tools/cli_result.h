/* What `groups`, `pairs`, `eval` and `demo` share: the run parameters on the
 * command line, a progress line, and the result written as JSON, CSV or
 * readable text (docs/formats.md holds the contracts). */
#ifndef LMATCH_CLI_RESULT_H
#define LMATCH_CLI_RESULT_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"

/* Options every solving command takes, as getopt_long entries. Values from
 * 0x100 up so they never collide with a command's own short options. */
enum {
    OPT_SEED = 0x100,
    OPT_THREADS,
    OPT_MIN_SIZE,
    OPT_MAX_SIZE,
    OPT_MIN_PER_ROLE,
    OPT_WEIGHTS,
    OPT_EFFORT,
    OPT_TIME_LIMIT,
    OPT_NO_LANGUAGE,
    OPT_MAX_KM,
    OPT_QUIET,
    OPT_VENUES,
    OPT_JSON,
    OPT_TAXONOMY,
    OPT_STRICT,
    OPT_CANDIDATES,
    OPT_KEY,
    OPT_PASSPHRASE_FILE,
    OPT_PSEUDONYMIZE
};

#define CLI_RUN_OPTIONS                                                                   \
    {"seed", required_argument, NULL, OPT_SEED},                                          \
        {"threads", required_argument, NULL, OPT_THREADS},                                \
        {"min-size", required_argument, NULL, OPT_MIN_SIZE},                              \
        {"max-size", required_argument, NULL, OPT_MAX_SIZE},                              \
        {"min-per-role", required_argument, NULL, OPT_MIN_PER_ROLE},                      \
        {"weights", required_argument, NULL, OPT_WEIGHTS},                                \
        {"effort", required_argument, NULL, OPT_EFFORT},                                  \
        {"time-limit", required_argument, NULL, OPT_TIME_LIMIT},                          \
        {"no-language", no_argument, NULL, OPT_NO_LANGUAGE},                              \
        {"max-km", required_argument, NULL, OPT_MAX_KM},                                  \
        {"quiet", no_argument, NULL, OPT_QUIET},                                          \
        {"venues", required_argument, NULL, OPT_VENUES},                                  \
        {"taxonomy", required_argument, NULL, OPT_TAXONOMY},                              \
        {"strict", no_argument, NULL, OPT_STRICT},                                        \
        {"key", required_argument, NULL, OPT_KEY},                                        \
        {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},                \
        {"pseudonymize", no_argument, NULL, OPT_PSEUDONYMIZE}

/* The help text of those options. */
extern const char cli_run_options_help[];

/* Applies one of the shared options to params (and quiet/source). Returns
 * 1 when it was one of them, 0 when not, -1 after printing a usage error. */
int cli_run_option(const char *command, int option, const char *value, lm_params *params,
                   bool *quiet, cli_pool_source *source);

/* A progress callback printing "best total, elapsed" on stderr, at most
 * twice a second and only after the first second; lm_params_set_progress
 * it with a cli_progress as user data. */
typedef struct cli_progress {
    bool printed;
    double last;
} cli_progress;
/* What group g shares, for people to read (the terminal and the report say
 * the same): the topic of its theme most members like (the theme itself
 * when it is a subtopic, else its subtopic liked by most members, the
 * larger sum of interests on ties) and how many like it; false when fewer
 * than two do. */
bool cli_shared_topic(const lm_pool *pool, const lm_result *result, size_t g, size_t *topic,
                      size_t *count);
/* Calls each(context, teacher, topic, learner) for up to `most` pairs of
 * members of group g of different roles where the teacher offers a subtopic
 * the learner wants (the first such topic of the pair); returns how many. */
typedef void (*cli_teaching_fn)(void *context, size_t teacher, size_t topic, size_t learner);
size_t cli_each_teaching(const lm_pool *pool, const lm_result *result, size_t g, size_t most,
                         cli_teaching_fn each, void *context);
/* A reason in a few words, for summaries: "venues full", "no common slot". */
const char *cli_reason_short(lm_reason reason);
int cli_progress_line(void *user, double best_total, double elapsed, double fraction);
/* Ends the progress line (if one was printed). */
void cli_progress_done(cli_progress *progress);

/* The upper bound a result is reported against, in the units of its
 * total, and the gap (bound - total) / (bound + mu n): how far the total may
 * be from the best possible. NAN when unknown. */
typedef struct cli_bound {
    double bound, gap;
} cli_bound;
/* The bound the library recorded on a result (lm_result_bound()). */
cli_bound cli_result_bound(const lm_result *result);
/* The bound of every feasible grouping of pool under params
 * (lm_groups_bound()) and the gap of result's total to it: what eval
 * reports for a grouping made by hand. */
cli_bound cli_groups_bound(const lm_pool *pool, const lm_params *params,
                           const lm_result *result);

/* Writes the result JSON contract to path ("-" = standard output). With
 * violations (eval), they are listed too. `pseudonym(id, buffer, size)`,
 * when not NULL, replaces every id. Returns CLI_OK or prints the error. */
typedef const char *(*cli_id_fn)(void *context, const char *id);
int cli_write_result_json(const char *path, const lm_pool *pool, const lm_result *result,
                          bool with_violations, cli_id_fn rename, void *context);

/* Writes the result JSON object of the contract above into w (lmatch
 * rounds puts one per round in an array), with source's extra keys when
 * source is not NULL. */
struct json_writer;
void cli_json_result(struct json_writer *w, const lm_pool *pool, const lm_result *result,
                     bool with_violations, cli_id_fn rename, void *context,
                     const cli_bound *bound, const cli_pool_source *source);

/* Prints the result for a coordinator: each group's theme, day and time,
 * venue, members with their role, co-hosts, and why they fit (shared
 * topics, who teaches what to whom), then who stays out and why. */
void cli_print_groups(FILE *out, const lm_pool *pool, const lm_result *result,
                      cli_id_fn rename, void *context);

/* A solving command (groups, pairs): its options must include output ('o'),
 * json (OPT_JSON) and help ('h') besides the shared run options. */
typedef int (*cli_solve_fn)(const lm_pool *pool, const lm_params *params, lm_result *result);
typedef struct cli_solver {
    const char *name;
    const char *usage;      /* help text, printed before more_usage */
    const char *more_usage; /* may be NULL */
    const struct option *options;
    cli_solve_fn solve;
} cli_solver;
/* Parses the command line, loads the pool (any format), solves with a
 * progress line, and writes the outputs. Returns the exit code. */
int cli_solve(int argc, char **argv, const cli_solver *solver);

/* Keeps every pair of duplicate sign-ups of the pool (lm_pool_duplicate())
 * out of one group: adds them as 'apart' constraints to life's constraints
 * (made and attached to params when there are none). Prints why and
 * returns CLI_BAD_INPUT when --constraints puts such a pair together. */
struct cli_lifecycle;
int cli_keep_duplicates_apart(const char *command, const lm_pool *pool, lm_params *params,
                              struct cli_lifecycle *life);

/* Writes the result as the --json/-o options ask, with pseudonyms when
 * source->pseudonymize (key in source->key); prints the text summary when
 * neither is given. bound: the one to report, NULL for the result's own.
 * Returns a CLI exit code. */
int cli_write_outputs(const cli_pool_source *source, const lm_pool *pool, lm_result *result,
                      const char *csv_path, const char *json_path, bool with_violations,
                      const cli_bound *bound);

#endif
