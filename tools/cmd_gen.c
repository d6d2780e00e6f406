/* lmatch gen: a synthetic city as CSV files (lm_pool_generate), for trying
 * libmatch out, for tests and for benchmarks. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: lmatch gen --participants N [--seed S] [--newcomer-share F] [--cities K]\n"
    "                  [--venues K --venues-out VENUES.csv] [--taxonomy FILE] -o POOL.csv\n"
    "\n"
    "Generates a synthetic sign-up list for a city modelled on Utrecht's ten\n"
    "districts: interests with a few popular topics and a long tail, newcomers who\n"
    "offer their languages and cuisines and want to learn Dutch, languages and\n"
    "weekly availability by role, homes around the district centres, ~20% willing\n"
    "hosts and ~5% needing step-free access. The same seed gives the same files,\n"
    "byte for byte, on every machine.\n"
    "\n"
    "Options:\n"
    "  -n, --participants N    how many participants (1 to 100000000)\n"
    "  -s, --seed S            the random seed (default 1)\n"
    "      --newcomer-share F  the share of newcomers, 0 to 1 (default 0.3)\n"
    "      --cities K          a country: K cities of heavy-tailed sizes (the k-th\n"
    "                          largest has 1/k of the largest's people) on a national\n"
    "                          map, each with its own district layout and the density\n"
    "                          of 25,000 people in Utrecht (default: one city, Utrecht,\n"
    "                          denser as N grows); venues are shared out like people\n"
    "      --venues K          also generate K community centres as venues\n"
    "      --venues-out FILE   where to write the venues CSV (needed with --venues)\n"
    "      --taxonomy FILE     draw topics from this taxonomy CSV, not the default\n"
    "  -o, --output FILE       where to write the participants CSV\n"
    "  -h, --help              show this help\n"
    "\n"
    "Example: lmatch gen -n 10000 --seed 7 --venues 40 --venues-out venues.csv -o pool.csv\n";

typedef struct gen_options {
    size_t participants;
    bool have_participants;
    uint64_t seed;
    double newcomer_share;
    size_t venues;
    size_t cities;
    const char *venues_out;
    const char *output;
    const char *taxonomy;
} gen_options;

static int parse(int argc, char **argv, gen_options *o)
{
    static const struct option options[] = {
        {"participants", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"newcomer-share", required_argument, NULL, 'f'},
        {"venues", required_argument, NULL, 'v'},
        {"cities", required_argument, NULL, 'c'},
        {"venues-out", required_argument, NULL, 'V'},
        {"taxonomy", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *command = argv[0];
    int option;
    while ((option = cli_getopt(argc, argv, "n:s:o:h", options)) != -1) {
        bool ok = true;
        switch (option) {
        case 'n':
            ok = cli_parse_size(command, "--participants", optarg, 1, 100000000, &o->participants);
            o->have_participants = ok;
            break;
        case 's': ok = cli_parse_u64(command, "--seed", optarg, &o->seed); break;
        case 'f':
            ok = cli_parse_double(command, "--newcomer-share", optarg, 0.0, 1.0,
                                  &o->newcomer_share);
            break;
        case 'v': ok = cli_parse_size(command, "--venues", optarg, 0, 1000000, &o->venues); break;
        case 'c': ok = cli_parse_size(command, "--cities", optarg, 1, 10000, &o->cities); break;
        case 'V': o->venues_out = optarg; break;
        case 't': o->taxonomy = optarg; break;
        case 'o': o->output = optarg; break;
        case 'h': cli_help(usage); return -1;
        default: return CLI_USAGE;
        }
        if (!ok)
            return CLI_USAGE;
    }
    if (optind < argc)
        return cli_usage_error(command, "unexpected argument '%s'", argv[optind]);
    if (!o->have_participants)
        return cli_usage_error(command, "how many? give --participants N");
    if (!o->output || !o->output[0])
        return cli_usage_error(command, "where to? give -o POOL.csv");
    if (o->venues && !o->venues_out)
        return cli_usage_error(command, "--venues needs --venues-out FILE");
    if (o->venues_out && !o->venues)
        return cli_usage_error(command, "--venues-out needs --venues K (at least 1)");
    if (o->venues_out && strcmp(o->venues_out, o->output) == 0)
        return cli_usage_error(command, "the participants and venues files must differ");
    return CLI_OK;
}

int cmd_gen(int argc, char **argv)
{
    gen_options o = {.seed = 1, .newcomer_share = 0.3};
    int code = parse(argc, argv, &o);
    if (code != CLI_OK)
        return code < 0 ? CLI_OK : code;
    lm_taxonomy *taxonomy = NULL;
    if (o.taxonomy && cli_load_taxonomy(o.taxonomy, &taxonomy) != CLI_OK)
        return CLI_BAD_INPUT;
    lm_pool *pool = NULL;
    int status = lm_pool_new(taxonomy, &pool);
    lm_taxonomy_free(taxonomy);
    if (status != LM_OK)
        return cli_report(status, NULL, NULL);
    status = lm_pool_generate_cities(pool, o.participants, o.newcomer_share, o.venues, o.cities,
                                     o.seed);
    if (status != LM_OK) {
        code = cli_report(status, pool, NULL);
    } else if ((status = lm_pool_save_csv(pool, o.output)) != LM_OK) {
        code = cli_report(status, pool, o.output);
    } else if (o.venues && (status = lm_pool_save_venues_csv(pool, o.venues_out)) != LM_OK) {
        code = cli_report(status, pool, o.venues_out);
    } else {
        size_t newcomers = 0;
        for (size_t p = 0; p < lm_pool_size(pool); p++)
            newcomers += lm_pool_role(pool, p) == LM_NEWCOMER;
        fprintf(stderr, "lmatch gen: wrote %zu participants (%zu newcomers) to %s", o.participants,
                newcomers, cli_escaped(o.output));
        if (o.venues)
            fprintf(stderr, " and %zu venues to %s", o.venues, cli_escaped(o.venues_out));
        if (o.cities)
            fprintf(stderr, " in %zu cities", o.cities);
        fputc('\n', stderr);
    }
    lm_pool_free(pool);
    return code;
}
