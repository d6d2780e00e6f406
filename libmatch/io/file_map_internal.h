/* A pool file's bytes for a loader without a copy beside the parsed pool:
 * a regular file is mapped read-only, and the loader hands back the pages
 * it has read (lm__file_map_release()), so the resident memory of a load is
 * the pool plus a window of the file. Anything else (a pipe, /dev/stdin) is
 * read whole by lm__file_read(), with its messages and limits. */
#ifndef LM_FILE_MAP_INTERNAL_H
#define LM_FILE_MAP_INTERNAL_H

#include <stddef.h>

#include "common/files_internal.h"

/* How far a loader reads between two hand-backs: a madvise() call per MiB
 * costs nothing against reading it, and bounds the file's share of the
 * peak. */
#define LM_FILE_MAP_STEP ((size_t)1 << 20)

typedef struct lm_file_map {
    const unsigned char *data;
    size_t size;
    void *mapped;        /* the mapping, or NULL when read into `read` */
    size_t released;     /* bytes of the mapping already handed back */
    lm_file_bytes read;  /* the copy of a file that could not be mapped */
} lm_file_map;

/* Maps or reads the file at path (at most max_size bytes); failures leave
 * *map empty, with lm__file_read()'s message on error. */
int lm__file_map(const char *path, size_t max_size, lm_file_map *map, lm_object *error);
/* Lets the kernel drop the pages of data[0 .. upto) from this process:
 * the loader has copied what it needs of them. */
void lm__file_map_release(lm_file_map *map, size_t upto);
/* Unmaps, or wipes and frees the copy. */
void lm__file_map_free(lm_file_map *map);

#endif
