/* --constraints, --keep and --reshuffle: reading the files of a programme
 * that runs for months and attaching them to the run's parameters. */
#include "cli_lifecycle.h"

int cli_lifecycle_option(int option, const char *value, cli_lifecycle *l)
{
    switch (option) {
    case OPT_CONSTRAINTS: l->constraints_path = value; return 1;
    case OPT_KEEP: l->keep_path = value; return 1;
    case OPT_RESHUFFLE: l->reshuffle = true; return 1;
    default: return 0;
    }
}

int cli_lifecycle_load(const char *command, const lm_pool *pool, lm_params *params,
                       cli_lifecycle *l, bool quiet)
{
    if (l->reshuffle && !l->keep_path)
        return cli_usage_error(command, "--reshuffle needs --keep");
    int status;
    if (l->keep_path) {
        if (lm_grouping_new(&l->keep) != LM_OK)
            return cli_error("out of memory");
        status = lm_grouping_load_keep_csv(l->keep, pool, l->keep_path, &l->left);
        if (status != LM_OK)
            return cli_report(status, l->keep, l->keep_path);
        if (lm_params_set_keep(params, l->keep, l->reshuffle) != LM_OK)
            return cli_error("out of memory");
        if (!quiet && l->left)
            fprintf(stderr, "lmatch %s: %zu %s of %s no longer in the pool left their group\n",
                    command, l->left, l->left == 1 ? "person" : "people",
                    cli_escaped(l->keep_path));
    }
    if (l->constraints_path) {
        if (lm_constraints_new(pool, &l->constraints) != LM_OK)
            return cli_error("out of memory");
        status = lm_constraints_load_csv(l->constraints, l->constraints_path);
        if (status != LM_OK)
            return cli_report(status, l->constraints, l->constraints_path);
        if (lm_params_set_constraints(params, l->constraints) != LM_OK)
            return cli_error("out of memory");
        /* what depends on the run, reported against the constraints file */
        int64_t max_size = l->pairs ? 2 : lm_params_get_int(params, LM_PARAM_MAX_SIZE);
        status = lm_constraints_check(l->constraints, (size_t)max_size, l->keep);
        if (status != LM_OK)
            return cli_report(status, l->constraints, l->constraints_path);
    }
    return CLI_OK;
}

void cli_lifecycle_free(cli_lifecycle *l)
{
    lm_constraints_free(l->constraints);
    lm_grouping_free(l->keep);
    l->constraints = NULL;
    l->keep = NULL;
}
