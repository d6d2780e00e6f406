/* Chunks of independent work on a few threads (parallel_internal.h). Each
 * chunk writes only its own output, and callers merge outputs in chunk
 * order, so results never depend on the number of threads or their timing. */
#include <pthread.h>
#include <stdatomic.h>

#include "common/common_internal.h"
#include "common/parallel_internal.h"

typedef struct pool_job {
    lm_job_fn job;
    void *context;
    size_t chunks;
    atomic_size_t next;
    atomic_int stop;
    int *status; /* by chunk */
} pool_job;

typedef struct worker_start {
    pool_job *shared;
    size_t worker;
} worker_start;

static void work(pool_job *p, size_t worker)
{
    for (;;) {
        if (atomic_load(&p->stop))
            return;
        size_t chunk = atomic_fetch_add(&p->next, 1);
        if (chunk >= p->chunks)
            return;
        int status = p->job(p->context, worker, chunk);
        p->status[chunk] = status;
        if (status != LM_OK)
            atomic_store(&p->stop, 1);
    }
}

static void *worker_main(void *opaque)
{
    worker_start *start = opaque;
    work(start->shared, start->worker);
    return NULL;
}

int lm__parallel(size_t workers, size_t chunks, lm_job_fn job, void *context)
{
    int *status = lm__calloc(chunks ? chunks : 1, sizeof *status);
    if (!status)
        return LM_E_NOMEM;
    pool_job p;
    p.job = job;
    p.context = context;
    p.chunks = chunks;
    p.status = status;
    atomic_init(&p.next, 0);
    atomic_init(&p.stop, 0);
    if (workers > chunks)
        workers = chunks ? chunks : 1;
    pthread_t threads[LM_MAX_WORKERS];
    worker_start starts[LM_MAX_WORKERS];
    size_t started = 0;
    for (size_t w = 1; w < workers && w < LM_MAX_WORKERS; w++) {
        starts[w] = (worker_start){&p, w};
        if (pthread_create(&threads[w], NULL, worker_main, &starts[w]) != 0)
            break; /* fewer threads: the same result, later */
        started = w;
    }
    work(&p, 0); /* the calling thread is worker 0, the one that reports progress */
    for (size_t w = 1; w <= started; w++)
        pthread_join(threads[w], NULL);
    int result = LM_OK;
    for (size_t c = 0; c < chunks && result == LM_OK; c++)
        result = status[c];
    /* a chunk skipped after a failure elsewhere still reads LM_OK; the
     * failure comes later in chunk order and is found above */
    lm__free(status);
    return result;
}
