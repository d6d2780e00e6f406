/* lmatch keygen: a new key file for encrypted pools and results and for
 * pseudonyms, random or made from a passphrase with its own salt. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char usage[] =
    "Usage: lmatch keygen -o KEY [--force] [--passphrase-file FILE [--salt HEX]]\n"
    "\n"
    "Writes a new random key (256 bits) to KEY, readable and writable by you\n"
    "only (mode 0600). Use it with --key to encrypt pools and results (convert)\n"
    "and to replace ids by pseudonyms (--pseudonymize). Keep it secret and keep a\n"
    "copy: whoever has it can read the encrypted files and map pseudonyms back\n"
    "to ids; without it, nobody can.\n"
    "\n"
    "With --passphrase-file the key is made from the passphrase instead (Argon2id,\n"
    "256 MiB) with a new random salt, written into KEY as its second line: the\n"
    "same passphrase and salt make the same key again (--salt), so a lost key\n"
    "file can be rebuilt, while the salt keeps one deployment's pseudonyms\n"
    "unrelated to another's. Pseudonyms need such a key file: a passphrase alone\n"
    "is refused. A random key is the better choice when a copy can be kept.\n"
    "\n"
    "Options:\n"
    "  -o, --output KEY        the key file to write\n"
    "  --force                 replace an existing KEY (files encrypted with the old\n"
    "                          key can then no longer be read)\n"
    "  --passphrase-file FILE  make the key from the passphrase on FILE's first line\n"
    "  --salt HEX              with --passphrase-file: the 32 hex digits of the salt\n"
    "                          (the 'argon2id-salt' line of the key file to rebuild)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit codes: 0 ok, 1 the file exists or cannot be written, 2 bad command line.\n";

enum { OPT_FORCE = 0x100, OPT_PASSPHRASE_FILE, OPT_SALT };

/* The key from the passphrase file and the salt (random when NULL). */
static int derive(lm_key *key, const char *passphrase_file, const char *salt_hex)
{
    unsigned char salt[LM_KEY_SALT_SIZE];
    if (salt_hex) {
        size_t k = 0;
        for (; k < sizeof salt && salt_hex[2 * k] && salt_hex[2 * k + 1]; k++) {
            unsigned value = 0;
            for (int half = 0; half < 2; half++) {
                char c = salt_hex[2 * k + half];
                int digit = c >= '0' && c <= '9'   ? c - '0'
                            : c >= 'a' && c <= 'f' ? c - 'a' + 10
                            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                   : -1;
                if (digit < 0)
                    return cli_usage_error("keygen", "--salt needs 32 hex digits");
                value = value << 4 | (unsigned)digit;
            }
            salt[k] = (unsigned char)value;
        }
        if (k != sizeof salt || salt_hex[2 * k])
            return cli_usage_error("keygen", "--salt needs 32 hex digits");
    }
    char buffer[CLI_PASSPHRASE_MAX + 1];
    size_t length = 0;
    int code = cli_read_passphrase(passphrase_file, buffer, sizeof buffer, &length);
    if (code == CLI_OK) {
        int status = lm_key_derive_passphrase(key, buffer, length, salt_hex ? salt : NULL,
                                              sizeof salt);
        if (status != LM_OK)
            code = cli_report(status, key, passphrase_file);
    }
    cli_wipe(buffer, sizeof buffer);
    return code;
}

int cmd_keygen(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, OPT_FORCE},
        {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
        {"salt", required_argument, NULL, OPT_SALT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *output = NULL, *passphrase_file = NULL, *salt = NULL;
    bool force = false;
    int option;
    while ((option = cli_getopt(argc, argv, "o:h", options)) != -1) {
        switch (option) {
        case 'o': output = optarg; break;
        case OPT_FORCE: force = true; break;
        case OPT_PASSPHRASE_FILE: passphrase_file = optarg; break;
        case OPT_SALT: salt = optarg; break;
        case 'h': return cli_help(usage);
        default: return CLI_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
    if (!output)
        return cli_usage_error(argv[0], "give the key file to write with -o KEY");
    if (salt && !passphrase_file)
        return cli_usage_error(argv[0], "--salt goes with --passphrase-file");
    struct stat info;
    if (!force && stat(output, &info) == 0)
        return cli_error("'%s' exists; it may be the only key to files you need: use --force "
                         "to replace it",
                         output);
    lm_key *key = NULL;
    int status = lm_key_new(&key);
    if (status != LM_OK)
        return cli_report(status, NULL, "key");
    int code = CLI_OK;
    if (passphrase_file) {
        code = derive(key, passphrase_file, salt);
    } else {
        status = lm_key_generate(key);
        if (status != LM_OK)
            code = cli_report(status, key, "key");
    }
    if (code == CLI_OK) {
        status = lm_key_save_file(key, output);
        if (status != LM_OK)
            code = cli_report(status, key, output);
    }
    lm_key_free(key);
    if (code == CLI_OK && passphrase_file)
        fprintf(stderr, "lmatch: wrote the key of the passphrase in '%s' to '%s' (mode 0600), "
                        "with its salt; keep it secret\n",
                cli_escaped(passphrase_file), cli_escaped(output));
    else if (code == CLI_OK)
        fprintf(stderr, "lmatch: wrote a new key to '%s' (mode 0600); keep it secret and keep "
                        "a copy\n",
                cli_escaped(output));
    return code;
}
