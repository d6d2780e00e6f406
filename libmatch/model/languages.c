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
    const char *name_nl;
    const char *endonym; /* the name in the language itself */
    const char *aliases; /* other names and codes (639-2/B, individual
                          * languages of a macrolanguage), ';'-separated */
} language;

static const language languages[] = {
    {"nl", "nld", "Dutch", "Nederlands", "Nederlands", "dut;nederlands;flemish"},
    {"en", "eng", "English", "Engels", "English", ""},
    {"ar", "ara", "Arabic", "Arabisch", "العربية", "arb;apc;ajp;acm;ary;arz"},
    {"ti", "tir", "Tigrinya", "Tigrinya", "ትግርኛ", "tigrigna"},
    {"fa", "fas", "Persian", "Perzisch", "فارسی", "per;pes;farsi"},
    {"prs", "prs", "Dari", "Dari", "دری", "dari persian"},
    {"ps", "pus", "Pashto", "Pasjtoe", "پښتو", "pbt;pbu;pushto;pashtu"},
    {"so", "som", "Somali", "Somalisch", "Soomaali", ""},
    {"tr", "tur", "Turkish", "Turks", "Türkçe", ""},
    {"ku", "kur", "Kurdish", "Koerdisch", "Kurdî", ""},
    {"kmr", "kmr", "Kurmanji", "Kurmanji", "Kurmancî", "northern kurdish"},
    {"ckb", "ckb", "Sorani", "Sorani", "سۆرانی", "central kurdish"},
    {"uk", "ukr", "Ukrainian", "Oekraïens", "Українська", ""},
    {"ru", "rus", "Russian", "Russisch", "Русский", ""},
    {"pl", "pol", "Polish", "Pools", "Polski", ""},
    {"ro", "ron", "Romanian", "Roemeens", "Română", "rum;moldovan"},
    {"bg", "bul", "Bulgarian", "Bulgaars", "Български", ""},
    {"de", "deu", "German", "Duits", "Deutsch", "ger"},
    {"fr", "fra", "French", "Frans", "Français", "fre"},
    {"es", "spa", "Spanish", "Spaans", "Español", "castilian"},
    {"pt", "por", "Portuguese", "Portugees", "Português", ""},
    {"it", "ita", "Italian", "Italiaans", "Italiano", ""},
    {"am", "amh", "Amharic", "Amhaars", "አማርኛ", ""},
    {"om", "orm", "Oromo", "Oromo", "Afaan Oromoo", "gaz;afaan oromoo"},
    {"ur", "urd", "Urdu", "Urdu", "اردو", ""},
    {"hi", "hin", "Hindi", "Hindi", "हिन्दी", ""},
    {"bn", "ben", "Bengali", "Bengaals", "বাংলা", "bangla"},
    {"ta", "tam", "Tamil", "Tamil", "தமிழ்", ""},
    {"zh", "zho", "Chinese", "Chinees", "中文", "chi;cmn;yue;mandarin;cantonese"},
    {"vi", "vie", "Vietnamese", "Vietnamees", "Tiếng Việt", ""},
    {"id", "ind", "Indonesian", "Indonesisch", "Bahasa Indonesia", "bahasa indonesia"},
    {"pap", "pap", "Papiamento", "Papiaments", "Papiamentu", "papiamentu"},
    {"srn", "srn", "Sranan Tongo", "Sranantongo", "Sranantongo", "sranan;surinaams"},
    /* No single ISO 639-3 code covers what people call Berber; "ber" is the
     * ISO 639-2/639-5 collective code, and the individual ones are aliases. */
    {"ber", "ber", "Berber", "Berbers", "Tamaziɣt", "tamazight;amazigh;tarifit;riffian;rif;tzm;zgh;shi;kab"},
    {"hy", "hye", "Armenian", "Armeens", "Հայերեն", "arm"},
    {"ka", "kat", "Georgian", "Georgisch", "ქართული", "geo"},
    {"az", "aze", "Azerbaijani", "Azerbeidzjaans", "Azərbaycanca", "azj;azb;azeri"},
    {"sq", "sqi", "Albanian", "Albanees", "Shqip", "alb;als;aln"},
    {"sr", "srp", "Serbian", "Servisch", "Српски", ""},
    {"hr", "hrv", "Croatian", "Kroatisch", "Hrvatski", ""},
    {"bs", "bos", "Bosnian", "Bosnisch", "Bosanski", ""},
    {"el", "ell", "Greek", "Grieks", "Ελληνικά", "gre"},
    {"hu", "hun", "Hungarian", "Hongaars", "Magyar", ""},
    {"sw", "swa", "Swahili", "Swahili", "Kiswahili", "swh;kiswahili"},
    {"ln", "lin", "Lingala", "Lingala", "Lingála", ""},
    {"tig", "tig", "Tigre", "Tigre", "ትግረ", ""},
    {"he", "heb", "Hebrew", "Hebreeuws", "עברית", ""},
    {"ja", "jpn", "Japanese", "Japans", "日本語", ""},
    {"ha", "hau", "Hausa", "Hausa", "Harshen Hausa", ""},
    {"yo", "yor", "Yoruba", "Yoruba", "Yorùbá", ""},
    {"fy", "fry", "Frisian", "Fries", "Frysk", "west frisian;fries"},
    {"tl", "tgl", "Tagalog", "Tagalog", "Wikang Tagalog", "fil;filipino"},
    {"th", "tha", "Thai", "Thai", "ภาษาไทย", ""},
    {"lt", "lit", "Lithuanian", "Litouws", "Lietuvių", ""},
    {"lv", "lav", "Latvian", "Lets", "Latviešu", "lvs"},
    {"sk", "slk", "Slovak", "Slowaaks", "Slovenčina", "slo"},
    {"cs", "ces", "Czech", "Tsjechisch", "Čeština", "cze"},
    {"mk", "mkd", "Macedonian", "Macedonisch", "Македонски", "mac"},
    {"pa", "pan", "Punjabi", "Punjabi", "ਪੰਜਾਬੀ", "panjabi"},
    {"hns", "hns", "Sarnami Hindustani", "Sarnami", "Sarnámi", "sarnami;caribbean hindustani"},
    {"jv", "jav", "Javanese", "Javaans", "Basa Jawa", ""},
    {"ak", "aka", "Akan", "Akan", "Akan", "twi"},
    {"kea", "kea", "Cape Verdean Creole", "Kaapverdisch Creools", "Kabuverdianu", "kabuverdianu"},
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

const char *lm_language_name_nl(size_t index)
{
    return index < LANGUAGE_COUNT ? languages[index].name_nl : NULL;
}

const char *lm_language_endonym(size_t index)
{
    return index < LANGUAGE_COUNT ? languages[index].endonym : NULL;
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

static bool has_non_ascii(const char *name, size_t length)
{
    for (size_t k = 0; k < length; k++)
        if ((unsigned char)name[k] >= 0x80)
            return true;
    return false;
}

/* Names with letters beyond ASCII in another case ("РУССКИЙ", "TÜRKÇE"),
 * compared case-folded; only such names take this slower path. */
static long find_folded(const char *name, size_t length)
{
    if (!has_non_ascii(name, length))
        return -1;
    for (size_t k = 0; k < LANGUAGE_COUNT; k++)
        if (lm__same_folded(name, length, languages[k].name_nl) ||
            lm__same_folded(name, length, languages[k].endonym))
            return (long)k;
    return -1;
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
            same(l->name_nl, strlen(l->name_nl), name, length) ||
            same(l->endonym, strlen(l->endonym), name, length) ||
            alias_matches(l->aliases, name, length))
            return (long)k;
    }
    return find_folded(name, length);
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

int lm__language_suggest(const char *name, char *out, size_t size)
{
    lm_suggest suggest;
    lm__suggest_init(&suggest, name);
    for (size_t k = 0; k < LANGUAGE_COUNT; k++) {
        const language *l = &languages[k];
        lm__suggest_offer(&suggest, l->name_en, NULL);
        lm__suggest_offer(&suggest, l->name_nl, NULL);
        lm__suggest_offer(&suggest, l->endonym, NULL);
    }
    return lm__suggest_hint(&suggest, out, size);
}

/* The first piece of a list that find() does not know, copied into out. */
static void first_unknown(const char *list, lm_find_fn find, char *out, size_t size)
{
    out[0] = '\0';
    for (const char *piece = list; piece;) {
        const char *end = strchr(piece, ';');
        size_t length = end ? (size_t)(end - piece) : strlen(piece);
        const char *name = piece;
        lm__trim(&name, &length);
        if (length && find(name, length) < 0) {
            snprintf(out, size, "%.*s", lm__clip_utf8(name, length, size - 1), name);
            return;
        }
        piece = end ? end + 1 : NULL;
    }
}

/* Appends hint(piece) to error: "unknown language 'Engles' — did you mean
 * 'Engels'?" */
void lm__append_hint(const char *list, lm_find_fn find,
                     int (*hint)(const char *piece, char *out, size_t size), char *error)
{
    char piece[128], text[LM_ERRMSG_MAX];
    first_unknown(list, find, piece, sizeof piece);
    if (!piece[0] || hint(piece, text, sizeof text) <= 0)
        return;
    size_t used = strlen(error);
    snprintf(error + used, LM_ERRMSG_MAX - used, "%s", text);
}

int lm__languages_parse(const char *codes, uint64_t *mask, char *error)
{
    int status = lm__parse_mask(codes, "language codes", "language", find_language, mask, error);
    if (status == LM_E_NOTFOUND && error)
        lm__append_hint(codes, find_language, lm__language_suggest, error);
    return status;
}
