/* Shared by the solving commands: run options, progress, and the result as
 * JSON (the contract other tools rely on), CSV or text for coordinators. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli_lifecycle.h"
#include "cli_result.h"
#include "cli_history.h"
#include "json.h"

const char cli_run_options_help[] =
    "  --venues FILE        venues CSV: groups meet at a venue that is open, close\n"
    "                       enough and step-free when needed, within its capacity\n"
    "  --seed N             random seed (default 1); same seed, same output\n"
    "  --threads T          worker threads (default 1); the result does not depend on T\n"
    "  --min-size A         smallest group (default 4)\n"
    "  --max-size B         largest group (default 6)\n"
    "  --min-per-role Q     least newcomers and least residents per group (default 2)\n"
    "  --weights LIST       alpha,beta,gamma,eta,lambda,mu (default 1,1,1,1,0.5,10) or\n"
    "                       name=value pairs: theme=2,balance=1 (names: theme/alpha,\n"
    "                       shared/beta, exchange/gamma, cohost/eta, balance/lambda,\n"
    "                       unassigned/mu, repeat/rho with --history;\n"
    "                       docs/objective.md explains each)\n"
    "  --effort E           search effort (default 20); never depends on the clock\n"
    "  --time-limit S       stop searching after S seconds (results may then vary)\n"
    "  --no-language        do not require a shared language\n"
    "  --max-km K           travel distance for who gives none (default 5)\n"
    "  --taxonomy FILE      topics from a taxonomy CSV instead of the default\n"
    "  --strict             unknown tags are errors, not warnings\n"
    "  --key FILE           key file (lmatch keygen) for an encrypted pool\n"
    "  --passphrase-file F  the same from a passphrase (its first line)\n"
    "  --pseudonymize       write keyed pseudonyms (lmatch pseudonyms maps them back)\n"
    "                       instead of ids in every output; needs --key (a key file)\n"
    "  --quiet              no progress line on stderr\n"
    "  -h, --help           show this help\n";

static const struct {
    const char *names[2];
    lm_param_double key;
} weight_names[] = {
    {{"theme", "alpha"}, LM_PARAM_ALPHA},      {{"shared", "beta"}, LM_PARAM_BETA},
    {{"exchange", "gamma"}, LM_PARAM_GAMMA},   {{"cohost", "eta"}, LM_PARAM_ETA},
    {{"balance", "lambda"}, LM_PARAM_LAMBDA},  {{"unassigned", "mu"}, LM_PARAM_MU},
    {{"repeat", "rho"}, LM_PARAM_REPEAT},
};

static bool parse_weights(const char *command, const char *text, lm_params *params)
{
    char *copy = strdup(text);
    if (!copy)
        return false;
    bool ok = true;
    size_t position = 0;
    for (char *piece = strtok(copy, ","); piece && ok; piece = strtok(NULL, ","), position++) {
        char *equals = strchr(piece, '=');
        const char *value_text = equals ? equals + 1 : piece;
        int index = -1;
        if (equals) {
            *equals = '\0';
            for (size_t k = 0; k < sizeof weight_names / sizeof weight_names[0]; k++)
                if (strcmp(piece, weight_names[k].names[0]) == 0 ||
                    strcmp(piece, weight_names[k].names[1]) == 0)
                    index = (int)k;
            if (index < 0) {
                cli_usage_error(command, "--weights: unknown weight '%s'", piece);
                ok = false;
                break;
            }
        } else {
            if (position >= 6) {
                cli_usage_error(command, "--weights: at most 6 values");
                ok = false;
                break;
            }
            index = (int)position;
        }
        double value;
        if (!cli_parse_double(command, "--weights", value_text, -1e9, 1e9, &value)) {
            ok = false;
            break;
        }
        if (lm_params_set_double(params, weight_names[index].key, value) != LM_OK) {
            cli_usage_error(command, "--weights: %s", lm_errmsg(params));
            ok = false;
        }
    }
    free(copy);
    return ok;
}

static bool set_int(const char *command, const char *option, const char *text, size_t minimum,
                    size_t maximum, lm_params *params, lm_param_int key)
{
    size_t value;
    if (!cli_parse_size(command, option, text, minimum, maximum, &value))
        return false;
    if (lm_params_set_int(params, key, (int64_t)value) != LM_OK) {
        cli_usage_error(command, "%s: %s", option, lm_errmsg(params));
        return false;
    }
    return true;
}

int cli_run_option(const char *command, int option, const char *value, lm_params *params,
                   bool *quiet, cli_pool_source *source)
{
    bool ok = true;
    double number;
    uint64_t seed;
    switch (option) {
    case OPT_SEED:
        ok = cli_parse_u64(command, "--seed", value, &seed) &&
             lm_params_set_int(params, LM_PARAM_SEED, (int64_t)seed) == LM_OK;
        break;
    case OPT_THREADS:
        ok = set_int(command, "--threads", value, 1, 256, params, LM_PARAM_THREADS);
        break;
    case OPT_MIN_SIZE:
        ok = set_int(command, "--min-size", value, 2, 64, params, LM_PARAM_MIN_SIZE);
        break;
    case OPT_MAX_SIZE:
        ok = set_int(command, "--max-size", value, 2, 64, params, LM_PARAM_MAX_SIZE);
        break;
    case OPT_MIN_PER_ROLE:
        ok = set_int(command, "--min-per-role", value, 1, 32, params, LM_PARAM_MIN_PER_ROLE);
        break;
    case OPT_EFFORT:
        ok = set_int(command, "--effort", value, 0, 1000000, params, LM_PARAM_EFFORT);
        break;
    case OPT_CANDIDATES:
        ok = set_int(command, "--candidates", value, 0, 100000, params, LM_PARAM_CANDIDATES);
        break;
    case OPT_WEIGHTS:
        ok = parse_weights(command, value, params);
        break;
    case OPT_TIME_LIMIT:
        ok = cli_parse_double(command, "--time-limit", value, 0.0, 1e7, &number) &&
             lm_params_set_double(params, LM_PARAM_TIME_LIMIT, number) == LM_OK;
        break;
    case OPT_MAX_KM:
        ok = cli_parse_double(command, "--max-km", value, 1e-3, 20000.0, &number) &&
             lm_params_set_double(params, LM_PARAM_DEFAULT_MAX_KM, number) == LM_OK;
        break;
    case OPT_NO_LANGUAGE:
        ok = lm_params_set_int(params, LM_PARAM_LANGUAGE, 0) == LM_OK;
        break;
    case OPT_QUIET:
        *quiet = true;
        break;
    case OPT_VENUES:
        source->venues = value;
        break;
    case OPT_TAXONOMY:
        source->taxonomy = value;
        break;
    case OPT_STRICT:
        source->strict = true;
        break;
    case OPT_KEY:
        source->key_path = value;
        break;
    case OPT_PASSPHRASE_FILE:
        source->passphrase_file = value;
        break;
    case OPT_PSEUDONYMIZE:
        source->pseudonymize = true;
        break;
    default:
        return 0;
    }
    return ok ? 1 : -1;
}

int cli_progress_line(void *user, double best_total, double elapsed, double fraction)
{
    cli_progress *p = user;
    /* The group engine reports the whole pool's total as it stands (people
     * of regions not solved yet count as unassigned): it only rises. */
    if (elapsed < 1.0 || elapsed - p->last < 0.5)
        return 0;
    p->last = elapsed;
    p->printed = true;
    fprintf(stderr, "\rlmatch: %3.0f%% after %.1f s, best total %.2f   ",
            100.0 * fraction, elapsed, best_total);
    fflush(stderr);
    return 0;
}

void cli_progress_done(cli_progress *progress)
{
    if (progress->printed)
        fputc('\n', stderr);
    progress->printed = false;
}

static const char *name_of(const lm_pool *pool, size_t participant, cli_id_fn rename,
                           void *context)
{
    const char *id = lm_pool_id(pool, participant);
    return rename ? rename(context, id) : id;
}

static const char *optimality_name(lm_optimality optimality)
{
    switch (optimality) {
    case LM_OPTIMAL: return "optimal";
    case LM_OPTIMAL_ON_CANDIDATES: return "optimal_on_candidates";
    default: return "heuristic";
    }
}

static void write_group(json_writer *w, const lm_pool *pool, const lm_result *result, size_t g,
                        cli_id_fn rename, void *context)
{
    const lm_taxonomy *taxonomy = lm_pool_taxonomy(pool);
    json_begin_object(w);
    json_key(w, "members");
    json_begin_inline_array(w);
    for (size_t k = 0; k < lm_result_group_size(result, g); k++)
        json_string(w, name_of(pool, lm_result_group_member(result, g, k), rename, context));
    json_end_array(w);
    json_key(w, "roles");
    json_begin_inline_array(w);
    for (size_t k = 0; k < lm_result_group_size(result, g); k++)
        json_string(w, lm_pool_role(pool, lm_result_group_member(result, g, k)) == LM_NEWCOMER
                           ? "newcomer"
                           : "resident");
    json_end_array(w);
    json_key(w, "theme");
    json_string(w, lm_taxonomy_topic_key(taxonomy, lm_result_group_theme(result, g)));
    int slot = lm_result_group_slot(result, g);
    json_key(w, "slot");
    if (slot >= 0)
        json_int(w, slot);
    else
        json_null(w);
    json_key(w, "slot_label");
    json_string(w, slot >= 0 ? lm_slot_label((size_t)slot) : NULL);
    int venue = lm_result_group_venue(result, g);
    json_key(w, "venue");
    json_string(w, venue >= 0 ? lm_pool_venue_id(pool, (size_t)venue) : NULL);
    int language = lm_result_group_language(result, g);
    json_key(w, "language");
    json_string(w, language >= 0 ? lm_language_code((size_t)language) : NULL);
    json_key(w, "cohosts");
    json_begin_inline_array(w);
    for (int role = LM_NEWCOMER; role <= LM_RESIDENT; role++) {
        int64_t host = lm_result_group_cohost(result, g, (lm_role)role);
        if (host >= 0)
            json_string(w, name_of(pool, (size_t)host, rename, context));
    }
    json_end_array(w);
    json_key(w, "score");
    json_begin_object(w);
    static const char *terms[] = {"theme", "shared", "exchange", "cohost", "balance", "total"};
    for (int t = LM_TERM_THEME; t <= LM_TERM_TOTAL; t++) {
        json_key(w, terms[t]);
        json_number(w, lm_result_group_score(result, g, (lm_term)t));
    }
    json_end_object(w);
    if (lm_result_continuing(result)) { /* --keep: the kept group and who is new */
        int64_t kept = lm_result_group_kept(result, g);
        json_key(w, "kept");
        if (kept >= 0)
            json_int(w, kept);
        else
            json_null(w);
        json_key(w, "new");
        json_begin_inline_array(w);
        for (size_t k = 0; k < lm_result_group_size(result, g); k++)
            json_bool(w, lm_result_member_new(result, g, k));
        json_end_array(w);
    }
    json_end_object(w);
}

/* ---- the bound ------------------------------------------------------------- */

/* (bound - total) / (bound + mu n), as lm_result_gap() defines it. */
static double gap_of(double bound, double total, double mu, size_t people)
{
    if (isnan(bound))
        return NAN;
    if (bound == total)
        return 0.0;
    double scale = bound + mu * (double)people;
    return scale > 0 ? (bound - total) / scale : NAN;
}

cli_bound cli_result_bound(const lm_result *result)
{
    return (cli_bound){lm_result_bound(result), lm_result_gap(result)};
}

cli_bound cli_groups_bound(const lm_pool *pool, const lm_params *params,
                           const lm_result *result)
{
    double bound;
    if (lm_groups_bound(pool, params, &bound) != LM_OK)
        return (cli_bound){NAN, NAN};
    return (cli_bound){bound, gap_of(bound, lm_result_total(result),
                                     lm_params_get_double(params, LM_PARAM_MU),
                                     lm_pool_size(pool))};
}

/* "within 2.4% of the best possible" and its variants, for the summaries. */
static void describe_gap(double gap, char *text, size_t size)
{
    if (isnan(gap))
        snprintf(text, size, "no bound known");
    else if (gap == 0.0)
        snprintf(text, size, "the best possible");
    else if (gap < 0.0)
        snprintf(text, size, "above the best possible for groupings that keep every rule");
    else
        snprintf(text, size, "within %.*f%% of the best possible", gap < 0.01 ? 2 : 1,
                 100.0 * gap);
}

/* ---- JSON ------------------------------------------------------------------ */

/* "people": {id: {column: value}} for everybody of the result with a
 * display value (name, phone, ...); never with pseudonyms. */
static void write_people(json_writer *w, const lm_pool *pool, const lm_result *result)
{
    json_key(w, "people");
    json_begin_object(w);
    size_t columns = lm_pool_column_count(pool);
    for (size_t g = 0; g <= lm_result_group_count(result); g++) {
        bool out = g == lm_result_group_count(result);
        size_t count = out ? lm_result_unassigned_count(result) : lm_result_group_size(result, g);
        for (size_t k = 0; k < count; k++) {
            size_t who = out ? lm_result_unassigned(result, k) : lm_result_group_member(result, g, k);
            json_key(w, lm_pool_id(pool, who));
            json_begin_object(w);
            for (size_t c = 0; c < columns; c++) {
                const char *value = lm_pool_column_value(pool, who, c);
                if (value && value[0]) {
                    json_key(w, lm_pool_column_name(pool, c));
                    json_string(w, value);
                }
            }
            json_end_object(w);
        }
    }
    json_end_object(w);
}

void cli_json_result(json_writer *w, const lm_pool *pool, const lm_result *result,
                     bool with_violations, cli_id_fn rename, void *context,
                     const cli_bound *bound, const cli_pool_source *source)
{
    json_begin_object(w);
    json_key(w, "groups");
    json_begin_array(w);
    for (size_t g = 0; g < lm_result_group_count(result); g++)
        write_group(w, pool, result, g, rename, context);
    json_end_array(w);
    json_key(w, "unassigned");
    json_begin_array(w);
    for (size_t k = 0; k < lm_result_unassigned_count(result); k++) {
        lm_reason reason = lm_result_unassigned_reason(result, k);
        json_begin_object(w);
        json_key(w, "id");
        json_string(w, name_of(pool, lm_result_unassigned(result, k), rename, context));
        json_key(w, "reason");
        json_string(w, lm_reason_name(reason));
        json_key(w, "explanation");
        json_string(w, lm_reason_string(reason));
        json_end_object(w);
    }
    json_end_array(w);
    if (!rename && lm_pool_column_count(pool))
        write_people(w, pool, result);
    if (with_violations) {
        json_key(w, "violations");
        json_begin_array(w);
        for (size_t k = 0; k < lm_result_violation_count(result); k++) {
            json_begin_object(w);
            json_key(w, "group");
            json_uint(w, lm_result_violation_group(result, k));
            json_key(w, "participant");
            int64_t who = lm_result_violation_participant(result, k);
            json_string(w, who >= 0 ? name_of(pool, (size_t)who, rename, context) : NULL);
            json_key(w, "kind");
            json_string(w, lm_violation_name(lm_result_violation_kind(result, k)));
            json_key(w, "message");
            json_string(w, rename ? NULL : lm_result_violation_message(result, k));
            json_end_object(w);
        }
        json_end_array(w);
        json_key(w, "feasible");
        json_bool(w, lm_result_violation_count(result) == 0);
    }
    json_key(w, "optimality");
    json_string(w, optimality_name(lm_result_optimality(result)));
    json_key(w, "total");
    json_number(w, lm_result_total(result));
    json_key(w, "bound");
    json_number(w, bound->bound);
    json_key(w, "gap");
    json_number(w, bound->gap);
    if (source && source->json_extra)
        source->json_extra(source->json_extra_context, w, result);
    json_end_object(w);
}

static int write_result_json(const char *path, const lm_pool *pool, const lm_result *result,
                             bool with_violations, cli_id_fn rename, void *context,
                             const cli_bound *bound, const cli_pool_source *source)
{
    cli_output out;
    if (cli_output_open(&out, path) != CLI_OK)
        return CLI_BAD_INPUT;
    json_writer w;
    json_init(&w, out.file);
    cli_json_result(&w, pool, result, with_violations, rename, context, bound, source);
    if (json_finish(&w) != 0) {
        cli_output_close(&out, false);
        return cli_error("%s: could not write the JSON result", path);
    }
    return cli_output_close(&out, true);
}

int cli_write_result_json(const char *path, const lm_pool *pool, const lm_result *result,
                          bool with_violations, cli_id_fn rename, void *context)
{
    cli_bound bound = cli_result_bound(result);
    return write_result_json(path, pool, result, with_violations, rename, context, &bound,
                             NULL);
}

/* ---- text for coordinators ---------------------------------------------------------- */

static const char *day_names[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                  "Friday", "Saturday", "Sunday"};
static const char *part_names[] = {"morning", "afternoon", "evening"};

static void print_slot(FILE *out, int slot)
{
    if (slot < 0 || lm_slot_count() != 21) {
        fputs(slot < 0 ? "no common time" : lm_slot_label((size_t)slot), out);
        return;
    }
    fprintf(out, "%s %s", day_names[slot / 3], part_names[slot % 3]);
}

bool cli_shared_topic(const lm_pool *pool, const lm_result *result, size_t g, size_t *topic,
                      size_t *count)
{
    const lm_taxonomy *taxonomy = lm_pool_taxonomy(pool);
    size_t topics = lm_taxonomy_topic_count(taxonomy), k = lm_result_group_size(result, g);
    size_t theme = lm_result_group_theme(result, g);
    size_t best_topic = 0, best_count = 0;
    double best_sum = 0.0;
    bool theme_is_category = lm_taxonomy_topic_parent(taxonomy, theme) < 0;
    for (size_t t = 0; t < topics; t++) {
        bool inside = theme_is_category ? lm_taxonomy_topic_parent(taxonomy, t) == (int64_t)theme
                                        : t == theme;
        if (!inside)
            continue;
        double sum = 0.0;
        size_t members = 0;
        for (size_t m = 0; m < k; m++) {
            double v = lm_pool_value(pool, lm_result_group_member(result, g, m), LM_INTERESTS, t);
            sum += v;
            members += v > 0;
        }
        if (members > best_count || (members == best_count && sum > best_sum)) {
            best_topic = t;
            best_count = members;
            best_sum = sum;
        }
    }
    *topic = best_topic;
    *count = best_count;
    return best_count >= 2;
}

size_t cli_each_teaching(const lm_pool *pool, const lm_result *result, size_t g, size_t most,
                         cli_teaching_fn each, void *context)
{
    const lm_taxonomy *taxonomy = lm_pool_taxonomy(pool);
    size_t topics = lm_taxonomy_topic_count(taxonomy), k = lm_result_group_size(result, g);
    size_t found = 0;
    for (size_t a = 0; a < k && found < most; a++) {
        size_t teacher = lm_result_group_member(result, g, a);
        for (size_t b = 0; b < k && found < most; b++) {
            size_t learner = lm_result_group_member(result, g, b);
            if (lm_pool_role(pool, teacher) == lm_pool_role(pool, learner))
                continue;
            for (size_t t = 0; t < topics; t++) {
                if (lm_taxonomy_topic_parent(taxonomy, t) >= 0 &&
                    lm_pool_value(pool, teacher, LM_OFFERS, t) > 0 &&
                    lm_pool_value(pool, learner, LM_WANTS, t) > 0) {
                    each(context, teacher, t, learner);
                    found++;
                    break; /* one topic per pair of people */
                }
            }
        }
    }
    return found;
}

static void print_shared_topic(FILE *out, const lm_pool *pool, const lm_result *result,
                               size_t g)
{
    size_t topic, count;
    if (!cli_shared_topic(pool, result, g, &topic, &count))
        return;
    char name[128];
    cli_topic_name(lm_pool_taxonomy(pool), topic, name, sizeof name);
    fprintf(out, "      %zu of %zu share an interest in %s\n", count,
            lm_result_group_size(result, g), name);
}

/* How a member is shown: "Amal Haddad (17)" with a name column, the id
 * alone without one or with pseudonyms. */
static const char *member_label(const lm_pool *pool, size_t who, cli_id_fn rename,
                                void *context, char *buffer, size_t size)
{
    const char *name = rename ? NULL : lm_pool_name(pool, who);
    if (!name || !name[0])
        return name_of(pool, who, rename, context);
    snprintf(buffer, size, "%s (%s)", name, lm_pool_id(pool, who));
    return buffer;
}

/* The display values of a member other than the name ("06-1234; vegetarian"). */
static void print_contact(FILE *out, const lm_pool *pool, size_t who, cli_id_fn rename)
{
    if (rename)
        return;
    const char *name = lm_pool_name(pool, who);
    bool first = true;
    for (size_t c = 0; c < lm_pool_column_count(pool); c++) {
        const char *value = lm_pool_column_value(pool, who, c);
        const char *column = lm_pool_column_name(pool, c);
        if (!value || !value[0] ||
            (name && name[0] && value == name) ||
            strcasecmp(column, "name") == 0 || strcasecmp(column, "naam") == 0)
            continue;
        fprintf(out, "%s%s", first ? "   " : "; ", value);
        first = false;
    }
}

typedef struct teaching_line {
    FILE *out;
    const lm_pool *pool;
    cli_id_fn rename;
    void *context;
} teaching_line;

static void print_teaching_line(void *context, size_t teacher, size_t topic, size_t learner)
{
    const teaching_line *t = context;
    char name[128], teacher_name[LM_PSEUDONYM_SIZE + 256], learner_name[sizeof teacher_name];
    cli_topic_name(lm_pool_taxonomy(t->pool), topic, name, sizeof name);
    fprintf(t->out, "      %s can teach %s to %s\n",
            member_label(t->pool, teacher, t->rename, t->context, teacher_name,
                         sizeof teacher_name),
            name,
            member_label(t->pool, learner, t->rename, t->context, learner_name,
                         sizeof learner_name));
}

/* Who can teach what to whom across the roles: four lines at most. */
static void print_teaching(FILE *out, const lm_pool *pool, const lm_result *result, size_t g,
                           cli_id_fn rename, void *context)
{
    teaching_line line = {out, pool, rename, context};
    cli_each_teaching(pool, result, g, 4, print_teaching_line, &line);
}

static void print_groups(FILE *out, const lm_pool *pool, const lm_result *result,
                         cli_id_fn rename, void *context, const cli_bound *bound, bool pairs)
{
    const lm_taxonomy *taxonomy = lm_pool_taxonomy(pool);
    size_t groups = lm_result_group_count(result);
    size_t placed = 0;
    for (size_t g = 0; g < groups; g++)
        placed += lm_result_group_size(result, g);
    fprintf(out, "%zu %s, %zu of %zu participants placed.\n\n", groups,
            pairs ? (groups == 1 ? "pair" : "pairs") : (groups == 1 ? "group" : "groups"),
            placed, placed + lm_result_unassigned_count(result));
    for (size_t g = 0; g < groups; g++) {
        char theme[128];
        cli_topic_name(taxonomy, lm_result_group_theme(result, g), theme, sizeof theme);
        fprintf(out, "%s %zu: %s, ", pairs ? "Pair" : "Group", g + 1, theme);
        print_slot(out, lm_result_group_slot(result, g));
        int venue = lm_result_group_venue(result, g);
        if (venue >= 0)
            fprintf(out, " at %s", lm_pool_venue_id(pool, (size_t)venue));
        int language = lm_result_group_language(result, g);
        if (language >= 0)
            fprintf(out, ", in %s", lm_language_name_en((size_t)language));
        fputc('\n', out);
        for (size_t k = 0; k < lm_result_group_size(result, g); k++) {
            size_t who = lm_result_group_member(result, g, k);
            lm_role role = lm_pool_role(pool, who);
            bool cohost = !pairs && lm_result_group_cohost(result, g, role) == (int64_t)who;
            char label[LM_PSEUDONYM_SIZE + 256];
            fprintf(out, "    %-24s %s%s", member_label(pool, who, rename, context, label,
                                                       sizeof label),
                    role == LM_NEWCOMER ? "newcomer" : "resident", cohost ? "   co-host" : "");
            print_contact(out, pool, who, rename);
            fputc('\n', out);
        }
        print_shared_topic(out, pool, result, g);
        print_teaching(out, pool, result, g, rename, context);
        /* Two decimals for people; the JSON keeps every digit. */
        fprintf(out, "      score %.2f (theme %.2f, shared %.2f, exchange %.2f, co-hosts %.0f, "
                     "balance %.0f)\n\n",
                lm_result_group_score(result, g, LM_TERM_TOTAL),
                lm_result_group_score(result, g, LM_TERM_THEME),
                lm_result_group_score(result, g, LM_TERM_SHARED),
                lm_result_group_score(result, g, LM_TERM_EXCHANGE),
                lm_result_group_score(result, g, LM_TERM_COHOST),
                lm_result_group_score(result, g, LM_TERM_BALANCE));
    }
    size_t out_count = lm_result_unassigned_count(result);
    if (out_count) {
        fprintf(out, "Not placed (%zu):\n", out_count);
        for (size_t k = 0; k < out_count && k < 50; k++) {
            char label[LM_PSEUDONYM_SIZE + 256];
            fprintf(out, "    %-24s %s\n",
                    member_label(pool, lm_result_unassigned(result, k), rename, context, label,
                                 sizeof label),
                    lm_reason_string(lm_result_unassigned_reason(result, k)));
        }
        if (out_count > 50)
            fprintf(out, "    ... and %zu more\n", out_count - 50);
        fputc('\n', out);
    }
    fprintf(out, "Total score: %.2f\n", lm_result_total(result));
    if (!isnan(bound->bound)) {
        char gap[96];
        describe_gap(bound->gap, gap, sizeof gap);
        fprintf(out, "That is %s: no grouping can score more than %.2f.\n", gap, bound->bound);
    }
}

void cli_print_groups(FILE *out, const lm_pool *pool, const lm_result *result,
                      cli_id_fn rename, void *context)
{
    cli_bound bound = cli_result_bound(result);
    print_groups(out, pool, result, rename, context, &bound, false);
}

int cli_write_outputs(const cli_pool_source *source, const lm_pool *pool, lm_result *result,
                      const char *csv_path, const char *json_path, bool with_violations,
                      const cli_bound *bound)
{
    cli_bound own = cli_result_bound(result);
    if (!bound)
        bound = &own;
    cli_pseudonymizer renamer = {0};
    renamer.key = source->key;
    cli_id_fn rename = source->pseudonymize ? cli_pseudonym_of : NULL;
    void *context = source->pseudonymize ? &renamer : NULL;
    int code = CLI_OK;
    if (csv_path) {
        int status = source->pseudonymize
                         ? lm_result_save_csv_pseudonymized(result, pool, csv_path, renamer.key)
                         : lm_result_save_csv(result, pool, csv_path);
        if (status != LM_OK)
            code = cli_report(status, result, csv_path);
    }
    if (code == CLI_OK && json_path)
        code = write_result_json(json_path, pool, result, with_violations, rename, context,
                                 bound, source);
    if (code == CLI_OK && !csv_path && !json_path)
        print_groups(stdout, pool, result, rename, context, bound,
                     source->command && strcmp(source->command, "pairs") == 0);
    return code;
}

const char *cli_reason_short(lm_reason reason)
{
    switch (reason) {
    case LM_REASON_NO_SHARED_LANGUAGE: return "no shared language";
    case LM_REASON_NO_COMMON_SLOT: return "no common slot";
    case LM_REASON_TOO_FAR: return "too far";
    case LM_REASON_ROLE_SHORTAGE: return "too few of the other role";
    case LM_REASON_NO_VENUE: return "no venue";
    case LM_REASON_VENUES_FULL: return "venues full";
    case LM_REASON_NOT_PLACED: return "left out by the search";
    default: return "other";
    }
}

/* One line on stderr after every run, outputs to files or not: "44 of 60
 * placed in 8 groups; not placed: 9 venues full, 4 no common slot; total
 * 12.34, within 2.1% of the best possible". */
static void print_run_summary(const char *command, const lm_result *result)
{
    size_t groups = lm_result_group_count(result), placed = 0;
    for (size_t g = 0; g < groups; g++)
        placed += lm_result_group_size(result, g);
    bool pairs = strcmp(command, "pairs") == 0;
    size_t out = lm_result_unassigned_count(result);
    fprintf(stderr, "lmatch %s: %zu of %zu placed in %zu %s", command, placed, placed + out,
            groups, pairs ? (groups == 1 ? "pair" : "pairs") : (groups == 1 ? "group" : "groups"));
    /* Reasons by how many people they hold, most first (then by code). */
    size_t counts[64] = {0};
    for (size_t k = 0; k < out; k++) {
        int reason = (int)lm_result_unassigned_reason(result, k);
        if (reason >= 0 && reason < 64)
            counts[reason]++;
    }
    bool first = true;
    for (;;) {
        int best = -1;
        for (int r = 0; r < 64; r++)
            if (counts[r] && (best < 0 || counts[r] > counts[best]))
                best = r;
        if (best < 0)
            break;
        fprintf(stderr, "%s%zu %s", first ? "; not placed: " : ", ", counts[best],
                cli_reason_short((lm_reason)best));
        counts[best] = 0;
        first = false;
    }
    char gap[96];
    describe_gap(lm_result_gap(result), gap, sizeof gap);
    fprintf(stderr, "; total %.2f, %s\n", lm_result_total(result), gap);
}

/* Duplicate sign-ups are never placed together: each pair becomes an
 * 'apart' constraint of the run, beside any of --constraints. */
int cli_keep_duplicates_apart(const char *command, const lm_pool *pool, lm_params *params,
                              struct cli_lifecycle *life)
{
    size_t count = lm_pool_duplicate_count(pool);
    if (!count)
        return CLI_OK;
    if (!life->constraints) {
        if (lm_constraints_new(pool, &life->constraints) != LM_OK ||
            lm_params_set_constraints(params, life->constraints) != LM_OK)
            return cli_error("out of memory");
    }
    for (size_t k = 0; k < count; k++) {
        size_t first, second;
        if (lm_pool_duplicate(pool, k, &first, &second) != LM_OK)
            return cli_error("out of memory");
        int status = lm_constraints_add(life->constraints, LM_CONSTRAINT_APART, first, second);
        if (status != LM_OK)
            return cli_error("%s: duplicate sign-ups '%s' and '%s' are kept apart, but: %s",
                             command, lm_pool_id(pool, first), lm_pool_id(pool, second),
                             lm_errmsg(life->constraints));
    }
    return CLI_OK;
}

int cli_solve(int argc, char **argv, const cli_solver *solver)
{
    lm_params *params = NULL;
    lm_key *key = NULL;
    lm_pool *pool = NULL;
    lm_result *result = NULL;
    if (lm_params_new(&params) != LM_OK)
        return cli_error("out of memory");
    cli_pool_source source = {0};
    cli_lifecycle life = {0}; /* --constraints, --keep (cli_lifecycle.c) */
    cli_history history = {0}; /* --history, --no-repeats (cli_history.c) */
    const char *output = NULL, *json = NULL;
    bool quiet = false;
    int option, code = CLI_OK;
    while ((option = cli_getopt(argc, argv, "o:h", solver->options)) != -1) {
        int own = cli_history_option(solver->name, option, optarg, params, &history);
        if (own < 0) {
            code = CLI_USAGE;
            goto done;
        }
        if (own)
            continue;
        if (cli_lifecycle_option(option, optarg, &life))
            continue;
        int handled = cli_run_option(solver->name, option, optarg, params, &quiet, &source);
        if (handled < 0) {
            code = CLI_USAGE;
            goto done;
        }
        if (handled)
            continue;
        switch (option) {
        case 'o': output = optarg; break;
        case OPT_JSON: json = optarg; break;
        case 'h':
            printf("%s%s%s", solver->usage, cli_history_options_help,
                   solver->more_usage ? solver->more_usage : "");
            code = CLI_OK;
            goto done;
        default: code = CLI_USAGE; goto done;
        }
    }
    if (optind + 1 != argc) {
        code = cli_usage_error(solver->name, "expects one pool file");
        goto done;
    }
    if (lm_params_check(params) != LM_OK) {
        code = cli_usage_error(solver->name, "%s", lm_errmsg(params));
        goto done;
    }
    source.path = argv[optind];
    code = cli_prepare_key(solver->name, &source, &key);
    if (code == CLI_OK)
        code = cli_load_pool(&source, &pool);
    life.pairs = solver->solve == lm_pairs_match;
    if (code == CLI_OK)
        code = cli_lifecycle_load(solver->name, pool, params, &life, quiet);
    if (code == CLI_OK)
        code = cli_keep_duplicates_apart(solver->name, pool, params, &life);
    if (code == CLI_OK)
        code = cli_history_load(solver->name, pool, params, &history, &source);
    if (code != CLI_OK)
        goto done;
    if (lm_result_new(&result) != LM_OK) {
        code = cli_error("out of memory");
        goto done;
    }
    cli_progress progress = {0};
    if (!quiet && lm_params_set_progress(params, cli_progress_line, &progress) != LM_OK) {
        code = cli_error("out of memory");
        goto done;
    }
    int status = solver->solve(pool, params, result);
    cli_progress_done(&progress);
    source.command = solver->name;
    if (status != LM_OK) {
        code = cli_report(status, result, source.path);
    } else {
        code = cli_write_outputs(&source, pool, result, output, json, false, NULL);
        if (!quiet)
            print_run_summary(solver->name, result);
    }
done:
    cli_history_free(&history);
    lm_result_free(result);
    cli_lifecycle_free(&life);
    lm_pool_free(pool);
    lm_key_free(key);
    lm_params_free(params);
    return code;
}
