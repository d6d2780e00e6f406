/* Shared declarations of the lmatch tool: the commands, option parsing,
 * exit codes and pool loading with readable error messages.
 *
 * lmatch links libmatch like any application does: only the public header. */
#ifndef LMATCH_CLI_H
#define LMATCH_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "libmatch/libmatch.h"

/* Exit codes of every command. */
enum {
    CLI_OK = 0,        /* done */
    CLI_BAD_INPUT = 1, /* bad input data or a failed read/write; the reason is on stderr */
    CLI_USAGE = 2      /* bad command line; a hint is on stderr */
};

/* ---- commands -------------------------------------------------------------
 * Each command is `int cmd_NAME(int argc, char **argv)`, where argv[0] is
 * the command's name and the return value is the exit code. To add one,
 * write tools/cmd_NAME.c, declare it here and add one line to the command
 * table in tools/lmatch.c. Every command answers --help (usage on stdout,
 * exit 0). */
int cmd_demo(int argc, char **argv);
int cmd_taxonomy(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_groups(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_pairs(int argc, char **argv);
int cmd_rounds(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_partition(int argc, char **argv);

/* ---- option parsing ------------------------------------------------------- */

/* getopt_long() that prints its own errors: returns the next option, -1
 * after the last one (positional arguments are then argv[optind..argc)),
 * or '?' after printing "lmatch CMD: unknown option ..." or "... needs a
 * value" to stderr; the caller then returns CLI_USAGE. GNU argument
 * permutation is on, so options may follow positional arguments. */
int cli_getopt(int argc, char **argv, const char *short_options,
               const struct option *long_options);

/* Prints usage text to stdout and returns CLI_OK (for --help). */
int cli_help(const char *usage);

/* Prints "lmatch COMMAND: <message>" (escaped, see cli_escaped) and a
 * pointer to --help to stderr and returns CLI_USAGE. */
int cli_usage_error(const char *command, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Strict number parsing for option values: the whole text must be a number
 * in range. On failure they print a usage error naming the option and
 * return false. */
bool cli_parse_size(const char *command, const char *option, const char *text, size_t minimum,
                    size_t maximum, size_t *value);
bool cli_parse_u64(const char *command, const char *option, const char *text, uint64_t *value);
bool cli_parse_double(const char *command, const char *option, const char *text,
                      double minimum, double maximum, double *value);

/* ---- errors ----------------------------------------------------------------- */

/* Prints "lmatch: [context: ]<detail>" to stderr for a failed library call
 * on object (its lm_errmsg(), else lm_strerror(status)) and returns the exit
 * code for status (CLI_BAD_INPUT). The context (a file name, may be NULL)
 * is left out when the detail already starts with it. */
int cli_report(int status, const void *object, const char *context);

/* text (a file name or other text from the command line) with control
 * characters written \xNN, the escaping of the library's messages
 * (lm_escape_controls), so that a name cannot send the terminal an escape
 * sequence. Every printed path goes through it; cli_error(),
 * cli_usage_error() and cli_report() escape their whole message. The text
 * lives in one of four rotating buffers: at most four calls per printf. */
const char *cli_escaped(const char *text);

/* Prints "lmatch: <message>" (escaped) to stderr and returns CLI_BAD_INPUT. */
int cli_error(const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* ---- pools -------------------------------------------------------------------- */

/* Where a pool comes from; NULL fields mean "none" or "the default". */
struct json_writer;
typedef struct cli_pool_source {
    const char *path;     /* participants CSV */
    const char *venues;   /* venues CSV */
    const char *taxonomy; /* taxonomy CSV instead of the embedded default */
    bool strict;          /* unknown tags are errors */
    const char *key_path;        /* --key: key file for encrypted pools / pseudonyms */
    const char *passphrase_file; /* --passphrase-file: the same from a passphrase */
    bool pseudonymize;           /* --pseudonymize: outputs carry pseudonyms, not ids */
    lm_key *key;                 /* the loaded key (NULL: none), see cli_prepare_key() */
    size_t participant_warnings; /* set by cli_load_pool(): the warnings of
                                    `path`; the venues file's follow them */
    /* More keys of the result JSON, after "gap" (NULL: none): what
     * --history reports (cli_history.c). */
    void (*json_extra)(void *context, struct json_writer *writer, const lm_result *result);
    void *json_extra_context;
    /* The command that solved (set by cli_solve()): "pairs" prints pairs. */
    const char *command;
} cli_pool_source;

/* Loads a taxonomy from path, or the default when path is NULL. Prints the
 * reason and returns CLI_BAD_INPUT on failure, else CLI_OK. */
int cli_load_taxonomy(const char *path, lm_taxonomy **taxonomy);

/* Loads a pool (participants in CSV, msgpack or encrypted msgpack, told
 * apart by their first bytes; then venues) and prints every warning to
 * stderr as "lmatch: warning: FILE line N, column C: message". On failure
 * prints "lmatch: FILE line N, column C: reason", leaves *pool NULL and
 * returns CLI_BAD_INPUT. */
int cli_load_pool(cli_pool_source *source, lm_pool **pool);

/* The file warning k of a pool loaded by cli_load_pool() came from. */
const char *cli_warning_file(const cli_pool_source *source, size_t k);

/* ---- privacy (cli_privacy.c) ----------------------------------------------- */

/* A key from --key KEY or --passphrase-file FILE (its first line), or NULL
 * in *key when neither was given. Both at once is a usage error of command.
 * Prints the reason and returns CLI_BAD_INPUT when the key cannot be read
 * (a key file others may read is refused). Free with lm_key_free(). */
int cli_load_key(const char *command, const char *key_path, const char *passphrase_file,
                 lm_key **key);

/* cli_load_pool() with source->key set to key. */
int cli_load_pool_file(cli_pool_source *source, lm_key *key, lm_pool **pool);

/* Loads the key named by source->key_path or source->passphrase_file into
 * *key (NULL when neither is given) and sets source->key; --pseudonymize
 * without a key is a usage error, and with a passphrase key an error that
 * says how to make a key file (cli_check_pseudonym_key). Returns a CLI exit
 * code. */
int cli_prepare_key(const char *command, cli_pool_source *source, lm_key **key);

/* CLI_OK when key can make pseudonyms; else prints why (a passphrase key:
 * make a key file with keygen --passphrase-file) and returns CLI_BAD_INPUT. */
int cli_check_pseudonym_key(const lm_key *key);

#define CLI_PASSPHRASE_MAX 4096

/* Reads the first line of a passphrase file into buffer (size bytes, at
 * most CLI_PASSPHRASE_MAX used) and warns when others may read the file.
 * Prints the reason and returns CLI_BAD_INPUT on failure. */
int cli_read_passphrase(const char *path, char *buffer, size_t size, size_t *length);
/* Overwrites a buffer that held a secret (stores the compiler keeps). */
void cli_wipe(void *buffer, size_t size);

/* Replaces ids by pseudonyms in outputs: pass cli_pseudonym_of as the
 * renaming callback with a cli_pseudonymizer as its context. The returned
 * text lives in the context until the next call. A pseudonym that cannot be
 * made (not after cli_check_pseudonym_key()) ends the program with
 * CLI_BAD_INPUT and the reason on stderr: no output ever holds a
 * placeholder instead. */
typedef struct cli_pseudonymizer {
    const lm_key *key;
    char buffer[LM_PSEUDONYM_SIZE];
} cli_pseudonymizer;
const char *cli_pseudonym_of(void *context, const char *id);


int cmd_keygen(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_pseudonyms(int argc, char **argv);

/* ---- output files (cli_output.c) -------------------------------------------
 * Every file the tool writes itself (JSON, the pseudonym map) is written the
 * way the library saves its files: into a private (0600) temporary file in
 * the target's folder, renamed over the target once complete, so a failure
 * leaves the old file intact. An existing file keeps its mode only when it is
 * no more open than 0600; a symlink at the target is replaced, not followed;
 * pipes and devices (and links to them, such as /dev/stdout) are written in
 * place; "-" is standard output. */
typedef struct cli_output {
    FILE *file;        /* where to write */
    const char *path;  /* the target */
    char *temporary;   /* renamed over path on success; NULL when written in place */
} cli_output;

/* Prints the reason and returns CLI_BAD_INPUT when the file cannot be made. */
int cli_output_open(cli_output *output, const char *path);
/* Finishes the file: with complete, flushes, syncs and renames it into
 * place (CLI_OK, or the reason printed and CLI_BAD_INPUT); without, removes
 * the temporary file and returns CLI_BAD_INPUT (the caller printed why). */
int cli_output_close(cli_output *output, bool complete);

/* ---- text output ------------------------------------------------------------ */

/* "Guitar" or "Guitar (gitaar)" when the Dutch label differs. */
void cli_topic_name(const lm_taxonomy *taxonomy, size_t topic, char *buffer, size_t size);

/* A readable overview of a pool for coordinators: people, roles, popular
 * interests, offers and wants, languages, slots, places (cmd_inspect.c). */
void cli_print_pool_summary(FILE *out, const lm_pool *pool);

#endif
