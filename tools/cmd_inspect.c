/* lmatch inspect: loads a pool CSV the way every command does and shows
 * what libmatch read from it: a summary for people, or the JSON contract of
 * docs/formats.md for tools. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"

static const char usage[] =
    "Usage: lmatch inspect POOL [--json] [--strict] [--venues VENUES.csv]\n"
    "                           [--taxonomy FILE] [--key KEY | --passphrase-file F]\n"
    "\n"
    "Reads a pool (participants CSV, msgpack or encrypted msgpack, told apart by\n"
    "their first bytes; and a venues CSV) and shows what libmatch makes of\n"
    "it: the interest, offer and want vectors built from the tags, languages,\n"
    "availability and places. Unknown tags and columns are warnings on stderr;\n"
    "any malformed value is an error naming the file, line, column and reason.\n"
    "\n"
    "Options:\n"
    "  --json             print JSON on stdout: {\"topics\", \"slots\", \"participants\":\n"
    "                     [{\"id\", \"role\", \"x\", \"o\", \"w\", \"languages\",\n"
    "                     \"availability\", \"lat\", \"lon\", \"max_km\", \"step_free\",\n"
    "                     \"host\"}], \"venues\" (with --venues), \"warnings\": [{\"line\",\n"
    "                     \"column\", \"message\"}]}\n"
    "  --strict           an unknown tag is an error (exit 1), not a warning\n"
    "  --venues FILE      also read a venues CSV (id,lat,lon,open,capacity,step_free)\n"
    "  --taxonomy FILE    match tags against this taxonomy CSV, not the default\n"
    "  --key FILE         key file of an encrypted pool (lmatch keygen)\n"
    "  --passphrase-file F  passphrase of an encrypted pool (its first line)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit codes: 0 ok (warnings allowed), 1 bad input, 2 bad command line.\n";

/* ---- JSON ------------------------------------------------------------------- */

static void json_vector(json_writer *json, const lm_pool *pool, size_t person, lm_vector v,
                        size_t topics)
{
    json_begin_inline_array(json);
    for (size_t t = 0; t < topics; t++)
        json_number(json, lm_pool_value(pool, person, v, t));
    json_end_array(json);
}

static void json_mask(json_writer *json, uint64_t mask, size_t bits, bool as_language_codes)
{
    json_begin_inline_array(json);
    for (size_t b = 0; b < bits && b < 64; b++) {
        if (!(mask >> b & 1u))
            continue;
        if (as_language_codes)
            json_string(json, lm_language_code(b));
        else
            json_uint(json, b);
    }
    json_end_array(json);
}

static void json_number_or_null(json_writer *json, bool known, double value)
{
    if (known)
        json_number(json, value);
    else
        json_null(json);
}

static void json_participant(json_writer *json, const lm_pool *pool, size_t person,
                             size_t topics)
{
    json_begin_object(json);
    json_key(json, "id");
    json_string(json, lm_pool_id(pool, person));
    json_key(json, "role");
    json_string(json, lm_pool_role(pool, person) == LM_NEWCOMER ? "newcomer" : "resident");
    static const char *const vector_keys[] = {"x", "o", "w"};
    for (int v = LM_INTERESTS; v <= LM_WANTS; v++) {
        json_key(json, vector_keys[v]);
        json_vector(json, pool, person, (lm_vector)v, topics);
    }
    json_key(json, "languages");
    json_mask(json, lm_pool_language_mask(pool, person), lm_language_count(), true);
    json_key(json, "availability");
    json_mask(json, lm_pool_availability_mask(pool, person), lm_slot_count(), false);
    double lat = 0, lon = 0, max_km = 0;
    bool located = lm_pool_location(pool, person, &lat, &lon, &max_km);
    json_key(json, "lat");
    json_number_or_null(json, located, lat);
    json_key(json, "lon");
    json_number_or_null(json, located, lon);
    json_key(json, "max_km");
    json_number_or_null(json, located && max_km > 0, max_km);
    json_key(json, "step_free");
    json_bool(json, lm_pool_step_free(pool, person));
    json_key(json, "host");
    json_bool(json, lm_pool_host(pool, person));
    json_end_object(json);
}

static void json_venues(json_writer *json, const lm_pool *pool)
{
    json_key(json, "venues");
    json_begin_array(json);
    for (size_t v = 0; v < lm_pool_venue_count(pool); v++) {
        double lat, lon;
        lm_pool_venue_location(pool, v, &lat, &lon);
        json_begin_object(json);
        json_key(json, "id");
        json_string(json, lm_pool_venue_id(pool, v));
        json_key(json, "lat");
        json_number(json, lat);
        json_key(json, "lon");
        json_number(json, lon);
        json_key(json, "open");
        json_mask(json, lm_pool_venue_open_mask(pool, v), lm_slot_count(), false);
        json_key(json, "capacity");
        json_uint(json, lm_pool_venue_capacity(pool, v));
        json_key(json, "step_free");
        json_bool(json, lm_pool_venue_step_free(pool, v));
        json_end_object(json);
    }
    json_end_array(json);
}

static int print_json(const lm_pool *pool, bool with_venues)
{
    const lm_taxonomy *taxonomy = lm_pool_taxonomy(pool);
    size_t topics = lm_taxonomy_topic_count(taxonomy);
    json_writer json;
    json_init(&json, stdout);
    json_begin_object(&json);
    json_key(&json, "topics");
    json_begin_inline_array(&json);
    for (size_t t = 0; t < topics; t++)
        json_string(&json, lm_taxonomy_topic_key(taxonomy, t));
    json_end_array(&json);
    json_key(&json, "slots");
    json_begin_inline_array(&json);
    for (size_t s = 0; s < lm_slot_count(); s++)
        json_string(&json, lm_slot_label(s));
    json_end_array(&json);
    json_key(&json, "participants");
    json_begin_array(&json);
    for (size_t p = 0; p < lm_pool_size(pool); p++)
        json_participant(&json, pool, p, topics);
    json_end_array(&json);
    if (with_venues)
        json_venues(&json, pool);
    json_key(&json, "warnings");
    json_begin_array(&json);
    for (size_t k = 0; k < lm_pool_warning_count(pool); k++) {
        json_begin_object(&json);
        json_key(&json, "line");
        json_uint(&json, lm_pool_warning_line(pool, k));
        json_key(&json, "column");
        json_string(&json, lm_pool_warning_column(pool, k));
        json_key(&json, "message");
        json_string(&json, lm_pool_warning_message(pool, k));
        json_end_object(&json);
    }
    json_end_array(&json);
    json_end_object(&json);
    return json_finish(&json) == 0 ? CLI_OK : cli_error("could not write to stdout");
}

/* ---- the readable summary ------------------------------------------------------ */

/* Per-topic counts of people with a non-zero entry, by role. */
typedef struct topic_counts {
    size_t *by_role[2];
    size_t *total;
} topic_counts;

static int percent(size_t part, size_t whole)
{
    return whole ? (int)((200 * part + whole) / (2 * whole)) : 0;
}

/* Indices of the `limit` largest counts (lowest index first on ties), stops
 * at zero counts; returns how many were written to order. */
static size_t top(const size_t *counts, size_t n, size_t *order, size_t limit)
{
    size_t found = 0;
    while (found < limit) {
        size_t best = n;
        for (size_t k = 0; k < n; k++) {
            bool taken = false;
            for (size_t j = 0; j < found && !taken; j++)
                taken = order[j] == k;
            if (!taken && counts[k] && (best == n || counts[k] > counts[best]))
                best = k;
        }
        if (best == n)
            break;
        order[found++] = best;
    }
    return found;
}

static void print_topics(FILE *out, const lm_pool *pool, const char *title,
                         const topic_counts *counts, bool leaves_only, size_t limit)
{
    const lm_taxonomy *taxonomy = lm_pool_taxonomy(pool);
    size_t topics = lm_taxonomy_topic_count(taxonomy);
    size_t *shown = calloc(topics ? topics : 1, sizeof *shown);
    size_t *order = calloc(limit, sizeof *order);
    if (!shown || !order) {
        free(shown);
        free(order);
        return;
    }
    /* Categories collect their subtopics' fans; listing both says everything
     * twice, so the detailed lists show subtopics and childless categories. */
    for (size_t t = 0; t < topics; t++) {
        bool has_children = false;
        for (size_t c = 0; c < topics && !has_children; c++)
            has_children = lm_taxonomy_topic_parent(taxonomy, c) == (int)t;
        bool category = lm_taxonomy_topic_parent(taxonomy, t) < 0;
        shown[t] = (leaves_only ? !has_children : category) ? counts->total[t] : 0;
    }
    size_t found = top(shown, topics, order, limit);
    fprintf(out, "\n%s\n", title);
    if (!found)
        fputs("  (nobody)\n", out);
    for (size_t k = 0; k < found; k++) {
        size_t t = order[k];
        char name[256];
        cli_topic_name(taxonomy, t, name, sizeof name);
        size_t newcomers = counts->by_role[LM_NEWCOMER][t];
        size_t residents = counts->by_role[LM_RESIDENT][t];
        fprintf(out, "  %6zu  %s: %zu newcomer%s, %zu resident%s\n", counts->total[t], name,
                newcomers, newcomers == 1 ? "" : "s", residents, residents == 1 ? "" : "s");
    }
    free(shown);
    free(order);
}

static void print_mask_counts(FILE *out, const char *title, const size_t *counts, size_t n,
                              const char *(*label)(size_t), size_t limit, size_t unknown)
{
    size_t order[64];
    size_t found = top(counts, n, order, limit < 64 ? limit : 64);
    fprintf(out, "\n%s\n ", title);
    for (size_t k = 0; k < found; k++)
        fprintf(out, " %s %zu%s", label(order[k]), counts[order[k]],
                k + 1 < found ? (k % 5 == 4 ? ",\n " : ",") : "");
    if (!found)
        fputs(" (none given)", out);
    if (unknown)
        fprintf(out, "\n  (%zu did not say: no constraint for them)", unknown);
    fputc('\n', out);
}

static bool count_topics(const lm_pool *pool, lm_vector vector, topic_counts *counts)
{
    size_t topics = lm_taxonomy_topic_count(lm_pool_taxonomy(pool));
    size_t n = topics ? topics : 1;
    counts->total = calloc(n, sizeof *counts->total);
    counts->by_role[0] = calloc(n, sizeof *counts->by_role[0]);
    counts->by_role[1] = calloc(n, sizeof *counts->by_role[1]);
    if (!counts->total || !counts->by_role[0] || !counts->by_role[1])
        return false;
    for (size_t p = 0; p < lm_pool_size(pool); p++) {
        lm_role role = lm_pool_role(pool, p);
        for (size_t t = 0; t < topics; t++) {
            if (lm_pool_value(pool, p, vector, t) > 0) {
                counts->total[t]++;
                counts->by_role[role == LM_RESIDENT][t]++;
            }
        }
    }
    return true;
}

static void free_counts(topic_counts *counts)
{
    free(counts->total);
    free(counts->by_role[0]);
    free(counts->by_role[1]);
}

static void print_people(FILE *out, const lm_pool *pool)
{
    size_t n = lm_pool_size(pool), newcomers = 0, hosts[2] = {0, 0}, step_free = 0;
    size_t located = 0, own_distance = 0;
    for (size_t p = 0; p < n; p++) {
        lm_role role = lm_pool_role(pool, p);
        newcomers += role == LM_NEWCOMER;
        hosts[role == LM_RESIDENT] += lm_pool_host(pool, p);
        step_free += lm_pool_step_free(pool, p);
        double max_km = 0;
        if (lm_pool_location(pool, p, NULL, NULL, &max_km)) {
            located++;
            own_distance += max_km > 0;
        }
    }
    fprintf(out, "%zu participants: %zu newcomers (%d%%) and %zu residents (%d%%)\n", n,
            newcomers, percent(newcomers, n), n - newcomers, percent(n - newcomers, n));
    fprintf(out, "  willing to co-host a group: %zu newcomers, %zu residents\n",
            hosts[LM_NEWCOMER], hosts[LM_RESIDENT]);
    fprintf(out, "  needing step-free access: %zu\n", step_free);
    fprintf(out, "  with a home location: %zu (%zu gave their own travel distance)\n", located,
            own_distance);
    size_t venues = lm_pool_venue_count(pool), venues_step_free = 0;
    for (size_t v = 0; v < venues; v++)
        venues_step_free += lm_pool_venue_step_free(pool, v);
    if (venues)
        fprintf(out, "  venues: %zu (%zu step-free)\n", venues, venues_step_free);
}

static void print_languages_and_slots(FILE *out, const lm_pool *pool)
{
    size_t n = lm_pool_size(pool);
    size_t languages[64] = {0}, slots[64] = {0}, no_language = 0, no_slot = 0;
    for (size_t p = 0; p < n; p++) {
        uint64_t spoken = lm_pool_language_mask(pool, p);
        uint64_t free_at = lm_pool_availability_mask(pool, p);
        no_language += !spoken;
        no_slot += !free_at;
        for (size_t b = 0; b < 64; b++) {
            languages[b] += spoken >> b & 1u;
            slots[b] += free_at >> b & 1u;
        }
    }
    size_t language_count = lm_language_count() < 64 ? lm_language_count() : 64;
    size_t slot_count = lm_slot_count() < 64 ? lm_slot_count() : 64;
    print_mask_counts(out, "Languages spoken (people):", languages, language_count,
                      lm_language_name_en, 12, no_language);
    print_mask_counts(out, "Most popular meeting times (people free):", slots, slot_count,
                      lm_slot_label, 8, no_slot);
}

void cli_print_pool_summary(FILE *out, const lm_pool *pool)
{
    print_people(out, pool);
    static const struct {
        lm_vector vector;
        const char *title;
    } lists[] = {
        {LM_INTERESTS, "Most shared interests (people):"},
        {LM_OFFERS, "What people can teach or lead:"},
        {LM_WANTS, "What people want to learn:"},
    };
    for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
        topic_counts counts = {{NULL, NULL}, NULL};
        if (count_topics(pool, lists[k].vector, &counts)) {
            if (lists[k].vector == LM_INTERESTS)
                print_topics(out, pool, "Interests by category (people):", &counts, false, 8);
            print_topics(out, pool, lists[k].title, &counts, true,
                         lists[k].vector == LM_INTERESTS ? 10 : 6);
        }
        free_counts(&counts);
    }
    print_languages_and_slots(out, pool);
}

/* ---- the command ------------------------------------------------------------------ */

int cmd_inspect(int argc, char **argv)
{
    static const struct option options[] = {
        {"json", no_argument, NULL, 'j'},
        {"strict", no_argument, NULL, 's'},
        {"venues", required_argument, NULL, 'v'},
        {"taxonomy", required_argument, NULL, 't'},
        {"key", required_argument, NULL, 'k'},
        {"passphrase-file", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_pool_source source = {0};
    bool json = false;
    int option;
    while ((option = cli_getopt(argc, argv, "h", options)) != -1) {
        switch (option) {
        case 'j': json = true; break;
        case 's': source.strict = true; break;
        case 'v': source.venues = optarg; break;
        case 't': source.taxonomy = optarg; break;
        case 'k': source.key_path = optarg; break;
        case 'p': source.passphrase_file = optarg; break;
        case 'h': return cli_help(usage);
        default: return CLI_USAGE;
        }
    }
    if (optind >= argc)
        return cli_usage_error(argv[0], "which pool? give a participants CSV file");
    if (optind + 1 < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind + 1]);
    source.path = argv[optind];
    lm_pool *pool = NULL;
    lm_key *key = NULL;
    int loaded = cli_prepare_key(argv[0], &source, &key);
    if (loaded == CLI_OK)
        loaded = cli_load_pool(&source, &pool);
    lm_key_free(key); /* the pool is loaded: wipe the key now */
    if (loaded != CLI_OK)
        return loaded;
    int code;
    if (json) {
        code = print_json(pool, source.venues != NULL);
    } else {
        printf("%s\n", cli_escaped(source.path));
        cli_print_pool_summary(stdout, pool);
        size_t warnings = lm_pool_warning_count(pool);
        if (warnings)
            printf("\n%zu warning%s (see above on stderr)\n", warnings, warnings == 1 ? "" : "s");
        code = fflush(stdout) == 0 ? CLI_OK : cli_error("could not write to stdout");
    }
    lm_pool_free(pool);
    return code;
}
