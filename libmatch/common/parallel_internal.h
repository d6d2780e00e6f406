/* Chunks of independent work on a few threads (parallel.c): the pair
 * scores and candidates, the nearest venues of the group engine. */
#ifndef LM_PARALLEL_INTERNAL_H
#define LM_PARALLEL_INTERNAL_H

#include <stddef.h>

#define LM_MAX_WORKERS 64

/* One chunk of work on one worker (0 .. workers-1; 0 is the calling thread,
 * the only one that may call the user's progress callback). */
typedef int (*lm_job_fn)(void *context, size_t worker, size_t chunk);

/* Runs job on chunks 0..chunks-1 with up to `workers` threads (at most
 * LM_MAX_WORKERS); after the first failure no new chunk starts. Returns the
 * failure of the lowest chunk, or LM_OK. Each chunk must write only its own
 * output, so that results never depend on the number of threads. */
int lm__parallel(size_t workers, size_t chunks, lm_job_fn job, void *context);

#endif
