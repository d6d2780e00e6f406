/* lmatch demo: libmatch at work on the embedded sample pool, a made-up
 * neighbourhood sign-up list. Until the group engine lands it shows what
 * libmatch reads from the list: who signed up, their interests, what they
 * can teach and want to learn, their languages and free times. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: lmatch demo\n"
    "\n"
    "Loads the embedded sample pool, a made-up sign-up list of a neighbourhood\n"
    "project in Utrecht (newcomers and residents, tags in Dutch, English and\n"
    "Arabic), and shows what libmatch reads from it: who signed up, what they\n"
    "like, can teach and want to learn, which languages they share and when they\n"
    "are free.\n"
    "\n"
    "Options:\n"
    "  -h, --help   show this help\n";

/* The share of a subtopic's level its category gets (the default rho;
 * the demo pool keeps it). */
#define DEMO_RHO 0.5

/* Whether the parent rule alone explains a category's level: some subtopic
 * was tagged at least at level / rho. */
static bool explained_by_child(const lm_pool *pool, size_t person, lm_vector vector,
                               size_t topic, double value)
{
    const lm_taxonomy *taxonomy = lm_pool_taxonomy(pool);
    for (size_t t = 0; t < lm_taxonomy_topic_count(taxonomy); t++)
        if (lm_taxonomy_topic_parent(taxonomy, t) == (int)topic &&
            DEMO_RHO * lm_pool_value(pool, person, vector, t) >= value - 1e-12)
            return true;
    return false;
}

/* Lists the topics a person tagged, strongest first, leaving out the
 * category levels that the parent rule set. */
static void print_tagged(const lm_pool *pool, size_t person, lm_vector vector, const char *verb)
{
    const lm_taxonomy *taxonomy = lm_pool_taxonomy(pool);
    size_t topics = lm_taxonomy_topic_count(taxonomy);
    size_t printed = 0;
    /* Levels are in tenths on sign-up forms: walk them from high to low. */
    for (int tenth = 10; tenth >= 0; tenth--) {
        double high = tenth / 10.0 + 0.05, low = tenth / 10.0 - 0.05;
        for (size_t t = 0; t < topics; t++) {
            double value = lm_pool_value(pool, person, vector, t);
            if (!(value > 0 && value >= low && value < high))
                continue;
            if (explained_by_child(pool, person, vector, t, value))
                continue;
            const char *label = lm_taxonomy_topic_label_en(taxonomy, t);
            printf("%s%s", printed++ ? ", " : verb, label ? label : "?");
        }
    }
}

static void print_languages(uint64_t mask)
{
    if (!mask) {
        fputs("languages not given", stdout);
        return;
    }
    size_t printed = 0;
    for (size_t b = 0; b < lm_language_count() && b < 64; b++)
        if (mask >> b & 1u)
            printf("%s%s", printed++ ? "/" : "", lm_language_code(b));
}

static void print_person(const lm_pool *pool, size_t person)
{
    bool newcomer = lm_pool_role(pool, person) == LM_NEWCOMER;
    printf("  %-8s %-8s ", lm_pool_id(pool, person), newcomer ? "newcomer" : "resident");
    print_languages(lm_pool_language_mask(pool, person));
    print_tagged(pool, person, LM_INTERESTS, "\n           likes ");
    print_tagged(pool, person, LM_OFFERS, "; can teach ");
    print_tagged(pool, person, LM_WANTS, "; wants to learn ");
    putchar('\n');
}

int cmd_demo(int argc, char **argv)
{
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int option;
    while ((option = cli_getopt(argc, argv, "h", options)) != -1) {
        if (option == 'h')
            return cli_help(usage);
        return CLI_USAGE;
    }
    if (optind < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);

    lm_pool *pool = NULL;
    int status = lm_pool_new(NULL, &pool);
    if (status == LM_OK)
        status = lm_pool_load_sample(pool);
    if (status != LM_OK) {
        int code = cli_report(status, pool, "sample pool");
        lm_pool_free(pool);
        return code;
    }
    /* The sample is meant to load cleanly: say so loudly if it does not. */
    for (size_t k = 0; k < lm_pool_warning_count(pool); k++)
        fprintf(stderr, "lmatch: warning: sample line %zu: %s\n", lm_pool_warning_line(pool, k),
                lm_pool_warning_message(pool, k));
    printf("libmatch %s demo: a neighbourhood sign-up list (made up, embedded)\n"
           "\n"
           "libmatch reads what people like, can teach and want to learn from the tags\n"
           "they wrote (\"gitaar\", \"koken:0.8\", \"طبخ\"), and forms mixed groups of\n"
           "newcomers and residents around a shared interest, where help flows both ways.\n"
           "\n",
           lm_version_string());
    cli_print_pool_summary(stdout, pool);
    printf("\nWho signed up (languages; tags as libmatch understood them):\n");
    for (size_t p = 0; p < lm_pool_size(pool); p++)
        print_person(pool, p);
    printf("\nNext steps:\n"
           "  lmatch taxonomy                       the topics tags are matched against\n"
           "  lmatch gen -n 1000 --seed 1 -o pool.csv && lmatch inspect pool.csv\n"
           "  lmatch inspect YOUR_LIST.csv          check your own sign-up list\n");
    lm_pool_free(pool);
    return fflush(stdout) == 0 ? CLI_OK : cli_error("could not write to stdout");
}
