/* The embedded sample pool (lm_pool_load_sample): a made-up sign-up list of
 * a neighbourhood project in Utrecht, with people in Overvecht, Zuilen and
 * Kanaleneiland. It is written the way real lists are: tags in Dutch,
 * English and Arabic or Tigrinya script, some levels, a few blanks.
 *
 * It is small enough to read, and built so that several mixed groups of
 * four to six are feasible (a shared Dutch or English, common slots such as
 * wed-evening, sat-afternoon, tue-afternoon and sat-morning), while a few
 * people are hard to place: Zahra shares no language with any resident,
 * Gerda is free only on weekday afternoons, Marieke gave no address and
 * Jeroen no availability. Every name is invented. */
#include <string.h>

#include "model/model_internal.h"

/* One row per string: ISO C promises string literals of only 4095 bytes. */
static const char *const sample_rows[] = {
    "id,role,interests,offers,wants,languages,availability,lat,lon,max_km,step_free,host\n",
    /* newcomers in Overvecht */
    "Amira,newcomer,koken;bakken:0.8;zingen:0.5,syrian cuisine;arabic,nederlands;naaien:0.6,"
    "ar;nl,wed-evening;sat-afternoon;thu-afternoon,52.1172,5.1108,,no,yes\n",
    "Yonas,newcomer,gitaar;krar;voetbal:0.7,krar;tigrinya,dutch;guitar:0.6,"
    "ti;en;nl,wed-evening;sat-afternoon;sun-afternoon,52.1150,5.1162,,no,no\n",
    "Rania,newcomer,muziek;oud:0.9;zingen:0.8;طبخ:0.6,oud;arabic,dutch:0.9,"
    "ar;en,wed-ev;fri-ev;sat-pm,52.1181,5.1139,3,no,no\n",
    "Hamid,newcomer,cooking:0.9;gardening:0.7;chess:0.6,afghan cuisine;dari,dutch;fietsen:0.8,"
    "prs;fa;nl,mon-afternoon;wed-evening;sat-afternoon,52.1139,5.1185,,no,yes\n",
    "Samir,newcomer,drums;dj:0.8;voetbal:0.6,drums;arabic:0.8,dutch:0.8;job search,"
    "ar;ku;en;nl,wed-evening;fri-evening;sat-afternoon,52.1160,5.1121,,no,no\n",
    "Zahra,newcomer,cooking;sewing:0.7;gardening:0.6,afghan cuisine:0.9;sewing:0.7,"
    "dutch;swimming:0.7,prs;fa,mon-morning;wed-morning;fri-morning,52.1177,5.1150,,no,no\n",
    /* newcomers in Kanaleneiland and Zuilen */
    "Olena,newcomer,schilderen;breien:0.8;boeken:0.5,ukrainian;painting:0.9,nederlands,"
    "uk;ru;en;nl,tue-afternoon;thu-evening;sat-morning,52.0741,5.0968,,no,no\n",
    "Mariam,newcomer,naaien;koken:0.8;parenting:0.6,sewing;somali,dutch;computer basics,"
    "so;ar;nl,tue-afternoon;thu-afternoon;thu-evening,52.0752,5.0941,,no,yes\n",
    "Dawit,newcomer,voetbal;hardlopen:0.8;ሙዚቃ:0.5,tigrinya;football:0.8,dutch;job search:0.7,"
    "ti;am;en,tue-evening;thu-evening;sat-morning;sun-afternoon,52.0733,5.0987,,no,no\n",
    "Ahmad,newcomer,football;photography:0.7;chess:0.5,arabic;photography:0.6,"
    "dutch;programming:0.6,ar;en,sat-morning;sun-afternoon;wed-evening,52.1052,5.0978,,no,no\n",
    "Reza,newcomer,chess;football:0.6;poetry:0.7,farsi;chess,english:0.5;dutch,"
    "fa;en,sun-afternoon;sat-morning;thu-evening,52.1041,5.1003,,no,yes\n",
    /* residents in Overvecht */
    "Sanne,resident,gitaar;zingen:0.8;band:0.6,guitar;dutch,arabic:0.6;oud:0.5,"
    "nl;en,wed-evening;sat-afternoon;sun-evening,52.1166,5.1144,,no,yes\n",
    "Joost,resident,music:0.8;piano;film:0.6,piano;dutch:0.8,oud:0.6,"
    "nl;en,wed-evening;fri-evening;sat-afternoon,52.1143,5.1127,,no,no\n",
    "Ineke,resident,bakken;koken:0.9;breien:0.7,baking;dutch;knitting:0.8,syrian cuisine:0.8,"
    "nl,mon-afternoon;wed-afternoon;wed-evening;sat-afternoon,52.1158,5.1171,,yes,no\n",
    "Karin,resident,cooking;gardening:0.8;walking:0.6,dutch;gardening,afghan cuisine:0.7,"
    "nl;en,wed-evening;sat-afternoon;sun-afternoon,52.1186,5.1119,,no,yes\n",
    "Mohamed,resident,football;cooking:0.7;backgammon:0.6,dutch;arabic;football:0.8,"
    "photography:0.5,nl;ar;ber,wed-evening;sat-afternoon;sat-morning,52.1148,5.1102,,no,yes\n",
    "Marieke,resident,zingen;koor;cooking:0.6,singing;dutch,arabic:0.5,"
    "nl;en,wed-evening;sun-afternoon,,,,no,no\n",
    "Pieter,resident,gardening;growing vegetables:0.8;repair:0.7,repair;gardening,"
    "afghan cuisine:0.6,nl,mon-afternoon;wed-afternoon;sat-afternoon,52.1129,5.1158,,no,no\n",
    "Gerda,resident,breien;bakken:0.8;board games:0.6,knitting;dutch,injera:0.6,"
    "nl,mon-afternoon;wed-afternoon;thu-afternoon,52.1191,5.1166,,no,no\n",
    "Jeroen,resident,drums;band;dj:0.6,drums:0.8;dutch:0.7,arabic:0.4,"
    "nl;en,,52.1137,5.1096,,no,no\n",
    /* residents in Kanaleneiland and Zuilen */
    "Bram,resident,voetbal;hardlopen:0.8;fietsen:0.6,cycling;dutch,tigrinya:0.5,"
    "nl;en,tue-evening;thu-evening;sat-morning,52.0748,5.0955,,no,no\n",
    "Ayse,resident,naaien;koken:0.8;turkish cuisine,sewing;turkish:0.8;dutch,"
    "eritrean food:0.7,nl;tr;en,tue-afternoon;thu-afternoon;thu-evening,52.0738,5.0949,,no,yes\n",
    "Els,resident,schilderen;boeken;walking:0.7,dutch;painting:0.8,ukrainian:0.5,"
    "nl;en;de,wed-morning;tue-afternoon;thu-afternoon;thu-evening,52.0759,5.0972,,no,no\n",
    "Fatima,resident,koken;sewing:0.7;parenting:0.6,dutch;arabic;cooking:0.9,sewing:0.5,"
    "nl;ar;ber;fr,tue-afternoon;thu-afternoon;fri-morning,52.0744,5.0931,,no,yes\n",
    "Wouter,resident,running;cycling:0.8;walking:0.6,cycling;dutch:0.8,somali:0.5,"
    "nl;en,tue-evening;thu-evening;sat-morning,52.0729,5.0961,3,no,no\n",
    "Daan,resident,computer basics;programming;chess:0.6,computer basics;programming,"
    "farsi:0.5;chess:0.7,nl;en,thu-evening;sat-morning;sun-afternoon,52.1058,5.1012,,no,no\n",
    "Noor,resident,photography;film:0.8;football:0.5,photography;dutch,arabic:0.7,"
    "nl;en;ar,sat-morning;sun-afternoon;wed-evening,52.1046,5.0969,,no,yes\n",
    "Lars,resident,chess;football:0.8;poetry:0.5,chess;dutch:0.9,farsi:0.6,"
    "nl;en;de,sun-afternoon;sat-morning;thu-evening,52.1063,5.0991,8,no,no\n",
};

#define SAMPLE_ROW_COUNT (sizeof sample_rows / sizeof sample_rows[0])

int lm_pool_load_sample(lm_pool *pool)
{
    if (!pool)
        return LM_E_INVALID;
    size_t size = 0;
    for (size_t k = 0; k < SAMPLE_ROW_COUNT; k++)
        size += strlen(sample_rows[k]);
    char *csv = lm__malloc(size + 1);
    if (!csv)
        return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
    size_t at = 0;
    for (size_t k = 0; k < SAMPLE_ROW_COUNT; k++) {
        size_t length = strlen(sample_rows[k]);
        memcpy(csv + at, sample_rows[k], length);
        at += length;
    }
    csv[at] = '\0';
    int status = lm_pool_load_csv_buffer(pool, "sample", csv, size);
    lm__free(csv);
    return status;
}
