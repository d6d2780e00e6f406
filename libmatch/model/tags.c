/* Interest vectors from sign-up tags (DESIGN.md, "Building vectors from
 * tags"): "gitaar;cooking:0.5" sets guitar = 1 and cooking = 0.5, then each
 * subtopic's category gets max(current, rho * level). */
#include <stdio.h>
#include <string.h>

#include "model/model_internal.h"

/* A tag that named a topic, kept until every tag is read so that the parent
 * rule does not depend on the order of the tags. */
typedef struct tagged {
    uint32_t topic;
    double level;
} tagged;

/* A level is a plain decimal ("1", "0.5", ".75", "1."); false for anything
 * else. The number is read by lm__parse_double(), correctly rounded and
 * locale-free like every number the library reads, so that a level written
 * back by lm_pool_save_csv() reads as the same double. */
static bool parse_level(const char *text, size_t length, double *level)
{
    char buffer[72];
    size_t digits = 0, points = 0;
    if (length == 0 || length >= sizeof buffer)
        return false;
    for (size_t at = 0; at < length; at++) {
        if (text[at] == '.')
            points++;
        else if (text[at] >= '0' && text[at] <= '9')
            digits++;
        else
            return false;
    }
    if (digits == 0 || points > 1)
        return false;
    memcpy(buffer, text, length);
    buffer[length] = '\0';
    if (!lm__parse_double(buffer, level))
        return false;
    /* "1.0000000000000000000001" rounds to 1.0 but says more than 1. */
    size_t at = 0;
    while (at < length && text[at] == '0')
        at++;
    if (at < length && text[at] >= '1' && text[at] <= '9') {
        bool above = text[at] != '1' || (at + 1 < length && text[at + 1] != '.');
        for (size_t k = at + 2; !above && k < length; k++)
            above = text[k] != '0';
        if (above)
            *level = 2.0;
    }
    return true;
}

/* The topic of a trimmed tag name, -1 when unknown. A short ASCII name (the
 * common case) is folded on the stack, as lm__fold() would fold it (ASCII
 * letters to lower case); others go through lm__fold(). */
static long lookup(const lm_taxonomy *taxonomy, const char *name, size_t length, int *status)
{
    char small[128];
    bool ascii = length < sizeof small;
    for (size_t k = 0; ascii && k < length; k++) {
        unsigned char c = (unsigned char)name[k];
        ascii = c < 0x80;
        small[k] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : (char)c;
    }
    if (ascii) {
        small[length] = '\0';
        return lm__taxonomy_lookup_folded(taxonomy, small);
    }
    char *folded = lm__fold(name, length, status);
    if (!folded)
        return -1;
    long topic = lm__taxonomy_lookup_folded(taxonomy, folded);
    lm__free(folded);
    return topic;
}

/* Splits one trimmed, non-empty tag into its topic (-1 when unknown) and
 * level. On a malformed level writes error and returns LM_E_PARSE. */
static int parse_tag(const lm_taxonomy *taxonomy, const char *tag, size_t length, long *topic,
                     double *level, const char **name, size_t *name_length, char *error)
{
    int status_of_lookup = LM_OK;
    const char *colon = NULL;
    for (size_t k = length; k > 0; k--) {
        if (tag[k - 1] == ':') {
            colon = tag + k - 1;
            break;
        }
    }
    *name = tag;
    *name_length = colon ? (size_t)(colon - tag) : length;
    lm__trim(name, name_length);
    *level = 1.0;
    if (colon) {
        const char *text = colon + 1;
        size_t text_length = length - (size_t)(text - tag);
        lm__trim(&text, &text_length);
        if (!parse_level(text, text_length, level) || *level > 1.0) {
            snprintf(error, LM_ERRMSG_MAX, "level '%.*s' of tag '%.*s' is not a number in [0,1]",
                     lm__clip_utf8(text, text_length, 40), text,
                     lm__clip_utf8(*name, *name_length, 100), *name);
            return LM_E_PARSE;
        }
    }
    if (*name_length == 0) {
        snprintf(error, LM_ERRMSG_MAX, "tag '%.*s' has no name", lm__clip_utf8(tag, length, 100),
                 tag);
        return LM_E_PARSE;
    }
    *topic = lookup(taxonomy, *name, *name_length, &status_of_lookup);
    return status_of_lookup;
}

/* Reports an unknown tag name; the callback sees it as written. */
static int report_unknown(lm_unknown_tag_fn unknown, void *context, const char *name,
                          size_t length, char *error)
{
    if (!unknown) {
        snprintf(error, LM_ERRMSG_MAX, "unknown tag '%.*s'", lm__clip_utf8(name, length, 100),
                 name);
        return LM_E_NOTFOUND;
    }
    char *copy = lm__strndup(name, length);
    if (!copy)
        return LM_E_NOMEM;
    int status = unknown(context, copy);
    lm__free(copy);
    return status;
}

int lm__tags_parse(const lm_taxonomy *taxonomy, double rho, const char *tags, double *dense,
                   lm_unknown_tag_fn unknown, void *context, char *error)
{
    char ignored[LM_ERRMSG_MAX];
    if (!error)
        error = ignored;
    error[0] = '\0';
    if (!taxonomy || !tags || !dense)
        return LM_E_INVALID;
    if (!(rho >= 0.0 && rho <= 1.0)) {
        snprintf(error, LM_ERRMSG_MAX, "rho must be in [0,1]");
        return LM_E_INVALID;
    }
    size_t total = strlen(tags);
    if (!lm__utf8_valid(tags, total)) {
        snprintf(error, LM_ERRMSG_MAX, "tags are not valid UTF-8");
        return LM_E_PARSE;
    }
    size_t pieces = 1;
    for (size_t k = 0; k < total; k++)
        pieces += tags[k] == ';';
    /* A sign-up has a few tags: keep them on the stack unless there are
     * many. */
    tagged few[32];
    tagged *found = pieces <= sizeof few / sizeof *few ? few : lm__calloc(pieces, sizeof *found);
    if (!found)
        return LM_E_NOMEM;
    size_t found_count = 0;
    int status = LM_OK;
    const char *piece = tags;
    for (;;) {
        const char *end = strchr(piece, ';');
        size_t length = end ? (size_t)(end - piece) : strlen(piece);
        const char *tag = piece;
        lm__trim(&tag, &length);
        if (length) {
            long topic = -1;
            double level = 1.0;
            const char *name = NULL;
            size_t name_length = 0;
            status = parse_tag(taxonomy, tag, length, &topic, &level, &name, &name_length, error);
            if (status == LM_OK && topic < 0)
                status = report_unknown(unknown, context, name, name_length, error);
            else if (status == LM_OK)
                found[found_count++] = (tagged){(uint32_t)topic, level};
            if (status != LM_OK)
                break;
        }
        if (!end)
            break;
        piece = end + 1;
    }
    if (status == LM_OK) {
        for (size_t k = 0; k < found_count; k++)
            if (dense[found[k].topic] < found[k].level)
                dense[found[k].topic] = found[k].level;
        /* The parent rule reads the tags' own levels, never a level another
         * rule raised, so the result is the same in any tag order. */
        for (size_t k = 0; k < found_count; k++) {
            int parent = taxonomy->topics[found[k].topic].parent;
            if (parent >= 0 && (size_t)parent < taxonomy->topic_count &&
                dense[parent] < rho * found[k].level)
                dense[parent] = rho * found[k].level;
        }
    }
    if (found != few)
        lm__free(found);
    return status;
}
