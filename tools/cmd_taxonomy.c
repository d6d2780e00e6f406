/* lmatch taxonomy: the topics (vector dimensions), the slot grid and the
 * language table, as a readable tree or as JSON (docs/formats.md). */
#include <string.h>

#include "cli.h"
#include "json.h"

static const char usage[] =
    "Usage: lmatch taxonomy [--json] [--taxonomy FILE]\n"
    "\n"
    "Lists the topics that sign-up tags are matched against (categories and their\n"
    "subtopics, with English and Dutch labels and synonyms), the weekly slots and\n"
    "the known languages.\n"
    "\n"
    "Options:\n"
    "  --json           print JSON on stdout: {\"topics\": [{\"key\", \"parent\",\n"
    "                   \"label_en\", \"label_nl\", \"synonyms\"}], \"slots\": [...],\n"
    "                   \"languages\": [{\"code\", \"name_en\"}]}\n"
    "  --taxonomy FILE  a taxonomy CSV (key,parent,label_en,label_nl,synonyms)\n"
    "                   instead of the embedded default\n"
    "  -h, --help       show this help\n";

static int print_json(const lm_taxonomy *taxonomy)
{
    json_writer json;
    json_init(&json, stdout);
    json_begin_object(&json);
    json_key(&json, "topics");
    json_begin_array(&json);
    for (size_t t = 0; t < lm_taxonomy_topic_count(taxonomy); t++) {
        json_begin_object(&json);
        json_key(&json, "key");
        json_string(&json, lm_taxonomy_topic_key(taxonomy, t));
        json_key(&json, "parent");
        int parent = lm_taxonomy_topic_parent(taxonomy, t);
        json_string(&json, parent >= 0 ? lm_taxonomy_topic_key(taxonomy, (size_t)parent) : NULL);
        json_key(&json, "label_en");
        json_string(&json, lm_taxonomy_topic_label_en(taxonomy, t));
        json_key(&json, "label_nl");
        json_string(&json, lm_taxonomy_topic_label_nl(taxonomy, t));
        json_key(&json, "synonyms");
        json_begin_inline_array(&json);
        for (size_t k = 0; k < lm_taxonomy_topic_synonym_count(taxonomy, t); k++)
            json_string(&json, lm_taxonomy_topic_synonym(taxonomy, t, k));
        json_end_array(&json);
        json_end_object(&json);
    }
    json_end_array(&json);
    json_key(&json, "slots");
    json_begin_inline_array(&json);
    for (size_t s = 0; s < lm_slot_count(); s++)
        json_string(&json, lm_slot_label(s));
    json_end_array(&json);
    json_key(&json, "languages");
    json_begin_array(&json);
    for (size_t l = 0; l < lm_language_count(); l++) {
        json_begin_object(&json);
        json_key(&json, "code");
        json_string(&json, lm_language_code(l));
        json_key(&json, "name_en");
        json_string(&json, lm_language_name_en(l));
        json_end_object(&json);
    }
    json_end_array(&json);
    json_end_object(&json);
    return json_finish(&json) == 0 ? CLI_OK : cli_error("could not write to stdout");
}

static void print_topic(const lm_taxonomy *taxonomy, size_t topic, int depth)
{
    char name[256];
    cli_topic_name(taxonomy, topic, name, sizeof name);
    printf("%*s%-*s %s", 2 + 2 * depth, "", 22 - 2 * depth,
           lm_taxonomy_topic_key(taxonomy, topic), name);
    size_t synonyms = lm_taxonomy_topic_synonym_count(taxonomy, topic);
    for (size_t k = 0; k < synonyms; k++)
        printf("%s%s", k ? ", " : "  also: ", lm_taxonomy_topic_synonym(taxonomy, topic, k));
    putchar('\n');
}

static int print_text(const lm_taxonomy *taxonomy)
{
    size_t topics = lm_taxonomy_topic_count(taxonomy), categories = 0;
    for (size_t t = 0; t < topics; t++)
        categories += lm_taxonomy_topic_parent(taxonomy, t) < 0;
    printf("Topics: %zu categories, %zu subtopics (key, English (Dutch) label, synonyms)\n",
           categories, topics - categories);
    for (size_t c = 0; c < topics; c++) {
        if (lm_taxonomy_topic_parent(taxonomy, c) >= 0)
            continue;
        print_topic(taxonomy, c, 0);
        for (size_t t = 0; t < topics; t++)
            if (lm_taxonomy_topic_parent(taxonomy, t) == (int)c)
                print_topic(taxonomy, t, 1);
    }
    printf("\nWeekly slots (%zu), by index:\n ", lm_slot_count());
    for (size_t s = 0; s < lm_slot_count(); s++)
        printf(" %zu:%s%s", s, lm_slot_label(s), s % 3 == 2 ? "\n " : "");
    printf("\nLanguages (%zu), code and name:\n", lm_language_count());
    for (size_t l = 0; l < lm_language_count(); l++)
        printf("  %-4s %-20s%s", lm_language_code(l), lm_language_name_en(l),
               l % 3 == 2 || l + 1 == lm_language_count() ? "\n" : "");
    return fflush(stdout) == 0 ? CLI_OK : cli_error("could not write to stdout");
}

int cmd_taxonomy(int argc, char **argv)
{
    static const struct option options[] = {
        {"json", no_argument, NULL, 'j'},
        {"taxonomy", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool json = false;
    const char *path = NULL;
    int option;
    while ((option = cli_getopt(argc, argv, "h", options)) != -1) {
        switch (option) {
        case 'j': json = true; break;
        case 't': path = optarg; break;
        case 'h': return cli_help(usage);
        default: return CLI_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
    lm_taxonomy *taxonomy = NULL;
    if (cli_load_taxonomy(path, &taxonomy) != CLI_OK)
        return CLI_BAD_INPUT;
    int code = json ? print_json(taxonomy) : print_text(taxonomy);
    lm_taxonomy_free(taxonomy);
    return code;
}
