/* lmatch pairs: newcomer-resident buddy pairs ("taalmaatjes"), matched
 * exactly. The outputs are those of `lmatch groups`, with groups of two. */

#include "cli_lifecycle.h"
#include "cli_history.h"
#include "cli_result.h"

static const char usage[] =
    "Usage: lmatch pairs POOL.csv [OPTIONS] [-o PAIRS.csv] [--json OUT.json]\n"
    "\n"
    "Pairs newcomers with residents one to one (language buddies): every pair\n"
    "shares a language, has a weekly slot in which both are free and meets within\n"
    "both travel distances (at a venue when --venues is given; buddies do not book\n"
    "it, so venue capacity does not limit pairs). The pairs maximise the total of\n"
    "docs/objective.md for groups of two, exactly: the JSON says \"optimal\", or\n"
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
    "                       unassigned/mu; docs/objective.md explains each)\n"
    "  --threads T          threads for scoring pairs (default 1); the pairs do not\n"
    "                       depend on T\n"
    "  --no-language        do not require a shared language\n"
    "  --max-km K           travel distance for who gives none (default 5)\n"
    "  --seed N             accepted for symmetry with groups; pairs use no randomness\n"
    "  --taxonomy FILE      topics from a taxonomy CSV instead of the default\n"
    "  --strict             unknown tags are errors, not warnings\n"
    "  --key FILE           key file (lmatch keygen) for an encrypted pool\n"
    "  --passphrase-file F  the same from a passphrase (its first line)\n"
    "  --pseudonymize       write keyed pseudonyms instead of ids in every output\n"
    CLI_CONSTRAINT_HELP
    "                       (pairs: a together set of two is paired with each other\n"
    "                       or not at all; pins need kept groups, so pairs refuse them)\n"
    "  --quiet              no progress line on stderr\n"
    "  -h, --help           show this help\n";

int cmd_pairs(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_HISTORY_OPTIONS,
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
        {"key", required_argument, NULL, OPT_KEY},
        {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
        {"pseudonymize", no_argument, NULL, OPT_PSEUDONYMIZE},
        CLI_CONSTRAINT_OPTIONS,
        {"output", required_argument, NULL, 'o'},
        {"json", required_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const cli_solver solver = {"pairs", usage, NULL, options, lm_pairs_match};
    return cli_solve(argc, argv, &solver);
}
