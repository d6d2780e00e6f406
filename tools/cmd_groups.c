/* lmatch groups: forms mixed, equal-role project groups from a pool. */

#include "cli_lifecycle.h"
#include "cli_history.h"
#include "cli_result.h"

static const char usage_head[] =
    "Usage: lmatch groups POOL.csv [OPTIONS] [-o GROUPS.csv] [--json OUT.json]\n"
    "\n"
    "Forms mixed, equal-role project groups: every group shares a language, has a\n"
    "weekly slot in which everybody is free, meets within everybody's travel\n"
    "distance (at a venue when --venues is given) and mixes newcomers and\n"
    "residents. The score of each group and the total follow docs/objective.md.\n"
    "Without -o or --json, the groups are printed for a coordinator to read.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE    write the groups CSV (group,id,role,theme,slot,venue,cohost)\n"
    "  --json FILE          write the JSON result; '-' writes it to standard output\n"
    CLI_CONSTRAINT_HELP CLI_KEEP_HELP
    "  POOL may be CSV, msgpack or encrypted msgpack (with --key/--passphrase-file).\n";

int cmd_groups(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_RUN_OPTIONS,
        CLI_HISTORY_OPTIONS,
        CLI_CONSTRAINT_OPTIONS,
        CLI_KEEP_OPTIONS,
        {"output", required_argument, NULL, 'o'},
        {"json", required_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const cli_solver solver = {"groups", usage_head, cli_run_options_help, options,
                               lm_groups_form};
    return cli_solve(argc, argv, &solver);
}
