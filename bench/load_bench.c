/* load_bench: how fast a pool file loads (docs/benchmarks.md, "Loading").
 *
 *   load_bench FILE [--repeat R] [--threads T]
 *
 * Loads FILE (a participants CSV or a msgpack pool; lm_pool_load_file()
 * tells them apart) R times (default 3) into a fresh pool and prints one
 * JSON object per load on stdout: the bytes, the CPU seconds of the load
 * (user + system of every thread, getrusage), MB/s as bytes per CPU second
 * (the machine is shared, so wall time says little), the wall seconds, the
 * pool's resident size after the load and the peak during it (both above
 * the resident size before it), and their ratio.
 *
 * --threads T sets the CSV loader's thread count through
 * lm__pool_set_load_threads() when the library has it (0: its default);
 * against an older library (the "before" column) it is ignored and said so.
 *
 * Each load runs in a fresh child process, so that its peak (the kernel's
 * VmHWM) and its resident size owe nothing to an earlier load's heap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libmatch/libmatch.h"

#if defined(__GNUC__)
/* Absent (NULL) in libraries from before the parallel loader. */
int lm__pool_set_load_threads(lm_pool *pool, int threads) __attribute__((weak));
#endif

static double cpu_seconds(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_utime.tv_sec + 1e-6 * (double)usage.ru_utime.tv_usec +
           (double)usage.ru_stime.tv_sec + 1e-6 * (double)usage.ru_stime.tv_usec;
}

static double wall_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* VmRSS or VmHWM of this process in bytes, from /proc/self/status. */
static double status_bytes(const char *field)
{
    FILE *file = fopen("/proc/self/status", "r");
    char line[256];
    double kib = -1;
    size_t length = strlen(field);
    while (file && fgets(line, sizeof line, file))
        if (strncmp(line, field, length) == 0 && line[length] == ':')
            kib = strtod(line + length + 1, NULL);
    if (file)
        fclose(file);
    return kib * 1024.0;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int repeat = 3, threads = 0;
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--repeat") == 0 && k + 1 < argc)
            repeat = atoi(argv[++k]);
        else if (strcmp(argv[k], "--threads") == 0 && k + 1 < argc)
            threads = atoi(argv[++k]);
        else if (argv[k][0] != '-' && !path)
            path = argv[k];
        else {
            fprintf(stderr, "usage: load_bench FILE [--repeat R] [--threads T]\n");
            return 2;
        }
    }
    struct stat info;
    if (!path || stat(path, &info) != 0 || repeat < 1) {
        fprintf(stderr, "load_bench: cannot read '%s'\n", path ? path : "");
        return 2;
    }
    bool settable = false;
#if defined(__GNUC__)
    settable = lm__pool_set_load_threads != NULL;
#endif
    for (int run = 0; run < repeat; run++) {
        fflush(stdout);
        pid_t child = fork();
        if (child < 0) {
            perror("load_bench: fork");
            return 1;
        }
        if (child > 0) {
            int code = 1;
            if (waitpid(child, &code, 0) != child || !WIFEXITED(code) || WEXITSTATUS(code))
                return 1;
            continue;
        }
        lm_pool *pool = NULL;
        if (lm_pool_new(NULL, &pool) != LM_OK) {
            fprintf(stderr, "load_bench: out of memory\n");
            return 1;
        }
#if defined(__GNUC__)
        if (settable)
            (void)lm__pool_set_load_threads(pool, threads);
#endif
        double before = status_bytes("VmRSS");
        double cpu = cpu_seconds(), wall = wall_seconds();
        int status = lm_pool_load_file(pool, path, NULL);
        wall = wall_seconds() - wall;
        cpu = cpu_seconds() - cpu;
        if (status != LM_OK) {
            fprintf(stderr, "load_bench: %s\n", lm_errmsg(pool));
            return 1;
        }
        double after = status_bytes("VmRSS"), peak = status_bytes("VmHWM");
        double bytes = (double)info.st_size, size = after - before;
        printf("{\"file\": \"%s\", \"bytes\": %.0f, \"participants\": %zu, \"threads\": %d, \"threads_settable\": %s, "
               "\"cpu_s\": %.3f, \"wall_s\": %.3f, \"mb_per_cpu_s\": %.1f, "
               "\"mb_per_wall_s\": %.1f, \"pool_mb\": %.1f, \"peak_mb\": %.1f, "
               "\"peak_over_pool\": %.2f}\n",
               path, bytes, lm_pool_size(pool), threads, settable ? "true" : "false", cpu,
               wall, bytes / 1e6 / cpu, bytes / 1e6 / wall, size / 1e6, (peak - before) / 1e6,
               size > 0 ? (peak - before) / size : 0.0);
        fflush(stdout);
        lm_pool_free(pool);
        _exit(0);
    }
    return 0;
}
