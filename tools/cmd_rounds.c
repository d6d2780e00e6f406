/* lmatch rounds: several rounds of groups in which as few people as
 * possible meet twice (a welcome evening that rotates its tables, a season
 * of a programme), and the social golfer problem on its own (--golfer). */
#include <stdlib.h>
#include <string.h>

#include "cli_history.h"
#include "cli_lifecycle.h"
#include "cli_result.h"
#include "json.h"

static const char usage_head[] =
    "Usage: lmatch rounds POOL.csv --rounds R [OPTIONS] [-o ROUNDS.csv] [--json OUT.json]\n"
    "       lmatch rounds --golfer G-S-W [--effort E] [--seed N] [--json OUT.json]\n"
    "\n"
    "Forms R rounds of groups from one pool. Every group of every round keeps the\n"
    "rules of `lmatch groups` (size, mix, language, slot, distance, venue), and as\n"
    "few pairs as possible meet in more than one round (or meet again after the\n"
    "rounds given with --history): each round is formed with the earlier ones as\n"
    "its history, then a search over all rounds swaps members between two groups\n"
    "of one round where that removes a repeat and both groups keep every rule.\n"
    "A repeat counts every meeting of a pair after its first.\n"
    "\n"
    "--golfer G-S-W solves the social golfer problem instead (CSPLib problem 10):\n"
    "G x S players in G groups of S for W rounds, with as few repeats as possible.\n"
    "\n"
    "Options:\n"
    "  --rounds R           the number of rounds (1 to 200)\n"
    "  -o, --output FILE    write one groups CSV with a first column round (from 1):\n"
    "                       round,group,id,role,theme,slot,venue,cohost\n"
    "  --json FILE          write {\"rounds\": [one groups result per round],\n"
    "                       \"repeated_pairs\": N}; '-' writes it to standard output\n"
    "  --golfer G-S-W       the social golfer problem (no pool); --json FILE writes\n"
    "                       {\"groups\", \"size\", \"rounds\", \"schedule\", \"repeated_pairs\"}\n"
    CLI_CONSTRAINT_HELP
    "                       (every round keeps them; with constraints the rounds are\n"
    "                       formed one by one, without the search over all rounds)\n";

enum { OPT_ROUNDS = 0x1c0, OPT_GOLFER };

static int parse_golfer(const char *text, size_t golfer[3])
{
    char *end;
    const char *at = text;
    for (int k = 0; k < 3; k++) {
        unsigned long value = strtoul(at, &end, 10);
        if (end == at || value == 0 || value > 4096 || (k < 2 && *end != '-') ||
            (k == 2 && *end != '\0'))
            return cli_usage_error("rounds", "--golfer: expected G-S-W such as 8-4-10, not '%s'",
                                   text);
        golfer[k] = value;
        at = end + 1;
    }
    return CLI_OK;
}

static int solve_golfer(const size_t golfer[3], lm_params *params, const char *json_path)
{
    lm_result *result = NULL;
    if (lm_result_new(&result) != LM_OK)
        return cli_error("out of memory");
    size_t repeats = 0;
    int status = lm_golfer_solve(golfer[0], golfer[1], golfer[2], params, result, &repeats);
    if (status != LM_OK) {
        int code = cli_report(status, result, "golfer");
        lm_result_free(result);
        return code;
    }
    int code = CLI_OK;
    if (json_path) {
        cli_output out;
        if (cli_output_open(&out, json_path) != CLI_OK) {
            lm_result_free(result);
            return CLI_BAD_INPUT;
        }
        json_writer w;
        json_init(&w, out.file);
        json_begin_object(&w);
        json_key(&w, "groups");
        json_uint(&w, golfer[0]);
        json_key(&w, "size");
        json_uint(&w, golfer[1]);
        json_key(&w, "rounds");
        json_uint(&w, golfer[2]);
        json_key(&w, "schedule");
        json_begin_array(&w);
        for (size_t r = 0; r < golfer[2]; r++) {
            json_begin_array(&w);
            for (size_t g = 0; g < golfer[0]; g++) {
                json_begin_inline_array(&w);
                for (size_t m = 0; m < golfer[1]; m++)
                    json_uint(&w, lm_result_group_member(result, r * golfer[0] + g, m));
                json_end_array(&w);
            }
            json_end_array(&w);
        }
        json_end_array(&w);
        json_key(&w, "repeated_pairs");
        json_uint(&w, repeats);
        json_end_object(&w);
        code = json_finish(&w) == 0 ? cli_output_close(&out, true)
                                     : (cli_output_close(&out, false),
                                        cli_error("%s: could not write the JSON", json_path));
    } else {
        for (size_t r = 0; r < golfer[2]; r++) {
            printf("Round %zu:", r + 1);
            for (size_t g = 0; g < golfer[0]; g++) {
                printf(g ? " |" : " ");
                for (size_t m = 0; m < golfer[1]; m++)
                    printf(" %zu", lm_result_group_member(result, r * golfer[0] + g, m) + 1);
            }
            putchar('\n');
        }
        printf("Repeated pairs: %zu\n", repeats);
    }
    fprintf(stderr, "lmatch rounds: golfer %zu-%zu-%zu, %zu repeated pairs\n", golfer[0],
            golfer[1], golfer[2], repeats);
    lm_result_free(result);
    return code;
}

static int write_json(const char *path, const lm_pool *pool, lm_result *const *results,
                      size_t rounds, size_t repeats)
{
    cli_output out;
    if (cli_output_open(&out, path) != CLI_OK)
        return CLI_BAD_INPUT;
    json_writer w;
    json_init(&w, out.file);
    json_begin_object(&w);
    json_key(&w, "rounds");
    json_begin_array(&w);
    for (size_t r = 0; r < rounds; r++) {
        cli_bound bound = cli_result_bound(results[r]);
        cli_json_result(&w, pool, results[r], false, NULL, NULL, &bound, NULL);
    }
    json_end_array(&w);
    json_key(&w, "repeated_pairs");
    json_uint(&w, repeats);
    json_end_object(&w);
    if (json_finish(&w) != 0) {
        cli_output_close(&out, false);
        return cli_error("%s: could not write the JSON result", path);
    }
    return cli_output_close(&out, true);
}

static int form_rounds(cli_pool_source *source, lm_params *params, cli_history *history,
                       cli_lifecycle *life, size_t rounds, const char *output, const char *json,
                       bool quiet)
{
    lm_pool *pool = NULL;
    lm_key *key = NULL;
    lm_result **results = calloc(rounds, sizeof *results);
    int code = results ? cli_prepare_key("rounds", source, &key) : cli_error("out of memory");
    if (code == CLI_OK)
        code = cli_load_pool(source, &pool);
    if (code == CLI_OK)
        code = cli_lifecycle_load("rounds", pool, params, life, quiet);
    if (code == CLI_OK)
        code = cli_history_load("rounds", pool, params, history, NULL);
    for (size_t r = 0; r < rounds && code == CLI_OK; r++)
        if (lm_result_new(&results[r]) != LM_OK)
            code = cli_error("out of memory");
    cli_progress progress = {0};
    if (code == CLI_OK && !quiet &&
        lm_params_set_progress(params, cli_progress_line, &progress) != LM_OK)
        code = cli_error("out of memory");
    size_t repeats = 0;
    if (code == CLI_OK) {
        int status = lm_rounds_form(pool, params, rounds, results, &repeats);
        cli_progress_done(&progress);
        if (status != LM_OK)
            code = cli_report(status, results[0], source->path);
    }
    if (code == CLI_OK && !quiet) {
        double total = 0.0;
        size_t placed = 0, people = lm_pool_size(pool);
        for (size_t r = 0; r < rounds; r++) {
            total += lm_result_total(results[r]);
            placed += people - lm_result_unassigned_count(results[r]);
        }
        fprintf(stderr,
                "lmatch rounds: %zu rounds, %.1f of %zu placed per round, %zu repeated pairs, "
                "mean total %.2f\n",
                rounds, (double)placed / (double)rounds, people, repeats,
                total / (double)rounds);
    }
    if (code == CLI_OK && output) {
        int status = lm_rounds_save_csv(results, rounds, pool, output);
        if (status != LM_OK)
            code = cli_report(status, results[0], output);
    }
    if (code == CLI_OK && json)
        code = write_json(json, pool, results, rounds, repeats);
    if (code == CLI_OK && !output && !json) {
        for (size_t r = 0; r < rounds; r++) {
            printf("==== Round %zu ====\n\n", r + 1);
            cli_print_groups(stdout, pool, results[r], NULL, NULL);
            putchar('\n');
        }
        printf("Repeated pairs over the rounds: %zu\n", repeats);
    }
    for (size_t r = 0; results && r < rounds; r++)
        lm_result_free(results[r]);
    free(results);
    lm_pool_free(pool);
    lm_key_free(key);
    return code;
}

int cmd_rounds(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_RUN_OPTIONS,
        CLI_HISTORY_OPTIONS,
        CLI_CONSTRAINT_OPTIONS,
        {"rounds", required_argument, NULL, OPT_ROUNDS},
        {"golfer", required_argument, NULL, OPT_GOLFER},
        {"output", required_argument, NULL, 'o'},
        {"json", required_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    lm_params *params = NULL;
    if (lm_params_new(&params) != LM_OK)
        return cli_error("out of memory");
    cli_pool_source source = {0};
    cli_history history = {0};
    cli_lifecycle life = {0}; /* --constraints (cli_lifecycle.c) */
    const char *output = NULL, *json = NULL;
    size_t rounds = 0, golfer[3] = {0, 0, 0};
    bool quiet = false, golf = false;
    int option, code = CLI_OK;
    while ((option = cli_getopt(argc, argv, "o:h", options)) != -1) {
        if (cli_lifecycle_option(option, optarg, &life))
            continue;
        int handled = cli_history_option("rounds", option, optarg, params, &history);
        if (handled == 0)
            handled = cli_run_option("rounds", option, optarg, params, &quiet, &source);
        if (handled < 0) {
            code = CLI_USAGE;
            goto done;
        }
        if (handled)
            continue;
        switch (option) {
        case OPT_ROUNDS:
            if (!cli_parse_size("rounds", "--rounds", optarg, 1, 200, &rounds))
                code = CLI_USAGE;
            break;
        case OPT_GOLFER:
            code = parse_golfer(optarg, golfer);
            golf = true;
            break;
        case 'o': output = optarg; break;
        case OPT_JSON: json = optarg; break;
        case 'h':
            printf("%s%s%s", usage_head, cli_history_options_help, cli_run_options_help);
            goto done;
        default: code = CLI_USAGE; break;
        }
        if (code != CLI_OK)
            goto done;
    }
    if (golf) {
        if (optind != argc || output || history.count || life.constraints_path)
            code = cli_usage_error("rounds", "--golfer takes no pool, -o, --history or "
                                             "--constraints");
        else
            code = solve_golfer(golfer, params, json);
        goto done;
    }
    if (optind + 1 != argc) {
        code = cli_usage_error("rounds", "expects one pool file");
        goto done;
    }
    if (rounds == 0) {
        code = cli_usage_error("rounds", "--rounds R is required");
        goto done;
    }
    if (source.pseudonymize) {
        code = cli_usage_error("rounds", "--pseudonymize is not supported by rounds");
        goto done;
    }
    if (lm_params_check(params) != LM_OK) {
        code = cli_usage_error("rounds", "%s", lm_errmsg(params));
        goto done;
    }
    source.path = argv[optind];
    code = form_rounds(&source, params, &history, &life, rounds, output, json, quiet);
done:
    cli_history_free(&history);
    cli_lifecycle_free(&life);
    lm_params_free(params);
    return code;
}
