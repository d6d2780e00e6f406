/* The data model shared inside the library: taxonomy, participants, venues
 * and the pool that holds them (DESIGN.md, "The model"). */
#ifndef LM_MODEL_INTERNAL_H
#define LM_MODEL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common_internal.h"
#include "common/text_internal.h"

#define LM_ID_MAX 64          /* bytes in a participant or venue id */
#define LM_MAX_TOPICS 65535   /* topic indices fit in uint16_t */
#define LM_DEFAULT_RHO 0.5

/* ---- taxonomy ---------------------------------------------------------- */

typedef struct lm_topic {
    char *key;
    int parent; /* index of the category, -1 for a category */
    char *label_en;
    char *label_nl;
    char **synonyms;
    size_t synonym_count;
} lm_topic;

/* A name (key, label or synonym, case-folded) that finds a topic. */
typedef struct lm_topic_name {
    char *folded;
    uint32_t topic;
} lm_topic_name;

struct lm_taxonomy {
    lm_object base;
    lm_topic *topics;
    size_t topic_count;
    lm_topic_name *names; /* sorted by folded, for bsearch */
    size_t name_count;
};

/* Fills an empty taxonomy with the embedded default (taxonomy_default.c). */
int lm__taxonomy_fill_default(lm_taxonomy *taxonomy);
/* Deep copy into a fresh object. */
int lm__taxonomy_clone(const lm_taxonomy *source, lm_taxonomy **out);
/* Frees topics[0 .. count) with their strings, and the array. */
void lm__topics_free(lm_topic *topics, size_t count);
/* Frees names[0 .. count) with their folded strings, and the array. */
void lm__topic_names_free(lm_topic_name *names, size_t count);
/* Rebuilds the sorted name index after topics changed. */
int lm__taxonomy_index(lm_taxonomy *taxonomy);
/* Finds a topic by an already case-folded name; -1 when unknown. */
long lm__taxonomy_lookup_folded(const lm_taxonomy *taxonomy, const char *folded);

/* ---- participants -------------------------------------------------------- */

/* One non-zero entry of a sparse vector. */
typedef struct lm_entry {
    uint32_t topic;
    double value;
} lm_entry;

typedef struct lm_participant {
    char *id;
    /* The three sparse vectors x, o, w stored one after the other in
     * `entries`, each sorted by topic: vector v starts at the sum of the
     * lengths before it. */
    lm_entry *entries;
    uint16_t length[3];
    uint8_t role;          /* lm_role */
    bool step_free;
    bool host;
    bool has_location;
    uint64_t languages;    /* bit mask over the language table; 0 = unknown */
    uint64_t availability; /* bit mask over slots; 0 = unknown */
    double lat, lon;
    double max_km;         /* <= 0: use the default distance */
    size_t line;           /* CSV line, 0 when added by hand */
} lm_participant;

typedef struct lm_venue {
    char *id;
    double lat, lon;
    uint64_t open;       /* bit mask over slots */
    unsigned capacity;   /* groups per slot */
    bool step_free;
    size_t line;
} lm_venue;

typedef struct lm_warning {
    size_t line;
    char *column;
    char *message;
} lm_warning;

/* Open-addressing index from id to position. */
typedef struct lm_id_index {
    size_t *slots; /* position + 1; 0 = empty */
    size_t capacity; /* power of two */
} lm_id_index;

/* Columns a pool keeps for people to read (name, phone, notes, ...): never
 * read by a solver, so they live beside the participants, not in them.
 * values[p] is NULL (empty) or an owned string; an array may be shorter
 * than the pool (missing values are empty). */
typedef struct lm_display_column {
    char *name;
    char **values;
    size_t length, capacity;
} lm_display_column;

/* An error of a load that goes on after it (all-or-nothing loads report
 * every error of a file, up to a limit, before failing as a whole). */
typedef struct lm_load_error {
    int status;     /* LM_OK for a warning of the failed load */
    size_t line;
    size_t order;  /* when it was found: ties of a line keep that order */
    char *message; /* "pool.csv line 4, column 'languages': unknown language 'xx'" */
} lm_load_error;

/* Two participants that look like one person signed up twice. */
typedef struct lm_duplicate {
    size_t first, second; /* first < second */
    const char *reason;   /* static: "same name and phone", ... */
} lm_duplicate;

#define LM_DEFAULT_ERROR_LIMIT 50

struct lm_pool {
    lm_object base;
    lm_taxonomy *taxonomy; /* owned copy */
    bool strict;
    double rho;
    lm_participant *people;
    size_t count, capacity;
    lm_id_index ids;
    lm_venue *venues;
    size_t venue_count, venue_capacity;
    lm_id_index venue_ids;
    lm_warning *warnings;
    size_t warning_count, warning_capacity;
    lm_display_column *display;
    size_t display_count, display_capacity;
    lm_load_error *errors; /* of the last load that failed */
    size_t error_count, error_capacity, error_limit;
    lm_duplicate *duplicates;
    size_t duplicate_count, duplicate_capacity;
};

/* The role with fewer people of the two (newcomers on a tie): it limits
 * how many mixed groups or pairs there can be. */
static inline int lm__scarcer_role(size_t newcomers, size_t residents)
{
    return residents < newcomers ? LM_RESIDENT : LM_NEWCOMER;
}

/* Entries of vector v of participant p, and their number. */
static inline const lm_entry *lm__vec(const lm_participant *p, int v, size_t *length)
{
    size_t start = 0;
    for (int k = 0; k < v; k++)
        start += p->length[k];
    *length = p->length[v];
    return p->entries ? p->entries + start : NULL; /* NULL + 0 is undefined */
}

/* Looks up an id; -1 when absent. */
long lm__pool_lookup(const lm_pool *pool, const char *id);
long lm__pool_venue_lookup(const lm_pool *pool, const char *id);
/* Adds a warning (copies the strings). */
int lm__pool_warn(lm_pool *pool, size_t line, const char *column, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Parses tags ("gitaar;cooking:0.5") into a dense vector of topic_count
 * levels (zeroed by the caller), applying the parent rule with rho. Unknown
 * tags are reported through `unknown(context, tag)`, which returns a status:
 * LM_OK to go on (a warning was recorded), or an error to stop. A malformed
 * level ("cooking:1.7", "x:abc") is LM_E_PARSE with a message in error
 * (LM_ERRMSG_MAX bytes). */
typedef int (*lm_unknown_tag_fn)(void *context, const char *tag);
int lm__tags_parse(const lm_taxonomy *taxonomy, double rho, const char *tags, double *dense,
                   lm_unknown_tag_fn unknown, void *context, char *error);
/* Stores a dense vector (topic_count levels) as vector v of a participant. */
int lm__participant_set_dense(lm_participant *p, int v, const double *dense,
                              size_t topic_count);

/* Parses "nl;ar" into a language mask; LM_E_NOTFOUND naming the bad code in
 * error. Parses slot labels likewise. */
int lm__languages_parse(const char *codes, uint64_t *mask, char *error);
int lm__slots_parse(const char *labels, uint64_t *mask, char *error);

/* Checks a participant or venue id (pool.c): 1..64 bytes of valid UTF-8, no
 * control characters, no surrounding spaces. Returns a static reason or NULL
 * when fine. */
const char *lm__id_problem(const char *id, size_t length);

/* Adds a participant with the default fields; its index in *index. */
int lm__pool_append(lm_pool *pool, const char *id, lm_role role, size_t *index);
/* Truncates the pool back to `count` participants, `venue_count` venues and
 * `warning_count` warnings, freeing what was added (all-or-nothing loads). */
void lm__pool_truncate(lm_pool *pool, size_t count, size_t venue_count,
                       size_t warning_count);

/* ---- display columns (pool_display.c) ------------------------------------ */

/* The index of the display column named name (ASCII case-insensitive), or
 * -1; with create, a new column is added when there is none (-2 when out of
 * memory). */
long lm__display_column(lm_pool *pool, const char *name, bool create);
/* Sets (copies) the value of a display column for participant; "" clears. */
int lm__display_set(lm_pool *pool, size_t column, size_t participant, const char *value);
/* The value, "" when empty. */
const char *lm__display_get(const lm_pool *pool, size_t column, size_t participant);
/* Frees values of participants >= count, and columns >= column_count. */
void lm__display_truncate(lm_pool *pool, size_t count, size_t column_count);
/* Whether a header name is the name column ("name", "naam"). */
bool lm__display_is_name(const char *column);

/* ---- load errors and duplicates -------------------------------------------- */

/* Records an error of the load under way (copies message). LM_E_NOMEM when
 * it cannot be kept. */
int lm__pool_add_error(lm_pool *pool, int status, size_t line, const char *message);
/* After a load failed: adds its warnings [first, warning_count) (up to the
 * error limit) to the list as "FILE line N, column 'C': warning: ...", and
 * puts the list in line order (errors of one line first). */
int lm__pool_errors_finish(lm_pool *pool, const char *file, size_t first_warning);
void lm__pool_clear_errors(lm_pool *pool);
/* Finds the participants of [from, count) that look like a participant
 * before them (duplicates.c) and records each pair; LM_E_NOMEM. */
int lm__pool_find_duplicates(lm_pool *pool, size_t from);
void lm__pool_truncate_duplicates(lm_pool *pool, size_t count);
/* The warning about duplicate pair k, on the later line, column 'id'. */
int lm__pool_warn_duplicate(lm_pool *pool, size_t k);

/* ---- suggestions (suggest.c) ------------------------------------------------ */

/* The nearest known name to a word that matched none: init with the word,
 * offer every candidate (shown is how to print it, NULL for the candidate
 * itself; both must outlive the lm_suggest), then ask for the best. */
typedef struct lm_suggest {
    uint32_t word[48];
    size_t length;
    size_t distance;
    const char *best;
} lm_suggest;
void lm__suggest_init(lm_suggest *s, const char *word);
/* A simple case fold of one code point (ASCII, Latin-1, Latin Extended-A,
 * Greek, Cyrillic) and comparison with it, neither allocating. */
uint32_t lm__fold_code_point(uint32_t c);
bool lm__same_folded(const char *a, size_t a_length, const char *b);
void lm__suggest_offer(lm_suggest *s, const char *candidate, const char *shown);
const char *lm__suggest_best(const lm_suggest *s);
/* " — did you mean 'x'?" into out, or "" when nothing is near. */
int lm__suggest_hint(const lm_suggest *s, char *out, size_t size);
/* Hints for the name tables of the model. */
int lm__taxonomy_suggest(const lm_taxonomy *taxonomy, const char *tag, char *out, size_t size);
int lm__language_suggest(const char *name, char *out, size_t size);
int lm__slot_suggest(const char *label, char *out, size_t size);
/* Appends hint(first unknown piece of list) to error (LM_ERRMSG_MAX bytes). */
void lm__append_hint(const char *list, lm_find_fn find,
                     int (*hint)(const char *piece, char *out, size_t size), char *error);

#endif
