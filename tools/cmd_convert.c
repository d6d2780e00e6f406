/* lmatch convert: a pool from one format to another (CSV, msgpack,
 * encrypted msgpack), the input recognised by its first bytes. */
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: lmatch convert IN OUT [--key KEY | --passphrase-file FILE]\n"
    "                             [--format csv|msgpack] [--plain]\n"
    "                             [--to-key KEY | --to-passphrase-file FILE]\n"
    "                             [--venues VENUES.csv] [--venues-out VENUES.csv]\n"
    "                             [--taxonomy FILE] [--strict]\n"
    "\n"
    "Reads a pool in any format (a participants CSV, a msgpack pool or an\n"
    "encrypted one; the first bytes tell which) and writes it as OUT. The format\n"
    "of OUT comes from --format or its extension: .csv, .msgpack or .mp, or .enc\n"
    "(encrypted msgpack). With a key, msgpack output is encrypted (XChaCha20-\n"
    "Poly1305; a wrong key or any change to the file is detected), whatever the\n"
    "extension; CSV output is never encrypted. OUT is replaced atomically.\n"
    "\n"
    "Options:\n"
    "  --key KEY              key file (lmatch keygen) to read IN and write OUT\n"
    "  --passphrase-file FILE the passphrase on the first line of FILE, instead\n"
    "  --to-key KEY           write OUT with this key instead (re-encrypt)\n"
    "  --to-passphrase-file FILE   the same with a passphrase\n"
    "  --plain                write OUT unencrypted even though a key was given\n"
    "  --format csv|msgpack   the format of OUT, whatever its extension\n"
    "  --venues FILE          also read a venues CSV\n"
    "  --venues-out FILE      also write the venues as CSV (CSV output has no room\n"
    "                         for them)\n"
    "  --taxonomy FILE        the taxonomy CSV of the pool, instead of the default\n"
    "  --strict               an unknown tag in a CSV is an error, not a warning\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit codes: 0 ok, 1 bad input or wrong key, 2 bad command line.\n";

enum {
    OPT_KEY = 0x100,
    OPT_PASSPHRASE_FILE,
    OPT_TO_KEY,
    OPT_TO_PASSPHRASE_FILE,
    OPT_PLAIN,
    OPT_FORMAT,
    OPT_VENUES,
    OPT_VENUES_OUT,
    OPT_TAXONOMY,
    OPT_STRICT
};

static bool ends_with(const char *text, const char *suffix)
{
    size_t length = strlen(text), suffix_length = strlen(suffix);
    return length > suffix_length && strcmp(text + length - suffix_length, suffix) == 0;
}

typedef struct convert_options {
    const char *in, *out;
    const char *key, *passphrase_file, *to_key, *to_passphrase_file;
    const char *format, *venues_out;
    bool plain;
    cli_pool_source source;
} convert_options;

/* 1 for msgpack, 0 for CSV, -1 after a usage error. */
static int output_is_msgpack(const char *command, const convert_options *o)
{
    if (o->format) {
        if (strcmp(o->format, "csv") == 0)
            return 0;
        if (strcmp(o->format, "msgpack") == 0)
            return 1;
        cli_usage_error(command, "--format must be csv or msgpack, not '%s'", o->format);
        return -1;
    }
    if (ends_with(o->out, ".csv"))
        return 0;
    if (ends_with(o->out, ".msgpack") || ends_with(o->out, ".mp") || ends_with(o->out, ".enc"))
        return 1;
    cli_usage_error(command, "cannot tell the format of '%s' from its extension (.csv, "
                             ".msgpack, .mp or .enc): give --format",
                    o->out);
    return -1;
}

static int write_output(const convert_options *o, lm_pool *pool, int msgpack,
                        const lm_key *out_key)
{
    int status = msgpack ? lm_pool_save_msgpack(pool, o->out, out_key)
                         : lm_pool_save_csv(pool, o->out);
    if (status != LM_OK)
        return cli_report(status, pool, o->out);
    if (o->venues_out) {
        status = lm_pool_save_venues_csv(pool, o->venues_out);
        if (status != LM_OK)
            return cli_report(status, pool, o->venues_out);
    } else if (!msgpack && lm_pool_venue_count(pool)) {
        fprintf(stderr, "lmatch: warning: the %zu venues are not in '%s': use --venues-out "
                        "FILE to keep them\n",
                lm_pool_venue_count(pool), cli_escaped(o->out));
    }
    fprintf(stderr, "lmatch: wrote %zu participants%s to '%s' (%s)\n", lm_pool_size(pool),
            msgpack && lm_pool_venue_count(pool) ? " and their venues" : "", cli_escaped(o->out),
            !msgpack ? "CSV" : out_key ? "encrypted msgpack" : "msgpack");
    return CLI_OK;
}

static int convert(const char *command, convert_options *o)
{
    int msgpack = output_is_msgpack(command, o);
    if (msgpack < 0)
        return CLI_USAGE;
    bool re_key = o->to_key || o->to_passphrase_file;
    if (re_key && (!msgpack || o->plain))
        return cli_usage_error(command, "--to-key and --to-passphrase-file need encrypted "
                                        "msgpack output");
    lm_key *key = NULL, *to_key = NULL;
    int code = cli_load_key(command, o->key, o->passphrase_file, &key);
    if (code == CLI_OK)
        code = cli_load_key(command, o->to_key, o->to_passphrase_file, &to_key);
    const lm_key *out_key = !msgpack || o->plain ? NULL : to_key ? to_key : key;
    if (code == CLI_OK && msgpack && !out_key && !o->format && ends_with(o->out, ".enc"))
        code = cli_usage_error(command, "'%s' ends in .enc: give --key or --passphrase-file "
                                        "(or --plain with another extension)",
                               o->out);
    lm_pool *pool = NULL;
    if (code == CLI_OK)
        code = cli_load_pool_file(&o->source, key, &pool);
    lm_format in_format = LM_FORMAT_CSV;
    if (code == CLI_OK && lm_format_detect_file(o->in, &in_format) == LM_OK &&
        in_format == LM_FORMAT_ENCRYPTED && !out_key)
        fprintf(stderr, "lmatch: warning: '%s' is encrypted, '%s' will not be\n",
                cli_escaped(o->in), cli_escaped(o->out));
    if (code == CLI_OK)
        code = write_output(o, pool, msgpack, out_key);
    lm_pool_free(pool);
    lm_key_free(to_key);
    lm_key_free(key);
    return code;
}

int cmd_convert(int argc, char **argv)
{
    static const struct option options[] = {
        {"key", required_argument, NULL, OPT_KEY},
        {"passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE},
        {"to-key", required_argument, NULL, OPT_TO_KEY},
        {"to-passphrase-file", required_argument, NULL, OPT_TO_PASSPHRASE_FILE},
        {"plain", no_argument, NULL, OPT_PLAIN},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"venues", required_argument, NULL, OPT_VENUES},
        {"venues-out", required_argument, NULL, OPT_VENUES_OUT},
        {"taxonomy", required_argument, NULL, OPT_TAXONOMY},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    convert_options o = {0};
    int option;
    while ((option = cli_getopt(argc, argv, "h", options)) != -1) {
        switch (option) {
        case OPT_KEY: o.key = optarg; break;
        case OPT_PASSPHRASE_FILE: o.passphrase_file = optarg; break;
        case OPT_TO_KEY: o.to_key = optarg; break;
        case OPT_TO_PASSPHRASE_FILE: o.to_passphrase_file = optarg; break;
        case OPT_PLAIN: o.plain = true; break;
        case OPT_FORMAT: o.format = optarg; break;
        case OPT_VENUES: o.source.venues = optarg; break;
        case OPT_VENUES_OUT: o.venues_out = optarg; break;
        case OPT_TAXONOMY: o.source.taxonomy = optarg; break;
        case OPT_STRICT: o.source.strict = true; break;
        case 'h': return cli_help(usage);
        default: return CLI_USAGE;
        }
    }
    if (argc - optind != 2)
        return cli_usage_error(argv[0], "expects IN and OUT, got %d file names", argc - optind);
    o.in = o.source.path = argv[optind];
    o.out = argv[optind + 1];
    if (strcmp(o.in, o.out) == 0)
        return cli_usage_error(argv[0], "IN and OUT are the same file");
    return convert(argv[0], &o);
}
