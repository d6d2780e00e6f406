/* lmatch pseudonyms: the key holder's map from pseudonyms back to ids. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: lmatch pseudonyms POOL --key KEY [--passphrase-file FILE]\n"
    "                              [-o MAP.csv] [--taxonomy FILE] [PSEUDONYM...]\n"
    "\n"
    "Writes the CSV pseudonym,id for every participant of POOL (CSV, msgpack or\n"
    "encrypted msgpack): the pseudonyms that --pseudonymize with the same key puts\n"
    "in outputs. Only the key holder can make this map; keep it as private as the\n"
    "pool (the file is created with mode 0600). With PSEUDONYM arguments, only\n"
    "their rows are written, and an unknown one is an error.\n"
    "\n"
    "Options:\n"
    "  --key KEY              the key file the pseudonyms were made with (also\n"
    "                         used to read an encrypted POOL); a key made from a\n"
    "                         passphrase is a key file too (keygen --passphrase-file)\n"
    "  --passphrase-file FILE the passphrase of an encrypted POOL, when it is not\n"
    "                         encrypted with KEY\n"
    "  -o, --output FILE      write the map to FILE instead of standard output\n"
    "  --taxonomy FILE        the taxonomy CSV of the pool, instead of the default\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit codes: 0 ok, 1 bad input, wrong key or unknown pseudonym, 2 bad command\n"
    "line.\n";

enum { OPT_KEY = 0x100, OPT_PASSPHRASE_FILE, OPT_TAXONOMY };

/* RFC 4180: quote a field holding a comma, a quote or a line break. */
static void csv_field(FILE *out, const char *text)
{
    if (!strpbrk(text, ",\"\r\n")) {
        fputs(text, out);
        return;
    }
    fputc('"', out);
    for (const char *c = text; *c; c++) {
        if (*c == '"')
            fputc('"', out);
        fputc(*c, out);
    }
    fputc('"', out);
}

static int write_map(const char *output, lm_pool *pool, const lm_key *key, char **wanted,
                     int wanted_count)
{
    size_t n = lm_pool_size(pool);
    char (*names)[LM_PSEUDONYM_SIZE] = malloc((n ? n : 1) * sizeof *names);
    if (!names)
        return cli_error("out of memory");
    for (size_t i = 0; i < n; i++) {
        int status = lm_pseudonym(key, lm_pool_id(pool, i), names[i], sizeof names[i]);
        if (status != LM_OK) {
            free(names);
            return cli_report(status, NULL, "pseudonym");
        }
    }
    for (int k = 0; k < wanted_count; k++) {
        size_t i = 0;
        while (i < n && strcmp(names[i], wanted[k]) != 0)
            i++;
        if (i == n) {
            free(names);
            return cli_error("pseudonym '%s' belongs to nobody in the pool (another key or "
                             "another pool?)",
                             wanted[k]);
        }
    }
    cli_output file;
    if (cli_output_open(&file, output ? output : "-") != CLI_OK) {
        free(names);
        return CLI_BAD_INPUT;
    }
    FILE *out = file.file;
    fputs("pseudonym,id\n", out);
    for (size_t i = 0; i < n; i++) {
        bool chosen = wanted_count == 0;
        for (int k = 0; k < wanted_count && !chosen; k++)
            chosen = strcmp(names[i], wanted[k]) == 0;
        if (!chosen)
            continue;
        fprintf(out, "%s,", names[i]);
        csv_field(out, lm_pool_id(pool, i));
        fputc('\n', out);
    }
    free(names);
    return cli_output_close(&file, true);
}

int cmd_pseudonyms(int argc, char **argv)
{
    static const struct option options[] = {
        {"key", required_argument, NULL, OPT_KEY},
        {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
        {"output", required_argument, NULL, 'o'},
        {"taxonomy", required_argument, NULL, OPT_TAXONOMY},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *key_path = NULL, *passphrase_file = NULL, *output = NULL;
    cli_pool_source source = {0};
    int option;
    while ((option = cli_getopt(argc, argv, "o:h", options)) != -1) {
        switch (option) {
        case OPT_KEY: key_path = optarg; break;
        case OPT_PASSPHRASE_FILE: passphrase_file = optarg; break;
        case 'o': output = optarg; break;
        case OPT_TAXONOMY: source.taxonomy = optarg; break;
        case 'h': return cli_help(usage);
        default: return CLI_USAGE;
        }
    }
    if (optind >= argc)
        return cli_usage_error(argv[0], "expects the POOL file");
    if (!key_path)
        return cli_usage_error(argv[0], "needs the key file the pseudonyms were made with: "
                                        "--key KEY%s",
                               passphrase_file ? " (a passphrase cannot make pseudonyms: make "
                                                 "a key file with 'lmatch keygen "
                                                 "--passphrase-file FILE -o KEY')"
                                               : "");
    source.path = argv[optind];
    lm_key *key = NULL, *pool_key = NULL;
    int code = cli_load_key(argv[0], key_path, NULL, &key);
    if (code == CLI_OK)
        code = cli_check_pseudonym_key(key);
    if (code == CLI_OK && passphrase_file)
        code = cli_load_key(argv[0], NULL, passphrase_file, &pool_key);
    lm_pool *pool = NULL;
    if (code == CLI_OK)
        code = cli_load_pool_file(&source, pool_key ? pool_key : key, &pool);
    lm_key_free(pool_key);
    if (code == CLI_OK)
        code = write_map(output, pool, key, argv + optind + 1, argc - optind - 1);
    lm_pool_free(pool);
    lm_key_free(key);
    return code;
}
