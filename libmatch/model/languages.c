/* The language table: languages spoken by newcomers and residents in the
 * Netherlands. Indices are bit positions in participants' language masks,
 * so the order is part of the file formats: only append. */
#include <stdio.h>
#include <string.h>

#include "model/model_internal.h"

typedef struct language {
    const char *code;    /* ISO 639-1 where it exists, else ISO 639-3 */
    const char *code3;   /* ISO 639-3 */
    const char *name_en;
    const char *aliases; /* other names and codes (639-2/B, individual
                          * languages of a macrolanguage), ';'-separated */
} language;

static const language languages[] = {
    {"nl", "nld", "Dutch", "dut;nederlands;flemish"},
    {"en", "eng", "English", ""},
    {"ar", "ara", "Arabic", "arb;apc;ajp;acm;ary;arz"},
    {"ti", "tir", "Tigrinya", "tigrigna"},
    {"fa", "fas", "Persian", "per;pes;farsi"},
    {"prs", "prs", "Dari", "dari persian"},
    {"ps", "pus", "Pashto", "pbt;pbu;pushto;pashtu"},
    {"so", "som", "Somali", ""},
    {"tr", "tur", "Turkish", ""},
    {"ku", "kur", "Kurdish", ""},
    {"kmr", "kmr", "Kurmanji", "northern kurdish"},
    {"ckb", "ckb", "Sorani", "central kurdish"},
    {"uk", "ukr", "Ukrainian", ""},
    {"ru", "rus", "Russian", ""},
    {"pl", "pol", "Polish", ""},
    {"ro", "ron", "Romanian", "rum;moldovan"},
    {"bg", "bul", "Bulgarian", ""},
    {"de", "deu", "German", "ger"},
    {"fr", "fra", "French", "fre"},
    {"es", "spa", "Spanish", "castilian"},
    {"pt", "por", "Portuguese", ""},
    {"it", "ita", "Italian", ""},
    {"am", "amh", "Amharic", ""},
    {"om", "orm", "Oromo", "gaz;afaan oromoo"},
    {"ur", "urd", "Urdu", ""},
    {"hi", "hin", "Hindi", ""},
    {"bn", "ben", "Bengali", "bangla"},
    {"ta", "tam", "Tamil", ""},
    {"zh", "zho", "Chinese", "chi;cmn;yue;mandarin;cantonese"},
    {"vi", "vie", "Vietnamese", ""},
    {"id", "ind", "Indonesian", "bahasa indonesia"},
    {"pap", "pap", "Papiamento", "papiamentu"},
    {"srn", "srn", "Sranan Tongo", "sranan;surinaams"},
    /* No single ISO 639-3 code covers what people call Berber; "ber" is the
     * ISO 639-2/639-5 collective code, and the individual ones are aliases. */
    {"ber", "ber", "Berber", "tamazight;amazigh;tarifit;riffian;rif;tzm;zgh;shi;kab"},
    {"hy", "hye", "Armenian", "arm"},
    {"ka", "kat", "Georgian", "geo"},
    {"az", "aze", "Azerbaijani", "azj;azb;azeri"},
    {"sq", "sqi", "Albanian", "alb;als;aln"},
    {"sr", "srp", "Serbian", ""},
    {"hr", "hrv", "Croatian", ""},
    {"bs", "bos", "Bosnian", ""},
    {"el", "ell", "Greek", "gre"},
    {"hu", "hun", "Hungarian", ""},
    {"sw", "swa", "Swahili", "swh;kiswahili"},
    {"ln", "lin", "Lingala", ""},
    {"tig", "tig", "Tigre", ""},
    {"he", "heb", "Hebrew", ""},
    {"ja", "jpn", "Japanese", ""},
    {"ha", "hau", "Hausa", ""},
    {"yo", "yor", "Yoruba", ""},
    {"fy", "fry", "Frisian", "west frisian;fries"},
    {"tl", "tgl", "Tagalog", "fil;filipino"},
    {"th", "tha", "Thai", ""},
    {"lt", "lit", "Lithuanian", ""},
    {"lv", "lav", "Latvian", "lvs"},
    {"sk", "slk", "Slovak", "slo"},
    {"cs", "ces", "Czech", "cze"},
    {"mk", "mkd", "Macedonian", "mac"},
    {"pa", "pan", "Punjabi", "panjabi"},
    {"hns", "hns", "Sarnami Hindustani", "sarnami;caribbean hindustani"},
    {"jv", "jav", "Javanese", ""},
    {"ak", "aka", "Akan", "twi"},
    {"kea", "kea", "Cape Verdean Creole", "kabuverdianu"},
};

#define LANGUAGE_COUNT (sizeof languages / sizeof languages[0])

_Static_assert(sizeof languages / sizeof languages[0] <= 64,
               "language masks are uint64_t: at most 64 languages");

size_t lm_language_count(void)
{
    return LANGUAGE_COUNT;
}

const char *lm_language_code(size_t index)
{
    return index < LANGUAGE_COUNT ? languages[index].code : NULL;
}

const char *lm_language_code3(size_t index)
{
    return index < LANGUAGE_COUNT ? languages[index].code3 : NULL;
}

const char *lm_language_name_en(size_t index)
{
    return index < LANGUAGE_COUNT ? languages[index].name_en : NULL;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Case-insensitive (ASCII) comparison of name[0..length) with a
 * NUL-terminated table entry. */
static bool same(const char *entry, size_t entry_length, const char *name, size_t length)
{
    if (entry_length != length)
        return false;
    for (size_t k = 0; k < length; k++)
        if (lower(entry[k]) != lower(name[k]))
            return false;
    return true;
}

static bool alias_matches(const char *aliases, const char *name, size_t length)
{
    for (const char *alias = aliases; *alias;) {
        const char *end = strchr(alias, ';');
        size_t alias_length = end ? (size_t)(end - alias) : strlen(alias);
        if (same(alias, alias_length, name, length))
            return true;
        if (!end)
            break;
        alias = end + 1;
    }
    return false;
}

/* Finds name[0..length) (already trimmed); -1 when unknown. Codes are
 * checked before names for every entry, so a code always wins. */
static long find_language(const char *name, size_t length)
{
    if (length == 0)
        return -1;
    for (size_t k = 0; k < LANGUAGE_COUNT; k++) {
        const language *l = &languages[k];
        if (same(l->code, strlen(l->code), name, length) ||
            same(l->code3, strlen(l->code3), name, length))
            return (long)k;
    }
    for (size_t k = 0; k < LANGUAGE_COUNT; k++) {
        const language *l = &languages[k];
        if (same(l->name_en, strlen(l->name_en), name, length) ||
            alias_matches(l->aliases, name, length))
            return (long)k;
    }
    return -1;
}

int lm_language_find(const char *code, size_t *index)
{
    if (!code || !index)
        return LM_E_INVALID;
    size_t length = strlen(code);
    while (length && lm__is_space(code[0]))
        code++, length--;
    while (length && lm__is_space(code[length - 1]))
        length--;
    long found = find_language(code, length);
    if (found < 0)
        return LM_E_NOTFOUND;
    *index = (size_t)found;
    return LM_OK;
}

int lm__languages_parse(const char *codes, uint64_t *mask, char *error)
{
    return lm__parse_mask(codes, "language codes", "language", find_language, mask, error);
}
