/* Mapping a pool file for loading (file_map_internal.h).
 *
 * Wiping: a read copy is wiped when freed (lm__file_read()); a mapping is
 * not, and need not be: its pages are the kernel's page cache of the file
 * itself, which holds the same bytes whether or not this process maps
 * them, and the file is on disk in the clear anyway (an encrypted pool is
 * decrypted into a buffer that is wiped, io_envelope.c).
 *
 * A mapped file must not shrink while it loads: a file cut short in place
 * (`: > pool.csv` during a load) ends the process with SIGBUS. The library
 * and lmatch replace files by renaming a new one into place, which leaves
 * a mapped old file whole. */
/* madvise(MADV_DONTNEED): posix_madvise()'s DONTNEED is a no-op in glibc. */
#define _DEFAULT_SOURCE

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/file_map_internal.h"

int lm__file_map(const char *path, size_t max_size, lm_file_map *map, lm_object *error)
{
    memset(map, 0, sizeof *map);
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    struct stat info;
    if (fd >= 0 && fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0 &&
        (uint64_t)info.st_size <= max_size) {
        void *mapped = mmap(NULL, (size_t)info.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (mapped != MAP_FAILED) {
            close(fd);
            (void)madvise(mapped, (size_t)info.st_size, MADV_SEQUENTIAL);
            map->mapped = mapped;
            map->data = mapped;
            map->size = (size_t)info.st_size;
            return LM_OK;
        }
    }
    if (fd >= 0)
        close(fd);
    /* Not mappable (or a failure to report): read it, which says why. */
    int status = lm__file_read(path, max_size, &map->read, error);
    if (status == LM_OK) {
        map->data = map->read.data;
        map->size = map->read.size;
    }
    return status;
}

void lm__file_map_release(lm_file_map *map, size_t upto)
{
    if (!map->mapped)
        return;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t end = upto < map->size ? upto / page * page : map->size;
    if (end > map->released) {
        (void)madvise((unsigned char *)map->mapped + map->released, end - map->released,
                      MADV_DONTNEED);
        map->released = end;
    }
}

void lm__file_map_free(lm_file_map *map)
{
    if (map->mapped)
        munmap(map->mapped, map->size);
    lm__file_bytes_free(&map->read);
    memset(map, 0, sizeof *map);
}
