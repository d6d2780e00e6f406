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

#endif
