/* Output files the tool writes itself (JSON, the pseudonym map), with the
 * promise the library's saves keep (docs/formats.md, "Saving files"): a
 * temporary file in the target's folder, private (0600) from its creation,
 * flushed and renamed over the target only when complete. A failed write
 * leaves the previous file as it was, and a symlink planted at the target
 * is replaced, never written through. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The temporary file being written, removed by an exit() in the middle
 * (cli_pseudonym_of stops the program that way). */
static const char *pending_temporary;

static void remove_pending(void)
{
    if (pending_temporary)
        unlink(pending_temporary);
}

/* A FIFO or a character device (/dev/null, a pipe), or a symlink to one
 * (/dev/stdout), is written in place: it has no content to keep and a rename
 * would replace the device by a plain file. */
static bool is_stream(const char *path, bool *through_link)
{
    struct stat info;
    *through_link = false;
    if (lstat(path, &info) != 0)
        return false;
    if (S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode))
        return true;
    if (!S_ISLNK(info.st_mode) || stat(path, &info) != 0)
        return false;
    *through_link = true;
    return S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode);
}

static int open_stream(cli_output *output, const char *path, bool through_link)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | (through_link ? 0 : O_NOFOLLOW));
    struct stat info;
    if (fd >= 0 && (fstat(fd, &info) != 0 || !(S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode)))) {
        close(fd); /* the link changed under us: never write a regular file through it */
        fd = -1;
        errno = ELOOP;
    }
    if (fd < 0 || !(output->file = fdopen(fd, "w"))) {
        int code = errno;
        if (fd >= 0)
            close(fd);
        return cli_error("cannot write '%s': %s", path, strerror(code));
    }
    return CLI_OK;
}

/* The mode an existing regular file keeps: its own when no more open than
 * 0600, else 0600 (the library's saves do the same). */
static mode_t kept_mode(const char *path)
{
    struct stat info;
    if (lstat(path, &info) == 0 && S_ISREG(info.st_mode) &&
        (info.st_mode & 07777 & ~(mode_t)(S_IRUSR | S_IWUSR)) == 0)
        return info.st_mode & 07777;
    return S_IRUSR | S_IWUSR;
}

int cli_output_open(cli_output *output, const char *path)
{
    memset(output, 0, sizeof *output);
    output->path = path;
    if (strcmp(path, "-") == 0) {
        output->file = stdout;
        return CLI_OK;
    }
    if (!*path || path[strlen(path) - 1] == '/')
        return cli_error("'%s' is not a file name", path);
    bool through_link;
    if (is_stream(path, &through_link))
        return open_stream(output, path, through_link);
    const char *slash = strrchr(path, '/');
    size_t folder_length = slash ? (size_t)(slash + 1 - path) : 0;
    size_t size = strlen(path) + 16;
    output->temporary = malloc(size);
    if (!output->temporary)
        return cli_error("out of memory");
    snprintf(output->temporary, size, "%.*s.%s.XXXXXX", (int)folder_length, path,
             path + folder_length);
    int fd = mkstemp(output->temporary); /* 0600, O_EXCL: never an existing file */
    if (fd >= 0 && fchmod(fd, kept_mode(path)) == 0 && (output->file = fdopen(fd, "w"))) {
        static bool registered;
        if (!registered)
            registered = atexit(remove_pending) == 0;
        pending_temporary = output->temporary;
        return CLI_OK;
    }
    int code = errno;
    if (fd >= 0) {
        close(fd);
        unlink(output->temporary);
    }
    free(output->temporary);
    output->temporary = NULL;
    return cli_error("cannot write '%s': %s", path, strerror(code));
}

int cli_output_close(cli_output *output, bool complete)
{
    if (!output->file)
        return CLI_BAD_INPUT;
    int code = CLI_OK;
    bool written = !ferror(output->file) && fflush(output->file) == 0;
    if (output->file == stdout) {
        output->file = NULL;
        if (complete && !written)
            return cli_error("cannot write to standard output");
        return complete ? CLI_OK : CLI_BAD_INPUT;
    }
    if (output->temporary && written)
        written = fsync(fileno(output->file)) == 0;
    int error = errno;
    if (fclose(output->file) != 0 && written) {
        written = false;
        error = errno;
    }
    output->file = NULL;
    if (complete && written && output->temporary && rename(output->temporary, output->path) != 0) {
        written = false;
        error = errno;
    }
    if (!complete)
        code = CLI_BAD_INPUT;
    else if (!written)
        code = cli_error("cannot write '%s': %s", output->path, strerror(error ? error : EIO));
    if (output->temporary) {
        pending_temporary = NULL;
        if (code != CLI_OK)
            unlink(output->temporary);
        free(output->temporary);
        output->temporary = NULL;
    }
    return code;
}
