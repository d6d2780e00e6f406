/* Coordinator constraints (lm_constraints): together, apart, pin, exclude,
 * as the solvers and evaluation see them. The together sets are kept closed
 * (a union-find over the pool, union by size), the apart pairs sorted in both
 * directions, so that every lookup below is O(log c) or better and const:
 * several runs may share one set of constraints. */
#ifndef LM_MODEL_CONSTRAINTS_INTERNAL_H
#define LM_MODEL_CONSTRAINTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common_internal.h"

typedef struct lm_constraint {
    lm_constraint_kind kind;
    size_t a, b;
    size_t line; /* CSV line, 0 when added by hand */
    uint32_t file; /* with a line: which file, an index into files */
} lm_constraint;

/* One direction of an apart pair, sorted by (person, other). */
typedef struct lm_apart_pair {
    uint32_t person, other;
} lm_apart_pair;

struct lm_constraints {
    lm_object base;
    const lm_pool *pool;
    size_t people;          /* pool size when created: indices are below it */
    lm_constraint *list;
    size_t count, capacity;
    /* together: parent[p] == p for a root; size by root; NULL until the
     * first together constraint */
    uint32_t *parent, *set_size;
    lm_apart_pair *apart;   /* both directions */
    size_t apart_count, apart_capacity;
    uint8_t *excluded;      /* by person; NULL until the first exclude */
    size_t excluded_count;
    size_t together_count, pin_count;
    char **files;           /* names of the CSV files read, for messages */
    size_t file_count;
};

/* The root of p's together set (p itself when alone) and the set's size. */
uint32_t lm__constraints_root(const lm_constraints *c, size_t person);
uint32_t lm__constraints_set_size(const lm_constraints *c, size_t person);
/* The people kept apart from person: apart[*first .. *first + count). */
size_t lm__constraints_apart_of(const lm_constraints *c, size_t person, size_t *first);
bool lm__constraints_is_apart(const lm_constraints *c, size_t a, size_t b);
/* Whether person takes no part: excluded, or in a together set with someone
 * excluded. */
bool lm__constraints_out(const lm_constraints *c, size_t person);
/* The kept group number person is pinned to; false when not pinned. */
bool lm__constraints_pin(const lm_constraints *c, size_t person, uint64_t *group);

/* "FILE line N" or "a constraint added by hand", for messages. */
const char *lm__constraint_origin(const lm_constraints *c, const lm_constraint *k, char *text,
                                  size_t size);

/* Checks the constraints against a run: the pool, the largest group size
 * (0: no limit) and the group numbers of the keep grouping (NULL: no keep
 * file). A message naming the lines into object. */
int lm__constraints_check_run(const lm_constraints *c, const lm_pool *pool, int64_t max_size,
                              const lm_grouping *keep, lm_object *object);

/* Appends one constraint read from line (the CSV loader: of the file
 * lm__constraints_file() named last); refuses a contradiction as
 * lm_constraints_add does, naming the lines. */
int lm__constraints_append(lm_constraints *c, lm_constraint_kind kind, size_t a, size_t b,
                           size_t line, lm_object *object);
/* Records the name of a file the next constraints come from. */
int lm__constraints_file(lm_constraints *c, const char *name);
/* Drops the constraints from index `count` on (an all-or-nothing load that
 * failed) and rebuilds what they changed. */
int lm__constraints_truncate(lm_constraints *c, size_t count);

#endif
