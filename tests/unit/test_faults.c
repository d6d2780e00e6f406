/* Fault injection over the whole public API (SQLite's way, issue 19).
 *
 * Every function of include/libmatch/libmatch.h is listed below, either as
 * ALLOCATES (one of the scenarios calls it, and the scenario is run with
 * allocation 1, 2, 3, ... failing until a run makes no failing allocation)
 * or as a PROBE (a call that must make no allocation at all, checked by
 * counting). The header is read at run time: a public function missing
 * from the list fails the test, so a new function that allocates cannot
 * escape the loop, and one listed as a probe that starts allocating fails
 * its probe.
 *
 * Every run must end in LM_OK or LM_E_NOMEM, leave the const inputs (the
 * pool, params, grouping, history) as they were and a failed load's target
 * as it was, and leak nothing (LeakSanitizer, in the sanitizer build). The
 * solvers run with 2 threads too, with the failure counted over every
 * thread, so that worker threads fail as well. Calls into libsodium and the
 * msgpack-c packer's write callback fail through their own hook
 * (lm__extern_fail_at), with LM_E_CRYPTO or LM_E_IO allowed as well. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libmatch/libmatch.h"
#include "common/common_internal.h"

/* ---- the shared inputs, built once without failures ----------------------- */

static struct {
    char dir[128];
    char pool_csv[160], venues_csv[160], groups_csv[160], taxonomy_csv[160];
    char history_csv[160], key_file[160], pool_mp[160], result_mp[160], out[160];
    char constraints_csv[160];
    lm_pool *pool;       /* the sample pool with venues */
    lm_params *params;   /* small effort, given thread count */
    lm_grouping *grouping;
    lm_result *result;   /* a groups result of pool */
    lm_result *items;    /* a partition result */
    lm_key *key;         /* a key file key */
    lm_history *history;
    lm_taxonomy *taxonomy;
    lm_constraints *constraints; /* together n1 r1, apart n2 r1 */
    lm_key *spare;               /* an empty key for the derivation probe */
} F;

static const char participants[] =
    "id,role,interests,offers,wants,languages,availability,lat,lon,max_km,step_free,host\n"
    "n1,newcomer,gitaar;cooking:0.5,arabic,dutch,ar;nl,mon-morning;tue-ev,52.09,5.12,3,ja,yes\n"
    "r1,resident,singing:0.8;baking,dutch,arabic:0.4,nl,mon-morning,52.1,5.1,,no,no\n"
    "n2,newcomer,football,,,nl,mon-morning,52.1,5.1,,,1\n"
    "r2,resident,music,guitar,,en;nl,mon-morning,52.0,5.0,10,true,false\n";
static const char venues[] = "id,lat,lon,open,capacity,step_free\n"
                             "huiskamer,52.09,5.12,mon-morning;wed-morning,3,yes\n";
static const char groups_text[] = "group,id,role,slot,venue\n"
                                  "1,n1,newcomer,mon-morning,huiskamer\n"
                                  "1,r1,resident,,\n"
                                  "1,n2,,,\n"
                                  "1,r2,,,\n";
static const char taxonomy_text[] = "key,parent,label_en,label_nl,synonyms\n"
                                    "music,,Music,Muziek,muziek maken\n"
                                    "guitar,music,Guitar,Gitaar,gitar\n";
static const char constraints_text[] = "kind,a,b\ntogether,n1,r1\napart,n2,r1\n";
static const char key_text[] = "libmatch-key-v1 000102030405060708090a0b0c0d0e0f"
                               "101112131415161718191a1b1c1d1e1f\n";

static void put(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");
    ck_assert_ptr_nonnull(file);
    fputs(text, file);
    fclose(file);
}

static void setup(void)
{
    /* tmpfs when there is one: the file scenarios fsync every save */
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(F.dir, sizeof F.dir, "%s/lm_faults_XXXXXX", base);
    ck_assert_ptr_nonnull(mkdtemp(F.dir));
#define PATH(field, name) snprintf(F.field, sizeof F.field, "%s/%s", F.dir, name)
    PATH(pool_csv, "pool.csv");
    PATH(venues_csv, "venues.csv");
    PATH(groups_csv, "groups.csv");
    PATH(taxonomy_csv, "taxonomy.csv");
    PATH(history_csv, "history.csv");
    PATH(key_file, "k.key");
    PATH(pool_mp, "pool.lmp");
    PATH(result_mp, "result.lmr");
    PATH(out, "out");
    PATH(constraints_csv, "constraints.csv");
#undef PATH
    put(F.pool_csv, participants);
    put(F.venues_csv, venues);
    put(F.groups_csv, groups_text);
    put(F.taxonomy_csv, taxonomy_text);
    put(F.history_csv, groups_text);
    put(F.constraints_csv, constraints_text);
    ck_assert_int_eq(lm_pool_new(NULL, &F.pool), LM_OK);
    ck_assert_int_eq(lm_pool_load_csv_buffer(F.pool, "pool.csv", participants,
                                             sizeof participants - 1), LM_OK);
    ck_assert_int_eq(lm_pool_load_venues_csv_buffer(F.pool, "venues.csv", venues,
                                                    sizeof venues - 1), LM_OK);
    ck_assert_int_eq(lm_params_new(&F.params), LM_OK);
    ck_assert_int_eq(lm_params_set_int(F.params, LM_PARAM_EFFORT, 1), LM_OK);
    ck_assert_int_eq(lm_grouping_new(&F.grouping), LM_OK);
    ck_assert_int_eq(lm_grouping_load_csv_buffer(F.grouping, F.pool, "groups.csv", groups_text,
                                                 sizeof groups_text - 1), LM_OK);
    ck_assert_int_eq(lm_result_new(&F.result), LM_OK);
    ck_assert_int_eq(lm_groups_form(F.pool, F.params, F.result), LM_OK);
    ck_assert_int_eq(lm_result_new(&F.items), LM_OK);
    static const double weights[16] = {0, 1, 2, 3, 1, 0, 4, 5, 2, 4, 0, 6, 3, 5, 6, 0};
    static const size_t lower[2] = {2, 2}, upper[2] = {2, 2};
    ck_assert_int_eq(lm_partition_solve(4, 2, weights, lower, upper, F.params, F.items), LM_OK);
    ck_assert_int_eq(lm_key_new(&F.key), LM_OK);
    ck_assert_int_eq(lm_key_load_buffer(F.key, key_text, sizeof key_text - 1), LM_OK);
    ck_assert_int_eq(lm_key_save_file(F.key, F.key_file), LM_OK);
    ck_assert_int_eq(lm_pool_save_msgpack(F.pool, F.pool_mp, F.key), LM_OK);
    ck_assert_int_eq(lm_result_save_msgpack(F.result, F.pool, F.result_mp, F.key), LM_OK);
    ck_assert_int_eq(lm_history_new(&F.history), LM_OK);
    ck_assert_int_eq(lm_history_add_result(F.history, F.result), LM_OK);
    ck_assert_int_eq(lm_taxonomy_new_default(&F.taxonomy), LM_OK);
    ck_assert_int_eq(lm_key_new(&F.spare), LM_OK);
    ck_assert_int_eq(lm_constraints_new(F.pool, &F.constraints), LM_OK);
    ck_assert_int_eq(lm_constraints_load_csv_buffer(F.constraints, "c.csv", constraints_text,
                                                    sizeof constraints_text - 1), LM_OK);
}

static void teardown(void)
{
    lm_constraints_free(F.constraints);
    lm_key_free(F.spare);
    lm_taxonomy_free(F.taxonomy);
    lm_history_free(F.history);
    lm_key_free(F.key);
    lm_result_free(F.items);
    lm_result_free(F.result);
    lm_grouping_free(F.grouping);
    lm_params_free(F.params);
    lm_pool_free(F.pool);
    const char *names[] = {F.pool_csv, F.venues_csv, F.groups_csv, F.taxonomy_csv,
                           F.history_csv, F.key_file, F.pool_mp, F.result_mp, F.out,
                           F.constraints_csv};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        unlink(names[k]);
    rmdir(F.dir);
}

/* A hash of everything a pool holds that the public API shows, to check
 * that a const pool is the same after a run. */
static uint64_t mix(uint64_t hash, const void *data, size_t size)
{
    const unsigned char *bytes = data;
    for (size_t k = 0; k < size; k++)
        hash = (hash ^ bytes[k]) * 0x100000001b3ull;
    return hash;
}

static uint64_t pool_print(const lm_pool *pool)
{
    uint64_t hash = 0xcbf29ce484222325ull;
    size_t n = lm_pool_size(pool), topics = lm_taxonomy_topic_count(lm_pool_taxonomy(pool));
    hash = mix(hash, &n, sizeof n);
    for (size_t i = 0; i < n; i++) {
        hash = mix(hash, lm_pool_id(pool, i), strlen(lm_pool_id(pool, i)));
        for (int v = 0; v < 3; v++)
            for (size_t t = 0; t < topics; t++) {
                double value = lm_pool_value(pool, i, (lm_vector)v, t);
                hash = mix(hash, &value, sizeof value);
            }
        uint64_t masks[2] = {lm_pool_language_mask(pool, i), lm_pool_availability_mask(pool, i)};
        hash = mix(hash, masks, sizeof masks);
    }
    size_t venue_count = lm_pool_venue_count(pool), warnings = lm_pool_warning_count(pool);
    hash = mix(hash, &venue_count, sizeof venue_count);
    hash = mix(hash, &warnings, sizeof warnings);
    for (size_t v = 0; v < venue_count; v++) {
        unsigned capacity = lm_pool_venue_capacity(pool, v);
        hash = mix(hash, &capacity, sizeof capacity);
    }
    return hash;
}

/* ---- scenarios: every allocating function is called in one of them -------- */

#define TRY(call)                                                                       \
    do {                                                                                \
        if (status == LM_OK)                                                            \
            status = (call);                                                            \
    } while (0)

/* A failed load leaves its target as it was. */
#define LOAD(pool, call)                                                                \
    do {                                                                                \
        if (status == LM_OK) {                                                          \
            uint64_t before = pool_print(pool);                                         \
            status = (call);                                                            \
            if (status != LM_OK)                                                        \
                ck_assert_msg(pool_print(pool) == before, "failed %s changed the pool", \
                              #call);                                                   \
        }                                                                               \
    } while (0)

static int scenario_build(void)
{
    lm_taxonomy *taxonomy = NULL, *copy = NULL;
    lm_pool *pool = NULL;
    lm_params *params = NULL;
    lm_grouping *grouping = NULL;
    lm_result *result = NULL;
    lm_key *key = NULL;
    lm_history *history = NULL;
    size_t index = 0;
    int status = lm_taxonomy_new(&taxonomy);
    TRY(lm_taxonomy_load_buffer(taxonomy, "taxonomy.csv", taxonomy_text,
                                sizeof taxonomy_text - 1));
    TRY(lm_taxonomy_new_default(&copy));
    TRY(lm_pool_new(copy, &pool));
    TRY(lm_pool_add(pool, "hand", LM_RESIDENT, &index));
    TRY(lm_pool_set_tags(pool, index, LM_INTERESTS, "gitaar;cooking:0.5;nothing"));
    TRY(lm_pool_set_value(pool, index, LM_OFFERS, 0, 0.5));
    TRY(lm_pool_set_languages(pool, index, "nl;ar"));
    TRY(lm_pool_set_availability(pool, index, "mon-am;fri-ev"));
    TRY(lm_pool_set_availability_mask(pool, index, 3));
    TRY(lm_pool_set_location(pool, index, 52.09, 5.12, 4.0));
    TRY(lm_pool_set_step_free(pool, index, true));
    TRY(lm_pool_set_host(pool, index, true));
    TRY(lm_pool_set_column(pool, index, "phone", "0612345678"));
    TRY(lm_pool_add_venue(pool, "hall", 52.1, 5.1, 7, 2, true, &index));
    LOAD(pool, lm_pool_load_csv_buffer(pool, "pool.csv", participants, sizeof participants - 1));
    LOAD(pool, lm_pool_load_venues_csv_buffer(pool, "venues.csv", venues, sizeof venues - 1));
    LOAD(pool, lm_pool_load_sample(pool));
    LOAD(pool, lm_pool_generate(pool, 12, 0.4, 2, 7));
    lm_pool *cities = NULL; /* its own pool: the generated ids repeat */
    TRY(lm_pool_new(NULL, &cities));
    if (cities)
        LOAD(cities, lm_pool_generate_cities(cities, 12, 0.4, 2, 2, 7));
    lm_pool_free(cities);
    TRY(lm_params_new(&params));
    TRY(lm_grouping_new(&grouping));
    TRY(lm_grouping_assign(grouping, 0, 0));
    TRY(lm_grouping_set_slot(grouping, 0, 1));
    TRY(lm_grouping_set_venue(grouping, 0, 0));
    TRY(lm_grouping_load_csv_buffer(grouping, F.pool, "groups.csv", groups_text,
                                    sizeof groups_text - 1));
    TRY(lm_result_new(&result));
    TRY(lm_key_new(&key));
    TRY(lm_key_load_buffer(key, key_text, sizeof key_text - 1));
    TRY(lm_key_generate(key));
    TRY(lm_key_set_passphrase(key, "open sesame", 11));
    TRY(lm_history_new(&history));
    TRY(lm_history_add_pair(history, 0, 1, 1));
    TRY(lm_history_add_result(history, F.result));
    TRY(lm_history_load_csv_buffer(history, F.pool, "history.csv", groups_text,
                                   sizeof groups_text - 1));
    size_t topic;
    TRY(lm_taxonomy_find(copy, "Gitaar", &topic));
    lm_constraints *constraints = NULL;
    TRY(lm_constraints_new(F.pool, &constraints));
    TRY(lm_constraints_add(constraints, LM_CONSTRAINT_APART, 2, 3));
    TRY(lm_constraints_load_csv_buffer(constraints, "c.csv", constraints_text,
                                       sizeof constraints_text - 1));
    TRY(lm_constraints_check(constraints, 6, NULL));
    lm_grouping *keep = NULL;
    size_t left = 0;
    TRY(lm_grouping_new(&keep));
    TRY(lm_grouping_load_keep_csv_buffer(keep, F.pool, "keep.csv", groups_text,
                                         sizeof groups_text - 1, &left));
    lm_grouping_free(keep);
    lm_constraints_free(constraints);
    lm_history_free(history);
    lm_key_free(key);
    lm_result_free(result);
    lm_grouping_free(grouping);
    lm_params_free(params);
    lm_pool_free(pool);
    lm_taxonomy_free(copy);
    lm_taxonomy_free(taxonomy);
    return status;
}

static int scenario_files(void)
{
    lm_taxonomy *taxonomy = NULL;
    lm_pool *pool = NULL;
    lm_grouping *grouping = NULL;
    lm_result *result = NULL;
    lm_key *key = NULL;
    lm_history *history = NULL;
    lm_format format;
    int status = lm_taxonomy_new(&taxonomy);
    TRY(lm_taxonomy_load_file(taxonomy, F.taxonomy_csv));
    TRY(lm_pool_new(NULL, &pool));
    LOAD(pool, lm_pool_load_csv(pool, F.pool_csv));
    LOAD(pool, lm_pool_load_venues_csv(pool, F.venues_csv));
    TRY(lm_pool_save_csv(pool, F.out));
    TRY(lm_pool_save_venues_csv(pool, F.out));
    TRY(lm_grouping_new(&grouping));
    TRY(lm_grouping_load_csv(grouping, F.pool, F.groups_csv));
    TRY(lm_key_new(&key));
    TRY(lm_key_load_file(key, F.key_file));
    TRY(lm_key_save_file(key, F.out));
    TRY(lm_format_detect_file(F.pool_mp, &format));
    TRY(lm_pool_save_msgpack(F.pool, F.out, F.key));
    lm_pool_free(pool);
    pool = NULL;
    TRY(lm_pool_new(NULL, &pool));
    LOAD(pool, lm_pool_load_file(pool, F.pool_mp, F.key));
    TRY(lm_result_new(&result));
    TRY(lm_result_save_msgpack(F.result, F.pool, F.out, F.key));
    TRY(lm_result_load_file(result, F.pool, F.result_mp, F.key));
    TRY(lm_result_save_csv(F.result, F.pool, F.out));
    TRY(lm_result_save_csv_pseudonymized(F.result, F.pool, F.out, F.key));
    lm_result *rounds[1] = {F.result};
    TRY(lm_rounds_save_csv(rounds, 1, F.pool, F.out));
    TRY(lm_history_new(&history));
    TRY(lm_history_load_csv(history, F.pool, F.history_csv));
    lm_history_free(history);
    lm_constraints *constraints = NULL;
    TRY(lm_constraints_new(F.pool, &constraints));
    TRY(lm_constraints_load_csv(constraints, F.constraints_csv));
    lm_constraints_free(constraints);
    lm_grouping *keep = NULL;
    size_t left = 0;
    TRY(lm_grouping_new(&keep));
    TRY(lm_grouping_load_keep_csv(keep, F.pool, F.groups_csv, &left));
    lm_grouping_free(keep);
    lm_key_free(key);
    lm_result_free(result);
    lm_grouping_free(grouping);
    lm_pool_free(pool);
    lm_taxonomy_free(taxonomy);
    return status;
}

/* The same bytes from memory (the loaders behind the file readers). */
static unsigned char *pool_bytes, *result_bytes;
static size_t pool_size, result_size;

static int scenario_buffers(void)
{
    lm_pool *pool = NULL;
    lm_result *result = NULL;
    int status = lm_pool_new(NULL, &pool);
    LOAD(pool, lm_pool_load_msgpack_buffer(pool, "pool.lmp", pool_bytes, pool_size, F.key));
    TRY(lm_result_new(&result));
    TRY(lm_result_load_msgpack_buffer(result, F.pool, "result.lmr", result_bytes, result_size,
                                      F.key));
    lm_result_free(result);
    lm_pool_free(pool);
    return status;
}

static int solver_threads = 1;

static int scenario_solvers(void)
{
    lm_params *params = NULL;
    lm_result *result = NULL, *second = NULL;
    int status = lm_params_new(&params);
    TRY(lm_params_set_int(params, LM_PARAM_EFFORT, 1));
    TRY(lm_params_set_int(params, LM_PARAM_THREADS, solver_threads));
    TRY(lm_result_new(&result));
    TRY(lm_result_new(&second));
    TRY(lm_groups_form(F.pool, params, result));
    TRY(lm_groups_evaluate(F.pool, params, F.grouping, result));
    double bound;
    TRY(lm_groups_bound(F.pool, params, &bound));
    TRY(lm_pairs_match(F.pool, params, result));
    static const double weights[16] = {0, 1, 2, 3, 1, 0, 4, 5, 2, 4, 0, 6, 3, 5, 6, 0};
    static const size_t lower[2] = {2, 2}, upper[2] = {2, 2};
    TRY(lm_partition_solve(4, 2, weights, lower, upper, params, result));
    size_t pairs;
    double penalty;
    TRY(lm_history_repeats(F.history, params, F.result, &pairs, &penalty));
    lm_result *rounds[2] = {result, second};
    TRY(lm_rounds_form(F.pool, params, 2, rounds, NULL));
    TRY(lm_golfer_solve(2, 2, 2, params, result, NULL));
    TRY(lm_params_set_history(params, F.history));
    TRY(lm_groups_form(F.pool, params, result));
    TRY(lm_params_set_constraints(params, F.constraints));
    TRY(lm_groups_form(F.pool, params, result));
    TRY(lm_pairs_match(F.pool, params, result));
    TRY(lm_params_set_constraints(params, NULL));
    TRY(lm_params_set_keep(params, F.grouping, false));
    TRY(lm_groups_form(F.pool, params, result));
    lm_result_free(second);
    lm_result_free(result);
    lm_params_free(params);
    return status;
}

/* Runs scenario with allocation 1, 2, ... failing (in this thread, or in
 * any thread when all_threads) until a run makes no failing allocation. */
static long fault_loop(const char *name, int (*scenario)(void), bool all_threads)
{
    long (*fail_at)(long) = all_threads ? lm__alloc_fail_at_all_threads : lm__alloc_fail_at;
    uint64_t pool_before = pool_print(F.pool);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    fail_at(all_threads ? -1 : 0);
    ck_assert_int_eq(scenario(), LM_OK);
    long total = fail_at(0);
    ck_assert_int_gt(total, 0);
    long n = 1;
    for (;; n++) {
        fail_at(n);
        int status = scenario();
        long made = fail_at(0);
        ck_assert_msg(status == LM_OK || status == LM_E_NOMEM,
                      "%s: failing allocation %ld of %ld gave status %d", name, n, total,
                      status);
        ck_assert_msg(pool_print(F.pool) == pool_before, "%s: allocation %ld changed the pool",
                      name, n);
        if (made < n) {
            ck_assert_int_eq(status, LM_OK);
            break;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    /* on stderr, for docs/reliability.md: how many runs, how long */
    fprintf(stderr, "# %s: %ld allocations, each failed in turn, %.1f s\n", name, n - 1,
            (double)(end.tv_sec - start.tv_sec) + 1e-9 * (double)(end.tv_nsec - start.tv_nsec));
    return n - 1;
}

START_TEST(build_under_failing_allocations)
{
    fault_loop("build", scenario_build, false);
}
END_TEST

START_TEST(files_under_failing_allocations)
{
    fault_loop("files", scenario_files, false);
}
END_TEST

START_TEST(buffers_under_failing_allocations)
{
    FILE *file = fopen(F.pool_mp, "rb");
    static unsigned char pool_data[1 << 16], result_data[1 << 16];
    pool_size = fread(pool_data, 1, sizeof pool_data, file);
    fclose(file);
    file = fopen(F.result_mp, "rb");
    result_size = fread(result_data, 1, sizeof result_data, file);
    fclose(file);
    pool_bytes = pool_data;
    result_bytes = result_data;
    fault_loop("buffers", scenario_buffers, false);
}
END_TEST

START_TEST(solvers_under_failing_allocations)
{
    solver_threads = 1;
    fault_loop("solvers", scenario_solvers, false);
}
END_TEST

/* Two threads, and the Nth allocation of any thread fails: worker threads
 * of lm_groups_form(), lm_pairs_match() and the others fail too. */
START_TEST(solvers_with_two_threads_fail_in_workers_too)
{
    solver_threads = 2;
    fault_loop("solvers, 2 threads", scenario_solvers, true);
}
END_TEST

/* libsodium (sodium_init, crypto_pwhash) and msgpack-c's write callback:
 * each call that can fail, failing in turn. */
static int scenario_extern(void)
{
    lm_key *key = NULL;
    lm_pool *pool = NULL;
    int status = lm_key_new(&key);
    TRY(lm_key_load_buffer(key, key_text, sizeof key_text - 1));
    TRY(lm_pool_save_msgpack(F.pool, F.out, key));
    TRY(lm_result_save_msgpack(F.result, F.pool, F.out, key));
    TRY(lm_result_save_msgpack(F.items, NULL, F.out, NULL));
    TRY(lm_pool_new(NULL, &pool));
    LOAD(pool, lm_pool_load_file(pool, F.pool_mp, key));
    lm_pool_free(pool);
    lm_key_free(key);
    return status;
}

START_TEST(library_calls_fail_cleanly)
{
    lm__extern_fail_at(0);
    ck_assert_int_eq(scenario_extern(), LM_OK);
    long total = lm__extern_fail_at(0);
    ck_assert_int_gt(total, 3);
    long n = 1;
    for (;; n++) {
        lm__extern_fail_at(n);
        int status = scenario_extern();
        long made = lm__extern_fail_at(0);
        ck_assert_msg(status == LM_OK || status == LM_E_NOMEM || status == LM_E_IO ||
                          status == LM_E_CRYPTO,
                      "failing library call %ld of %ld gave status %d", n, total, status);
        if (made < n) {
            ck_assert_int_eq(status, LM_OK);
            break;
        }
        ck_assert_int_ne(status, LM_OK);
    }
    ck_assert_int_eq(n, total + 1);
    /* a passphrase save: Argon2id (the second call) out of memory; kept out
     * of the loop, where every later run would pay for an Argon2id */
    lm_key *phrase = NULL;
    ck_assert_int_eq(lm_key_new(&phrase), LM_OK);
    ck_assert_int_eq(lm_key_set_passphrase(phrase, "open sesame", 11), LM_OK);
    lm__extern_fail_at(2);
    ck_assert_int_eq(lm_pool_save_msgpack(F.pool, F.out, phrase), LM_E_NOMEM);
    lm__extern_fail_at(0);
    lm_key_free(phrase);
    /* deriving a key: libsodium not ready, then Argon2id out of memory */
    lm_key *key = NULL;
    ck_assert_int_eq(lm_key_new(&key), LM_OK);
    lm__extern_fail_at(1);
    ck_assert_int_eq(lm_key_derive_passphrase(key, "pass", 4, NULL, 0), LM_E_CRYPTO);
    lm__extern_fail_at(2);
    ck_assert_int_eq(lm_key_derive_passphrase(key, "pass", 4, NULL, 0), LM_E_NOMEM);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(key), "Argon2id"));
    ck_assert_int_eq(lm_key_get_kind(key), LM_KEY_EMPTY);
    lm__extern_fail_at(0);
    lm_key_free(key);
}
END_TEST

/* ---- the list of every public function ------------------------------------- */

static char text_buffer[64];

#define PROBE(name, ...)                                                                \
    static void probe_##name(void)                                                      \
    {                                                                                   \
        __VA_ARGS__;                                                                    \
    }
/* (void) does not silence warn_unused_result in GCC; a test does. */
#define IGNORE(x)                                                                       \
    do {                                                                                \
        if ((x)) {                                                                      \
        }                                                                               \
    } while (0)

PROBE(lm_version_string, IGNORE(lm_version_string()))
PROBE(lm_version_number, IGNORE(lm_version_number()))
PROBE(lm_strerror, IGNORE(lm_strerror(LM_E_NOMEM)))
PROBE(lm_errmsg, IGNORE(lm_errmsg(F.pool)))
PROBE(lm_language_count, IGNORE(lm_language_count()))
PROBE(lm_language_code, IGNORE(lm_language_code(0)))
PROBE(lm_language_code3, IGNORE(lm_language_code3(0)))
PROBE(lm_language_name_en, IGNORE(lm_language_name_en(0)))
PROBE(lm_language_name_nl, IGNORE(lm_language_name_nl(0)))
PROBE(lm_language_endonym, IGNORE(lm_language_endonym(0)))
PROBE(lm_language_find, size_t i; IGNORE(lm_language_find("Arabic", &i)))
PROBE(lm_slot_count, IGNORE(lm_slot_count()))
PROBE(lm_slot_label, IGNORE(lm_slot_label(0)))
PROBE(lm_slot_find, size_t i; IGNORE(lm_slot_find("mon-am", &i)))
PROBE(lm_taxonomy_free, lm_taxonomy_free(NULL))
PROBE(lm_taxonomy_topic_count, IGNORE(lm_taxonomy_topic_count(F.taxonomy)))
PROBE(lm_taxonomy_topic_key, IGNORE(lm_taxonomy_topic_key(F.taxonomy, 1)))
PROBE(lm_taxonomy_topic_parent, IGNORE(lm_taxonomy_topic_parent(F.taxonomy, 1)))
PROBE(lm_taxonomy_topic_label_en, IGNORE(lm_taxonomy_topic_label_en(F.taxonomy, 1)))
PROBE(lm_taxonomy_topic_label_nl, IGNORE(lm_taxonomy_topic_label_nl(F.taxonomy, 1)))
PROBE(lm_taxonomy_topic_synonym_count, IGNORE(lm_taxonomy_topic_synonym_count(F.taxonomy, 1)))
PROBE(lm_taxonomy_topic_synonym, IGNORE(lm_taxonomy_topic_synonym(F.taxonomy, 1, 0)))
PROBE(lm_pool_free, lm_pool_free(NULL))
PROBE(lm_pool_taxonomy, IGNORE(lm_pool_taxonomy(F.pool)))
PROBE(lm_pool_set_strict, IGNORE(lm_pool_set_strict(F.pool, false)))
PROBE(lm_pool_set_rho, IGNORE(lm_pool_set_rho(F.pool, 0.5)))
PROBE(lm_pool_size, IGNORE(lm_pool_size(F.pool)))
PROBE(lm_pool_find, size_t i; IGNORE(lm_pool_find(F.pool, "r1", &i)))
PROBE(lm_pool_id, IGNORE(lm_pool_id(F.pool, 0)))
PROBE(lm_pool_role, IGNORE(lm_pool_role(F.pool, 0)))
PROBE(lm_pool_value, IGNORE(lm_pool_value(F.pool, 0, LM_INTERESTS, 1)))
PROBE(lm_pool_language_mask, IGNORE(lm_pool_language_mask(F.pool, 0)))
PROBE(lm_pool_availability_mask, IGNORE(lm_pool_availability_mask(F.pool, 0)))
PROBE(lm_pool_location, double a, b, c; IGNORE(lm_pool_location(F.pool, 0, &a, &b, &c)))
PROBE(lm_pool_step_free, IGNORE(lm_pool_step_free(F.pool, 0)))
PROBE(lm_pool_host, IGNORE(lm_pool_host(F.pool, 0)))
PROBE(lm_pool_line, IGNORE(lm_pool_line(F.pool, 0)))
PROBE(lm_pool_warning_count, IGNORE(lm_pool_warning_count(F.pool)))
PROBE(lm_pool_warning_line, IGNORE(lm_pool_warning_line(F.pool, 0)))
PROBE(lm_pool_warning_column, IGNORE(lm_pool_warning_column(F.pool, 0)))
PROBE(lm_pool_warning_message, IGNORE(lm_pool_warning_message(F.pool, 0)))
PROBE(lm_pool_column_count, IGNORE(lm_pool_column_count(F.pool)))
PROBE(lm_pool_column_name, IGNORE(lm_pool_column_name(F.pool, 0)))
PROBE(lm_pool_column_value, IGNORE(lm_pool_column_value(F.pool, 0, 0)))
PROBE(lm_pool_name, IGNORE(lm_pool_name(F.pool, 0)))
PROBE(lm_pool_error_count, IGNORE(lm_pool_error_count(F.pool)))
PROBE(lm_pool_error_message, IGNORE(lm_pool_error_message(F.pool, 0)))
PROBE(lm_pool_set_error_limit, IGNORE(lm_pool_set_error_limit(F.pool, 50)))
PROBE(lm_pool_duplicate_count, IGNORE(lm_pool_duplicate_count(F.pool)))
PROBE(lm_pool_duplicate, size_t a, b; IGNORE(lm_pool_duplicate(F.pool, 0, &a, &b)))
PROBE(lm_pool_duplicate_reason, IGNORE(lm_pool_duplicate_reason(F.pool, 0)))
PROBE(lm_venue_capacity_max, IGNORE(lm_venue_capacity_max()))
PROBE(lm_pool_venue_count, IGNORE(lm_pool_venue_count(F.pool)))
PROBE(lm_pool_venue_id, IGNORE(lm_pool_venue_id(F.pool, 0)))
PROBE(lm_pool_venue_location, double a, b; lm_pool_venue_location(F.pool, 0, &a, &b))
PROBE(lm_pool_venue_open_mask, IGNORE(lm_pool_venue_open_mask(F.pool, 0)))
PROBE(lm_pool_venue_capacity, IGNORE(lm_pool_venue_capacity(F.pool, 0)))
PROBE(lm_pool_venue_step_free, IGNORE(lm_pool_venue_step_free(F.pool, 0)))
PROBE(lm_distance_km, IGNORE(lm_distance_km(52, 5, 52.1, 5.1)))
PROBE(lm_params_free, lm_params_free(NULL))
PROBE(lm_params_set_int, IGNORE(lm_params_set_int(F.params, LM_PARAM_SEED, 1)))
PROBE(lm_params_set_double, IGNORE(lm_params_set_double(F.params, LM_PARAM_MU, 10)))
PROBE(lm_params_get_int, IGNORE(lm_params_get_int(F.params, LM_PARAM_SEED)))
PROBE(lm_params_get_double, IGNORE(lm_params_get_double(F.params, LM_PARAM_MU)))
PROBE(lm_params_set_progress, IGNORE(lm_params_set_progress(F.params, NULL, NULL)))
PROBE(lm_params_check, IGNORE(lm_params_check(F.params)))
PROBE(lm_grouping_free, lm_grouping_free(NULL))
PROBE(lm_result_free, lm_result_free(NULL))
PROBE(lm_result_total, IGNORE(lm_result_total(F.result)))
PROBE(lm_result_optimality, IGNORE(lm_result_optimality(F.result)))
PROBE(lm_result_bound, IGNORE(lm_result_bound(F.result)))
PROBE(lm_result_gap, IGNORE(lm_result_gap(F.result)))
PROBE(lm_result_group_count, IGNORE(lm_result_group_count(F.result)))
PROBE(lm_result_group_size, IGNORE(lm_result_group_size(F.result, 0)))
PROBE(lm_result_group_member, IGNORE(lm_result_group_member(F.result, 0, 0)))
PROBE(lm_result_group_theme, IGNORE(lm_result_group_theme(F.result, 0)))
PROBE(lm_result_group_slot, IGNORE(lm_result_group_slot(F.result, 0)))
PROBE(lm_result_group_venue, IGNORE(lm_result_group_venue(F.result, 0)))
PROBE(lm_result_group_language, IGNORE(lm_result_group_language(F.result, 0)))
PROBE(lm_result_group_cohost, IGNORE(lm_result_group_cohost(F.result, 0, LM_NEWCOMER)))
PROBE(lm_result_group_score, IGNORE(lm_result_group_score(F.result, 0, LM_TERM_TOTAL)))
PROBE(lm_result_unassigned_count, IGNORE(lm_result_unassigned_count(F.result)))
PROBE(lm_result_unassigned, IGNORE(lm_result_unassigned(F.result, 0)))
PROBE(lm_result_unassigned_reason, IGNORE(lm_result_unassigned_reason(F.result, 0)))
PROBE(lm_reason_string, IGNORE(lm_reason_string(LM_REASON_TOO_FAR)))
PROBE(lm_reason_name, IGNORE(lm_reason_name(LM_REASON_TOO_FAR)))
PROBE(lm_result_violation_count, IGNORE(lm_result_violation_count(F.result)))
PROBE(lm_result_violation_kind, IGNORE(lm_result_violation_kind(F.result, 0)))
PROBE(lm_result_violation_group, IGNORE(lm_result_violation_group(F.result, 0)))
PROBE(lm_result_violation_participant, IGNORE(lm_result_violation_participant(F.result, 0)))
PROBE(lm_result_violation_message, IGNORE(lm_result_violation_message(F.result, 0)))
PROBE(lm_violation_name, IGNORE(lm_violation_name(LM_VIOLATION_SIZE)))
PROBE(lm_format_detect, IGNORE(lm_format_detect("LMENC", 5)))
PROBE(lm_key_free, lm_key_free(NULL))
PROBE(lm_key_get_kind, IGNORE(lm_key_get_kind(F.key)))
PROBE(lm_key_salt_size, IGNORE(lm_key_salt_size()))
/* Argon2id allocates its 256 MiB itself (libsodium), none through libmatch;
 * its failure is library_calls_fail_cleanly's. */
PROBE(lm_key_derive_passphrase,
      IGNORE(lm_key_derive_passphrase(F.spare, "pass", 4, "0123456789abcdef", 16)))
PROBE(lm_pseudonym_size, IGNORE(lm_pseudonym_size()))
PROBE(lm_pseudonym, IGNORE(lm_pseudonym(F.key, "r1", text_buffer, sizeof text_buffer)))
PROBE(lm_result_item_count, IGNORE(lm_result_item_count(F.items)))
PROBE(lm_result_item_group, IGNORE(lm_result_item_group(F.items, 0)))
PROBE(lm_history_free, lm_history_free(NULL))
PROBE(lm_history_pair_count, IGNORE(lm_history_pair_count(F.history)))
PROBE(lm_history_round_count, IGNORE(lm_history_round_count(F.history)))
PROBE(lm_history_age, IGNORE(lm_history_age(F.history, 0, 1)))
PROBE(lm_constraints_free, lm_constraints_free(NULL))
PROBE(lm_constraints_count, IGNORE(lm_constraints_count(F.constraints)))
PROBE(lm_constraints_get, lm_constraint_kind kind; size_t a, b, line;
      IGNORE(lm_constraints_get(F.constraints, 0, &kind, &a, &b, &line)))
PROBE(lm_constraint_kind_name, IGNORE(lm_constraint_kind_name(LM_CONSTRAINT_PIN)))
PROBE(lm_grouping_group_number, IGNORE(lm_grouping_group_number(F.grouping, 0)))
PROBE(lm_grouping_group_count, IGNORE(lm_grouping_group_count(F.grouping)))
PROBE(lm_grouping_group_of, IGNORE(lm_grouping_group_of(F.grouping, 0)))
PROBE(lm_result_member_new, IGNORE(lm_result_member_new(F.result, 0, 0)))
PROBE(lm_result_group_kept, IGNORE(lm_result_group_kept(F.result, 0)))
PROBE(lm_result_continuing, IGNORE(lm_result_continuing(F.result)))
PROBE(lm_escape_controls, IGNORE(lm_escape_controls(text_buffer, sizeof text_buffer, "\x1b[0m")))

typedef struct api_entry {
    const char *name;
    void (*probe)(void);  /* makes no allocation */
    const char *scenario; /* or: allocates, and this scenario calls it */
} api_entry;

#define P(name) {#name, probe_##name, NULL}
#define A(name, scenario) {#name, NULL, scenario}

static const api_entry api[] = {
    P(lm_version_string), P(lm_version_number), P(lm_strerror), P(lm_errmsg),
    P(lm_language_count), P(lm_language_code), P(lm_language_code3), P(lm_language_name_en),
    P(lm_language_name_nl), P(lm_language_endonym), P(lm_language_find), P(lm_slot_count),
    P(lm_slot_label), P(lm_slot_find),
    A(lm_taxonomy_new_default, "build"), A(lm_taxonomy_new, "build"), P(lm_taxonomy_free),
    A(lm_taxonomy_load_file, "files"), A(lm_taxonomy_load_buffer, "build"),
    P(lm_taxonomy_topic_count), P(lm_taxonomy_topic_key), P(lm_taxonomy_topic_parent),
    P(lm_taxonomy_topic_label_en), P(lm_taxonomy_topic_label_nl),
    P(lm_taxonomy_topic_synonym_count), P(lm_taxonomy_topic_synonym),
    A(lm_taxonomy_find, "build"), /* folds case into a copy */
    A(lm_pool_new, "build"), P(lm_pool_free), P(lm_pool_taxonomy), P(lm_pool_set_strict),
    P(lm_pool_set_rho), A(lm_pool_load_csv, "files"), A(lm_pool_load_csv_buffer, "build"),
    A(lm_pool_load_venues_csv, "files"), A(lm_pool_load_venues_csv_buffer, "build"),
    A(lm_pool_load_sample, "build"), A(lm_pool_generate, "build"),
    A(lm_pool_generate_cities, "build"),
    A(lm_pool_save_csv, "files"), A(lm_pool_save_venues_csv, "files"),
    A(lm_pool_add, "build"), A(lm_pool_set_tags, "build"), A(lm_pool_set_value, "build"),
    A(lm_pool_set_languages, "build"), A(lm_pool_set_availability, "build"),
    A(lm_pool_set_availability_mask, "build"), A(lm_pool_set_location, "build"),
    A(lm_pool_set_step_free, "build"), A(lm_pool_set_host, "build"), P(lm_pool_size),
    P(lm_pool_find), P(lm_pool_id), P(lm_pool_role), P(lm_pool_value),
    P(lm_pool_language_mask), P(lm_pool_availability_mask), P(lm_pool_location),
    P(lm_pool_step_free), P(lm_pool_host), P(lm_pool_line), P(lm_pool_warning_count),
    P(lm_pool_warning_line), P(lm_pool_warning_column), P(lm_pool_warning_message),
    P(lm_pool_column_count), P(lm_pool_column_name), P(lm_pool_column_value),
    A(lm_pool_set_column, "build"), P(lm_pool_name), P(lm_pool_error_count),
    P(lm_pool_error_message), P(lm_pool_set_error_limit), P(lm_pool_duplicate_count),
    P(lm_pool_duplicate), P(lm_pool_duplicate_reason), P(lm_venue_capacity_max),
    A(lm_pool_add_venue, "build"), P(lm_pool_venue_count), P(lm_pool_venue_id),
    P(lm_pool_venue_location), P(lm_pool_venue_open_mask), P(lm_pool_venue_capacity),
    P(lm_pool_venue_step_free), P(lm_distance_km),
    A(lm_params_new, "build"), P(lm_params_free), P(lm_params_set_int),
    P(lm_params_set_double), P(lm_params_get_int), P(lm_params_get_double),
    P(lm_params_set_progress), P(lm_params_check),
    A(lm_grouping_new, "build"), P(lm_grouping_free), A(lm_grouping_assign, "build"),
    A(lm_grouping_set_slot, "build"), A(lm_grouping_set_venue, "build"),
    A(lm_grouping_load_csv, "files"), A(lm_grouping_load_csv_buffer, "build"),
    A(lm_result_new, "build"), P(lm_result_free), P(lm_result_total),
    P(lm_result_optimality), P(lm_result_bound), P(lm_result_gap), P(lm_result_group_count),
    P(lm_result_group_size), P(lm_result_group_member), P(lm_result_group_theme),
    P(lm_result_group_slot), P(lm_result_group_venue), P(lm_result_group_language),
    P(lm_result_group_cohost), P(lm_result_group_score), P(lm_result_unassigned_count),
    P(lm_result_unassigned), P(lm_result_unassigned_reason), P(lm_reason_string),
    P(lm_reason_name), P(lm_result_violation_count), P(lm_result_violation_kind),
    P(lm_result_violation_group), P(lm_result_violation_participant),
    P(lm_result_violation_message), P(lm_violation_name), A(lm_result_save_csv, "files"),
    A(lm_groups_form, "solvers"), A(lm_groups_evaluate, "solvers"),
    A(lm_groups_bound, "solvers"), P(lm_format_detect), A(lm_format_detect_file, "files"),
    A(lm_key_new, "build"), P(lm_key_free), P(lm_key_get_kind), A(lm_key_generate, "build"),
    A(lm_key_set_passphrase, "build"), P(lm_key_salt_size),
    P(lm_key_derive_passphrase), A(lm_key_load_file, "files"),
    A(lm_key_load_buffer, "build"), A(lm_key_save_file, "files"), P(lm_pseudonym_size),
    P(lm_pseudonym), A(lm_result_save_csv_pseudonymized, "files"),
    A(lm_pool_save_msgpack, "files"), A(lm_pool_load_file, "files"),
    A(lm_pool_load_msgpack_buffer, "buffers"), A(lm_result_save_msgpack, "files"),
    A(lm_result_load_file, "files"), A(lm_result_load_msgpack_buffer, "buffers"),
    A(lm_pairs_match, "solvers"), A(lm_partition_solve, "solvers"), P(lm_result_item_count),
    P(lm_result_item_group),
    A(lm_history_new, "build"), P(lm_history_free), A(lm_history_add_pair, "build"),
    A(lm_history_add_result, "build"), A(lm_history_load_csv, "files"),
    A(lm_history_load_csv_buffer, "build"), P(lm_history_pair_count),
    P(lm_history_round_count), P(lm_history_age), A(lm_params_set_history, "solvers"),
    A(lm_history_repeats, "solvers"), A(lm_rounds_form, "solvers"),
    A(lm_golfer_solve, "solvers"), A(lm_rounds_save_csv, "files"),
    A(lm_constraints_new, "build"), P(lm_constraints_free), A(lm_constraints_add, "build"),
    A(lm_constraints_load_csv, "files"), A(lm_constraints_load_csv_buffer, "build"),
    P(lm_constraints_count), P(lm_constraints_get), A(lm_constraints_check, "build"),
    P(lm_constraint_kind_name), A(lm_params_set_constraints, "solvers"),
    A(lm_params_set_keep, "solvers"), A(lm_grouping_load_keep_csv, "files"),
    A(lm_grouping_load_keep_csv_buffer, "build"), P(lm_grouping_group_number),
    P(lm_grouping_group_count), P(lm_grouping_group_of), P(lm_result_member_new),
    P(lm_result_group_kept), P(lm_result_continuing), P(lm_escape_controls),
};

/* The names of every LM_API function of the public header. */
static size_t header_functions(char names[][64], size_t capacity)
{
    FILE *file = fopen(LM_TEST_PUBLIC_HEADER, "r");
    ck_assert_ptr_nonnull(file);
    static char text[1 << 18];
    size_t size = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[size] = '\0';
    size_t count = 0;
    for (const char *at = strstr(text, "\nLM_API "); at; at = strstr(at + 1, "\nLM_API ")) {
        const char *paren = strchr(at, '(');
        const char *end = paren;
        while (end > at && end[-1] == ' ')
            end--;
        const char *start = end;
        while (start > at && (start[-1] == '_' || (start[-1] >= 'a' && start[-1] <= 'z') ||
                              (start[-1] >= '0' && start[-1] <= '9')))
            start--;
        ck_assert_int_lt(count, capacity);
        snprintf(names[count++], 64, "%.*s", (int)(end - start), start);
    }
    return count;
}

START_TEST(every_public_function_is_listed)
{
    static char names[512][64];
    size_t count = header_functions(names, 512);
    ck_assert_uint_gt(count, 150);
    size_t entries = sizeof api / sizeof *api;
    char missing[4096] = "";
    for (size_t k = 0; k < count; k++) {
        bool found = false;
        for (size_t e = 0; e < entries && !found; e++)
            found = strcmp(api[e].name, names[k]) == 0;
        if (!found && strlen(missing) + strlen(names[k]) + 2 < sizeof missing) {
            strcat(missing, " ");
            strcat(missing, names[k]);
        }
    }
    ck_assert_msg(!missing[0],
                  "public functions missing from the fault-injection list of "
                  "tests/unit/test_faults.c (call each in a scenario, or add a probe if it "
                  "never allocates):%s",
                  missing);
    for (size_t e = 0; e < entries; e++) {
        bool found = false;
        for (size_t k = 0; k < count && !found; k++)
            found = strcmp(api[e].name, names[k]) == 0;
        ck_assert_msg(found, "%s is listed but not in the header", api[e].name);
    }
}
END_TEST

/* A function listed as a probe must never allocate: if it starts to, it
 * belongs in a scenario. */
START_TEST(probes_make_no_allocation)
{
    for (size_t e = 0; e < sizeof api / sizeof *api; e++) {
        if (!api[e].probe)
            continue;
        lm__alloc_fail_at(0);
        api[e].probe();
        long made = lm__alloc_fail_at(0);
        ck_assert_msg(made == 0, "%s made %ld allocations: call it in a fault scenario",
                      api[e].name, made);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 900);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, every_public_function_is_listed);
    tcase_add_test(tc, probes_make_no_allocation);
    tcase_add_test(tc, build_under_failing_allocations);
    tcase_add_test(tc, files_under_failing_allocations);
    tcase_add_test(tc, buffers_under_failing_allocations);
    tcase_add_test(tc, solvers_under_failing_allocations);
    tcase_add_test(tc, solvers_with_two_threads_fail_in_workers_too);
    tcase_add_test(tc, library_calls_fail_cleanly);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
