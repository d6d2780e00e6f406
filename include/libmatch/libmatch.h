/*
 * libmatch — mixed, equal-role project groups of newcomers and residents.
 *
 * This header is the whole public contract of the library. It reads top to
 * bottom like a manual: version, status codes, the objects (taxonomy, pool,
 * parameters, grouping, result), the simple calls, then the advanced ones.
 * Whatever is not declared here is private.
 *
 * Conventions
 *  - Every function that can fail returns an int status: LM_OK (0) or a
 *    negative lm_status. lm_strerror() gives a static text for a code and
 *    lm_errmsg(object) the detail of the last failure on that object.
 *  - Handles are opaque. lm_X_new() creates, lm_X_free() destroys;
 *    lm_X_free(NULL) is a no-op. What the library allocates, the library frees.
 *  - Strings passed in are copied; the library never keeps a caller's buffer.
 *    Strings returned stay valid until the object is changed or freed.
 *  - No global mutable state: different objects may be used from different
 *    threads at the same time. One object must not be changed by two threads
 *    at once; const calls on a pool may run concurrently (for example several
 *    lm_groups_form() on one pool, each with its own result).
 *  - The library never prints and never aborts on input.
 */
#ifndef LIBMATCH_H
#define LIBMATCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "libmatch_version.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef LM_API
#  if defined(LM_BUILDING_LIBRARY) && defined(__GNUC__)
#    define LM_API __attribute__((visibility("default")))
#  else
#    define LM_API
#  endif
#endif

/* Status results that must be read. The binding generator defines
 * LM_NO_ATTRIBUTES to see plain declarations. */
#if defined(__GNUC__) && !defined(LM_NO_ATTRIBUTES)
#  define LM_NODISCARD __attribute__((warn_unused_result))
#else
#  define LM_NODISCARD
#endif

/* ------------------------------------------------------------------------ */
/* Version                                                                   */
/* ------------------------------------------------------------------------ */

/* The version of the library actually loaded, as "MAJOR.MINOR.PATCH" and as
 * MAJOR*10000 + MINOR*100 + PATCH (compare with LM_VERSION_NUMBER). */
LM_API const char *lm_version_string(void);
LM_API int lm_version_number(void);

/* ------------------------------------------------------------------------ */
/* Status codes (values are pinned; new codes are only appended)             */
/* ------------------------------------------------------------------------ */

typedef enum lm_status {
    LM_OK = 0,
    LM_E_NOMEM = -1,       /* an allocation failed; nothing was leaked */
    LM_E_INVALID = -2,     /* misuse: NULL handle, index out of range, bad value */
    LM_E_PARSE = -3,       /* malformed input data (file, line, column in errmsg) */
    LM_E_IO = -4,          /* a file could not be read or written */
    LM_E_INFEASIBLE = -5,  /* parameters that make every group impossible */
    LM_E_NOTFOUND = -6,    /* unknown id, topic, language or slot */
    LM_E_CANCELLED = -7,   /* the progress callback asked to stop */
    LM_E_TOO_LARGE = -8,   /* input larger than the library accepts */
    LM_E_CRYPTO = -9,      /* wrong key, or a tampered or truncated file */
    LM_E_FORMAT = -10,     /* unknown file format or unsupported version */
    LM_E_DUPLICATE = -11   /* an id that must be unique is not */
} lm_status;

/* A static, never-NULL English text for a status code. */
LM_API const char *lm_strerror(int status);

/* The detail of the last failure on any libmatch object (taxonomy, pool,
 * params, grouping, result), e.g. "pool.csv line 14, column 'languages':
 * unknown language 'xx'". "" when there was none; "invalid handle" for NULL. */
LM_API const char *lm_errmsg(const void *object);

/* ------------------------------------------------------------------------ */
/* Enumerations                                                              */
/* ------------------------------------------------------------------------ */

typedef enum lm_role {
    LM_NEWCOMER = 0,
    LM_RESIDENT = 1
} lm_role;

/* The three vectors each participant has over the topics. */
typedef enum lm_vector {
    LM_INTERESTS = 0, /* x: what they like */
    LM_OFFERS = 1,    /* o: talents they can teach or lead */
    LM_WANTS = 2      /* w: what they want to learn */
} lm_vector;

/* The terms of a group's score (DESIGN.md, "The objective"). The values are
 * the unweighted terms; LM_TERM_TOTAL is the weighted group score. */
typedef enum lm_term {
    LM_TERM_THEME = 0,
    LM_TERM_SHARED = 1,
    LM_TERM_EXCHANGE = 2,
    LM_TERM_COHOST = 3,
    LM_TERM_BALANCE = 4,
    LM_TERM_TOTAL = 5
} lm_term;

/* Why a participant stays unassigned. */
typedef enum lm_reason {
    LM_REASON_NONE = 0,
    LM_REASON_NO_SHARED_LANGUAGE = 1, /* no feasible group shares a language */
    LM_REASON_NO_COMMON_SLOT = 2,     /* no feasible group shares a free slot */
    LM_REASON_TOO_FAR = 3,            /* every possible meeting point is too far */
    LM_REASON_ROLE_SHORTAGE = 4,      /* not enough participants of the other role */
    LM_REASON_NO_VENUE = 5,           /* no reachable venue (open, step-free) with room left */
    LM_REASON_NOT_PLACED = 6,         /* feasible groups exist, but the best
                                         grouping found leaves them out */
    LM_REASON_VENUES_FULL = 7         /* a group with others still out would fit
                                         a venue, but every such place is taken */
} lm_reason;

/* A violated hard constraint, as reported by lm_groups_evaluate(). */
typedef enum lm_violation {
    LM_VIOLATION_SIZE = 0,         /* group size outside [min_size, max_size] */
    LM_VIOLATION_MIX = 1,          /* fewer than min_per_role of a role */
    LM_VIOLATION_LANGUAGE = 2,     /* the members share no language */
    LM_VIOLATION_SLOT = 3,         /* a member is not available at the slot */
    LM_VIOLATION_NO_SLOT = 4,      /* no slot where every member is available */
    LM_VIOLATION_DISTANCE = 5,     /* a member is farther than their max_km */
    LM_VIOLATION_STEP_FREE = 6,    /* a member needs step-free access, venue is not */
    LM_VIOLATION_VENUE_CLOSED = 7, /* the venue is not open at the slot */
    LM_VIOLATION_CAPACITY = 8,     /* the venue hosts more groups than its capacity */
    LM_VIOLATION_NO_VENUE = 9,     /* venues are given but the group has none */
    LM_VIOLATION_TOGETHER = 10,    /* a together set is split, or part of it is out */
    LM_VIOLATION_APART = 11,       /* two people kept apart share a group */
    LM_VIOLATION_PIN = 12,         /* a pinned person is not in their kept group */
    LM_VIOLATION_EXCLUDED = 13     /* an excluded person is in a group */
} lm_violation;

/* How good a result is known to be. */
typedef enum lm_optimality {
    LM_HEURISTIC = 0,          /* local search: no proof */
    LM_OPTIMAL = 1,            /* provably optimal (exact method on all pairs) */
    LM_OPTIMAL_ON_CANDIDATES = 2 /* optimal over the candidate pairs only */
} lm_optimality;

/* Integer parameters (lm_params_set_int). */
typedef enum lm_param_int {
    LM_PARAM_MIN_SIZE = 0,     /* default 4 */
    LM_PARAM_MAX_SIZE = 1,     /* default 6 */
    LM_PARAM_MIN_PER_ROLE = 2, /* default 2 */
    LM_PARAM_LANGUAGE = 3,     /* 1: members must share a language (default), 0: off */
    LM_PARAM_SEED = 4,         /* default 1 */
    LM_PARAM_THREADS = 5,      /* default 1; groups and pairs give the same result for
                                  any count, partition the best of that many searches */
    LM_PARAM_EFFORT = 6,       /* search budget in local-search rounds per participant
                                  (default 20); never depends on the clock */
    LM_PARAM_CANDIDATES = 7,   /* pairs: partners kept per person on the candidate
                                  graph; 0 = decide by size (dense when small) */
    LM_PARAM_NO_REPEATS = 8    /* 1: people who met in the history (lm_params_set_history)
                                  never share a group again; 0 (default): a repeat
                                  costs LM_PARAM_REPEAT */
} lm_param_int;

/* Real parameters (lm_params_set_double). */
typedef enum lm_param_double {
    LM_PARAM_ALPHA = 0,          /* weight of theme, default 1 */
    LM_PARAM_BETA = 1,           /* weight of shared, default 1 */
    LM_PARAM_GAMMA = 2,          /* weight of exchange, default 1 */
    LM_PARAM_ETA = 3,            /* weight of cohost, default 1 */
    LM_PARAM_LAMBDA = 4,         /* weight of balance (subtracted), default 0.5 */
    LM_PARAM_MU = 5,             /* penalty per unassigned participant, default 10 */
    LM_PARAM_DEFAULT_MAX_KM = 6, /* travel distance when a participant gives none, default 5 */
    LM_PARAM_TIME_LIMIT = 7,     /* wall-clock limit in seconds, 0 = none (default) */
    LM_PARAM_REPEAT = 8,         /* what the search pays per pair of members who met
                                  before (history), default 10 (the default mu): a
                                  repeat costs as much as leaving someone out, so it is
                                  taken only where it places someone */
    LM_PARAM_REPEAT_DECAY = 9    /* in (0, 1]: a pair that met `age` rounds ago costs
                                  repeat * decay^(age - 1); default 1 (no decay) */
} lm_param_double;

/* ------------------------------------------------------------------------ */
/* Languages and the weekly slot grid (immutable tables)                     */
/* ------------------------------------------------------------------------ */

/* The language table: at least 40 languages spoken by newcomers and
 * residents in the Netherlands. Codes are ISO 639-1 where one exists, else
 * ISO 639-3; lm_language_find() accepts either form and English names. */
LM_API size_t lm_language_count(void);
LM_API const char *lm_language_code(size_t index);  /* "nl", "ti", "prs" */
LM_API const char *lm_language_code3(size_t index); /* "nld", "tir", "prs" */
LM_API const char *lm_language_name_en(size_t index);
/* The Dutch name ("Engels") and the name in the language itself ("العربية");
 * lm_language_find() accepts both, in any case. */
LM_API const char *lm_language_name_nl(size_t index);
LM_API const char *lm_language_endonym(size_t index);
LM_API LM_NODISCARD int lm_language_find(const char *code, size_t *index);

/* The weekly grid: 7 days x morning/afternoon/evening, index = day*3 + part
 * (monday first). Labels "mon-morning" ... "sun-evening"; lm_slot_find() also
 * takes "mon-am", "mon-pm", "mon-ev" and is case-insensitive. */
LM_API size_t lm_slot_count(void);
LM_API const char *lm_slot_label(size_t index);
LM_API LM_NODISCARD int lm_slot_find(const char *label, size_t *index);

/* ------------------------------------------------------------------------ */
/* Taxonomy: the topics that are the dimensions of the vectors               */
/* ------------------------------------------------------------------------ */

typedef struct lm_taxonomy lm_taxonomy;

/* A copy of the embedded default taxonomy. */
LM_API LM_NODISCARD int lm_taxonomy_new_default(lm_taxonomy **out);
/* An empty taxonomy, to fill with lm_taxonomy_load_file()/_buffer(). */
LM_API LM_NODISCARD int lm_taxonomy_new(lm_taxonomy **out);
LM_API void lm_taxonomy_free(lm_taxonomy *taxonomy);

/* Loads topics from a taxonomy CSV (docs/model.md: key,parent,label_en,
 * label_nl,synonyms). Replaces the current topics; on failure the taxonomy
 * is unchanged and lm_errmsg() names the line and the reason. */
LM_API LM_NODISCARD int lm_taxonomy_load_file(lm_taxonomy *taxonomy, const char *path);
LM_API LM_NODISCARD int lm_taxonomy_load_buffer(lm_taxonomy *taxonomy, const char *name,
                                                const char *data, size_t size);

LM_API size_t lm_taxonomy_topic_count(const lm_taxonomy *taxonomy);
LM_API const char *lm_taxonomy_topic_key(const lm_taxonomy *taxonomy, size_t topic);
/* The index of the parent category, or -1 for a category. */
LM_API int lm_taxonomy_topic_parent(const lm_taxonomy *taxonomy, size_t topic);
LM_API const char *lm_taxonomy_topic_label_en(const lm_taxonomy *taxonomy, size_t topic);
LM_API const char *lm_taxonomy_topic_label_nl(const lm_taxonomy *taxonomy, size_t topic);
LM_API size_t lm_taxonomy_topic_synonym_count(const lm_taxonomy *taxonomy, size_t topic);
LM_API const char *lm_taxonomy_topic_synonym(const lm_taxonomy *taxonomy, size_t topic,
                                             size_t k);
/* Finds a topic by key, label or synonym (case-insensitive, UTF-8). */
LM_API LM_NODISCARD int lm_taxonomy_find(const lm_taxonomy *taxonomy, const char *name,
                                         size_t *topic);

/* ------------------------------------------------------------------------ */
/* Pool: participants and venues                                             */
/* ------------------------------------------------------------------------ */

typedef struct lm_pool lm_pool;

/* A new empty pool over a copy of taxonomy (NULL: the default taxonomy). */
LM_API LM_NODISCARD int lm_pool_new(const lm_taxonomy *taxonomy, lm_pool **out);
LM_API void lm_pool_free(lm_pool *pool);
/* The pool's own taxonomy (valid while the pool lives). */
LM_API const lm_taxonomy *lm_pool_taxonomy(const lm_pool *pool);

/* Strict mode: an unknown tag is an error instead of a warning. Default off. */
LM_API LM_NODISCARD int lm_pool_set_strict(lm_pool *pool, bool strict);
/* rho, the share of a subtopic's level that its category receives (0.5). */
LM_API LM_NODISCARD int lm_pool_set_rho(lm_pool *pool, double rho);

/* Appends the participants of a CSV file (docs/formats.md). All or nothing:
 * on failure the pool is unchanged and lm_errmsg() names file, line, column
 * and reason. Unknown tags and unknown columns become warnings. */
LM_API LM_NODISCARD int lm_pool_load_csv(lm_pool *pool, const char *path);
/* The same from memory; name is used in messages. */
LM_API LM_NODISCARD int lm_pool_load_csv_buffer(lm_pool *pool, const char *name,
                                                const char *data, size_t size);
/* Appends venues from a venues CSV; all or nothing. */
LM_API LM_NODISCARD int lm_pool_load_venues_csv(lm_pool *pool, const char *path);
LM_API LM_NODISCARD int lm_pool_load_venues_csv_buffer(lm_pool *pool, const char *name,
                                                       const char *data, size_t size);
/* Appends the embedded sample pool (a neighbourhood sign-up list). */
LM_API LM_NODISCARD int lm_pool_load_sample(lm_pool *pool);
/* Appends a synthetic city, deterministic for seed: participants around
 * Utrecht's ten districts, newcomer_share of them newcomers (negative: the
 * default 0.3), and venues community centres (0: none). */
LM_API LM_NODISCARD int lm_pool_generate(lm_pool *pool, size_t participants,
                                         double newcomer_share, size_t venues,
                                         uint64_t seed);
/* A synthetic country (lmatch gen --cities), deterministic for seed: cities
 * of heavy-tailed sizes (Zipf's law: the k-th largest has 1/k of the
 * largest's people) at random places on a national map (the Netherlands'
 * extent), each with Utrecht's districts mirrored or turned, their weights
 * shifted, and scaled so that its density stays that of 25,000 people in
 * Utrecht; venues are shared out like the people. cities 0 is
 * lm_pool_generate(); at most 10,000 cities. */
LM_API LM_NODISCARD int lm_pool_generate_cities(lm_pool *pool, size_t participants,
                                                double newcomer_share, size_t venues,
                                                size_t cities, uint64_t seed);

/* Writes the participants (or venues) as CSV that lm_pool_load_csv() reads
 * back to the same vectors. */
LM_API LM_NODISCARD int lm_pool_save_csv(lm_pool *pool, const char *path);
LM_API LM_NODISCARD int lm_pool_save_venues_csv(lm_pool *pool, const char *path);

/* Building participants by hand. Ids are unique, 1..64 bytes. */
LM_API LM_NODISCARD int lm_pool_add(lm_pool *pool, const char *id, lm_role role,
                                    size_t *index);
/* Sets one vector from tags "gitaar;cooking:0.5" (DESIGN.md: level default
 * 1, parent category gets max(current, rho*level)). Replaces the vector. */
LM_API LM_NODISCARD int lm_pool_set_tags(lm_pool *pool, size_t participant, lm_vector vector,
                                         const char *tags);
/* Sets one entry of a vector to level in [0,1], without touching the parent. */
LM_API LM_NODISCARD int lm_pool_set_value(lm_pool *pool, size_t participant, lm_vector vector,
                                          size_t topic, double level);
/* Languages as codes separated by ';' ("nl;ar"); "" = unknown (no constraint). */
LM_API LM_NODISCARD int lm_pool_set_languages(lm_pool *pool, size_t participant,
                                              const char *codes);
/* Availability as slot labels separated by ';'; "" = unknown (no constraint). */
LM_API LM_NODISCARD int lm_pool_set_availability(lm_pool *pool, size_t participant,
                                                 const char *slots);
/* Availability as a bit mask over slot indices; 0 = unknown. */
LM_API LM_NODISCARD int lm_pool_set_availability_mask(lm_pool *pool, size_t participant,
                                                      uint64_t mask);
/* Home location in decimal degrees; max_km <= 0 means the default distance. */
LM_API LM_NODISCARD int lm_pool_set_location(lm_pool *pool, size_t participant, double lat,
                                             double lon, double max_km);
LM_API LM_NODISCARD int lm_pool_set_step_free(lm_pool *pool, size_t participant, bool needs);
LM_API LM_NODISCARD int lm_pool_set_host(lm_pool *pool, size_t participant, bool willing);

/* Reading participants back. */
LM_API size_t lm_pool_size(const lm_pool *pool);
LM_API LM_NODISCARD int lm_pool_find(const lm_pool *pool, const char *id, size_t *index);
LM_API const char *lm_pool_id(const lm_pool *pool, size_t participant);
LM_API lm_role lm_pool_role(const lm_pool *pool, size_t participant);
LM_API double lm_pool_value(const lm_pool *pool, size_t participant, lm_vector vector,
                            size_t topic);
/* Languages as a bit mask over lm_language indices (0 = unknown). */
LM_API uint64_t lm_pool_language_mask(const lm_pool *pool, size_t participant);
LM_API uint64_t lm_pool_availability_mask(const lm_pool *pool, size_t participant);
/* true and the location when the participant gave one; max_km is <= 0 when
 * they gave no distance. */
LM_API bool lm_pool_location(const lm_pool *pool, size_t participant, double *lat,
                             double *lon, double *max_km);
LM_API bool lm_pool_step_free(const lm_pool *pool, size_t participant);
LM_API bool lm_pool_host(const lm_pool *pool, size_t participant);
/* The CSV line a participant came from (0 when added by hand). */
LM_API size_t lm_pool_line(const lm_pool *pool, size_t participant);

/* Warnings collected while loading (unknown tags, unknown columns). */
LM_API size_t lm_pool_warning_count(const lm_pool *pool);
LM_API size_t lm_pool_warning_line(const lm_pool *pool, size_t k);
LM_API const char *lm_pool_warning_column(const lm_pool *pool, size_t k);
LM_API const char *lm_pool_warning_message(const lm_pool *pool, size_t k);

/* Display columns: what a sign-up sheet holds for people, not for the
 * solver (a `name` or `naam` column, phone, e-mail, notes, ...). The CSV
 * loader keeps every column it does not know as one; msgpack pools keep
 * them; the groups CSV and lmatch's JSON write them back (never with
 * pseudonyms). Values are UTF-8 text, "" when empty. */
LM_API size_t lm_pool_column_count(const lm_pool *pool);
LM_API const char *lm_pool_column_name(const lm_pool *pool, size_t column);
/* NULL when participant or column is out of range. */
LM_API const char *lm_pool_column_value(const lm_pool *pool, size_t participant,
                                        size_t column);
/* Sets a value, adding the column (by name, ASCII case-insensitive) when it
 * is new; "" or NULL clears it. */
LM_API LM_NODISCARD int lm_pool_set_column(lm_pool *pool, size_t participant,
                                           const char *column, const char *value);
/* The value of the name column ("name" or "naam"), "" without one. */
LM_API const char *lm_pool_name(const lm_pool *pool, size_t participant);

/* Every error of the last load that failed, in file order (a load goes on
 * after an error in a row, up to the error limit, then fails as a whole;
 * lm_errmsg() gives the first). 0 after a load that succeeded. */
LM_API size_t lm_pool_error_count(const lm_pool *pool);
LM_API const char *lm_pool_error_message(const lm_pool *pool, size_t k);
/* How many errors a load collects before it stops reading (default 50). */
LM_API LM_NODISCARD int lm_pool_set_error_limit(lm_pool *pool, size_t limit);

/* Duplicate sign-ups found while loading: pairs of participants (first <
 * second) with the same normalised name and the same phone or e-mail, or
 * rows identical apart from the id (rows with display columns only). Each
 * is a warning naming both lines, an error in strict mode; lmatch keeps
 * the two of a pair apart. */
LM_API size_t lm_pool_duplicate_count(const lm_pool *pool);
LM_API LM_NODISCARD int lm_pool_duplicate(const lm_pool *pool, size_t k, size_t *first,
                                          size_t *second);
/* Why pair k looks like one person: "same name and phone", "same name and
 * e-mail" or "identical rows apart from the id" (NULL out of range). */
LM_API const char *lm_pool_duplicate_reason(const lm_pool *pool, size_t k);

/* Venues. open_mask is a bit mask over slots (0 = never open); capacity is
 * the number of groups it hosts in one slot, 1..LM_VENUE_CAPACITY_MAX, the
 * one limit of every format (CSV, msgpack) and of this call, so that any
 * pool that loads also saves and loads back in every format. */
#define LM_VENUE_CAPACITY_MAX 1000000
LM_API unsigned lm_venue_capacity_max(void);
LM_API LM_NODISCARD int lm_pool_add_venue(lm_pool *pool, const char *id, double lat,
                                          double lon, uint64_t open_mask, unsigned capacity,
                                          bool step_free, size_t *index);
LM_API size_t lm_pool_venue_count(const lm_pool *pool);
LM_API const char *lm_pool_venue_id(const lm_pool *pool, size_t venue);
LM_API void lm_pool_venue_location(const lm_pool *pool, size_t venue, double *lat,
                                   double *lon);
LM_API uint64_t lm_pool_venue_open_mask(const lm_pool *pool, size_t venue);
LM_API unsigned lm_pool_venue_capacity(const lm_pool *pool, size_t venue);
LM_API bool lm_pool_venue_step_free(const lm_pool *pool, size_t venue);

/* Great-circle distance in km (haversine, Earth radius 6371.0088 km). */
LM_API double lm_distance_km(double lat1, double lon1, double lat2, double lon2);

/* ------------------------------------------------------------------------ */
/* Parameters                                                                */
/* ------------------------------------------------------------------------ */

typedef struct lm_params lm_params;

/* Progress: called now and then during a search with the best total so far,
 * the elapsed seconds and the share of the effort budget used (0..1).
 * Return non-zero to cancel: the call then returns LM_E_CANCELLED. */
typedef int (*lm_progress_fn)(void *user, double best_total, double elapsed_seconds,
                              double fraction_done);

LM_API LM_NODISCARD int lm_params_new(lm_params **out);
LM_API void lm_params_free(lm_params *params);
LM_API LM_NODISCARD int lm_params_set_int(lm_params *params, lm_param_int key, int64_t value);
LM_API LM_NODISCARD int lm_params_set_double(lm_params *params, lm_param_double key,
                                             double value);
LM_API int64_t lm_params_get_int(const lm_params *params, lm_param_int key);
LM_API double lm_params_get_double(const lm_params *params, lm_param_double key);
LM_API LM_NODISCARD int lm_params_set_progress(lm_params *params, lm_progress_fn callback,
                                               void *user);
/* LM_E_INFEASIBLE with a message when the parameters make every group
 * impossible (min_size < 2*min_per_role, min_size > max_size, ...). */
LM_API LM_NODISCARD int lm_params_check(lm_params *params);

/* ------------------------------------------------------------------------ */
/* Groupings made by hand (for evaluation)                                   */
/* ------------------------------------------------------------------------ */

typedef struct lm_grouping lm_grouping;

LM_API LM_NODISCARD int lm_grouping_new(lm_grouping **out);
LM_API void lm_grouping_free(lm_grouping *grouping);
/* Puts participant into group (groups are numbered from 0 by the caller). */
LM_API LM_NODISCARD int lm_grouping_assign(lm_grouping *grouping, size_t participant,
                                           size_t group);
/* Fixes a group's slot or venue (otherwise evaluation picks a feasible one). */
LM_API LM_NODISCARD int lm_grouping_set_slot(lm_grouping *grouping, size_t group, size_t slot);
LM_API LM_NODISCARD int lm_grouping_set_venue(lm_grouping *grouping, size_t group,
                                              size_t venue);
/* Reads a groups CSV (group,id,role,theme,slot,venue,cohost: the one
 * lm_result_save_csv() writes). Ids must exist in pool. */
LM_API LM_NODISCARD int lm_grouping_load_csv(lm_grouping *grouping, const lm_pool *pool,
                                             const char *path);
LM_API LM_NODISCARD int lm_grouping_load_csv_buffer(lm_grouping *grouping,
                                                    const lm_pool *pool, const char *name,
                                                    const char *data, size_t size);

/* ------------------------------------------------------------------------ */
/* Results                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct lm_result lm_result;

LM_API LM_NODISCARD int lm_result_new(lm_result **out);
LM_API void lm_result_free(lm_result *result);

/* The objective: sum of group scores minus mu per unassigned participant. */
LM_API double lm_result_total(const lm_result *result);
LM_API lm_optimality lm_result_optimality(const lm_result *result);
/* An upper bound on the total of every feasible grouping of the pool, in
 * the units of the total (lm_groups_bound()): lm_groups_form() records it.
 * An optimal result (LM_OPTIMAL pairs) is its own bound. NAN when unknown:
 * results of evaluation, of partitioning, pairs optimal only on the
 * candidate graph, and result files saved without one. */
LM_API double lm_result_bound(const lm_result *result);
/* How far the total may be from the best possible, as a share of what the
 * best could reach: (bound - total) / (bound + mu * n), with n the
 * participants of the result and mu the penalty of its run (the total plus
 * mu * n is what placed people and their groups earn). 0 for an optimal
 * result, NAN when the bound is unknown. */
LM_API double lm_result_gap(const lm_result *result);
LM_API size_t lm_result_group_count(const lm_result *result);
LM_API size_t lm_result_group_size(const lm_result *result, size_t group);
LM_API size_t lm_result_group_member(const lm_result *result, size_t group, size_t k);
/* The theme topic (argmax of the summed interests, lowest index on ties). */
LM_API size_t lm_result_group_theme(const lm_result *result, size_t group);
/* Slot, venue and common language indices; -1 when there is none. */
LM_API int lm_result_group_slot(const lm_result *result, size_t group);
LM_API int lm_result_group_venue(const lm_result *result, size_t group);
LM_API int lm_result_group_language(const lm_result *result, size_t group);
/* The co-host of a role (willing host with the highest theme interest), or -1. */
LM_API int64_t lm_result_group_cohost(const lm_result *result, size_t group, lm_role role);
/* One term of the group's score, unweighted, or LM_TERM_TOTAL weighted. */
LM_API double lm_result_group_score(const lm_result *result, size_t group, lm_term term);

LM_API size_t lm_result_unassigned_count(const lm_result *result);
LM_API size_t lm_result_unassigned(const lm_result *result, size_t k);
LM_API lm_reason lm_result_unassigned_reason(const lm_result *result, size_t k);
/* A static text for a reason ("no shared language", ...). */
LM_API const char *lm_reason_string(lm_reason reason);
/* A short stable name for a reason ("no_shared_language", ...). */
LM_API const char *lm_reason_name(lm_reason reason);

/* Violations found by lm_groups_evaluate() (none for solver results). */
LM_API size_t lm_result_violation_count(const lm_result *result);
LM_API lm_violation lm_result_violation_kind(const lm_result *result, size_t k);
LM_API size_t lm_result_violation_group(const lm_result *result, size_t k);
/* The participant concerned, or -1 when the violation is the group's. */
LM_API int64_t lm_result_violation_participant(const lm_result *result, size_t k);
LM_API const char *lm_result_violation_message(const lm_result *result, size_t k);
LM_API const char *lm_violation_name(lm_violation kind);

/* Writes the groups CSV: one row per member, group,id,role,theme,slot,venue,
 * cohost (docs/formats.md). */
LM_API LM_NODISCARD int lm_result_save_csv(lm_result *result, const lm_pool *pool,
                                           const char *path);

/* ------------------------------------------------------------------------ */
/* Forming groups                                                            */
/* ------------------------------------------------------------------------ */

/* Forms mixed, equal-role groups from pool under params (with the pool's
 * venues when it has any) into result. Deterministic for the same pool,
 * params and seed, whatever the thread count, unless a time limit stops the
 * search. */
LM_API LM_NODISCARD int lm_groups_form(const lm_pool *pool, const lm_params *params,
                                       lm_result *result);

/* Scores a grouping made by hand and lists every violated constraint in
 * result. Returns LM_OK even when there are violations. */
LM_API LM_NODISCARD int lm_groups_evaluate(const lm_pool *pool, const lm_params *params,
                                           const lm_grouping *grouping, lm_result *result);

/* An upper bound on the total (sum of group scores - mu per unassigned
 * participant) of every grouping of pool that keeps the hard constraints
 * under params, whatever the search: no lm_groups_form() result, and no
 * feasible grouping lm_groups_evaluate() scores, can exceed it. It adds up
 * each participant's best possible share of a group's score over the
 * people who could be placed at all, given languages, slots, venue reach
 * and places, and the role mix (docs/solver.md, "Bounds"). Linear in the
 * pool (plus a sort); small pools are compared pair by pair, which makes it
 * tighter. LM_E_INVALID for a NULL argument, LM_E_INFEASIBLE for
 * parameters that make every group impossible (lm_params_check() gives the
 * message), LM_E_NOMEM. *bound is NAN on failure. */
LM_API LM_NODISCARD int lm_groups_bound(const lm_pool *pool, const lm_params *params,
                                        double *bound);

/* ------------------------------------------------------------------------ */
/* Persistence and privacy                                                   */
/* ------------------------------------------------------------------------ */

/* Pools and results have a compact, versioned msgpack form, and either can
 * be encrypted at rest (libsodium secretstream, XChaCha20-Poly1305) with a
 * key file or a passphrase (docs/formats.md). Every reader recognises a
 * format by its first bytes, checks every declared length against the bytes
 * that remain, and refuses malformed, truncated, extended or tampered input
 * with an offset and a reason, however hostile the bytes. Files are written
 * atomically: a temporary file in the same folder, flushed, then renamed
 * over the target, so a failed save leaves the previous file intact. */

/* What the first bytes of a file say it is. */
typedef enum lm_format {
    LM_FORMAT_CSV = 0,            /* none of the below: read as CSV */
    LM_FORMAT_POOL_MSGPACK = 1,   /* a msgpack pool ("LMPOOL") */
    LM_FORMAT_RESULT_MSGPACK = 2, /* a msgpack result ("LMRSLT") */
    LM_FORMAT_ENCRYPTED = 3       /* an encrypted pool or result ("LMENC") */
} lm_format;

/* The format of size bytes at data (at most the first 16 are looked at). */
LM_API lm_format lm_format_detect(const void *data, size_t size);
/* The same for the first bytes of a file; LM_E_IO when it cannot be read. */
LM_API LM_NODISCARD int lm_format_detect_file(const char *path, lm_format *format);

/* A secret key: 32 random bytes from a key file, or a passphrase that is
 * stretched with Argon2id for each file (the salt is in the file's header).
 * Key material lives in locked memory where the system allows it and is
 * wiped (sodium_memzero) when replaced or freed.
 *
 * Threads: a key is immutable once filled (every subkey is derived by the
 * call that fills it). The calls that take a const lm_key * only read it and
 * may share one key across any number of threads: lm_pseudonym(),
 * lm_result_save_csv_pseudonymized(), the msgpack savers and loaders,
 * lm_key_get_kind(). The calls that take an lm_key * (new, generate, set,
 * derive, load, save, free) change the key or record a message on it and
 * must not run while another thread uses that key. */
typedef struct lm_key lm_key;

typedef enum lm_key_kind {
    LM_KEY_EMPTY = 0,     /* a new key holds nothing yet */
    LM_KEY_RANDOM = 1,    /* generated or loaded from a key file */
    LM_KEY_PASSPHRASE = 2 /* set from a passphrase */
} lm_key_kind;

/* An empty key, to fill with one of the calls below. */
LM_API LM_NODISCARD int lm_key_new(lm_key **out);
/* Wipes and frees the key. */
LM_API void lm_key_free(lm_key *key);
LM_API lm_key_kind lm_key_get_kind(const lm_key *key);
/* 32 fresh random bytes (libsodium's randombytes). */
LM_API LM_NODISCARD int lm_key_generate(lm_key *key);
/* A passphrase of 1..4096 bytes (copied, wiped on free). Each encrypted
 * file gets its own random salt and Argon2id (crypto_pwhash, interactive
 * limits) derives that file's key; decrypting derives it again. A
 * passphrase key cannot make pseudonyms (lm_key_derive_passphrase()). */
LM_API LM_NODISCARD int lm_key_set_passphrase(lm_key *key, const char *passphrase,
                                              size_t length);
/* A key file's key made from a passphrase: Argon2id (moderate limits,
 * 256 MiB) of the passphrase with salt, LM_KEY_SALT_SIZE bytes, or with a
 * fresh random salt when salt is NULL. The salt is kept in the key and
 * written by lm_key_save_file(), so one deployment's key can be made again
 * from its passphrase and salt, while the same passphrase elsewhere gives
 * unrelated keys and pseudonyms. The result is a LM_KEY_RANDOM key: it
 * encrypts like a key file and makes pseudonyms. */
#define LM_KEY_SALT_SIZE 16
LM_API size_t lm_key_salt_size(void);
LM_API LM_NODISCARD int lm_key_derive_passphrase(lm_key *key, const char *passphrase,
                                                 size_t length, const void *salt,
                                                 size_t salt_size);
/* Reads a key file written by lm_key_save_file(): one line
 * "libmatch-key-v1 " followed by 64 hex digits, and for a key derived from
 * a passphrase a second line "argon2id-salt " and 32 hex digits. Like ssh,
 * refuses (with LM_E_INVALID) a file that its group or others may read or
 * write. */
LM_API LM_NODISCARD int lm_key_load_file(lm_key *key, const char *path);
/* The same from memory (no permission check). */
LM_API LM_NODISCARD int lm_key_load_buffer(lm_key *key, const char *data, size_t size);
/* Writes a random key as a key file with owner-only permissions (0600),
 * atomically; replaces an existing file (a caller that must not lose an old
 * key checks first). A passphrase key cannot be saved. */
LM_API LM_NODISCARD int lm_key_save_file(lm_key *key, const char *path);

/* Pseudonyms: "ps-" and 32 hex digits of a keyed BLAKE2b hash of the id
 * (crypto_generichash, 16 bytes), the same for one key every time and
 * unrelated between keys. Only the key holder can map them back, by
 * hashing the ids of the pool (see lmatch pseudonyms). out must hold
 * LM_PSEUDONYM_SIZE bytes (with the terminating NUL). The key must be a
 * random key (generated, from a key file or lm_key_derive_passphrase()):
 * a plain passphrase key is refused with LM_E_INVALID, since pseudonyms of
 * a passphrase with a fixed salt could be attacked offline for every
 * deployment at once. Failures are reported by status only (no message is
 * recorded, so that threads may share the key). */
#define LM_PSEUDONYM_SIZE 36
LM_API size_t lm_pseudonym_size(void);
LM_API LM_NODISCARD int lm_pseudonym(const lm_key *key, const char *id, char *out,
                                     size_t out_size);

/* lm_result_save_csv() with the pseudonym of every id (for sharing results
 * without names; `lmatch pseudonyms` gives the key holder the map back). */
LM_API LM_NODISCARD int lm_result_save_csv_pseudonymized(lm_result *result, const lm_pool *pool,
                                                         const char *path,
                                                         const lm_key *key);

/* Writes the pool (taxonomy keys, participants with their built vectors,
 * venues) as msgpack, encrypted when key is not NULL. Vectors round-trip
 * bit for bit. */
LM_API LM_NODISCARD int lm_pool_save_msgpack(lm_pool *pool, const char *path,
                                             const lm_key *key);
/* Appends the participants and venues of a pool file in any format: CSV,
 * msgpack or encrypted msgpack (which needs key; key is not needed, and
 * not checked, for the others). A msgpack pool must use the same topic keys,
 * in the same order, as the pool's taxonomy. All or nothing: on failure the
 * pool is unchanged and lm_errmsg() names the file, the offset (or line)
 * and the reason; LM_E_CRYPTO for a wrong key or a damaged, truncated or
 * extended encrypted file, LM_E_FORMAT for an unknown version or taxonomy. */
LM_API LM_NODISCARD int lm_pool_load_file(lm_pool *pool, const char *path, const lm_key *key);
/* The same for a msgpack or encrypted pool in memory; name is used in
 * messages. */
LM_API LM_NODISCARD int lm_pool_load_msgpack_buffer(lm_pool *pool, const char *name,
                                                    const void *data, size_t size,
                                                    const lm_key *key);

/* Writes a result as msgpack, encrypted when key is not NULL. With a pool,
 * participants and venues are written by id and topics by key; without one
 * (a partition result) by index. */
LM_API LM_NODISCARD int lm_result_save_msgpack(lm_result *result, const lm_pool *pool,
                                               const char *path, const lm_key *key);
/* Replaces the content of result with a msgpack (or encrypted) result file.
 * pool must be the pool the result was saved with (its ids are looked up)
 * or NULL for a result saved without one. All or nothing. */
LM_API LM_NODISCARD int lm_result_load_file(lm_result *result, const lm_pool *pool,
                                            const char *path, const lm_key *key);
LM_API LM_NODISCARD int lm_result_load_msgpack_buffer(lm_result *result, const lm_pool *pool,
                                                      const char *name, const void *data,
                                                      size_t size, const lm_key *key);

/* ------------------------------------------------------------------------ */
/* Buddy pairs                                                               */
/* ------------------------------------------------------------------------ */

/* Matches newcomers with residents one to one: the groups objective with
 * min_size = max_size = 2 and min_per_role = 1 (those three parameters are
 * ignored), solved exactly as a maximum-weight assignment over feasible
 * pairs. lm_result_optimality() says whether the optimum is over all pairs
 * or over the candidate graph (LM_PARAM_CANDIDATES). */
LM_API LM_NODISCARD int lm_pairs_match(const lm_pool *pool, const lm_params *params,
                                       lm_result *result);

/* ------------------------------------------------------------------------ */
/* Matrix partitioning (Maximally Diverse Grouping Problem)                  */
/* ------------------------------------------------------------------------ */

/* Partitions n items into m groups, group g holding between lower[g] and
 * upper[g] items, maximising the sum of weights[i*n + j] over pairs i < j in
 * the same group. weights is a dense symmetric n x n matrix (row-major; the
 * diagonal is ignored). Uses seed, threads, effort and time limit of params
 * (NULL: defaults). The objective is lm_result_total(); the assignment is
 * lm_result_item_group(). */
LM_API LM_NODISCARD int lm_partition_solve(size_t n, size_t m, const double *weights,
                                           const size_t *lower, const size_t *upper,
                                           const lm_params *params, lm_result *result);
/* The number of items in a partition result and the group of each. */
LM_API size_t lm_result_item_count(const lm_result *result);
LM_API int64_t lm_result_item_group(const lm_result *result, size_t item);

/* ------------------------------------------------------------------------ */
/* History and rounds                                                        */
/* ------------------------------------------------------------------------ */

/* Who already met whom in earlier rounds of a programme (DESIGN.md,
 * "Continuing and rounds"). A history holds pairs of participants of one
 * pool (by index) with the age of their latest meeting: 1 for the latest
 * round, 2 for the round before it, and so on. Attached to params, it makes
 * lm_groups_form() and lm_pairs_match() avoid putting such a pair together
 * again: the search pays LM_PARAM_REPEAT (times LM_PARAM_REPEAT_DECAY to
 * the power age - 1) for each such pair in a group, or, with
 * LM_PARAM_NO_REPEATS, never forms such a group. lm_result_total() stays
 * the objective of docs/objective.md without that penalty, so an outside
 * checker recomputes it as always; lm_history_repeats() gives the penalty
 * and the number of repeated pairs of a result. */
typedef struct lm_history lm_history;

LM_API LM_NODISCARD int lm_history_new(lm_history **out);
LM_API void lm_history_free(lm_history *history);
/* Records that participants a and b (indices, a != b) met `age` rounds ago
 * (age >= 1; 1 = the latest round). A pair met more than once keeps its
 * latest meeting. */
LM_API LM_NODISCARD int lm_history_add_pair(lm_history *history, size_t a, size_t b,
                                            unsigned age);
/* Records every group of result (a round just formed) as the latest round:
 * what was recorded before grows one round older. */
LM_API LM_NODISCARD int lm_history_add_result(lm_history *history, const lm_result *result);
/* Appends a groups or pairs CSV of earlier rounds (the file lmatch groups,
 * pairs or rounds writes: columns group and id, and round when the file
 * holds several rounds), read against pool: ids are looked up in pool, and
 * people who are no longer in it are skipped (they left the programme).
 * The file's rounds become the latest ones, the highest round number the
 * latest of all; what was recorded before grows older by the file's number
 * of rounds. All or nothing: LM_E_PARSE with file, line and column for a
 * malformed file. */
LM_API LM_NODISCARD int lm_history_load_csv(lm_history *history, const lm_pool *pool,
                                            const char *path);
LM_API LM_NODISCARD int lm_history_load_csv_buffer(lm_history *history, const lm_pool *pool,
                                                   const char *name, const char *data,
                                                   size_t size);
/* The number of distinct pairs recorded, and of rounds read or added. */
LM_API size_t lm_history_pair_count(const lm_history *history);
LM_API size_t lm_history_round_count(const lm_history *history);
/* The age of the latest meeting of a and b, 0 when they never met. */
LM_API unsigned lm_history_age(const lm_history *history, size_t a, size_t b);

/* Attaches a history to params (NULL detaches); params borrow it, so it
 * must outlive every run with these params and not change during one. */
LM_API LM_NODISCARD int lm_params_set_history(lm_params *params, const lm_history *history);

/* The repeats of result against history (NULL: params' history): the
 * number of pairs of group members who met before, and what they cost
 * under params (LM_PARAM_REPEAT and LM_PARAM_REPEAT_DECAY). */
LM_API LM_NODISCARD int lm_history_repeats(const lm_history *history, const lm_params *params,
                                           const lm_result *result, size_t *pairs,
                                           double *penalty);

/* Forms `rounds` rounds of groups of pool at once (R >= 1), into
 * results[0 .. rounds), which the caller created: each round keeps every
 * hard constraint of params, and as few pairs as possible meet twice over
 * the rounds and params' history (the social golfer problem with the
 * mix, language, slot and place rules on top; docs/solver.md, "Rounds").
 * Each round is formed in turn with the earlier ones as its history, then a
 * search over all rounds at once swaps members between groups of one round
 * where that removes repeats and keeps every rule. *repeated_pairs (may be
 * NULL) gets the number of repeats: for every pair, its meetings over the
 * rounds beyond the first, counting a meeting in the history as one.
 * Deterministic for the same pool, params, seed and thread count. */
LM_API LM_NODISCARD int lm_rounds_form(const lm_pool *pool, const lm_params *params,
                                       size_t rounds, lm_result *const *results,
                                       size_t *repeated_pairs);

/* The social golfer problem alone (CSPLib problem 10): groups x size
 * players in `groups` groups of `size` for `rounds` rounds, with as few
 * repeated pairs as possible, by the same search over all rounds (effort
 * and seed of params; NULL: defaults). result gets rounds x groups groups,
 * round r's group j at index r * groups + j, of players 0 .. groups*size-1
 * (a result without a pool: lm_result_group_member gives the player).
 * *repeated_pairs (may be NULL) as for lm_rounds_form. */
LM_API LM_NODISCARD int lm_golfer_solve(size_t groups, size_t size, size_t rounds,
                                        const lm_params *params, lm_result *result,
                                        size_t *repeated_pairs);

/* Writes the rounds as one groups CSV with a first column round (from 1):
 * round,group,id,role,theme,slot,venue,cohost; atomically. */
LM_API LM_NODISCARD int lm_rounds_save_csv(lm_result *const *results, size_t rounds,
                                           const lm_pool *pool, const char *path);

/* ------------------------------------------------------------------------ */
/* Constraints and continuing groups                                         */
/* ------------------------------------------------------------------------ */

/* What a coordinator knows that no column says (docs/formats.md, "The
 * constraints file"). Each constraint is a hard constraint of every run
 * whose params carry it:
 *   LM_CONSTRAINT_TOGETHER  a and b share a group, or both stay unassigned;
 *                           closed transitively (a with b, b with c: all
 *                           three), and a set is placed whole or not at all;
 *   LM_CONSTRAINT_APART     a and b never share a group;
 *   LM_CONSTRAINT_PIN       a is a kept member of group b of the keep file
 *                           (b is the group's number in that file);
 *   LM_CONSTRAINT_EXCLUDE   a takes no part in this run (b is ignored).
 * Excluding one person of a together set leaves the whole set out. */
typedef enum lm_constraint_kind {
    LM_CONSTRAINT_TOGETHER = 0,
    LM_CONSTRAINT_APART = 1,
    LM_CONSTRAINT_PIN = 2,
    LM_CONSTRAINT_EXCLUDE = 3
} lm_constraint_kind;

typedef struct lm_constraints lm_constraints;

/* An empty set of constraints over the participants of pool (which must
 * outlive it and not lose participants). */
LM_API LM_NODISCARD int lm_constraints_new(const lm_pool *pool, lm_constraints **out);
LM_API void lm_constraints_free(lm_constraints *constraints);
/* Adds one constraint; a and b are participant indices (for PIN, b is the
 * kept group's number; for EXCLUDE, b is ignored). A constraint that
 * contradicts those already held (a together with b and apart from b, two
 * different pins of one person) is refused with LM_E_INFEASIBLE and a
 * message naming both; the set is then unchanged. */
LM_API LM_NODISCARD int lm_constraints_add(lm_constraints *constraints, lm_constraint_kind kind,
                                           size_t a, size_t b);
/* Appends the constraints of a CSV file with the header kind,a,b (ids of
 * the pool; for pin, b is a group number of the keep file). All or nothing:
 * LM_E_PARSE for a malformed line, LM_E_NOTFOUND for an unknown id or kind,
 * LM_E_INFEASIBLE for a contradiction, each with file and line(s). */
LM_API LM_NODISCARD int lm_constraints_load_csv(lm_constraints *constraints, const char *path);
LM_API LM_NODISCARD int lm_constraints_load_csv_buffer(lm_constraints *constraints,
                                                       const char *name, const char *data,
                                                       size_t size);
LM_API size_t lm_constraints_count(const lm_constraints *constraints);
/* Constraint k: its kind, a and b as added, and the CSV line it came from
 * (0 when added by hand). */
LM_API LM_NODISCARD int lm_constraints_get(const lm_constraints *constraints, size_t k,
                                           lm_constraint_kind *kind, size_t *a, size_t *b,
                                           size_t *line);
/* The contradictions that depend on the run, checked before it: a
 * together set larger than max_size, a pin to a group keep lacks (or any
 * pin without keep). LM_E_INFEASIBLE with a message naming the lines;
 * lm_groups_form(), lm_pairs_match() (max_size 2) and lm_groups_evaluate()
 * check the same. */
LM_API LM_NODISCARD int lm_constraints_check(lm_constraints *constraints, size_t max_size,
                                             const lm_grouping *keep);
/* "together", "apart", "pin", "exclude" (NULL for an unknown kind). */
LM_API const char *lm_constraint_kind_name(lm_constraint_kind kind);

/* Attaches constraints to params (NULL detaches). params borrow them: they
 * must outlive every run with these params. lm_groups_form(),
 * lm_pairs_match() and lm_groups_evaluate() then honour (or, evaluating,
 * check) them; a run with a pool other than theirs is LM_E_INVALID, and a
 * together set larger than the maximum group size, or a pin to a group the
 * keep file lacks, is LM_E_INFEASIBLE naming the lines. */
LM_API LM_NODISCARD int lm_params_set_constraints(lm_params *params,
                                                  const lm_constraints *constraints);

/* Continuing groups: lm_groups_form() keeps the groups of keep (members,
 * slot and venue) as they are, lets new sign-ups (people of the pool not in
 * keep) join kept groups with room where that is best, and forms new
 * groups from the rest. Kept members never move; with reshuffle, keep only
 * says who is new, and everybody may move (pinned people stay). People of
 * keep who are excluded leave their group. A kept group below the minimum
 * size or mix is completed first when new sign-ups allow; one still
 * incomplete is reported as a violation (LM_VIOLATION_SIZE or _MIX) of the
 * result. params borrow keep (NULL detaches). keep is read with
 * lm_grouping_load_csv(); people of an earlier file who left the pool are
 * dropped from it before (lmatch does that for --keep). */
LM_API LM_NODISCARD int lm_params_set_keep(lm_params *params, const lm_grouping *keep,
                                           bool reshuffle);
/* Reads the groups of an earlier run for lm_params_set_keep(): the groups
 * CSV of lm_grouping_load_csv(), except that people no longer in pool are
 * dropped (they left the programme) and counted in *left (may be NULL).
 * Groups keep their numbers from the file (lm_grouping_group_number). */
LM_API LM_NODISCARD int lm_grouping_load_keep_csv(lm_grouping *grouping, const lm_pool *pool,
                                                  const char *path, size_t *left);
LM_API LM_NODISCARD int lm_grouping_load_keep_csv_buffer(lm_grouping *grouping,
                                                         const lm_pool *pool, const char *name,
                                                         const char *data, size_t size,
                                                         size_t *left);
/* The number of group g in the file it was read from (group + 1 for
 * groupings made with lm_grouping_assign()). */
LM_API uint64_t lm_grouping_group_number(const lm_grouping *grouping, size_t group);
/* The number of groups of a grouping (1 + the highest index used). */
LM_API size_t lm_grouping_group_count(const lm_grouping *grouping);
/* The group of participant (-1 when in none). */
LM_API int64_t lm_grouping_group_of(const lm_grouping *grouping, size_t participant);

/* Whether member k of a group of a continuing run is new (was in no kept
 * group); false for every member of other runs. */
LM_API bool lm_result_member_new(const lm_result *result, size_t group, size_t k);
/* The number of the kept group (as in the keep file) that group continues,
 * or -1 for a new group and in other runs. */
LM_API int64_t lm_result_group_kept(const lm_result *result, size_t group);
/* Whether the result comes from a continuing run (lm_params_set_keep). */
LM_API bool lm_result_continuing(const lm_result *result);

/* Copies text into out (size bytes, always NUL-terminated when size > 0,
 * cut short when full) with every control character written as \xNN: C0
 * controls, DEL and the UTF-8 C1 controls. The escaping of every message
 * the library makes from input; for applications that print text from
 * elsewhere (a file name given on the command line). 4 * strlen(text) + 1
 * bytes always hold the whole text. Returns the length written. */
LM_API size_t lm_escape_controls(char *out, size_t size, const char *text);

#ifdef __cplusplus
}
#endif

#endif /* LIBMATCH_H */
