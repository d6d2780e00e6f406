/* lmatch demo: libmatch at work on the embedded sample pool, a made-up
 * neighbourhood sign-up list, with three community centres as venues. */
#include <stdlib.h>
#include <string.h>

#include "cli_result.h"

static const char usage[] =
    "Usage: lmatch demo [--seed N] [--json FILE]\n"
    "\n"
    "Loads the embedded sample pool, a made-up sign-up list of a neighbourhood\n"
    "project in Utrecht (newcomers and residents, tags in Dutch, English,\n"
    "Arabic and Tigrinya), adds three community centres as venues, forms mixed,\n"
    "equal-role project groups and shows them the way a coordinator reads them:\n"
    "each group's theme, day and time, venue, members and co-hosts, and why they\n"
    "fit (what they share, who can teach what to whom).\n"
    "\n"
    "Options:\n"
    "  --seed N      random seed (default 1)\n"
    "  --json FILE   also write the JSON result ('-' for standard output)\n"
    "  -h, --help    show this help\n";

/* Community centres near the sample's three neighbourhoods (made up). */
static int add_venues(lm_pool *pool)
{
    static const struct {
        const char *id;
        double lat, lon;
        const char *open;
        unsigned capacity;
        bool step_free;
    } venues[] = {
        {"Buurthuis Overvecht", 52.1160, 5.1140,
         "mon-pm;wed-pm;wed-ev;thu-pm;fri-ev;sat-am;sat-pm;sun-pm", 2, true},
        {"Wijkcentrum Kanaleneiland", 52.0745, 5.0960,
         "tue-pm;tue-ev;thu-pm;thu-ev;sat-am;sun-pm", 2, true},
        {"Huiskamer Zuilen", 52.1045, 5.0990, "wed-ev;sat-am;sun-pm", 1, false},
    };
    for (size_t k = 0; k < sizeof venues / sizeof venues[0]; k++) {
        uint64_t open = 0;
        char labels[128];
        strcpy(labels, venues[k].open);
        for (char *label = strtok(labels, ";"); label; label = strtok(NULL, ";")) {
            size_t slot;
            if (lm_slot_find(label, &slot) != LM_OK)
                return LM_E_NOTFOUND;
            open |= (uint64_t)1 << slot;
        }
        int status = lm_pool_add_venue(pool, venues[k].id, venues[k].lat, venues[k].lon, open,
                                       venues[k].capacity, venues[k].step_free, NULL);
        if (status != LM_OK)
            return status;
    }
    return LM_OK;
}

int cmd_demo(int argc, char **argv)
{
    static const struct option options[] = {
        {"seed", required_argument, NULL, 's'},
        {"json", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    uint64_t seed = 1;
    const char *json = NULL;
    int option;
    while ((option = cli_getopt(argc, argv, "h", options)) != -1) {
        switch (option) {
        case 's':
            if (!cli_parse_u64("demo", "--seed", optarg, &seed))
                return CLI_USAGE;
            break;
        case 'j': json = optarg; break;
        case 'h': return cli_help(usage);
        default: return CLI_USAGE;
        }
    }
    if (optind != argc)
        return cli_usage_error("demo", "takes no arguments");

    lm_pool *pool = NULL;
    lm_params *params = NULL;
    lm_result *result = NULL;
    int code = CLI_OK, status = lm_pool_new(NULL, &pool);
    if (status == LM_OK)
        status = lm_pool_load_sample(pool);
    if (status == LM_OK)
        status = add_venues(pool);
    if (status == LM_OK)
        status = lm_params_new(&params);
    if (status == LM_OK)
        status = lm_params_set_int(params, LM_PARAM_SEED, (int64_t)seed);
    if (status == LM_OK)
        status = lm_result_new(&result);
    if (status == LM_OK)
        status = lm_groups_form(pool, params, result);
    if (status != LM_OK) {
        code = cli_report(status, result ? (const void *)result : (const void *)pool, "demo");
    } else {
        size_t newcomers = 0;
        for (size_t p = 0; p < lm_pool_size(pool); p++)
            newcomers += lm_pool_role(pool, p) == LM_NEWCOMER;
        printf("libmatch %s demo: a neighbourhood sign-up list (made up, embedded)\n\n"
               "%zu people signed up: %zu newcomers and %zu residents, with tags such as\n"
               "\"gitaar\", \"koken:0.8\" and \"طبخ\". libmatch forms mixed groups around a\n"
               "shared interest, where help flows both ways, that share a language, have a\n"
               "weekly slot in common and meet at a community centre close to everybody.\n\n",
               lm_version_string(), lm_pool_size(pool), newcomers,
               lm_pool_size(pool) - newcomers);
        cli_print_groups(stdout, pool, result, NULL, NULL);
        printf("\nTry: lmatch gen --participants 2000 --seed 7 --venues 10 --venues-out v.csv -o pool.csv\n"
               "     lmatch groups pool.csv --venues v.csv -o groups.csv\n"
               "     lmatch eval pool.csv groups.csv --venues v.csv\n"
               "     lmatch report pool.csv groups.csv --venues v.csv -o report.html\n");
        if (json)
            code = cli_write_result_json(json, pool, result, false, NULL, NULL);
    }
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
    return code;
}
