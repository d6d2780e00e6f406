/* lmatch report: a printable report of groups for coordinators (HTML, and
 * PDF through headless Chromium where installed). The pages are written by
 * report_html.c and report_svg.c; this file reads the inputs, works out why
 * each person is out, and runs Chromium for --pdf. */
#define _XOPEN_SOURCE 700 /* realpath(), nftw() */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_lifecycle.h"
#include "cli_result.h"
#include "report.h"

extern char **environ;

enum { OPT_PDF = 0x1a0, OPT_LANG, OPT_CHROMIUM };

static const char usage[] =
    "Usage: lmatch report POOL [GROUPS.csv] [OPTIONS] -o REPORT.html [--pdf REPORT.pdf]\n"
    "\n"
    "Writes one self-contained HTML file to print and hand out (A4): a summary, a\n"
    "page per venue and time with each group there (theme, language, members with\n"
    "name and contact, co-hosts, who can teach what to whom), the people not\n"
    "placed grouped by reason with what would place them, plots of the groups'\n"
    "composition, travel distances and themes, and a map of venues and members in\n"
    "plain coordinates. No script, no fonts or pictures from the network.\n"
    "With GROUPS.csv (the groups CSV of lmatch groups, or groups made by hand) the\n"
    "report shows those groups; people out are given the reason of a run with\n"
    "the same options when that run leaves them out too. Without it, the report\n"
    "forms the groups itself, as lmatch groups does with the same options.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE    the HTML report ('-' for standard output)\n"
    "  --pdf FILE           also print it to PDF with headless Chromium (needs -o FILE)\n"
    "  --lang nl|en         the report's language (default en)\n"
    "  --chromium PATH      the Chromium program (default: $LMATCH_CHROMIUM, else\n"
    "                       chromium, chromium-browser or google-chrome on the PATH)\n"
    CLI_CONSTRAINT_HELP;

/* ---- why each person is out ------------------------------------------------------- */

/* reason[p] for everybody: NONE when placed in `shown`, else the reason of
 * `run` when the run leaves p out too, else NOT_PLACED. */
static void reasons_of(const lm_pool *pool, const lm_result *shown, const lm_result *run,
                       lm_reason *reason)
{
    size_t people = lm_pool_size(pool);
    for (size_t p = 0; p < people; p++)
        reason[p] = LM_REASON_NOT_PLACED;
    for (size_t g = 0; g < lm_result_group_count(shown); g++)
        for (size_t k = 0; k < lm_result_group_size(shown, g); k++)
            reason[lm_result_group_member(shown, g, k)] = LM_REASON_NONE;
    if (!run)
        return;
    for (size_t k = 0; k < lm_result_unassigned_count(run); k++) {
        size_t p = lm_result_unassigned(run, k);
        if (reason[p] != LM_REASON_NONE)
            reason[p] = lm_result_unassigned_reason(run, k);
    }
}

/* ---- Chromium ------------------------------------------------------------------------ */

static bool executable(const char *path)
{
    return access(path, X_OK) == 0;
}

/* The Chromium to run: --chromium, $LMATCH_CHROMIUM, or the first of the
 * usual names on the PATH. NULL when there is none. */
static const char *find_chromium(const char *given, char *buffer, size_t size)
{
    if (given)
        return given;
    const char *env = getenv("LMATCH_CHROMIUM");
    if (env && env[0])
        return env;
    static const char *const names[] = {"chromium", "chromium-browser", "google-chrome"};
    const char *path = getenv("PATH");
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        for (const char *dir = path ? path : "/usr/bin:/bin"; *dir;) {
            const char *end = strchr(dir, ':');
            size_t length = end ? (size_t)(end - dir) : strlen(dir);
            snprintf(buffer, size, "%.*s/%s", (int)length, dir, names[n]);
            if (length && executable(buffer))
                return buffer;
            if (!end)
                break;
            dir = end + 1;
        }
    }
    return NULL;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

/* Prints html_path to pdf_path: Chromium writes a temporary file in the
 * PDF's folder, with a profile of its own in a fresh temporary folder, and
 * the PDF is renamed into place (0600) when Chromium succeeded. */
static int print_pdf(const char *chromium, const char *html_path, const char *pdf_path)
{
    char html[PATH_MAX], temporary[PATH_MAX], profile[] = "/tmp/lmatch-chromium-XXXXXX";
    if (!realpath(html_path, html))
        return cli_error("%s: %s", html_path, strerror(errno));
    const char *slash = strrchr(pdf_path, '/');
    snprintf(temporary, sizeof temporary, "%.*s.%s.part.pdf",
             slash ? (int)(slash - pdf_path + 1) : 0, pdf_path, slash ? slash + 1 : pdf_path);
    if (!mkdtemp(profile))
        return cli_error("cannot make a temporary folder for Chromium: %s", strerror(errno));
    char url[PATH_MAX + 16], print_to[PATH_MAX + 32], data_dir[64];
    snprintf(url, sizeof url, "file://%s", html);
    snprintf(print_to, sizeof print_to, "--print-to-pdf=%s", temporary);
    snprintf(data_dir, sizeof data_dir, "--user-data-dir=%s", profile);
    char program[PATH_MAX];
    snprintf(program, sizeof program, "%s", chromium);
    char *argv[] = {program, "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-first-run", "--disable-extensions", "--no-pdf-header-footer",
                    data_dir, print_to, url, NULL};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t child;
    int status = posix_spawnp(&child, chromium, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    int code = CLI_OK;
    if (status != 0) {
        code = cli_error("cannot run %s: %s", chromium, strerror(status));
    } else {
        int waited;
        while (waitpid(child, &waited, 0) < 0 && errno == EINTR)
            ;
        struct stat st;
        if (!WIFEXITED(waited) || WEXITSTATUS(waited) != 0 || stat(temporary, &st) != 0 ||
            st.st_size == 0)
            code = cli_error("%s could not print %s to PDF (exit %d)", chromium, html_path,
                             WIFEXITED(waited) ? WEXITSTATUS(waited) : -1);
        else if (chmod(temporary, 0600) != 0 || rename(temporary, pdf_path) != 0)
            code = cli_error("%s: %s", pdf_path, strerror(errno));
    }
    if (code != CLI_OK)
        remove(temporary);
    nftw(profile, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return code;
}

/* ---- the command ------------------------------------------------------------------------ */

typedef struct report_run {
    const char *output, *pdf, *chromium, *groups_path;
    const report_words *words;
} report_run;

static int solve_and_write(const report_run *run, const lm_pool *pool, lm_params *params)
{
    lm_result *formed = NULL, *shown = NULL;
    lm_grouping *grouping = NULL;
    int code = CLI_OK, status = lm_result_new(&formed);
    if (status == LM_OK && run->groups_path) {
        status = lm_result_new(&shown);
        if (status == LM_OK)
            status = lm_grouping_new(&grouping);
    }
    if (status != LM_OK) {
        code = cli_error("out of memory");
        goto done;
    }
    if (run->groups_path) {
        status = lm_grouping_load_csv(grouping, pool, run->groups_path);
        if (status != LM_OK) {
            code = cli_report(status, grouping, run->groups_path);
            goto done;
        }
        status = lm_groups_evaluate(pool, params, grouping, shown);
        if (status != LM_OK) {
            code = cli_report(status, shown, run->groups_path);
            goto done;
        }
    }
    status = lm_groups_form(pool, params, formed);
    if (status != LM_OK) {
        code = cli_report(status, formed, "report");
        goto done;
    }
    const lm_result *result = shown ? shown : formed;
    lm_reason *reason = report_calloc(lm_pool_size(pool), sizeof *reason);
    reasons_of(pool, result, formed, reason);
    report_input input = {pool, result, reason, params, run->words};
    cli_output out;
    code = cli_output_open(&out, run->output);
    if (code == CLI_OK) {
        report_write_html(out.file, &input);
        code = cli_output_close(&out, !ferror(out.file));
        if (code != CLI_OK)
            cli_error("%s: could not write the report", run->output);
    }
    free(reason);
    if (code == CLI_OK && run->pdf) {
        char buffer[PATH_MAX];
        const char *chromium = find_chromium(run->chromium, buffer, sizeof buffer);
        code = chromium ? print_pdf(chromium, run->output, run->pdf)
                        : cli_error("--pdf needs Chromium (apt-get install chromium), or "
                                    "--chromium PATH");
    }
done:
    lm_grouping_free(grouping);
    lm_result_free(shown);
    lm_result_free(formed);
    return code;
}

int cmd_report(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_RUN_OPTIONS,
        CLI_CONSTRAINT_OPTIONS,
        {"output", required_argument, NULL, 'o'},
        {"pdf", required_argument, NULL, OPT_PDF},
        {"lang", required_argument, NULL, OPT_LANG},
        {"chromium", required_argument, NULL, OPT_CHROMIUM},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    lm_params *params = NULL;
    lm_key *key = NULL;
    lm_pool *pool = NULL;
    if (lm_params_new(&params) != LM_OK)
        return cli_error("out of memory");
    cli_pool_source source = {0};
    cli_lifecycle life = {0};
    report_run run = {.words = report_words_for("en")};
    bool quiet = true;
    int option, code = CLI_OK;
    while ((option = cli_getopt(argc, argv, "o:h", options)) != -1) {
        if (cli_lifecycle_option(option, optarg, &life))
            continue;
        int handled = cli_run_option("report", option, optarg, params, &quiet, &source);
        if (handled < 0) {
            code = CLI_USAGE;
            goto done;
        }
        if (handled)
            continue;
        switch (option) {
        case 'o': run.output = optarg; break;
        case OPT_PDF: run.pdf = optarg; break;
        case OPT_CHROMIUM: run.chromium = optarg; break;
        case OPT_LANG:
            run.words = report_words_for(optarg);
            if (!run.words) {
                code = cli_usage_error("report", "--lang must be nl or en, not '%s'", optarg);
                goto done;
            }
            break;
        case 'h':
            printf("%s%s", usage, cli_run_options_help);
            goto done;
        default: code = CLI_USAGE; goto done;
        }
    }
    if (optind + 1 != argc && optind + 2 != argc) {
        code = cli_usage_error("report", "expects a pool file and, optionally, a groups file");
        goto done;
    }
    if (!run.output) {
        code = cli_usage_error("report", "needs -o REPORT.html");
        goto done;
    }
    if (run.pdf && strcmp(run.output, "-") == 0) {
        code = cli_usage_error("report", "--pdf needs the HTML in a file (-o REPORT.html)");
        goto done;
    }
    if (source.pseudonymize) {
        code = cli_usage_error("report", "a report is for the coordinator, who knows the "
                                         "names: --pseudonymize does not apply");
        goto done;
    }
    if (lm_params_check(params) != LM_OK) {
        code = cli_usage_error("report", "%s", lm_errmsg(params));
        goto done;
    }
    source.path = argv[optind];
    run.groups_path = optind + 2 == argc ? argv[optind + 1] : NULL;
    code = cli_prepare_key("report", &source, &key);
    if (code == CLI_OK)
        code = cli_load_pool(&source, &pool);
    if (code == CLI_OK)
        code = cli_lifecycle_load("report", pool, params, &life, true);
    if (code == CLI_OK)
        code = cli_keep_duplicates_apart("report", pool, params, &life);
    if (code == CLI_OK)
        code = solve_and_write(&run, pool, params);
done:
    cli_lifecycle_free(&life);
    lm_pool_free(pool);
    lm_key_free(key);
    lm_params_free(params);
    return code;
}
