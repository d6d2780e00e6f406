/* The HTML of `lmatch report`: a summary, a page per venue and slot with
 * the groups meeting there, the people not placed by reason with what would
 * place them, then plots and a map. Printed on A4 (CSS @page); everything
 * inline, so the file opens anywhere without a network. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "cli_result.h"
#include "report.h"

/* The sentences below are formats of the two word tables of this file (the
 * same conversions in both languages, in the order each call passes them),
 * not text from outside; the compiler cannot check a format it does not see
 * at the call, so that check is off here. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static const report_words english = {
    .lang = "en", .title = "Groups report", .summary_title = "Summary",
    .placed_in = "%zu of %zu people placed in %zu %s", .groups = "groups", .group_one = "group",
    .group = "Group", .not_placed = "not placed", .venue = "Venue", .no_venue = "no venue",
    .slot = "Time", .language = "Language", .theme = "Theme", .members = "Members",
    .name = "Name", .id = "Id", .role = "Role", .contact = "Contact", .newcomer = "newcomer",
    .resident = "resident", .cohost = "co-host", .can_teach = "can teach", .to = "to",
    .share_interest = "%zu of %zu share an interest in %s", .score = "Score",
    .not_placed_title = "Not placed", .would_place = "What would place them",
    .nobody_out = "Everybody has a group.", .composition = "Group composition",
    .distances = "Travel distance to the meeting place", .themes = "Themes", .map = "Map",
    .km = "km", .people = "people",
    .days = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"},
    .parts = {"morning", "afternoon", "evening"}, .no_slot = "no common time",
    .reasons = {"", "no shared language", "no common time", "too far from every meeting place",
                "too few of the other role", "no venue that suits", "left out by the search",
                "the venues are full"},
    .map_note = "Venues are black squares with their name; members are dots in the colour of "
                "their group (its number at the meeting place); open circles are people not "
                "placed. Plain coordinates, no map tiles.",
    .total = "Total score", .page_of_venue = "%s, %s", .everyone_placed = "Everybody placed.",
    .contents = "Contents",
    .hint_more_places = "%zu more %s place%s at a %svenue near %s would give %zu %s a place",
    .hint_slot = "a group on %s would suit %zu of them (they are free then)",
    .hint_language = "a group in %s would suit %zu of them",
    .hint_role = "%zu more %s%s (free on %s) would let them form groups",
    .hint_far = "a meeting place near %s would bring %zu of them within reach",
    .hint_search = "a place in an existing group by hand (lmatch eval checks it)",
};

static const report_words dutch = {
    .lang = "nl", .title = "Groepsoverzicht", .summary_title = "Samenvatting",
    .placed_in = "%zu van %zu mensen geplaatst in %zu %s", .groups = "groepen",
    .group_one = "groep",
    .group = "Groep", .not_placed = "niet geplaatst", .venue = "Locatie",
    .no_venue = "geen locatie", .slot = "Tijd", .language = "Taal", .theme = "Thema",
    .members = "Deelnemers", .name = "Naam", .id = "Nr", .role = "Rol", .contact = "Contact",
    .newcomer = "nieuwkomer", .resident = "bewoner", .cohost = "co-host",
    .can_teach = "kan", .to = "leren aan",
    .share_interest = "%zu van %zu delen een interesse in %s", .score = "Score",
    .not_placed_title = "Niet geplaatst", .would_place = "Wat hen een plek zou geven",
    .nobody_out = "Iedereen heeft een groep.", .composition = "Samenstelling van de groepen",
    .distances = "Reisafstand naar de ontmoetingsplek", .themes = "Thema's", .map = "Kaart",
    .km = "km", .people = "mensen",
    .days = {"maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"},
    .parts = {"ochtend", "middag", "avond"}, .no_slot = "geen gezamenlijke tijd",
    .reasons = {"", "geen gedeelde taal", "geen gezamenlijke tijd",
                "te ver van elke ontmoetingsplek", "te weinig mensen van de andere rol",
                "geen passende locatie", "door de zoektocht buiten gelaten",
                "de locaties zijn vol"},
    .map_note = "Locaties zijn zwarte vierkantjes met hun naam; deelnemers zijn stippen in de "
                "kleur van hun groep (het groepsnummer staat bij de ontmoetingsplek); open "
                "rondjes zijn mensen zonder groep. Gewone coordinaten, geen kaarttegels.",
    .total = "Totale score", .page_of_venue = "%s, %s", .everyone_placed = "Iedereen geplaatst.",
    .contents = "Inhoud",
    .hint_more_places = "%zu extra plek%s op %s bij een %slocatie bij %s zou %zu %s een plek "
                        "geven",
    .hint_slot = "een groep op %s past bij %zu van hen (zij kunnen dan)",
    .hint_language = "een groep in het %s past bij %zu van hen",
    .hint_role = "%zu extra %s%s (vrij op %s) zou hen groepen laten vormen",
    .hint_far = "een ontmoetingsplek bij %s brengt %zu van hen binnen bereik",
    .hint_search = "een plek in een bestaande groep met de hand (lmatch eval controleert die)",
};

const report_words *report_words_for(const char *lang)
{
    if (lang && strcmp(lang, "nl") == 0)
        return &dutch;
    if (lang && strcmp(lang, "en") == 0)
        return &english;
    return NULL;
}

/* ---- pieces ---------------------------------------------------------------------- */

static void slot_text(const report_words *w, int slot, char *out, size_t size)
{
    if (slot < 0 || lm_slot_count() != 21)
        snprintf(out, size, "%s", slot < 0 ? w->no_slot : lm_slot_label((size_t)slot));
    else
        snprintf(out, size, "%s %s", w->days[slot / 3], w->parts[slot % 3]);
}

static const char *language_name(const report_words *w, int language)
{
    if (language < 0)
        return "";
    return strcmp(w->lang, "nl") == 0 ? lm_language_name_nl((size_t)language)
                                      : lm_language_name_en((size_t)language);
}

static void topic_text(const report_input *in, size_t topic, char *out, size_t size)
{
    const lm_taxonomy *taxonomy = lm_pool_taxonomy(in->pool);
    const char *label = strcmp(in->words->lang, "nl") == 0
                            ? lm_taxonomy_topic_label_nl(taxonomy, topic)
                            : lm_taxonomy_topic_label_en(taxonomy, topic);
    if (!label || !label[0])
        label = lm_taxonomy_topic_key(taxonomy, topic);
    snprintf(out, size, "%s", label ? label : "?");
}

static const char *display_name(const report_input *in, size_t who)
{
    const char *name = lm_pool_name(in->pool, who);
    return name && name[0] ? name : lm_pool_id(in->pool, who);
}

/* The display values other than the name, joined by "; ". */
static void contact(FILE *out, const report_input *in, size_t who)
{
    bool first = true;
    for (size_t c = 0; c < lm_pool_column_count(in->pool); c++) {
        const char *column = lm_pool_column_name(in->pool, c);
        const char *value = lm_pool_column_value(in->pool, who, c);
        if (!value || !value[0] || strcasecmp(column, "name") == 0 ||
            strcasecmp(column, "naam") == 0)
            continue;
        if (!first)
            fputs("; ", out);
        report_escape(out, value);
        first = false;
    }
}

static const char style[] =
    "<style>\n"
    "@page { size: A4; margin: 14mm; }\n"
    "body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10.5pt; color: #111; }\n"
    "h1 { font-size: 18pt; margin: 0 0 6pt; } h2 { font-size: 14pt; margin: 0 0 6pt; }\n"
    "h3 { font-size: 12pt; margin: 10pt 0 4pt; }\n"
    "section.page { break-after: page; page-break-after: always; }\n"
    "section.page:last-child { break-after: auto; page-break-after: auto; }\n"
    "table { border-collapse: collapse; width: 100%; margin: 4pt 0; }\n"
    "th, td { border: 1px solid #bbb; padding: 3pt 5pt; text-align: left; vertical-align: top; }\n"
    "th { background: #eee; } .facts { color: #333; } .legend { margin: 2pt 0; }\n"
    "ul { margin: 2pt 0 6pt 16pt; padding: 0; } .hint { font-style: italic; }\n"
    "svg { max-width: 100%; height: auto; }\n"
    "</style>\n";

/* ---- the pages ------------------------------------------------------------------- */

static void summary_page(FILE *out, const report_input *in, size_t placed, size_t people)
{
    const report_words *w = in->words;
    size_t groups = lm_result_group_count(in->result);
    fprintf(out, "<section class=\"page\" id=\"summary\">\n<h1>");
    report_escape(out, w->title);
    fputs("</h1>\n<p class=\"facts\">", out);
    fprintf(out, w->placed_in, placed, people, groups, groups == 1 ? w->group_one : w->groups);
    fputs(".</p>\n", out);
    size_t counts[8] = {0};
    for (size_t p = 0; p < lm_pool_size(in->pool); p++)
        if (in->reason[p] != LM_REASON_NONE && (unsigned)in->reason[p] < 8)
            counts[in->reason[p]]++;
    if (placed < people) {
        fprintf(out, "<p>%s:</p><ul>\n", w->not_placed);
        for (int r = 1; r < 8; r++)
            if (counts[r])
                fprintf(out, "<li>%zu &ndash; %s</li>\n", counts[r], w->reasons[r]);
        fputs("</ul>\n", out);
    } else {
        fprintf(out, "<p>%s</p>\n", w->everyone_placed);
    }
    fprintf(out, "<p>%s: %.2f</p>\n", w->total, lm_result_total(in->result));
    fprintf(out, "<h3>%s</h3>\n<ol>\n", w->contents);
    for (size_t g = 0; g < groups; g++) {
        char slot[64], theme[128];
        slot_text(w, lm_result_group_slot(in->result, g), slot, sizeof slot);
        topic_text(in, lm_result_group_theme(in->result, g), theme, sizeof theme);
        int venue = lm_result_group_venue(in->result, g);
        fprintf(out, "<li><a href=\"#group-%zu\">%s %zu</a>: ", g + 1, w->group, g + 1);
        report_escape(out, theme);
        fputs(", ", out);
        report_escape(out, venue >= 0 ? lm_pool_venue_id(in->pool, (size_t)venue) : w->no_venue);
        fputs(", ", out);
        report_escape(out, slot);
        fputs("</li>\n", out);
    }
    fputs("</ol>\n</section>\n", out);
}

/* The shared interest of the group, by the rule of the terminal output. */
static void shared_interest(FILE *out, const report_input *in, size_t g)
{
    size_t topic, count;
    if (!cli_shared_topic(in->pool, in->result, g, &topic, &count))
        return;
    char name[128], line[512];
    topic_text(in, topic, name, sizeof name);
    snprintf(line, sizeof line, in->words->share_interest, count,
             lm_result_group_size(in->result, g), name);
    fputs("<p>", out);
    report_escape(out, line);
    fputs("</p>\n", out);
}

typedef struct teaching_item {
    FILE *out;
    const report_input *in;
    bool open;
} teaching_item;

static void teaching_line(void *context, size_t teacher, size_t topic, size_t learner)
{
    teaching_item *t = context;
    char name[128];
    topic_text(t->in, topic, name, sizeof name);
    fputs(t->open ? "<li>" : "<ul class=\"teach\">\n<li>", t->out);
    t->open = true;
    report_escape(t->out, display_name(t->in, teacher));
    fprintf(t->out, " %s ", t->in->words->can_teach);
    report_escape(t->out, name);
    fprintf(t->out, " %s ", t->in->words->to);
    report_escape(t->out, display_name(t->in, learner));
    fputs("</li>\n", t->out);
}

/* Who can teach what to whom: every pair of the group, not four. */
static void teaching(FILE *out, const report_input *in, size_t g)
{
    teaching_item item = {out, in, false};
    cli_each_teaching(in->pool, in->result, g, SIZE_MAX, teaching_line, &item);
    if (item.open)
        fputs("</ul>\n", out);
}

static void group_block(FILE *out, const report_input *in, size_t g)
{
    const report_words *w = in->words;
    char theme[128];
    topic_text(in, lm_result_group_theme(in->result, g), theme, sizeof theme);
    fprintf(out, "<h3 id=\"group-%zu\">%s %zu: ", g + 1, w->group, g + 1);
    report_escape(out, theme);
    fputs("</h3>\n<p class=\"facts\">", out);
    int language = lm_result_group_language(in->result, g);
    if (language >= 0) {
        fprintf(out, "%s: ", w->language);
        report_escape(out, language_name(w, language));
        fputs(" &middot; ", out);
    }
    fprintf(out, "%s: %.2f</p>\n", w->score, lm_result_group_score(in->result, g, LM_TERM_TOTAL));
    fprintf(out, "<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n", w->name,
            w->id, w->role, w->contact);
    for (size_t k = 0; k < lm_result_group_size(in->result, g); k++) {
        size_t who = lm_result_group_member(in->result, g, k);
        lm_role role = lm_pool_role(in->pool, who);
        fputs("<tr><td class=\"person\">", out);
        report_escape(out, display_name(in, who));
        fputs("</td><td>", out);
        report_escape(out, lm_pool_id(in->pool, who));
        fprintf(out, "</td><td>%s%s%s</td><td>", role == LM_NEWCOMER ? w->newcomer : w->resident,
                lm_result_group_cohost(in->result, g, role) == (int64_t)who ? ", " : "",
                lm_result_group_cohost(in->result, g, role) == (int64_t)who ? w->cohost : "");
        contact(out, in, who);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
    shared_interest(out, in, g);
    teaching(out, in, g);
}

static int compare_place(const void *a, const void *b, const report_input *in)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    int vx = lm_result_group_venue(in->result, x), vy = lm_result_group_venue(in->result, y);
    if (vx != vy)
        return vx < vy ? -1 : 1;
    int sx = lm_result_group_slot(in->result, x), sy = lm_result_group_slot(in->result, y);
    if (sx != sy)
        return sx < sy ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Groups by (venue, slot), then number: an insertion sort, as qsort takes
 * no context and a report has few groups. */
static void sort_by_place(size_t *order, size_t count, const report_input *in)
{
    for (size_t k = 1; k < count; k++)
        for (size_t j = k; j > 0 && compare_place(&order[j - 1], &order[j], in) > 0; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
}

static void venue_pages(FILE *out, const report_input *in)
{
    const report_words *w = in->words;
    size_t groups = lm_result_group_count(in->result);
    size_t *order = report_calloc(groups, sizeof *order);
    for (size_t g = 0; g < groups; g++)
        order[g] = g;
    sort_by_place(order, groups, in);
    for (size_t k = 0; k < groups;) {
        size_t g = order[k];
        int venue = lm_result_group_venue(in->result, g), slot = lm_result_group_slot(in->result, g);
        char when[64], heading[256];
        slot_text(w, slot, when, sizeof when);
        snprintf(heading, sizeof heading, w->page_of_venue,
                 venue >= 0 ? lm_pool_venue_id(in->pool, (size_t)venue) : w->no_venue, when);
        fputs("<section class=\"page venue\">\n<h2>", out);
        report_escape(out, heading);
        fputs("</h2>\n", out);
        for (; k < groups && lm_result_group_venue(in->result, order[k]) == venue &&
               lm_result_group_slot(in->result, order[k]) == slot;
             k++)
            group_block(out, in, order[k]);
        fputs("</section>\n", out);
    }
    free(order);
}

/* ---- the people not placed, and what would place them ---------------------------- */

typedef struct out_people {
    size_t *who;
    size_t count;
} out_people;

/* The bit set in most of the people's masks (slots, languages): its index
 * and how many have it; -1 when nobody has any. */
static int most_common_bit(const report_input *in, const out_people *o,
                           uint64_t (*mask_of)(const lm_pool *, size_t), size_t bits,
                           size_t *count)
{
    size_t best = 0, tally[64] = {0};
    for (size_t k = 0; k < o->count; k++)
        for (size_t b = 0; b < bits && b < 64; b++)
            tally[b] += mask_of(in->pool, o->who[k]) >> b & 1;
    for (size_t b = 1; b < bits && b < 64; b++)
        if (tally[b] > tally[best])
            best = b;
    *count = tally[best];
    return tally[best] ? (int)best : -1;
}

/* The venue nearest the middle of the people (by location); -1 without. */
static int nearest_venue(const report_input *in, const out_people *o, double *lat, double *lon)
{
    double sum_lat = 0, sum_lon = 0;
    size_t located = 0;
    for (size_t k = 0; k < o->count; k++) {
        double a, b, km;
        if (lm_pool_location(in->pool, o->who[k], &a, &b, &km))
            sum_lat += a, sum_lon += b, located++;
    }
    if (!located)
        return -1;
    *lat = sum_lat / (double)located;
    *lon = sum_lon / (double)located;
    int best = -1;
    double best_km = INFINITY;
    for (size_t v = 0; v < lm_pool_venue_count(in->pool); v++) {
        double a, b;
        lm_pool_venue_location(in->pool, v, &a, &b);
        double d = lm_distance_km(a, b, *lat, *lon);
        if (d < best_km)
            best_km = d, best = (int)v;
    }
    return best;
}

/* One sentence of what would place the people out for one reason, from
 * what they have in common; the words say "would give a place", not a
 * promise of the solver's. */
static void hint(FILE *out, const report_input *in, lm_reason reason, const out_people *o)
{
    const report_words *w = in->words;
    char line[512], when[64], where[128];
    size_t free_count = 0, speakers = 0, step_free = 0;
    int slot = most_common_bit(in, o, lm_pool_availability_mask, lm_slot_count(), &free_count);
    slot_text(w, slot, when, sizeof when);
    double lat = 0, lon = 0;
    int venue = nearest_venue(in, o, &lat, &lon);
    if (venue >= 0)
        snprintf(where, sizeof where, "%s", lm_pool_venue_id(in->pool, (size_t)venue));
    else
        snprintf(where, sizeof where, "%.4f, %.4f", lat, lon);
    for (size_t k = 0; k < o->count; k++)
        step_free += lm_pool_step_free(in->pool, o->who[k]);
    int64_t max_size = lm_params_get_int(in->params, LM_PARAM_MAX_SIZE);
    if (max_size < 1)
        max_size = 6;
    size_t places = (o->count + (size_t)max_size - 1) / (size_t)max_size;
    switch (reason) {
    case LM_REASON_VENUES_FULL:
    case LM_REASON_NO_VENUE:
        if (strcmp(w->lang, "nl") == 0)
            snprintf(line, sizeof line, w->hint_more_places, places, places == 1 ? "" : "ken",
                     when, step_free ? "rolstoeltoegankelijke " : "", where, o->count,
                     o->count == 1 ? "persoon" : "mensen");
        else
            snprintf(line, sizeof line, w->hint_more_places, places, when,
                     places == 1 ? "" : "s", step_free ? "step-free " : "", where, o->count,
                     o->count == 1 ? "person" : "people");
        break;
    case LM_REASON_NO_COMMON_SLOT:
        snprintf(line, sizeof line, w->hint_slot, when, free_count);
        break;
    case LM_REASON_NO_SHARED_LANGUAGE: {
        int language = most_common_bit(in, o, lm_pool_language_mask, lm_language_count(),
                                       &speakers);
        snprintf(line, sizeof line, w->hint_language,
                 language >= 0 ? language_name(w, language) : "?", speakers);
        break;
    }
    case LM_REASON_ROLE_SHORTAGE: {
        size_t newcomers = 0;
        for (size_t k = 0; k < o->count; k++)
            newcomers += lm_pool_role(in->pool, o->who[k]) == LM_NEWCOMER;
        bool want_residents = newcomers * 2 >= o->count;
        int64_t per_role = lm_params_get_int(in->params, LM_PARAM_MIN_PER_ROLE);
        if (per_role < 1)
            per_role = 1;
        size_t more = places * (size_t)per_role;
        snprintf(line, sizeof line, w->hint_role, more,
                 want_residents ? w->resident : w->newcomer,
                 strcmp(w->lang, "nl") == 0 ? (more == 1 ? "" : "s") : (more == 1 ? "" : "s"),
                 when);
        break;
    }
    case LM_REASON_TOO_FAR:
        snprintf(line, sizeof line, w->hint_far, where, o->count);
        break;
    default:
        snprintf(line, sizeof line, "%s", w->hint_search);
    }
    fprintf(out, "<p class=\"hint\">%s: ", w->would_place);
    report_escape(out, line);
    fputs(".</p>\n", out);
}

static void not_placed_page(FILE *out, const report_input *in)
{
    const report_words *w = in->words;
    fprintf(out, "<section class=\"page\" id=\"not-placed\">\n<h2>%s</h2>\n", w->not_placed_title);
    size_t people = lm_pool_size(in->pool), any = 0;
    out_people o = {report_calloc(people, sizeof *o.who), 0};
    for (int r = 1; r < 8; r++) {
        o.count = 0;
        for (size_t p = 0; p < people; p++)
            if ((int)in->reason[p] == r)
                o.who[o.count++] = p;
        if (!o.count)
            continue;
        any += o.count;
        fprintf(out, "<h3>%s (%zu)</h3>\n", w->reasons[r], o.count);
        hint(out, in, (lm_reason)r, &o);
        fprintf(out, "<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n", w->name,
                w->id, w->role, w->contact);
        for (size_t k = 0; k < o.count; k++) {
            fputs("<tr><td class=\"person\">", out);
            report_escape(out, display_name(in, o.who[k]));
            fputs("</td><td>", out);
            report_escape(out, lm_pool_id(in->pool, o.who[k]));
            fprintf(out, "</td><td>%s</td><td>",
                    lm_pool_role(in->pool, o.who[k]) == LM_NEWCOMER ? w->newcomer : w->resident);
            contact(out, in, o.who[k]);
            fputs("</td></tr>\n", out);
        }
        fputs("</table>\n", out);
    }
    if (!any)
        fprintf(out, "<p>%s</p>\n", w->nobody_out);
    fputs("</section>\n", out);
    free(o.who);
}

static void plots_page(FILE *out, const report_input *in)
{
    const report_words *w = in->words;
    fprintf(out, "<section class=\"page\" id=\"plots\">\n<h2>%s</h2>\n<h3>%s</h3>\n",
            w->summary_title, w->composition);
    report_svg_composition(out, in);
    fprintf(out, "<h3>%s</h3>\n", w->distances);
    report_svg_distances(out, in);
    fprintf(out, "<h3>%s</h3>\n", w->themes);
    report_svg_themes(out, in);
    fputs("</section>\n", out);
    fprintf(out, "<section class=\"page\" id=\"map\">\n<h2>%s</h2>\n<p>%s</p>\n", w->map,
            w->map_note);
    report_svg_map(out, in);
    fputs("</section>\n", out);
}

void report_write_html(FILE *out, const report_input *in)
{
    size_t people = lm_pool_size(in->pool), placed = 0;
    for (size_t g = 0; g < lm_result_group_count(in->result); g++)
        placed += lm_result_group_size(in->result, g);
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"generator\" content=\"lmatch report\">\n<title>",
            in->words->lang);
    report_escape(out, in->words->title);
    fprintf(out, "</title>\n%s</head>\n<body>\n", style);
    summary_page(out, in, placed, people);
    venue_pages(out, in);
    not_placed_page(out, in);
    plots_page(out, in);
    fputs("</body>\n</html>\n", out);
}
