/* The columns of the participants and venues CSV (docs/formats.md), shared
 * by their reader (io_csv_pool.c) and writer (io_csv_pool_write.c). */
#ifndef LM_CSV_POOL_INTERNAL_H
#define LM_CSV_POOL_INTERNAL_H

#include <stdint.h>

#include "model/model_internal.h"

enum participant_column {
    COL_ID, COL_ROLE, COL_INTERESTS, COL_OFFERS, COL_WANTS, COL_LANGUAGES, COL_AVAILABILITY,
    COL_LAT, COL_LON, COL_MAX_KM, COL_STEP_FREE, COL_HOST, PARTICIPANT_COLUMNS
};

enum venue_column {
    VCOL_ID, VCOL_LAT, VCOL_LON, VCOL_OPEN, VCOL_CAPACITY, VCOL_STEP_FREE, VENUE_COLUMNS
};

extern const char *const lm__participant_columns[PARTICIPANT_COLUMNS];
extern const char *const lm__venue_columns[VENUE_COLUMNS];

/* Every slot: a venue open at all times (an empty "open" cell). */
static inline uint64_t lm__all_slots(void)
{
    size_t slots = lm_slot_count();
    return slots >= 64 ? UINT64_MAX : (UINT64_C(1) << slots) - 1;
}

#endif
