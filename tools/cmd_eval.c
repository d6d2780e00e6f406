/* lmatch eval: scores groups made by hand (or by lmatch groups) and lists
 * every hard constraint they break. */
#include <stdlib.h>
#include <string.h>

#include "cli_lifecycle.h"
#include "cli_result.h"

static const char usage_head[] =
    "Usage: lmatch eval POOL.csv GROUPS.csv [OPTIONS] [--json [FILE]]\n"
    "\n"
    "Reads a groups CSV (group,id,role,theme,slot,venue,cohost: the one lmatch\n"
    "groups -o writes; role, theme and cohost may be left empty), scores every\n"
    "group by the objective of docs/objective.md, and lists every violated hard\n"
    "constraint by group and participant: size, mix of roles, shared language,\n"
    "common slot, travel distance, step-free access, venue hours and capacity.\n"
    "An empty slot or venue cell lets eval pick a feasible one. The report ends\n"
    "with an upper bound on the total of any grouping that keeps every rule, and\n"
    "how close this one comes to it (\"bound\" and \"gap\" in the JSON).\n"
    "\n"
    "Options:\n"
    "  --json [FILE]        write the JSON result with \"violations\" and \"feasible\";\n"
    "                       to standard output without FILE or with '-'; a FILE\n"
    "                       after a space must end in .json (else write --json=FILE)\n"
    "  --fail-on-violation  exit 1 when any constraint is violated\n"
    CLI_CONSTRAINT_HELP
    "                       (each broken one is a violation of its kind: together,\n"
    "                       apart, pin, excluded)\n"
    "  --keep GROUPS.csv    the kept groups the pins of --constraints name\n";

enum { OPT_FAIL = 0x200 };

static int help(void)
{
    printf("%s%s", usage_head, cli_run_options_help);
    return CLI_OK;
}

static void print_report(const cli_pool_source *source, const lm_pool *pool,
                         lm_result *result, const cli_bound *bound)
{
    cli_write_outputs(source, pool, result, NULL, NULL, true, bound);
    size_t count = lm_result_violation_count(result);
    if (count == 0) {
        printf("No hard constraint is violated.\n");
        return;
    }
    printf("\n%zu violations:\n", count);
    for (size_t k = 0; k < count; k++)
        printf("    group %zu, %s: %s\n", lm_result_violation_group(result, k) + 1,
               lm_violation_name(lm_result_violation_kind(result, k)),
               source->pseudonymize ? "(details hidden: they name participants)"
                                    : lm_result_violation_message(result, k));
}

/* `--json` takes an optional value, which getopt only sees as --json=VALUE;
 * "--json -" and "--json OUT.json" are joined here so they work as well. */
static void join_json_value(int argc, char **argv, char *joined, size_t size)
{
    for (int k = 1; k + 1 < argc; k++) {
        const char *next = argv[k + 1];
        size_t length = strlen(next);
        bool is_file = strcmp(next, "-") == 0 ||
                       (length > 5 && strcmp(next + length - 5, ".json") == 0);
        if (strcmp(argv[k], "--json") != 0 || !is_file)
            continue;
        snprintf(joined, size, "--json=%s", next);
        argv[k] = joined;
        for (int m = k + 1; m + 1 < argc; m++)
            argv[m] = argv[m + 1];
        argv[argc - 1] = NULL;
        return;
    }
}

int cmd_eval(int argc, char **argv)
{
    char joined[4096] = "";
    join_json_value(argc, argv, joined, sizeof joined);
    if (joined[0] && argv[argc - 1] == NULL)
        argc--;
    static const struct option options[] = {
        CLI_RUN_OPTIONS,
        {"json", optional_argument, NULL, OPT_JSON},
        {"fail-on-violation", no_argument, NULL, OPT_FAIL},
        CLI_CONSTRAINT_OPTIONS,
        {"keep", required_argument, NULL, OPT_KEEP},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    lm_params *params = NULL;
    lm_key *key = NULL;
    if (lm_params_new(&params) != LM_OK)
        return cli_error("out of memory");
    cli_pool_source source = {0};
    cli_lifecycle life = {0}; /* --constraints, --keep (cli_lifecycle.c) */
    const char *json = NULL;
    bool quiet = false, fail_on_violation = false;
    int option, code = CLI_OK;
    while ((option = cli_getopt(argc, argv, "h", options)) != -1) {
        if (cli_lifecycle_option(option, optarg, &life))
            continue;
        int handled = cli_run_option("eval", option, optarg, params, &quiet, &source);
        if (handled < 0) {
            code = CLI_USAGE;
            goto done;
        }
        if (handled)
            continue;
        switch (option) {
        case OPT_JSON: json = optarg ? optarg : "-"; break;
        case OPT_FAIL: fail_on_violation = true; break;
        case 'h': code = help(); goto done;
        default: code = CLI_USAGE; goto done;
        }
    }
    if (optind + 2 != argc) {
        code = cli_usage_error("eval", "expects a pool file and a groups file");
        goto done;
    }
    if (lm_params_check(params) != LM_OK) {
        code = cli_usage_error("eval", "%s", lm_errmsg(params));
        goto done;
    }
    source.path = argv[optind];
    const char *groups_path = argv[optind + 1];
    lm_pool *pool = NULL;
    code = cli_prepare_key("eval", &source, &key);
    if (code == CLI_OK)
        code = cli_load_pool(&source, &pool);
    if (code == CLI_OK)
        code = cli_lifecycle_load("eval", pool, params, &life, quiet);
    if (code != CLI_OK) {
        cli_lifecycle_free(&life);
        lm_pool_free(pool);
        goto done;
    }
    lm_grouping *grouping = NULL;
    lm_result *result = NULL;
    int status = lm_grouping_new(&grouping);
    if (status == LM_OK)
        status = lm_result_new(&result);
    if (status != LM_OK) {
        code = cli_error("out of memory");
    } else if ((status = lm_grouping_load_csv(grouping, pool, groups_path)) != LM_OK) {
        code = cli_report(status, grouping, groups_path);
    } else if ((status = lm_groups_evaluate(pool, params, grouping, result)) != LM_OK) {
        code = cli_report(status, result, groups_path);
    } else {
        /* how far the grouping is from the best that any grouping could do */
        cli_bound bound = cli_groups_bound(pool, params, result);
        if (json)
            code = cli_write_outputs(&source, pool, result, NULL, json, true, &bound);
        else
            print_report(&source, pool, result, &bound);
        if (code == CLI_OK && fail_on_violation && lm_result_violation_count(result) > 0)
            code = CLI_BAD_INPUT;
    }
    lm_result_free(result);
    lm_grouping_free(grouping);
    cli_lifecycle_free(&life);
    lm_pool_free(pool);
done:
    lm_key_free(key);
    lm_params_free(params);
    return code;
}
