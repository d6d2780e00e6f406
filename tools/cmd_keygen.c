/* lmatch keygen: a new random key file for encrypted pools and results and
 * for pseudonyms. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char usage[] =
    "Usage: lmatch keygen -o KEY [--force]\n"
    "\n"
    "Writes a new random key (256 bits) to KEY, readable and writable by you\n"
    "only (mode 0600). Use it with --key to encrypt pools and results (convert)\n"
    "and to replace ids by pseudonyms (--pseudonymize). Keep it secret and keep a\n"
    "copy: whoever has it can read the encrypted files and map pseudonyms back\n"
    "to ids; without it, nobody can.\n"
    "\n"
    "Options:\n"
    "  -o, --output KEY   the key file to write\n"
    "  --force            replace an existing KEY (files encrypted with the old key\n"
    "                     can then no longer be read)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit codes: 0 ok, 1 the file exists or cannot be written, 2 bad command line.\n";

enum { OPT_FORCE = 0x100 };

int cmd_keygen(int argc, char **argv)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, OPT_FORCE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *output = NULL;
    bool force = false;
    int option;
    while ((option = cli_getopt(argc, argv, "o:h", options)) != -1) {
        switch (option) {
        case 'o': output = optarg; break;
        case OPT_FORCE: force = true; break;
        case 'h': return cli_help(usage);
        default: return CLI_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error(argv[0], "unexpected argument '%s'", argv[optind]);
    if (!output)
        return cli_usage_error(argv[0], "give the key file to write with -o KEY");
    struct stat info;
    if (!force && stat(output, &info) == 0)
        return cli_error("'%s' exists; it may be the only key to files you need: use --force "
                         "to replace it",
                         output);
    lm_key *key = NULL;
    int status = lm_key_new(&key);
    if (status == LM_OK)
        status = lm_key_generate(key);
    if (status == LM_OK)
        status = lm_key_save_file(key, output);
    int code = status == LM_OK ? CLI_OK : cli_report(status, key, output);
    lm_key_free(key);
    if (code == CLI_OK)
        fprintf(stderr, "lmatch: wrote a new key to '%s' (mode 0600); keep it secret and keep "
                        "a copy\n",
                output);
    return code;
}
