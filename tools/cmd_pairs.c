/* lmatch pairs: newcomer-resident buddy pairs ("taalmaatjes"), matched
 * exactly. The outputs are those of `lmatch groups`, with groups of two. */
#include <stdlib.h>
#include <string.h>

#include "cli_result.h"

static const char usage[] =
    "Usage: lmatch pairs POOL.csv [OPTIONS] [-o PAIRS.csv] [--json OUT.json]\n"
    "\n"
    "Pairs newcomers with residents one to one (language buddies): every pair\n"
    "shares a language, has a weekly slot in which both are free and meets within\n"
    "both travel distances (at a venue when --venues is given; buddies do not book\n"
    "it, so venue capacity does not limit pairs). The pairs maximise the total of\n"
    "docs/model.md for groups of two, exactly: the JSON says \"optimal\", or\n"
    "\"optimal_on_candidates\" when large pools are solved on the candidate graph\n"
    "(the best K partners per person). Whoever stays alone is listed with a reason.\n"
    "Without -o or --json, the pairs are printed for a coordinator to read.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE    write the pairs CSV (group,id,role,theme,slot,venue,cohost),\n"
    "                       which `lmatch eval --min-size 2 --max-size 2\n"
    "                       --min-per-role 1` reads back\n"
    "  --json FILE          write the JSON result; '-' writes it to standard output\n"
    "  --venues FILE        venues CSV: pairs meet at a venue that is open, close\n"
    "                       enough and step-free when needed\n"
    "  --candidates K       partners kept per person on the candidate graph; 0 (the\n"
    "                       default) pairs all newcomers with all residents when that\n"
    "                       is at most 25 million pairs, else keeps 20\n"
    "  --weights LIST       alpha,beta,gamma,eta,lambda,mu (default 1,1,1,1,0.5,10) or\n"
    "                       name=value pairs: theme=2,unassigned=5 (names: theme/alpha,\n"
    "                       shared/beta, exchange/gamma, cohost/eta, balance/lambda,\n"
    "                       unassigned/mu)\n"
    "  --threads T          threads for scoring pairs (default 1); the pairs do not\n"
    "                       depend on T\n"
    "  --no-language        do not require a shared language\n"
    "  --max-km K           travel distance for who gives none (default 5)\n"
    "  --seed N             accepted for symmetry with groups; pairs use no randomness\n"
    "  --taxonomy FILE      topics from a taxonomy CSV instead of the default\n"
    "  --strict             unknown tags are errors, not warnings\n"
    "  --quiet              no progress line on stderr\n"
    "  -h, --help           show this help\n";

int cmd_pairs(int argc, char **argv)
{
    static const struct option options[] = {
        {"venues", required_argument, NULL, OPT_VENUES},
        {"candidates", required_argument, NULL, OPT_CANDIDATES},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"weights", required_argument, NULL, OPT_WEIGHTS},
        {"no-language", no_argument, NULL, OPT_NO_LANGUAGE},
        {"max-km", required_argument, NULL, OPT_MAX_KM},
        {"seed", required_argument, NULL, OPT_SEED},
        {"taxonomy", required_argument, NULL, OPT_TAXONOMY},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"output", required_argument, NULL, 'o'},
        {"json", required_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    lm_params *params = NULL;
    if (lm_params_new(&params) != LM_OK)
        return cli_error("out of memory");
    cli_pool_source source = {0};
    const char *output = NULL, *json = NULL;
    bool quiet = false;
    int option, code = CLI_OK;
    while ((option = cli_getopt(argc, argv, "o:h", options)) != -1) {
        int handled = cli_run_option("pairs", option, optarg, params, &quiet, &source);
        if (handled < 0) {
            code = CLI_USAGE;
            goto done;
        }
        if (handled)
            continue;
        switch (option) {
        case 'o': output = optarg; break;
        case OPT_JSON: json = optarg; break;
        case 'h': code = cli_help(usage); goto done;
        default: code = CLI_USAGE; goto done;
        }
    }
    if (optind + 1 != argc) {
        code = cli_usage_error("pairs", "expects one pool file");
        goto done;
    }
    source.path = argv[optind];
    lm_pool *pool = NULL;
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
        int status = code == CLI_OK ? lm_pairs_match(pool, params, result) : LM_OK;
        cli_progress_done(&progress);
        if (status != LM_OK)
            code = cli_report(status, result, source.path);
        if (code == CLI_OK)
            code = cli_write_outputs(&source, pool, result, output, json, false);
    }
    lm_result_free(result);
    lm_pool_free(pool);
done:
    lm_params_free(params);
    return code;
}
