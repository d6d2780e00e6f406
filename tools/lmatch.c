/* lmatch: the command-line face of libmatch. main() only dispatches; each
 * command lives in its own tools/cmd_NAME.c. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

/* The command table: one line per command, in the order --help lists them.
 * To add a command, add its line here and its prototype to cli.h. */
static const command commands[] = {
    {"demo", cmd_demo, "show libmatch at work on an embedded neighbourhood sign-up list"},
    {"taxonomy", cmd_taxonomy, "list the topics, slots and languages (--json for tools)"},
    {"inspect", cmd_inspect, "check a pool CSV and show what libmatch reads from it"},
    {"gen", cmd_gen, "generate a synthetic city pool (and venues) as CSV"},
    {"keygen", cmd_keygen, "write a new secret key file (for encryption and pseudonyms)"},
    {"convert", cmd_convert, "convert a pool between CSV, msgpack and encrypted msgpack"},
    {"pseudonyms", cmd_pseudonyms, "map pseudonyms back to ids (for the key holder)"},
    {"groups", cmd_groups, "form mixed, equal-role project groups from a pool"},
    {"eval", cmd_eval, "score groups made by hand and list every broken constraint"},
    {"pairs", cmd_pairs, "match newcomers with residents one to one (buddy pairs), exactly"},
    {"report", cmd_report, "write a printable report of groups (HTML, PDF with Chromium)"},
    {"rounds", cmd_rounds, "form several rounds of groups in which few people meet twice"},
    {"partition", cmd_partition, "split n items into m groups maximising the weight inside"},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void usage(FILE *out)
{
    fputs("Usage: lmatch COMMAND [OPTIONS] [ARGUMENTS]\n"
          "\n"
          "Forms mixed, equal-role project groups of newcomers and residents.\n"
          "How groups and pairs are scored, and the rules every group keeps:\n"
          "docs/objective.md.\n"
          "\n"
          "Commands:\n",
          out);
    for (size_t k = 0; k < COMMAND_COUNT; k++)
        fprintf(out, "  %-10s %s\n", commands[k].name, commands[k].summary);
    fputs("\n"
          "  lmatch help COMMAND    or    lmatch COMMAND --help    for a command's options\n"
          "  lmatch --version       the versions of lmatch and of the loaded libmatch\n"
          "\n"
          "Exit codes: 0 ok, 1 bad input (the reason is on stderr), 2 bad command line.\n",
          out);
}

static const command *find_command(const char *name)
{
    for (size_t k = 0; k < COMMAND_COUNT; k++)
        if (strcmp(commands[k].name, name) == 0)
            return &commands[k];
    return NULL;
}

static int unknown_command(const char *name)
{
    fprintf(stderr, "lmatch: unknown command '%s'\nTry 'lmatch --help'.\n",
            cli_escaped(name));
    return CLI_USAGE;
}

static int print_version(void)
{
    printf("lmatch %s (libmatch %s)\n", LM_VERSION_STRING, lm_version_string());
    return fflush(stdout) == 0 ? CLI_OK : CLI_BAD_INPUT;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *first = argv[1];
    if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0 ||
        (strcmp(first, "help") == 0 && argc == 2)) {
        usage(stdout);
        return fflush(stdout) == 0 ? CLI_OK : CLI_BAD_INPUT;
    }
    if (strcmp(first, "--version") == 0 || strcmp(first, "-V") == 0 ||
        strcmp(first, "version") == 0)
        return print_version();
    if (strcmp(first, "help") == 0) {
        if (argc > 3) {
            fputs("lmatch help: expects one command name\nTry 'lmatch --help'.\n", stderr);
            return CLI_USAGE;
        }
        const command *wanted = find_command(argv[2]);
        if (!wanted)
            return unknown_command(argv[2]);
        char name[32], help[] = "--help";
        snprintf(name, sizeof name, "%s", wanted->name);
        char *help_argv[] = {name, help, NULL};
        return wanted->run(2, help_argv);
    }
    if (first[0] == '-') {
        fprintf(stderr, "lmatch: unknown option '%s'\nTry 'lmatch --help'.\n",
                cli_escaped(first));
        return CLI_USAGE;
    }
    const command *chosen = find_command(first);
    if (!chosen)
        return unknown_command(first);
    /* The command sees its own name as argv[0]. */
    return chosen->run(argc - 1, argv + 1);
}
