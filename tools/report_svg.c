/* The pictures of `lmatch report`, as inline SVG (no script, no network):
 * group composition, travel distances, themes and a map in plain
 * coordinates. Colours come from one small palette so print stays legible. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

static const char *const palette[] = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a",
                                      "#66a61e", "#e6ab02", "#a6761d", "#666666"};
#define PALETTE (sizeof palette / sizeof palette[0])
#define NEWCOMER_COLOUR "#d95f02"
#define RESIDENT_COLOUR "#1b9e77"

void *report_calloc(size_t count, size_t size)
{
    void *memory = calloc(count ? count : 1, size ? size : 1);
    if (!memory) {
        fputs("lmatch: out of memory\n", stderr);
        exit(CLI_BAD_INPUT);
    }
    return memory;
}

void report_escape(FILE *out, const char *text)
{
    for (const char *c = text ? text : ""; *c; c++) {
        switch (*c) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*c, out);
        }
    }
}

bool report_group_point(const report_input *in, size_t g, double *lat, double *lon)
{
    int venue = lm_result_group_venue(in->result, g);
    if (venue >= 0) {
        lm_pool_venue_location(in->pool, (size_t)venue, lat, lon);
        return true;
    }
    double sum_lat = 0, sum_lon = 0;
    size_t count = 0;
    for (size_t k = 0; k < lm_result_group_size(in->result, g); k++) {
        double a, b, km;
        if (lm_pool_location(in->pool, lm_result_group_member(in->result, g, k), &a, &b, &km)) {
            sum_lat += a;
            sum_lon += b;
            count++;
        }
    }
    if (!count)
        return false;
    *lat = sum_lat / (double)count;
    *lon = sum_lon / (double)count;
    return true;
}

/* A horizontal bar chart: labels[k] with value[k] (one or two stacked
 * parts), width 640. */
static void bars(FILE *out, const char *title, size_t count, const char *const *labels,
                 const double *first, const double *second, const char *unit)
{
    double most = 1;
    for (size_t k = 0; k < count; k++)
        if (first[k] + (second ? second[k] : 0) > most)
            most = first[k] + (second ? second[k] : 0);
    unsigned height = 30 + 22 * (unsigned)count;
    fprintf(out, "<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" "
                 "height=\"%u\" viewBox=\"0 0 640 %u\" role=\"img\" aria-label=\"",
            height, height);
    report_escape(out, title);
    fputs("\">\n", out);
    for (size_t k = 0; k < count; k++) {
        double y = 20 + 22.0 * (double)k;
        double w1 = 340.0 * first[k] / most, w2 = second ? 340.0 * second[k] / most : 0;
        fprintf(out, "<text x=\"0\" y=\"%.0f\" font-size=\"12\">", y + 13);
        report_escape(out, labels[k]);
        fprintf(out, "</text><rect x=\"180\" y=\"%.0f\" width=\"%.1f\" height=\"16\" "
                     "fill=\"%s\"/>",
                y, w1, second ? NEWCOMER_COLOUR : palette[2]);
        if (second)
            fprintf(out, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"16\" "
                         "fill=\"%s\"/>",
                    180 + w1, y, w2, RESIDENT_COLOUR);
        fprintf(out, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"12\">", 186 + w1 + w2, y + 13);
        if (second)
            fprintf(out, "%g + %g", first[k], second[k]);
        else
            fprintf(out, "%g", first[k]);
        fprintf(out, " %s</text>\n", unit);
    }
    fputs("</svg>\n", out);
}

void report_svg_composition(FILE *out, const report_input *in)
{
    size_t groups = lm_result_group_count(in->result);
    if (!groups)
        return;
    const char **labels = report_calloc(groups, sizeof *labels);
    char *names = report_calloc(groups, 32);
    double *newcomers = report_calloc(groups, sizeof *newcomers);
    double *residents = report_calloc(groups, sizeof *residents);
    for (size_t g = 0; g < groups; g++) {
        snprintf(names + 32 * g, 32, "%s %zu", in->words->group, g + 1);
        labels[g] = names + 32 * g;
        for (size_t k = 0; k < lm_result_group_size(in->result, g); k++) {
            if (lm_pool_role(in->pool, lm_result_group_member(in->result, g, k)) == LM_NEWCOMER)
                newcomers[g]++;
            else
                residents[g]++;
        }
    }
    fprintf(out, "<p class=\"legend\"><span style=\"color:%s\">&#9632;</span> %s "
                 "<span style=\"color:%s\">&#9632;</span> %s</p>\n",
            NEWCOMER_COLOUR, in->words->newcomer, RESIDENT_COLOUR, in->words->resident);
    bars(out, in->words->composition, groups, labels, newcomers, residents, in->words->people);
    free(labels);
    free(names);
    free(newcomers);
    free(residents);
}

void report_svg_distances(FILE *out, const report_input *in)
{
    /* Bins of 1 km up to 10, then one for everything farther. */
    enum { BINS = 11 };
    double counts[BINS] = {0};
    char names[BINS][24];
    const char *labels[BINS];
    size_t total = 0;
    for (size_t g = 0; g < lm_result_group_count(in->result); g++) {
        double lat, lon;
        if (!report_group_point(in, g, &lat, &lon))
            continue;
        for (size_t k = 0; k < lm_result_group_size(in->result, g); k++) {
            double a, b, km;
            if (!lm_pool_location(in->pool, lm_result_group_member(in->result, g, k), &a, &b,
                                  &km))
                continue;
            double d = lm_distance_km(a, b, lat, lon);
            size_t bin = d >= BINS - 1 ? BINS - 1 : (size_t)d;
            counts[bin]++;
            total++;
        }
    }
    for (int b = 0; b < BINS; b++) {
        if (b < BINS - 1)
            snprintf(names[b], sizeof names[b], "%d-%d %s", b, b + 1, in->words->km);
        else
            snprintf(names[b], sizeof names[b], "%d+ %s", b, in->words->km);
        labels[b] = names[b];
    }
    if (!total) {
        fputs("<p>&mdash;</p>\n", out);
        return;
    }
    bars(out, in->words->distances, BINS, labels, counts, NULL, in->words->people);
}

void report_svg_themes(FILE *out, const report_input *in)
{
    const lm_taxonomy *taxonomy = lm_pool_taxonomy(in->pool);
    size_t topics = lm_taxonomy_topic_count(taxonomy), used = 0;
    double *counts = report_calloc(topics ? topics : 1, sizeof *counts);
    for (size_t g = 0; g < lm_result_group_count(in->result); g++)
        counts[lm_result_group_theme(in->result, g)]++;
    const char **labels = report_calloc(topics ? topics : 1, sizeof *labels);
    double *values = report_calloc(topics ? topics : 1, sizeof *values);
    char *names = report_calloc(topics ? topics : 1, 128);
    for (size_t t = 0; t < topics; t++) {
        if (!counts[t])
            continue;
        cli_topic_name(taxonomy, t, names + 128 * used, 128);
        labels[used] = names + 128 * used;
        values[used++] = counts[t];
    }
    if (used)
        bars(out, in->words->themes, used, labels, values, NULL, in->words->groups);
    free(counts);
    free(labels);
    free(values);
    free(names);
}

void report_svg_map(FILE *out, const report_input *in)
{
    /* Plain equirectangular coordinates: x by longitude scaled with the
     * cosine of the middle latitude, so a city looks like itself. */
    double lat_min = INFINITY, lat_max = -INFINITY, lon_min = INFINITY, lon_max = -INFINITY;
    size_t people = lm_pool_size(in->pool), venues = lm_pool_venue_count(in->pool);
    for (size_t p = 0; p < people; p++) {
        double a, b, km;
        if (lm_pool_location(in->pool, p, &a, &b, &km)) {
            lat_min = fmin(lat_min, a), lat_max = fmax(lat_max, a);
            lon_min = fmin(lon_min, b), lon_max = fmax(lon_max, b);
        }
    }
    for (size_t v = 0; v < venues; v++) {
        double a, b;
        lm_pool_venue_location(in->pool, v, &a, &b);
        lat_min = fmin(lat_min, a), lat_max = fmax(lat_max, a);
        lon_min = fmin(lon_min, b), lon_max = fmax(lon_max, b);
    }
    if (!isfinite(lat_min)) {
        fputs("<p>&mdash;</p>\n", out);
        return;
    }
    double scale_x = cos((lat_min + lat_max) / 2 * 3.14159265358979323846 / 180.0);
    double width = fmax((lon_max - lon_min) * scale_x, 1e-6), height = fmax(lat_max - lat_min, 1e-6);
    double unit = fmin(560.0 / width, 600.0 / height);
    /* room on the right for the names of venues at the edge */
    double w = width * unit + 160, h = height * unit + 40;
#define X(lon) (20 + ((lon) - lon_min) * scale_x * unit)
#define Y(lat) (20 + (lat_max - (lat)) * unit)
    fprintf(out, "<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                 "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
            w, h, w, h);
    report_escape(out, in->words->map);
    fputs("\"><rect width=\"100%\" height=\"100%\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n", out);
    int64_t *group_of = report_calloc(people ? people : 1, sizeof *group_of);
    for (size_t p = 0; p < people; p++)
        group_of[p] = -1;
    for (size_t g = 0; g < lm_result_group_count(in->result); g++)
        for (size_t k = 0; k < lm_result_group_size(in->result, g); k++)
            group_of[lm_result_group_member(in->result, g, k)] = (int64_t)g;
    for (size_t p = 0; p < people; p++) {
        double a, b, km;
        if (!lm_pool_location(in->pool, p, &a, &b, &km))
            continue;
        if (group_of[p] < 0)
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"none\" "
                         "stroke=\"#999\"/>\n", X(b), Y(a));
        else
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n", X(b), Y(a),
                    palette[(size_t)group_of[p] % PALETTE]);
    }
    for (size_t v = 0; v < venues; v++) {
        double a, b;
        lm_pool_venue_location(in->pool, v, &a, &b);
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"#000\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">",
                X(b) - 5, Y(a) - 5, X(b) + 8, Y(a) - 7);
        report_escape(out, lm_pool_venue_id(in->pool, v));
        fputs("</text>\n", out);
    }
    /* Group numbers beside their meeting point, one after the other where
     * several groups meet at one venue. */
    size_t groups = lm_result_group_count(in->result);
    for (size_t g = 0; g < groups; g++) {
        double a, b;
        if (!report_group_point(in, g, &a, &b))
            continue;
        size_t before = 0;
        for (size_t h2 = 0; h2 < g; h2++) {
            double c, d;
            before += report_group_point(in, h2, &c, &d) && c == a && d == b;
        }
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" font-weight=\"bold\" "
                     "fill=\"%s\">%zu</text>\n",
                X(b) + 8 + 14.0 * (double)before, Y(a) + 16, palette[g % PALETTE], g + 1);
    }
#undef X
#undef Y
    fputs("</svg>\n", out);
    free(group_of);
}
