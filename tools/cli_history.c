/* --history, --no-repeats, --history-decay: earlier rounds of a programme
 * attached to the run, and the repeats of the result reported apart from
 * its total (the total stays the objective of docs/objective.md). */
#include "cli_history.h"
#include "json.h"

const char cli_history_options_help[] =
    "  --history FILE       a groups, pairs or rounds CSV of earlier rounds (repeat the\n"
    "                       option for several files, oldest first): pairs who met there\n"
    "                       cost the repeat weight (--weights repeat=R, default 10 = mu:\n"
    "                       a repeat only to place someone) when they meet again\n"
    "  --history-decay D    a pair that met k rounds ago costs R * D^(k-1); D in (0, 1],\n"
    "                       default 1 (no decay)\n"
    "  --no-repeats         never put people who met before in one group\n";

int cli_history_option(const char *command, int option, const char *value, lm_params *params,
                       cli_history *h)
{
    double decay;
    switch (option) {
    case OPT_HISTORY:
        if (h->count == CLI_HISTORY_FILES_MAX) {
            cli_usage_error(command, "--history: at most %d files", CLI_HISTORY_FILES_MAX);
            return -1;
        }
        h->paths[h->count++] = value;
        return 1;
    case OPT_NO_REPEATS:
        return lm_params_set_int(params, LM_PARAM_NO_REPEATS, 1) == LM_OK ? 1 : -1;
    case OPT_HISTORY_DECAY:
        if (!cli_parse_double(command, "--history-decay", value, 1e-9, 1.0, &decay))
            return -1;
        return lm_params_set_double(params, LM_PARAM_REPEAT_DECAY, decay) == LM_OK ? 1 : -1;
    default:
        return 0;
    }
}

static void write_repeats(void *context, json_writer *w, const lm_result *result)
{
    const cli_history *h = context;
    size_t pairs = 0;
    double penalty = 0.0;
    if (lm_history_repeats(h->history, h->params, result, &pairs, &penalty) != LM_OK)
        return;
    json_key(w, "repeated_pairs");
    json_uint(w, pairs);
    json_key(w, "repeat_penalty");
    json_number(w, penalty);
}

int cli_history_load(const char *command, const lm_pool *pool, lm_params *params,
                     cli_history *h, cli_pool_source *source)
{
    if (h->count == 0)
        return CLI_OK;
    if (lm_history_new(&h->history) != LM_OK)
        return cli_error("out of memory");
    for (size_t k = 0; k < h->count; k++) {
        int status = lm_history_load_csv(h->history, pool, h->paths[k]);
        if (status != LM_OK)
            return cli_report(status, h->history, h->paths[k]);
    }
    if (lm_params_set_history(params, h->history) != LM_OK)
        return cli_usage_error(command, "%s", lm_errmsg(params));
    h->params = params;
    if (source) {
        source->json_extra = write_repeats;
        source->json_extra_context = h;
    }
    return CLI_OK;
}

void cli_history_free(cli_history *h)
{
    lm_history_free(h->history);
    h->history = NULL;
}
