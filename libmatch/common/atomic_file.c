/* Atomic saves: temporary file, fsync, rename, fsync of the folder; pipes
 * and devices are written in place. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic_internal.h"

/* Test state, not library state: thread-local so parallel tests never see
 * each other's injected failures. */
static _Thread_local int fail_step;

void lm__atomic_fail_at(int step)
{
    fail_step = step;
}

static bool injected(int step)
{
    if (fail_step != step)
        return false;
    fail_step = 0;
    errno = EIO;
    return true;
}

static int fail_errno(lm_object *error, const char *path, const char *step, int code)
{
    char reason[128];
    if (strerror_r(code, reason, sizeof reason) != 0)
        snprintf(reason, sizeof reason, "error %d", code);
    return lm__fail(error, LM_E_IO, "cannot write '%s' (%s): %s", path, step, reason);
}

/* "dir/.name.XXXXXX" for "dir/name"; the folder part in *folder. */
static int temporary_name(const char *path, char **temporary, char **folder)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t folder_length = slash ? (size_t)(slash - path) : 0;
    size_t length = strlen(path);
    *temporary = lm__malloc(length + 16);
    *folder = slash ? lm__strndup(path, folder_length ? folder_length : 1)
                    : lm__strdup(".");
    if (!*temporary || !*folder) {
        lm__free(*temporary);
        lm__free(*folder);
        *temporary = *folder = NULL;
        return LM_E_NOMEM;
    }
    snprintf(*temporary, length + 16, "%.*s.%s.XXXXXX", (int)(base - path), path, base);
    return LM_OK;
}

/* Makes the rename durable. A folder that cannot be synced (some file
 * systems refuse) still holds the complete new file, so this is best effort. */
static void sync_folder(const char *folder)
{
    int fd = open(folder, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return;
    (void)fsync(fd);
    close(fd);
}

/* A FIFO or a character device (a pipe, /dev/null, a terminal) is written
 * in place: there is no old content to keep, and a rename over it would
 * replace the device with a plain file. A symlink to one (/dev/stdout) is
 * followed, but the opened file must still be a FIFO or a device: a link
 * swapped for one to a regular file in between is refused, never written. */
static int write_stream(const char *path, bool through_link,
                        int (*writer)(void *context, FILE *file), void *context,
                        lm_object *error)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | (through_link ? 0 : O_NOFOLLOW));
    if (fd < 0)
        return fail_errno(error, path, "open", errno);
    struct stat opened;
    if (fstat(fd, &opened) != 0 || !(S_ISFIFO(opened.st_mode) || S_ISCHR(opened.st_mode))) {
        close(fd);
        return fail_errno(error, path, "open", ELOOP);
    }
    FILE *file = fdopen(fd, "w");
    if (!file) {
        int code = errno;
        close(fd);
        return fail_errno(error, path, "open", code);
    }
    int status = writer(context, file);
    if (status == LM_OK && (ferror(file) || fflush(file) != 0))
        status = fail_errno(error, path, "write", errno ? errno : EIO);
    bool close_failed = fclose(file) != 0;
    if (status == LM_OK && close_failed)
        status = fail_errno(error, path, "close", errno);
    return status;
}

/* The permission bits of the new file: an existing regular file's own when
 * they are no more open than 0600 (a file made read-only stays so), else
 * 0600, as saved files hold personal data. A symlink at the target is not
 * followed: the new file replaces the link, and the file it pointed to is
 * neither read nor written. */
static mode_t new_mode(const struct stat *target, bool exists)
{
    const mode_t private_bits = S_IRUSR | S_IWUSR;
    if (exists && S_ISREG(target->st_mode) && (target->st_mode & 07777 & ~private_bits) == 0)
        return target->st_mode & 07777;
    return private_bits;
}

int lm__atomic_write(const char *path, int (*writer)(void *context, FILE *file), void *context,
                     lm_object *error)
{
    if (!path || !*path || path[strlen(path) - 1] == '/')
        return lm__fail(error, LM_E_INVALID, "'%s' is not a file name", path ? path : "(null)");
    struct stat target, followed;
    bool exists = lstat(path, &target) == 0;
    if (exists && (S_ISFIFO(target.st_mode) || S_ISCHR(target.st_mode)))
        return write_stream(path, false, writer, context, error);
    if (exists && S_ISLNK(target.st_mode) && stat(path, &followed) == 0 &&
        (S_ISFIFO(followed.st_mode) || S_ISCHR(followed.st_mode)))
        return write_stream(path, true, writer, context, error);
    char *temporary = NULL, *folder = NULL;
    if (temporary_name(path, &temporary, &folder) != LM_OK)
        return lm__fail(error, LM_E_NOMEM, "out of memory");
    int status = LM_OK;
    int fd = injected(1) ? -1 : mkstemp(temporary);
    if (fd < 0) {
        status = fail_errno(error, path, "create temporary file", errno);
        goto done;
    }
    if (fchmod(fd, new_mode(&target, exists)) != 0) {
        status = fail_errno(error, path, "set permissions", errno);
        close(fd);
        unlink(temporary);
        goto done;
    }
    FILE *file = fdopen(fd, "w");
    if (!file) {
        status = fail_errno(error, path, "open", errno);
        close(fd);
        unlink(temporary);
        goto done;
    }
    status = writer(context, file);
    if (status == LM_OK && (injected(2) || ferror(file)))
        status = fail_errno(error, path, "write", errno ? errno : EIO);
    if (status == LM_OK && (injected(3) || fflush(file) != 0 || fsync(fileno(file)) != 0))
        status = fail_errno(error, path, "flush", errno);
    bool close_failed = fclose(file) != 0;
    if (status == LM_OK && (injected(4) || close_failed))
        status = fail_errno(error, path, "close", errno);
    if (status == LM_OK && (injected(5) || rename(temporary, path) != 0))
        status = fail_errno(error, path, "rename", errno);
    if (status != LM_OK)
        unlink(temporary);
    else
        sync_folder(folder);
done:
    lm__free(temporary);
    lm__free(folder);
    return status;
}
