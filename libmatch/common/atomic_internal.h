/* Atomic file replacement: a save either fully replaces the target or leaves
 * the previous file untouched (DESIGN.md, "Files are written atomically"). */
#ifndef LM_ATOMIC_INTERNAL_H
#define LM_ATOMIC_INTERNAL_H

#include <stdio.h>

#include "common/common_internal.h"

/* Writes path through a temporary file ".<basename>.XXXXXX" in the same
 * folder: writer(context, file), then flush, fsync, close, rename over path
 * and fsync the folder. The new file is private to its owner (0600), as
 * pools hold personal data; an existing regular file keeps its permission
 * bits only when they are no more open than that (0400 stays 0400, 0644
 * becomes 0600). A symlink at path is replaced, never followed, unless it
 * leads to a FIFO or a device (below).
 *
 * When writer returns an error, that status is returned and the message it
 * set on its own object stands; every other failure sets a message on error
 * naming the path and the system's reason and returns LM_E_IO. On any
 * failure the temporary file is removed and the old file is intact.
 * A target that is a FIFO or a character device (/dev/null, a pipe), or a
 * symlink to one (/dev/stdout), is written in place instead: a rename would
 * replace it with a plain file. */
int lm__atomic_write(const char *path, int (*writer)(void *context, FILE *file), void *context,
                     lm_object *error);

/* Test hook, for this thread: make the next save fail at one step (0 none,
 * 1 creating the temporary file, 2 writing, 3 flush/fsync, 4 close,
 * 5 rename). It fires once and then resets to 0. */
void lm__atomic_fail_at(int step);

#endif
