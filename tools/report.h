/* `lmatch report`: one self-contained HTML file a coordinator can print on
 * A4 (a page per venue and slot, the people not placed by reason with what
 * would place them, plots and a map as inline SVG), in Dutch or English.
 * It only reads a pool and a result through the public API: no search. */
#ifndef LMATCH_REPORT_H
#define LMATCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <libmatch/libmatch.h>

/* The words of the report in one language. */
typedef struct report_words {
    const char *lang, *title, *summary_title, *placed_in, *groups, *group_one, *group, *not_placed,
        *venue, *no_venue, *slot, *language, *theme, *members, *name, *id, *role, *contact,
        *newcomer, *resident, *cohost, *can_teach, *to, *share_interest, *score,
        *not_placed_title, *would_place, *nobody_out, *composition, *distances, *themes, *map,
        *km, *people, *days[7], *parts[3], *no_slot, *reasons[8], *map_note, *total,
        *page_of_venue, *everyone_placed, *contents, *hint_more_places, *hint_slot,
        *hint_language, *hint_role, *hint_far, *hint_search;
} report_words;

const report_words *report_words_for(const char *lang); /* "nl" or "en"; NULL otherwise */

typedef struct report_input {
    const lm_pool *pool;
    const lm_result *result;   /* the groups (evaluated or formed) */
    const lm_reason *reason;   /* per participant: why out (LM_REASON_NONE when placed) */
    const lm_params *params;
    const report_words *words;
} report_input;

/* Writes the whole HTML document. */
void report_write_html(FILE *out, const report_input *in);

/* ---- parts (report_svg.c) ---------------------------------------------------- */

/* calloc that ends the program with "out of memory" (exit 1) on failure:
 * the report has nothing useful to do without its memory. */
void *report_calloc(size_t count, size_t size);
/* Text with &, <, >, " escaped. */
void report_escape(FILE *out, const char *text);
/* The group's members by role, one bar each. */
void report_svg_composition(FILE *out, const report_input *in);
/* How far members travel to their venue (or the group's middle), a histogram. */
void report_svg_distances(FILE *out, const report_input *in);
/* How many groups have each theme. */
void report_svg_themes(FILE *out, const report_input *in);
/* Venues and members in plain coordinates, coloured by group. */
void report_svg_map(FILE *out, const report_input *in);
/* The meeting point of group g: its venue, else the middle of its members
 * with a location; false when neither is known. */
bool report_group_point(const report_input *in, size_t g, double *lat, double *lon);

#endif
