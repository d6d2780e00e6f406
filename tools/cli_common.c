/* What every lmatch command shares: option parsing, error messages with
 * exit codes, and loading pools. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- text from the command line ------------------------------------------- */

/* Four rotating buffers, each large enough for a path of PATH_MAX bytes
 * with every byte escaped (4 bytes out per byte in); longer text is cut. */
#define ESCAPED_SIZE (4 * 4096 + 1)

const char *cli_escaped(const char *text)
{
    static char buffers[4][ESCAPED_SIZE];
    static unsigned next;
    char *out = buffers[next++ % 4];
    lm_escape_controls(out, ESCAPED_SIZE, text ? text : "(null)");
    return out;
}

/* vfprintf to stderr with control characters escaped (lm_escape_controls):
 * the messages below quote file names and option values from the command
 * line. */
static void print_escaped(const char *format, va_list args)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 0)))
#endif
    ;

static void print_escaped(const char *format, va_list args)
{
    va_list again;
    va_copy(again, args);
    int length = vsnprintf(NULL, 0, format, args);
    char *raw = length >= 0 ? malloc((size_t)length + 1) : NULL;
    char *escaped = raw ? malloc(4 * (size_t)length + 1) : NULL;
    if (escaped) {
        vsnprintf(raw, (size_t)length + 1, format, again);
        lm_escape_controls(escaped, 4 * (size_t)length + 1, raw);
        fputs(escaped, stderr);
    } else {
        fputs("(out of memory)", stderr);
    }
    va_end(again);
    free(escaped);
    free(raw);
}

/* ---- option parsing ------------------------------------------------------- */

int cli_getopt(int argc, char **argv, const char *short_options,
               const struct option *long_options)
{
    /* A leading ':' makes getopt report a missing value as ':' and stay
     * silent, so that the messages below are the only ones. */
    char options[128];
    snprintf(options, sizeof options, ":%s", short_options);
    opterr = 0;
    int option = getopt_long(argc, argv, options, long_options, NULL);
    if (option != '?' && option != ':')
        return option;
    const char *given = optind > 0 && optind <= argc ? argv[optind - 1] : "";
    if (option == ':')
        cli_usage_error(argv[0], "option '%s' needs a value", given);
    else if (strncmp(given, "--", 2) == 0 || !optopt)
        cli_usage_error(argv[0], "unknown or malformed option '%s'", given);
    else
        cli_usage_error(argv[0], "unknown option '-%c'", optopt);
    return '?';
}

int cli_help(const char *usage)
{
    fputs(usage, stdout);
    return fflush(stdout) == 0 ? CLI_OK : CLI_BAD_INPUT;
}

int cli_usage_error(const char *command, const char *format, ...)
{
    fprintf(stderr, "lmatch %s: ", command);
    va_list args;
    va_start(args, format);
    print_escaped(format, args);
    va_end(args);
    fprintf(stderr, "\nTry 'lmatch %s --help'.\n", command);
    return CLI_USAGE;
}

bool cli_parse_u64(const char *command, const char *option, const char *text, uint64_t *value)
{
    /* strtoull accepts signs and leading blanks; a count accepts neither. */
    if (!text || text[0] < '0' || text[0] > '9') {
        cli_usage_error(command, "%s needs a whole number, not '%s'", option, text ? text : "");
        return false;
    }
    errno = 0;
    char *end = NULL;
    unsigned long long parsed = strtoull(text, &end, 10);
    if (errno == ERANGE || *end != '\0' || parsed > UINT64_MAX) {
        cli_usage_error(command, "%s needs a whole number, not '%s'", option, text);
        return false;
    }
    *value = (uint64_t)parsed;
    return true;
}

bool cli_parse_size(const char *command, const char *option, const char *text, size_t minimum,
                    size_t maximum, size_t *value)
{
    uint64_t parsed;
    if (!cli_parse_u64(command, option, text, &parsed))
        return false;
    if (parsed < minimum || parsed > maximum) {
        cli_usage_error(command, "%s must be between %zu and %zu, not %s", option, minimum,
                        maximum, text);
        return false;
    }
    *value = (size_t)parsed;
    return true;
}

bool cli_parse_double(const char *command, const char *option, const char *text,
                      double minimum, double maximum, double *value)
{
    errno = 0;
    char *end = NULL;
    double parsed = text ? strtod(text, &end) : 0.0;
    if (!text || end == text || *end != '\0' || errno == ERANGE) {
        cli_usage_error(command, "%s needs a number, not '%s'", option, text ? text : "");
        return false;
    }
    if (!(parsed >= minimum && parsed <= maximum)) { /* also rejects NaN */
        cli_usage_error(command, "%s must be between %g and %g, not %s", option, minimum,
                        maximum, text);
        return false;
    }
    *value = parsed;
    return true;
}

/* ---- errors ------------------------------------------------------------------ */

int cli_error(const char *format, ...)
{
    fputs("lmatch: ", stderr);
    va_list args;
    va_start(args, format);
    print_escaped(format, args);
    va_end(args);
    fputc('\n', stderr);
    return CLI_BAD_INPUT;
}

int cli_report(int status, const void *object, const char *context)
{
    const char *detail = object ? lm_errmsg(object) : "";
    if (!detail || !detail[0])
        detail = lm_strerror(status);
    if (context && !strstr(detail, cli_escaped(context)))
        fprintf(stderr, "lmatch: %s: %s\n", cli_escaped(context), detail);
    else
        fprintf(stderr, "lmatch: %s\n", detail);
    return CLI_BAD_INPUT;
}

/* ---- pools --------------------------------------------------------------------- */

int cli_load_taxonomy(const char *path, lm_taxonomy **taxonomy)
{
    *taxonomy = NULL;
    if (!path) {
        int status = lm_taxonomy_new_default(taxonomy);
        return status == LM_OK ? CLI_OK : cli_report(status, NULL, "default taxonomy");
    }
    int status = lm_taxonomy_new(taxonomy);
    if (status != LM_OK)
        return cli_report(status, NULL, path);
    status = lm_taxonomy_load_file(*taxonomy, path);
    if (status != LM_OK) {
        cli_report(status, *taxonomy, path);
        lm_taxonomy_free(*taxonomy);
        *taxonomy = NULL;
        return CLI_BAD_INPUT;
    }
    return CLI_OK;
}

const char *cli_warning_file(const cli_pool_source *source, size_t k)
{
    return k < source->participant_warnings || !source->venues ? source->path : source->venues;
}

static void print_warnings(const cli_pool_source *source, const lm_pool *pool)
{
    for (size_t k = 0; k < lm_pool_warning_count(pool); k++) {
        const char *file = cli_warning_file(source, k);
        const char *column = lm_pool_warning_column(pool, k);
        size_t line = lm_pool_warning_line(pool, k);
        fprintf(stderr, "lmatch: warning: %s", file ? cli_escaped(file) : "pool");
        if (line)
            fprintf(stderr, " line %zu", line);
        if (column && column[0])
            fprintf(stderr, ", column '%s'", cli_escaped(column));
        fprintf(stderr, ": %s\n", lm_pool_warning_message(pool, k));
    }
}

int cli_load_pool(cli_pool_source *source, lm_pool **pool)
{
    *pool = NULL;
    source->participant_warnings = 0;
    lm_taxonomy *taxonomy = NULL;
    if (source->taxonomy && cli_load_taxonomy(source->taxonomy, &taxonomy) != CLI_OK)
        return CLI_BAD_INPUT;
    int status = lm_pool_new(taxonomy, pool);
    lm_taxonomy_free(taxonomy);
    if (status != LM_OK)
        return cli_report(status, NULL, source->path);
    const char *failed_file = source->path;
    status = lm_pool_set_strict(*pool, source->strict);
    if (status == LM_OK && source->path)
        status = lm_pool_load_file(*pool, source->path, source->key);
    source->participant_warnings = lm_pool_warning_count(*pool);
    if (status == LM_OK && source->venues) {
        failed_file = source->venues;
        status = lm_pool_load_venues_csv(*pool, source->venues);
    }
    /* Warnings first: they often explain the error that follows. */
    print_warnings(source, *pool);
    if (status != LM_OK && lm_pool_error_count(*pool) > 1) {
        /* Every mistake of the file at once, warnings of the failed file
         * among them, in line order. */
        size_t errors = 0;
        for (size_t k = 0; k < lm_pool_error_count(*pool); k++) {
            const char *message = lm_pool_error_message(*pool, k);
            errors += strstr(message, ": warning: ") == NULL;
            fprintf(stderr, "lmatch: %s\n", message);
        }
        fprintf(stderr, "lmatch: %zu error%s in %s; nothing was loaded\n", errors,
                errors == 1 ? "" : "s", cli_escaped(failed_file));
    } else if (status != LM_OK) {
        cli_report(status, *pool, failed_file);
    }
    if (status != LM_OK) {
        lm_pool_free(*pool);
        *pool = NULL;
        return CLI_BAD_INPUT;
    }
    return CLI_OK;
}

/* ---- text output ------------------------------------------------------------- */

void cli_topic_name(const lm_taxonomy *taxonomy, size_t topic, char *buffer, size_t size)
{
    const char *english = lm_taxonomy_topic_label_en(taxonomy, topic);
    const char *dutch = lm_taxonomy_topic_label_nl(taxonomy, topic);
    if (!english || !english[0])
        english = lm_taxonomy_topic_key(taxonomy, topic);
    if (!english)
        english = "?";
    if (dutch && dutch[0] && strcasecmp(dutch, english) != 0)
        snprintf(buffer, size, "%s (%s)", english, dutch);
    else
        snprintf(buffer, size, "%s", english);
}
