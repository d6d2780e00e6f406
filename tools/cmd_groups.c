/* lmatch groups: forms mixed, equal-role project groups from a pool. */
#include <stdlib.h>
#include <string.h>

#include "cli_result.h"

static const char usage_head[] =
    "Usage: lmatch groups POOL.csv [OPTIONS] [-o GROUPS.csv] [--json OUT.json]\n"
    "\n"
    "Forms mixed, equal-role project groups: every group shares a language, has a\n"
    "weekly slot in which everybody is free, meets within everybody's travel\n"
    "distance (at a venue when --venues is given) and mixes newcomers and\n"
    "residents. The score of each group and the total follow docs/model.md.\n"
    "Without -o or --json, the groups are printed for a coordinator to read.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE    write the groups CSV (group,id,role,theme,slot,venue,cohost)\n"
    "  --json FILE          write the JSON result; '-' writes it to standard output\n"
    "  POOL may be CSV, msgpack or encrypted msgpack (with --key/--passphrase-file).\n";

static int help(void)
{
    printf("%s%s  -h, --help           show this help\n", usage_head, cli_run_options_help);
    return CLI_OK;
}

int cmd_groups(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_RUN_OPTIONS,
        {"output", required_argument, NULL, 'o'},
        {"json", required_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    lm_params *params = NULL;
    lm_key *key = NULL;
    if (lm_params_new(&params) != LM_OK)
        return cli_error("out of memory");
    cli_pool_source source = {0};
    const char *output = NULL, *json = NULL;
    bool quiet = false;
    int option, code = CLI_OK;
    while ((option = cli_getopt(argc, argv, "o:h", options)) != -1) {
        int handled = cli_run_option("groups", option, optarg, params, &quiet, &source);
        if (handled < 0) {
            code = CLI_USAGE;
            goto done;
        }
        if (handled)
            continue;
        switch (option) {
        case 'o': output = optarg; break;
        case OPT_JSON: json = optarg; break;
        case 'h': code = help(); goto done;
        default: code = CLI_USAGE; goto done;
        }
    }
    if (optind + 1 != argc) {
        code = cli_usage_error("groups", "expects one pool file");
        goto done;
    }
    if (lm_params_check(params) != LM_OK) {
        code = cli_usage_error("groups", "%s", lm_errmsg(params));
        goto done;
    }
    source.path = argv[optind];
    lm_pool *pool = NULL;
    code = cli_prepare_key("groups", &source, &key);
    if (code == CLI_OK)
        code = cli_load_pool(&source, &pool);
    if (code != CLI_OK)
        goto done;
    lm_result *result = NULL;
    cli_progress progress = {0};
    if (lm_result_new(&result) != LM_OK) {
        code = cli_error("out of memory");
    } else {
        if (!quiet && lm_params_set_progress(params, cli_progress_line, &progress) != LM_OK)
            code = cli_error("out of memory");
        int status = code == CLI_OK ? lm_groups_form(pool, params, result) : LM_OK;
        cli_progress_done(&progress);
        if (status != LM_OK)
            code = cli_report(status, result, source.path);
        if (code == CLI_OK)
            code = cli_write_outputs(&source, pool, result, output, json, false);
    }
    lm_result_free(result);
    lm_pool_free(pool);
done:
    lm_key_free(key);
    lm_params_free(params);
    return code;
}
