/* lmatch partition: the Maximally Diverse Grouping Problem on an MDGPLIB
 * instance file (format in docs/solver.md), solved by lm_partition_solve. */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_result.h"
#include "json.h"

/* A dense matrix of MAX_ITEMS^2 doubles is 800 MB: larger instances are
 * for a sparse format this tool does not have. */
#define MAX_ITEMS 10000

static const char usage[] =
    "Usage: lmatch partition INSTANCE.txt [--time-limit S] [--seed N] [--threads T]\n"
    "                        [--effort E] [--json OUT.json] [--quiet]\n"
    "\n"
    "Partitions n items into m groups, group g holding between a_g and b_g items,\n"
    "maximising the sum of the pairwise weights inside groups (the Maximally\n"
    "Diverse Grouping Problem). INSTANCE.txt is in the MDGPLIB format: a header\n"
    "line 'n m type a_1 b_1 ... a_m b_m' (type ss or ds), then one line 'i j d'\n"
    "for every pair 0 <= i < j < n.\n"
    "\n"
    "Options:\n"
    "  --time-limit S   stop after S seconds; without --effort the search then runs\n"
    "                   until the limit (results may vary from run to run)\n"
    "  --effort E       search rounds in units (default 20 without a time limit);\n"
    "                   never depends on the clock\n"
    "  --seed N         random seed (default 1); same seed and threads, same result\n"
    "  --threads T      independent searches in parallel (default 1); the best wins\n"
    "  --json FILE      write {\"n\", \"m\", \"objective\", \"groups\"} (the group of\n"
    "                   each item 0..n-1); '-' writes it to standard output\n"
    "  --quiet          no progress line on stderr\n"
    "  -h, --help       show this help\n";

typedef struct instance {
    size_t n, m;
    size_t *lower, *upper;
    double *weights; /* n x n, symmetric, zero diagonal */
} instance;

static void instance_free(instance *in)
{
    free(in->lower);
    free(in->upper);
    free(in->weights);
    memset(in, 0, sizeof *in);
}

/* Splits line into at most max whitespace-separated tokens; returns how
 * many there were (possibly more than max: the caller reports it). */
static size_t split(char *line, char **tokens, size_t max)
{
    size_t count = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
        if (count < max)
            tokens[count] = t;
        count++;
    }
    return count;
}

static bool parse_count(const char *text, size_t *value)
{
    if (text[0] < '0' || text[0] > '9')
        return false;
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end || v > SIZE_MAX)
        return false;
    *value = (size_t)v;
    return true;
}

static int parse_error(const char *path, size_t line, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int parse_error(const char *path, size_t line, const char *format, ...)
{
    fprintf(stderr, "lmatch: %s line %zu: ", cli_escaped(path), line);
    va_list args;
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    return CLI_BAD_INPUT;
}

static int parse_header(const char *path, char *line, instance *in)
{
    size_t cap = 3 + 2 * 1024;
    char **tokens = malloc(cap * sizeof *tokens);
    if (!tokens)
        return cli_error("out of memory");
    size_t count = split(line, tokens, cap);
    int code = CLI_OK;
    if (count < 3) {
        code = parse_error(path, 1, "the header needs 'n m type a_1 b_1 ... a_m b_m'");
    } else if (!parse_count(tokens[0], &in->n) || in->n == 0) {
        code = parse_error(path, 1, "n must be a whole number >= 1, not '%s'", tokens[0]);
    } else if (in->n > MAX_ITEMS) {
        code = parse_error(path, 1, "n = %s is more than this tool accepts (%d)", tokens[0],
                           MAX_ITEMS);
    } else if (!parse_count(tokens[1], &in->m) || in->m == 0 || in->m > 1024) {
        code = parse_error(path, 1, "m must be a whole number in 1..1024, not '%s'", tokens[1]);
    } else if (strcmp(tokens[2], "ss") != 0 && strcmp(tokens[2], "ds") != 0) {
        code = parse_error(path, 1, "the type must be 'ss' or 'ds', not '%s'", tokens[2]);
    } else if (count != 3 + 2 * in->m) {
        code = parse_error(path, 1, "the header has %zu bound values; m = %zu groups need %zu",
                           count - 3, in->m, 2 * in->m);
    } else {
        in->lower = malloc(in->m * sizeof *in->lower);
        in->upper = malloc(in->m * sizeof *in->upper);
        if (!in->lower || !in->upper)
            code = cli_error("out of memory");
        for (size_t g = 0; code == CLI_OK && g < in->m; g++) {
            const char *a = tokens[3 + 2 * g], *b = tokens[4 + 2 * g];
            if (!parse_count(a, &in->lower[g]))
                code = parse_error(path, 1, "a bound must be a whole number, not '%s'", a);
            else if (!parse_count(b, &in->upper[g]))
                code = parse_error(path, 1, "a bound must be a whole number, not '%s'", b);
        }
    }
    free(tokens);
    return code;
}

static int parse_pair(const char *path, size_t number, char *line, instance *in)
{
    char *tokens[3];
    size_t count = split(line, tokens, 3);
    if (count == 0)
        return CLI_OK; /* blank line */
    if (count != 3)
        return parse_error(path, number, "expected 'i j d' (three fields), found %zu", count);
    size_t i, j;
    if (!parse_count(tokens[0], &i) || i >= in->n)
        return parse_error(path, number, "item '%s' is not a number in 0..n-1", tokens[0]);
    if (!parse_count(tokens[1], &j) || j >= in->n)
        return parse_error(path, number, "item '%s' is not a number in 0..n-1", tokens[1]);
    if (i >= j)
        return parse_error(path, number, "pairs must have i < j, not %zu %zu", i, j);
    errno = 0;
    char *end = NULL;
    double d = strtod(tokens[2], &end);
    if (end == tokens[2] || *end || errno == ERANGE || !isfinite(d))
        return parse_error(path, number, "the weight '%s' is not a finite number", tokens[2]);
    double *cell = &in->weights[i * in->n + j];
    if (!isnan(*cell))
        return parse_error(path, number, "the pair (%zu, %zu) appears twice", i, j);
    *cell = d;
    in->weights[j * in->n + i] = d;
    return CLI_OK;
}

/* Reads an MDGPLIB instance; on failure prints "FILE line N: reason". */
static int read_instance(const char *path, instance *in)
{
    memset(in, 0, sizeof *in);
    FILE *file = fopen(path, "r");
    if (!file)
        return cli_error("%s: %s", path, strerror(errno));
    char *line = NULL;
    size_t capacity = 0, number = 0;
    int code = CLI_OK;
    errno = 0;
    if (getline(&line, &capacity, file) < 0) {
        code = ferror(file) ? cli_error("%s: %s", path, strerror(errno))
                            : cli_error("%s: the file is empty", path);
        goto done;
    }
    number = 1;
    code = parse_header(path, line, in);
    if (code != CLI_OK)
        goto done;
    in->weights = malloc(in->n * in->n * sizeof *in->weights);
    if (!in->weights) {
        code = cli_error("out of memory");
        goto done;
    }
    for (size_t k = 0; k < in->n * in->n; k++)
        in->weights[k] = NAN; /* not seen yet */
    for (size_t i = 0; i < in->n; i++)
        in->weights[i * in->n + i] = 0.0;
    while (code == CLI_OK && getline(&line, &capacity, file) >= 0)
        code = parse_pair(path, ++number, line, in);
    if (code == CLI_OK && ferror(file))
        code = cli_error("%s: %s", path, strerror(errno));
    for (size_t i = 0; code == CLI_OK && i < in->n; i++)
        for (size_t j = i + 1; j < in->n; j++)
            if (isnan(in->weights[i * in->n + j])) {
                code = parse_error(path, number, "the file ends without the pair (%zu, %zu)", i,
                                   j);
                break;
            }
done:
    free(line);
    fclose(file);
    if (code != CLI_OK)
        instance_free(in);
    return code;
}

static int write_json(const char *path, const instance *in, const lm_result *result)
{
    cli_output out;
    if (cli_output_open(&out, path) != CLI_OK)
        return CLI_BAD_INPUT;
    json_writer json;
    json_init(&json, out.file);
    json_begin_object(&json);
    json_key(&json, "n");
    json_uint(&json, in->n);
    json_key(&json, "m");
    json_uint(&json, in->m);
    json_key(&json, "objective");
    json_number(&json, lm_result_total(result));
    json_key(&json, "groups");
    json_begin_inline_array(&json);
    for (size_t i = 0; i < in->n; i++)
        json_int(&json, lm_result_item_group(result, i));
    json_end_array(&json);
    json_end_object(&json);
    if (json_finish(&json) != 0) {
        cli_output_close(&out, false);
        return cli_error("%s: could not write the JSON", path);
    }
    return cli_output_close(&out, true);
}

static void print_summary(const instance *in, const lm_result *result, double seconds)
{
    printf("objective %.10g (%zu items in %zu groups, %.2f s)\n", lm_result_total(result), in->n,
           in->m, seconds);
    for (size_t g = 0; g < in->m; g++) {
        size_t size = 0;
        for (size_t i = 0; i < in->n; i++)
            size += lm_result_item_group(result, i) == (int64_t)g;
        printf("group %zu: %zu items (bounds %zu..%zu):", g, size, in->lower[g], in->upper[g]);
        for (size_t i = 0; i < in->n; i++)
            if (lm_result_item_group(result, i) == (int64_t)g)
                printf(" %zu", i);
        putchar('\n');
    }
}

int cmd_partition(int argc, char **argv)
{
    static const struct option options[] = {
        {"seed", required_argument, NULL, OPT_SEED},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"effort", required_argument, NULL, OPT_EFFORT},
        {"time-limit", required_argument, NULL, OPT_TIME_LIMIT},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"json", required_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    lm_params *params = NULL;
    if (lm_params_new(&params) != LM_OK)
        return cli_error("out of memory");
    cli_pool_source unused = {0};
    const char *json = NULL;
    bool quiet = false, effort_given = false;
    int option, code = CLI_OK;
    while ((option = cli_getopt(argc, argv, "h", options)) != -1) {
        if (option == OPT_JSON) {
            json = optarg;
            continue;
        }
        if (option == 'h') {
            code = cli_help(usage);
            goto done;
        }
        effort_given |= option == OPT_EFFORT;
        int handled = cli_run_option("partition", option, optarg, params, &quiet, &unused);
        if (handled <= 0) {
            code = CLI_USAGE;
            goto done;
        }
    }
    if (optind + 1 != argc) {
        code = cli_usage_error("partition", "expects one instance file");
        goto done;
    }
    /* A time limit alone means "use the time": no round cap. */
    if (!effort_given && lm_params_get_double(params, LM_PARAM_TIME_LIMIT) > 0 &&
        lm_params_set_int(params, LM_PARAM_EFFORT, 0) != LM_OK) {
        code = cli_error("out of memory");
        goto done;
    }
    const char *path = argv[optind];
    instance in;
    code = read_instance(path, &in);
    if (code != CLI_OK)
        goto done;
    lm_result *result = NULL;
    cli_progress progress = {0};
    if (lm_result_new(&result) != LM_OK) {
        code = cli_error("out of memory");
    } else {
        if (!quiet && lm_params_set_progress(params, cli_progress_line, &progress) != LM_OK)
            code = cli_error("out of memory");
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int status = code == CLI_OK ? lm_partition_solve(in.n, in.m, in.weights, in.lower,
                                                         in.upper, params, result)
                                    : LM_OK;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        cli_progress_done(&progress);
        if (status != LM_OK)
            code = cli_report(status, result, path);
        if (code == CLI_OK && json)
            code = write_json(json, &in, result);
        if (code == CLI_OK && !json)
            print_summary(&in, result,
                          (double)(t1.tv_sec - t0.tv_sec) +
                              1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    }
    lm_result_free(result);
    instance_free(&in);
done:
    lm_params_free(params);
    return code;
}
