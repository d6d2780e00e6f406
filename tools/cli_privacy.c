/* What the lmatch commands share for privacy: keys from a key file or a
 * passphrase file, pools in any format (CSV, msgpack, encrypted), and ids
 * replaced by pseudonyms in outputs. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"


/* The tool links only the public header, so it wipes by hand; volatile keeps
 * the compiler from dropping the stores to a buffer about to die. */
void cli_wipe(void *buffer, size_t size)
{
    volatile unsigned char *bytes = buffer;
    while (size--)
        *bytes++ = 0;
}

/* The passphrase is the file's first line, without its line ending. */
int cli_read_passphrase(const char *path, char *buffer, size_t size, size_t *length)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cli_error("passphrase file '%s': %s", path, strerror(errno));
    struct stat info;
    if (fstat(fd, &info) == 0 && (info.st_mode & (S_IRWXG | S_IRWXO)))
        fprintf(stderr, "lmatch: warning: passphrase file '%s' is accessible by others (mode "
                        "%04o); 'chmod 600' it\n",
                cli_escaped(path), (unsigned)(info.st_mode & 07777));
    size_t used = 0;
    for (;;) {
        ssize_t got = read(fd, buffer + used, size - used);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int error = errno;
            close(fd);
            return cli_error("passphrase file '%s': %s", path, strerror(error));
        }
        if (got == 0 || (used += (size_t)got) == size)
            break;
    }
    close(fd);
    size_t line = 0;
    while (line < used && buffer[line] != '\n' && buffer[line] != '\r')
        line++;
    if (line == used && used == size)
        return cli_error("passphrase file '%s': the passphrase is longer than %d bytes", path,
                         CLI_PASSPHRASE_MAX);
    if (line == 0)
        return cli_error("passphrase file '%s': the first line is empty", path);
    *length = line;
    return CLI_OK;
}

int cli_load_key(const char *command, const char *key_path, const char *passphrase_file,
                 lm_key **out)
{
    *out = NULL;
    if (key_path && passphrase_file)
        return cli_usage_error(command, "give either --key or --passphrase-file, not both");
    if (!key_path && !passphrase_file)
        return CLI_OK;
    lm_key *key = NULL;
    int status = lm_key_new(&key);
    if (status != LM_OK)
        return cli_report(status, NULL, "key");
    int code = CLI_OK;
    if (key_path) {
        status = lm_key_load_file(key, key_path);
        if (status != LM_OK)
            code = cli_report(status, key, key_path);
    } else {
        char buffer[CLI_PASSPHRASE_MAX + 1];
        size_t length = 0;
        code = cli_read_passphrase(passphrase_file, buffer, sizeof buffer, &length);
        if (code == CLI_OK) {
            status = lm_key_set_passphrase(key, buffer, length);
            if (status != LM_OK)
                code = cli_report(status, key, passphrase_file);
        }
        cli_wipe(buffer, sizeof buffer);
    }
    if (code != CLI_OK) {
        lm_key_free(key);
        return code;
    }
    *out = key;
    return CLI_OK;
}

int cli_load_pool_file(cli_pool_source *source, lm_key *key, lm_pool **pool)
{
    source->key = key;
    return cli_load_pool(source, pool);
}

int cli_prepare_key(const char *command, cli_pool_source *source, lm_key **key)
{
    *key = NULL;
    int code = cli_load_key(command, source->key_path, source->passphrase_file, key);
    if (code != CLI_OK)
        return code;
    if (source->pseudonymize && !*key)
        return cli_usage_error(command, "--pseudonymize needs --key KEY (a key file)");
    if (source->pseudonymize)
        code = cli_check_pseudonym_key(*key);
    if (code != CLI_OK) {
        lm_key_free(*key);
        *key = NULL;
        return code;
    }
    source->key = *key;
    return CLI_OK;
}

int cli_check_pseudonym_key(const lm_key *key)
{
    if (lm_key_get_kind(key) == LM_KEY_PASSPHRASE)
        return cli_error("pseudonyms need a key file, not a passphrase: the same passphrase "
                         "would give the same pseudonyms in every deployment, open to an "
                         "offline search. Make a key file once with 'lmatch keygen "
                         "--passphrase-file FILE -o KEY' (it gets its own salt) and use "
                         "--key KEY");
    char probe[LM_PSEUDONYM_SIZE];
    int status = lm_pseudonym(key, "", probe, sizeof probe);
    return status == LM_OK ? CLI_OK : cli_report(status, NULL, "pseudonyms");
}

const char *cli_pseudonym_of(void *context, const char *id)
{
    cli_pseudonymizer *renamer = context;
    int status = lm_pseudonym(renamer->key, id, renamer->buffer, sizeof renamer->buffer);
    if (status != LM_OK) {
        /* Never the real id, and never a placeholder that looks like an
         * answer: stop, and let cli_output's exit handler remove any file
         * being written. */
        cli_report(status, NULL, "cannot make a pseudonym");
        exit(CLI_BAD_INPUT);
    }
    return renamer->buffer;
}
