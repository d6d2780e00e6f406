/* groups_bench: one measured lm_groups_form() run on a generated city, with
 * the baselines (random and greedy groupings) on the same pool in the same process.
 *
 *   groups_bench [--participants N] [--venues K] [--seed S] [--threads T]
 *                [--effort E] [--share X] [--baselines | --no-baselines]
 *
 * Prints ONE JSON line (bench/run_benchmarks.py collects them): the engine's
 * wall and CPU time, its memory, its score, coverage and contact-condition
 * rates, and the same quality metrics for the random mixed groups and the
 * greedy baselines, each scored and checked by lm_groups_evaluate().
 *
 * Memory: VmHWM of /proc/self/status is read at start and after generating
 * the pool; the peak is then reset (/proc/self/clear_refs, "5") so that the
 * VmHWM read right after lm_groups_form() is the peak during the run alone.
 * The baselines run after that reading, so they never count as the engine's. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "groups_baselines.h"
#include "libmatch/libmatch.h"

typedef struct options {
    size_t participants, venues;
    uint64_t seed;
    int64_t threads, effort; /* effort 0: the library's default */
    double share;
    bool baselines;
} options;

typedef struct metrics {
    double total, shifted_total, group_score_sum;
    size_t assigned, unassigned, groups, violations;
    size_t exchange_groups, cohost_groups, theme_groups, travel_members;
    double travel_km_sum;
} metrics;

/* ---- measuring ---------------------------------------------------------------------------- */

static double wall_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double cpu_now(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + 1e-6 * (double)usage.ru_utime.tv_usec +
           (double)usage.ru_stime.tv_sec + 1e-6 * (double)usage.ru_stime.tv_usec;
}

static long long ru_maxrss_bytes(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (long long)usage.ru_maxrss * 1024;
}

/* A "Name:   1234 kB" field of /proc/self/status in bytes, -1 when absent. */
static long long status_bytes(const char *name)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long long value = -1;
    size_t length = strlen(name);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, length) == 0 && line[length] == ':') {
            value = strtoll(line + length + 1, NULL, 10) * 1024;
            break;
        }
    fclose(f);
    return value;
}

/* Resets VmHWM to the current RSS (Linux >= 4.0); false when not allowed. */
static bool reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return false;
    bool ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

/* ---- what a grouping achieves --------------------------------------------------------------- */

static void member_location_mean(const lm_pool *pool, const lm_result *result, size_t g,
                                 double *lat, double *lon, size_t *located)
{
    *lat = *lon = 0.0;
    *located = 0;
    for (size_t m = 0; m < lm_result_group_size(result, g); m++) {
        double a, b, km;
        if (lm_pool_location(pool, lm_result_group_member(result, g, m), &a, &b, &km)) {
            *lat += a;
            *lon += b;
            (*located)++;
        }
    }
    if (*located) {
        *lat /= (double)*located;
        *lon /= (double)*located;
    }
}

static void measure(const lm_pool *pool, const lm_params *params, const lm_result *result,
                    metrics *m)
{
    memset(m, 0, sizeof *m);
    size_t n = lm_pool_size(pool);
    double mu = lm_params_get_double(params, LM_PARAM_MU);
    m->total = lm_result_total(result);
    m->groups = lm_result_group_count(result);
    m->unassigned = lm_result_unassigned_count(result);
    m->violations = lm_result_violation_count(result);
    for (size_t g = 0; g < m->groups; g++) {
        size_t k = lm_result_group_size(result, g);
        m->assigned += k;
        m->group_score_sum += lm_result_group_score(result, g, LM_TERM_TOTAL);
        m->exchange_groups += lm_result_group_score(result, g, LM_TERM_EXCHANGE) > 0.0;
        m->cohost_groups += lm_result_group_score(result, g, LM_TERM_COHOST) == 1.0;
        m->theme_groups += lm_result_group_score(result, g, LM_TERM_THEME) / (double)k > 0.5;
        /* Travel: to the venue, or without venues to the members' mean location. */
        double lat, lon;
        size_t located;
        int venue = lm_result_group_venue(result, g);
        if (venue >= 0)
            lm_pool_venue_location(pool, (size_t)venue, &lat, &lon);
        else
            member_location_mean(pool, result, g, &lat, &lon, &located);
        for (size_t i = 0; i < k; i++) {
            double a, b, km;
            if (lm_pool_location(pool, lm_result_group_member(result, g, i), &a, &b, &km)) {
                m->travel_km_sum += lm_distance_km(a, b, lat, lon);
                m->travel_members++;
            }
        }
    }
    m->shifted_total = m->total + mu * (double)n;
}

static double ratio(double part, double whole)
{
    return whole > 0 ? part / whole : 0.0;
}

static void print_metrics(const metrics *m, size_t n)
{
    printf("\"total\": %.6f, \"shifted_total\": %.6f, \"group_score_sum\": %.6f, "
           "\"assigned\": %zu, \"unassigned\": %zu, \"coverage\": %.6f, \"groups\": %zu, "
           "\"mean_group_size\": %.4f, \"mean_group_score\": %.6f, "
           "\"exchange_rate\": %.6f, \"cohost_rate\": %.6f, \"theme_rate\": %.6f, "
           "\"mean_travel_km\": %.6f, \"travel_members\": %zu, \"violations\": %zu",
           m->total, m->shifted_total, m->group_score_sum, m->assigned, m->unassigned,
           ratio((double)m->assigned, (double)n), m->groups,
           ratio((double)m->assigned, (double)m->groups),
           ratio(m->group_score_sum, (double)m->groups),
           ratio((double)m->exchange_groups, (double)m->groups),
           ratio((double)m->cohost_groups, (double)m->groups),
           ratio((double)m->theme_groups, (double)m->groups),
           ratio(m->travel_km_sum, (double)m->travel_members), m->travel_members,
           m->violations);
}

/* The engine's result as a grouping (members, slot, venue), for evaluation. */
static int result_grouping(const lm_result *result, lm_grouping **out)
{
    lm_grouping *grouping = NULL;
    int status = lm_grouping_new(&grouping);
    for (size_t g = 0; status == LM_OK && g < lm_result_group_count(result); g++) {
        for (size_t m = 0; status == LM_OK && m < lm_result_group_size(result, g); m++)
            status = lm_grouping_assign(grouping, lm_result_group_member(result, g, m), g);
        if (status == LM_OK && lm_result_group_slot(result, g) >= 0)
            status = lm_grouping_set_slot(grouping, g, (size_t)lm_result_group_slot(result, g));
        if (status == LM_OK && lm_result_group_venue(result, g) >= 0)
            status =
                lm_grouping_set_venue(grouping, g, (size_t)lm_result_group_venue(result, g));
    }
    if (status != LM_OK) {
        lm_grouping_free(grouping);
        return status;
    }
    *out = grouping;
    return LM_OK;
}

/* ---- the program ---------------------------------------------------------------------------- */

static void die(const char *what, int status, const void *object)
{
    fprintf(stderr, "groups_bench: %s: %s%s%s\n", what, lm_strerror(status),
            object ? ": " : "", object ? lm_errmsg(object) : "");
    exit(1);
}

static void usage(FILE *to)
{
    fputs("usage: groups_bench [--participants N] [--venues K] [--seed S] [--threads T]\n"
          "                    [--effort E] [--share X] [--baselines | --no-baselines]\n"
          "One JSON line on stdout: engine timing, memory and quality, and baselines.\n",
          to);
}

static uint64_t parse_number(const char *option, const char *text, uint64_t max)
{
    char *end = NULL;
    errno = 0;
    unsigned long long value = text ? strtoull(text, &end, 10) : 0;
    if (!text || !*text || *end || errno || value > max || text[0] == '-') {
        fprintf(stderr, "groups_bench: %s needs a whole number up to %" PRIu64 "\n", option,
                max);
        exit(2);
    }
    return (uint64_t)value;
}

static void parse_options(int argc, char **argv, options *o)
{
    *o = (options){.participants = 10000, .venues = 40, .seed = 1, .threads = 1,
                   .effort = 0, .share = -1.0, .baselines = true};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--participants"))
            o->participants = (size_t)parse_number(a, value, 100000000), i++;
        else if (!strcmp(a, "--venues"))
            o->venues = (size_t)parse_number(a, value, 1000000), i++;
        else if (!strcmp(a, "--seed"))
            o->seed = parse_number(a, value, UINT64_MAX), i++;
        else if (!strcmp(a, "--threads"))
            o->threads = (int64_t)parse_number(a, value, 1024), i++;
        else if (!strcmp(a, "--effort"))
            o->effort = (int64_t)parse_number(a, value, 1000000), i++;
        else if (!strcmp(a, "--share") && value) {
            char *end = NULL;
            o->share = strtod(value, &end);
            if (*end || !(o->share <= 1.0)) {
                fprintf(stderr, "groups_bench: --share needs a number <= 1\n");
                exit(2);
            }
            i++;
        } else if (!strcmp(a, "--baselines"))
            o->baselines = true;
        else if (!strcmp(a, "--no-baselines"))
            o->baselines = false;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            exit(0);
        } else {
            usage(stderr);
            exit(2);
        }
    }
}

/* Runs one baseline, evaluates it and prints its JSON member; returns the
 * number of violations (a feasible baseline has none). */
typedef int (*baseline_fn)(const lm_pool *pool, const lm_params *params, uint64_t seed,
                           lm_grouping **out);

static int greedy_adapter(const lm_pool *pool, const lm_params *params, uint64_t seed,
                          lm_grouping **out)
{
    (void)seed;
    return gb_greedy_groups(pool, params, out);
}

static size_t run_baseline(const char *separator, const char *name, baseline_fn form,
                           const lm_pool *pool, const lm_params *params, uint64_t seed,
                           const metrics *engine)
{
    lm_grouping *grouping = NULL;
    lm_result *result = NULL;
    double start = wall_now();
    int status = form(pool, params, seed, &grouping);
    double formed = wall_now();
    if (status != LM_OK)
        die(name, status, NULL);
    if (lm_result_new(&result) != LM_OK)
        die("result", LM_E_NOMEM, NULL);
    status = lm_groups_evaluate(pool, params, grouping, result);
    if (status != LM_OK)
        die("evaluate", status, result);
    metrics m;
    measure(pool, params, result, &m);
    size_t n = lm_pool_size(pool);
    printf("%s\"%s\": {\"wall_seconds\": %.6f, ", separator, name, formed - start);
    print_metrics(&m, n);
    printf(", \"engine_shifted_ratio\": %.6f, \"engine_total_minus\": %.6f}",
           m.shifted_total != 0 ? engine->shifted_total / m.shifted_total : 0.0,
           engine->total - m.total);
    if (m.violations)
        fprintf(stderr, "groups_bench: the %s baseline has %zu violations, first: %s\n", name,
                m.violations, lm_result_violation_message(result, 0));
    lm_result_free(result);
    lm_grouping_free(grouping);
    return m.violations;
}

int main(int argc, char **argv)
{
    options o;
    parse_options(argc, argv, &o);
    long long hwm_start = status_bytes("VmHWM"), anon_start = status_bytes("RssAnon");

    lm_pool *pool = NULL;
    int status = lm_pool_new(NULL, &pool);
    if (status != LM_OK)
        die("pool", status, NULL);
    double generate_start = wall_now();
    status = lm_pool_generate(pool, o.participants, o.share, o.venues, o.seed);
    if (status != LM_OK)
        die("generate", status, pool);
    double generate_seconds = wall_now() - generate_start;
    long long hwm_pool = status_bytes("VmHWM"), rss_pool = status_bytes("VmRSS");

    lm_params *params = NULL;
    lm_result *result = NULL;
    if (lm_params_new(&params) != LM_OK || lm_result_new(&result) != LM_OK)
        die("setup", LM_E_NOMEM, NULL);
    if (lm_params_set_int(params, LM_PARAM_SEED, (int64_t)(o.seed & INT64_MAX)) != LM_OK ||
        lm_params_set_int(params, LM_PARAM_THREADS, o.threads) != LM_OK ||
        (o.effort > 0 && lm_params_set_int(params, LM_PARAM_EFFORT, o.effort) != LM_OK))
        die("params", LM_E_INVALID, params);

    bool peak_reset = reset_peak();
    long long rss_before = status_bytes("VmRSS"), file_before = status_bytes("RssFile");
    double cpu_start = cpu_now(), wall_start = wall_now();
    status = lm_groups_form(pool, params, result);
    double wall = wall_now() - wall_start, cpu = cpu_now() - cpu_start;
    long long hwm_run = status_bytes("VmHWM"), maxrss = ru_maxrss_bytes();
    if (status != LM_OK)
        die("lm_groups_form", status, result);

    /* The process peak up to the end of the run, and the part the run added. */
    long long peak = hwm_run > hwm_pool ? hwm_run : hwm_pool;
    long long growth = peak_reset ? hwm_run - rss_before : hwm_run - hwm_pool;
    if (growth < 0)
        growth = 0;
    /* The data the process holds at its peak, at most: the peak less the
     * file-backed pages (program and library code) mapped before the run
     * (file pages only grow, so those were still there at the peak) and less
     * the anonymous memory the process had before its first line. Code first
     * touched by the run still counts. */
    long long anon = anon_start >= 0 && file_before >= 0 ? peak - file_before - anon_start : -1;
    size_t n = lm_pool_size(pool);
    metrics engine;
    measure(pool, params, result, &engine);

    /* The engine's groups must pass evaluation with the same total. */
    lm_grouping *grouping = NULL;
    lm_result *check = NULL;
    if (result_grouping(result, &grouping) != LM_OK || lm_result_new(&check) != LM_OK)
        die("check", LM_E_NOMEM, NULL);
    status = lm_groups_evaluate(pool, params, grouping, check);
    if (status != LM_OK)
        die("evaluate", status, check);
    size_t engine_violations = lm_result_violation_count(check);
    double eval_difference = fabs(lm_result_total(check) - engine.total);
    lm_result_free(check);
    lm_grouping_free(grouping);

    /* The most groups the venues can host in a week: a ceiling on coverage. */
    size_t venue_groups = 0;
    for (size_t v = 0; v < lm_pool_venue_count(pool); v++) {
        size_t open = 0;
        for (uint64_t mask = lm_pool_venue_open_mask(pool, v); mask; mask &= mask - 1)
            open++;
        venue_groups += open * lm_pool_venue_capacity(pool, v);
    }
    int64_t effort = lm_params_get_int(params, LM_PARAM_EFFORT);
    printf("{\"bench\": \"groups\", \"version\": \"%s\", \"n\": %zu, \"venues\": %zu, "
           "\"seed\": %" PRIu64 ", \"threads\": %" PRId64 ", \"effort\": %" PRId64 ", "
           "\"newcomer_share\": %.4f, \"min_size\": %" PRId64 ", \"max_size\": %" PRId64
           ", \"min_per_role\": %" PRId64 ", \"mu\": %.6f, \"venue_group_capacity\": %zu, "
           "\"generate_seconds\": %.6f, ",
           lm_version_string(), n, lm_pool_venue_count(pool), o.seed, o.threads, effort,
           o.share < 0 ? 0.3 : o.share, lm_params_get_int(params, LM_PARAM_MIN_SIZE),
           lm_params_get_int(params, LM_PARAM_MAX_SIZE),
           lm_params_get_int(params, LM_PARAM_MIN_PER_ROLE),
           lm_params_get_double(params, LM_PARAM_MU), venue_groups, generate_seconds);
    printf("\"engine\": {\"wall_seconds\": %.6f, \"cpu_seconds\": %.6f, "
           "\"peak_rss_bytes\": %lld, \"ru_maxrss_bytes\": %lld, \"start_hwm_bytes\": %lld, "
           "\"pool_hwm_bytes\": %lld, \"pool_rss_bytes\": %lld, \"run_hwm_bytes\": %lld, "
           "\"run_rss_growth_bytes\": %lld, \"peak_reset\": %s, "
           "\"bytes_per_participant\": %.2f, \"data_bytes_per_participant\": %.2f, "
           "\"run_bytes_per_participant\": %.2f, \"anon_start_bytes\": %lld, "
           "\"file_before_run_bytes\": %lld, \"anon_bytes_per_participant\": %.2f, "
           "\"eval_violations\": %zu, \"eval_total_difference\": %.3g, ",
           wall, cpu, peak, maxrss, hwm_start, hwm_pool, rss_pool, hwm_run, growth,
           peak_reset ? "true" : "false", n ? (double)peak / (double)n : 0.0,
           n ? (double)(peak - hwm_start) / (double)n : 0.0,
           n ? (double)growth / (double)n : 0.0, anon_start, file_before,
           n && anon >= 0 ? (double)anon / (double)n : -1.0, engine_violations, eval_difference);
    print_metrics(&engine, n);
    printf("}");
    size_t baseline_violations = 0;
    if (o.baselines) {
        printf(", \"baselines\": {");
        baseline_violations += run_baseline("", "random", gb_random_groups, pool, params,
                                            o.seed, &engine);
        baseline_violations += run_baseline(", ", "greedy", greedy_adapter, pool, params,
                                            o.seed, &engine);
        printf("}");
    }
    printf(", \"ok\": %s}\n", engine_violations || baseline_violations ? "false" : "true");
    fflush(stdout);
    if (engine_violations)
        fprintf(stderr, "groups_bench: the engine's groups have %zu violations\n",
                engine_violations);
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
    return engine_violations || baseline_violations ? 3 : 0;
}
