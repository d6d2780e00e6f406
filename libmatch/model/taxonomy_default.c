/* The embedded default taxonomy (DESIGN.md, "Taxonomy"). Files name topics
 * by key, so a key is never renamed or reused; indices may shift when a
 * subtopic is added under its category. docs/model.md lists the table. */
#include <string.h>

#include "model/model_internal.h"

typedef struct default_topic {
    bool category; /* subtopics belong to the nearest category above them */
    const char *key;
    const char *label_en;
    const char *label_nl;
    const char *synonyms; /* ';'-separated */
} default_topic;

#define CAT(key, en, nl, syn) {true, key, en, nl, syn}
#define SUB(key, en, nl, syn) {false, key, en, nl, syn}

static const default_topic default_topics[] = {
    CAT("music", "Music", "Muziek", "muziek maken;making music;موسيقى;موسیقی;ሙዚቃ"),
    SUB("guitar", "Guitar", "Gitaar", "gitar;غيتار;قيثارة;گیتار;ጊታር"),
    SUB("singing", "Singing", "Zingen", "sing;zang;songs;liedjes;غناء;أغاني;آواز;ደርፊ"),
    SUB("choir", "Choir", "Koor", "koorzang;choral singing;جوقة;گروه کر"),
    SUB("piano", "Piano", "Piano", "keyboard;keys;بيانو;پیانو"),
    SUB("drums", "Drums", "Drummen", "drum;percussion;slagwerk;darbuka;djembe;طبل;طبلة;تنبک;ከበሮ"),
    SUB("oud", "Oud", "Oud", "ud;lute;luit;عود"),
    SUB("krar", "Krar", "Krar", "kirar;ክራር"),
    SUB("violin", "Violin", "Viool", "fiddle;كمان;كمنجة;ویولن"),
    SUB("band", "Band", "Band", "bandje;ensemble;play together;samenspelen;فرقة موسيقية"),
    SUB("dj", "DJ & music production", "DJ en muziekproductie",
        "djing;beats;music production;muziekproductie;producing"),
    SUB("songwriting", "Songwriting", "Liedjes schrijven",
        "songteksten;lyrics;rap;rappen;كتابة الأغاني;ترانه سرایی"),

    CAT("cooking", "Cooking", "Koken", "cook;cuisine;food;eten;eten maken;طبخ;آشپزی;ምግቢ"),
    SUB("baking", "Baking", "Bakken",
        "bake;bread;brood;cake;taart;taarten bakken;خبز;پخت نان;شیرینی پزی"),
    SUB("syrian_cuisine", "Syrian cuisine", "Syrische keuken",
        "syrian food;syrian cooking;syrisch eten;مطبخ سوري;أكل سوري"),
    SUB("eritrean_cuisine", "Eritrean & Ethiopian cuisine", "Eritrese en Ethiopische keuken",
        "eritrean food;ethiopian food;eritrees eten;ethiopisch eten;injera;zigni;ጣይታ;ዝግኒ"),
    SUB("afghan_cuisine", "Afghan cuisine", "Afghaanse keuken",
        "afghan food;afghaans eten;kabuli palaw;قابلی پلو;غذای افغانی;آشپزی افغانی"),
    SUB("persian_cuisine", "Persian cuisine", "Perzische keuken",
        "iranian cuisine;iranian food;iraanse keuken;perzisch eten;iraans eten;غذای ایرانی;"
        "آشپزی ایرانی"),
    SUB("turkish_cuisine", "Turkish cuisine", "Turkse keuken",
        "turkish food;turks eten;türk mutfağı"),
    SUB("kurdish_cuisine", "Kurdish cuisine", "Koerdische keuken",
        "kurdish food;koerdisch eten;خواردنی کوردی"),
    SUB("moroccan_cuisine", "Moroccan cuisine", "Marokkaanse keuken",
        "moroccan food;marokkaans eten;tajine;couscous;طاجين;كسكس;مطبخ مغربي"),
    SUB("somali_cuisine", "Somali cuisine", "Somalische keuken",
        "somali food;somalisch eten;east african cuisine;oost-afrikaanse keuken;cunto soomaali"),
    SUB("african_cuisine", "West & Central African cuisine", "West- en Centraal-Afrikaanse keuken",
        "african cuisine;african food;afrikaanse keuken;congolese cuisine;congolese food;"
        "congolees eten;nigerian food;jollof"),
    SUB("eastern_european_cuisine", "Eastern European cuisine", "Oost-Europese keuken",
        "ukrainian cuisine;ukrainian food;oekraïense keuken;oekraiense keuken;"
        "eastern european food;polish food;pools eten;borscht;борщ;українська кухня"),
    SUB("surinamese_cuisine", "Surinamese cuisine", "Surinaamse keuken",
        "surinamese food;surinaams eten;roti;pom"),
    SUB("latin_american_cuisine", "Latin American cuisine", "Latijns-Amerikaanse keuken",
        "latin american food;latijns-amerikaans eten;empanadas;arepas"),
    SUB("dutch_cuisine", "Dutch cuisine", "Nederlandse keuken",
        "dutch food;hollands eten;hollandse pot;stamppot;erwtensoep;مطبخ هولندي;غذای هلندی"),
    SUB("vegetarian_cooking", "Vegetarian cooking", "Vegetarisch koken",
        "vegetarian;vegan;vegetarisch;veganistisch;plantaardig;نباتي;گیاهخواری"),
    SUB("coffee_ceremony", "Coffee ceremony", "Koffieceremonie",
        "coffee;koffie;buna;jebena;ቡና;جبنة;قهوة"),
    SUB("cooking_together", "Cooking and eating together", "Samen koken en eten",
        "samen eten;samen koken;shared meals;communal dinner;eetclub;buurtmaaltijd;potluck;"
        "عشاء جماعي"),

    CAT("language", "Language", "Taal",
        "languages;talen;language exchange;taaluitwisseling;لغة;لغات;زبان;ቋንቋ"),
    SUB("dutch", "Dutch", "Nederlands",
        "nederlandse taal;dutch language;dutch lessons;nt2;taalmaatje;learn dutch;"
        "اللغة الهولندية;هولندي;هلندی;زبان هلندی;ሆላንድኛ"),
    SUB("english", "English", "Engels",
        "english language;engelse taal;الإنجليزية;إنجليزي;انجليزي;انگلیسی;زبان انگلیسی;እንግሊዝኛ"),
    SUB("arabic", "Arabic", "Arabisch",
        "arabic language;arabische taal;العربية;عربي;عربی;زبان عربی;ዓረብኛ"),
    SUB("tigrinya", "Tigrinya", "Tigrinya", "tigrigna;tigrinia;tigrinisch;ትግርኛ;التغرينية"),
    SUB("farsi", "Farsi", "Perzisch", "persian;farsi language;فارسی;زبان فارسی;الفارسية"),
    SUB("dari", "Dari", "Dari", "afghan persian;دری"),
    SUB("pashto", "Pashto", "Pasjtoe", "pashtu;pushto;پښتو;پشتو"),
    SUB("somali", "Somali", "Somalisch", "af soomaali;soomaali;الصومالية"),
    SUB("turkish", "Turkish", "Turks", "türkçe;turkce;التركية;ترکی"),
    SUB("kurdish", "Kurdish", "Koerdisch", "kurdî;kurdi;kurmanji;sorani;کوردی;کردی;الكردية"),
    SUB("ukrainian", "Ukrainian", "Oekraïens", "oekraiens;українська"),
    SUB("russian", "Russian", "Russisch", "русский;русский язык;الروسية;روسی"),
    SUB("polish", "Polish", "Pools", "polski;język polski"),
    SUB("french", "French", "Frans", "français;francais;الفرنسية;فرانسوی"),
    SUB("german", "German", "Duits", "deutsch;الألمانية;آلمانی"),
    SUB("spanish", "Spanish", "Spaans", "español;espanol;castellano;الإسبانية"),
    SUB("amharic", "Amharic", "Amhaars", "amharinya;አማርኛ;الأمهرية"),
    SUB("sign_language", "Sign language", "Gebarentaal",
        "ngt;nederlandse gebarentaal;gebaren;لغة الإشارة;زبان اشاره"),
    SUB("reading_writing", "Reading & writing", "Lezen en schrijven",
        "literacy;alfabetisering;geletterdheid;leren lezen;leren schrijven;محو الأمية;سوادآموزی"),

    CAT("sport", "Sport", "Sport", "sports;sporten;exercise;bewegen;رياضة;ورزش;ስፖርት"),
    SUB("football", "Football", "Voetbal", "soccer;futsal;zaalvoetbal;كرة القدم;فوتبال;ኩዕሶ እግሪ"),
    SUB("running", "Running", "Hardlopen", "run;jogging;joggen;hardloop;الجري;دویدن"),
    SUB("walking", "Walking", "Wandelen", "walks;hiking;hike;wandeling;المشي;پیاده روی;کوهنوردی"),
    SUB("cycling", "Cycling", "Fietsen",
        "bike;bicycle;fiets;fietsles;learn to cycle;cycling lessons;ركوب الدراجات;دوچرخه سواری;"
        "ብሽክለታ"),
    SUB("swimming", "Swimming", "Zwemmen", "swim;zwemles;swimming lessons;سباحة;شنا"),
    SUB("volleyball", "Volleyball", "Volleybal", "كرة الطائرة;والیبال"),
    SUB("basketball", "Basketball", "Basketbal", "كرة السلة;بسکتبال"),
    SUB("cricket", "Cricket", "Cricket", "كريكت;کریکت"),
    SUB("fitness", "Fitness", "Fitness",
        "gym;sportschool;workout;krachttraining;لياقة بدنية;بدنسازی"),
    SUB("yoga", "Yoga", "Yoga", "يوغا;یوگا"),
    SUB("martial_arts", "Martial arts", "Vechtsport",
        "boxing;boksen;kickboxing;karate;taekwondo;judo;wrestling;worstelen;فنون قتالية;ملاكمة;"
        "هنرهای رزمی;بوکس"),
    SUB("table_tennis", "Table tennis", "Tafeltennis", "ping pong;pingpong;تنس الطاولة;پینگ پنگ"),

    CAT("crafts", "Crafts", "Handwerk",
        "handicrafts;handwork;diy;knutselen;handwerken;حرف يدوية;صنایع دستی"),
    SUB("sewing", "Sewing", "Naaien", "tailoring;naaimachine;kleding maken;verstellen;خياطة;خیاطی"),
    SUB("knitting", "Knitting & crochet", "Breien en haken",
        "knit;crochet;breien;haken;تريكو;كروشيه;بافتنی;قلاب بافی"),
    SUB("embroidery", "Embroidery", "Borduren", "needlework;تطريز;گلدوزی"),
    SUB("woodworking", "Woodworking", "Houtbewerking", "carpentry;woodwork;timmeren;نجارة;نجاری"),
    SUB("repair", "Repairing things", "Repareren",
        "repair cafe;repaircafé;fixing things;klussen;bike repair;fietsreparatie;تصليح;تعمیرات"),
    SUB("pottery", "Pottery", "Pottenbakken", "ceramics;keramiek;klei;clay;فخار;سفالگری"),
    SUB("jewellery", "Jewellery making", "Sieraden maken",
        "jewelry;sieraden;beading;kralen;مجوهرات;جواهرسازی"),
    SUB("weaving", "Weaving", "Weven", "carpet weaving;tapijt weven;rugs;نسيج;قالیبافی"),

    CAT("art", "Art", "Kunst", "arts;kunsten;creative;creatief;فن;فنون;هنر"),
    SUB("painting", "Painting", "Schilderen",
        "paint;paintings;verven;schilderijen;الرسم بالألوان;نقاشی"),
    SUB("drawing", "Drawing", "Tekenen", "sketching;schetsen;illustration;illustratie;رسم;طراحی"),
    SUB("photography", "Photography", "Fotografie",
        "photos;foto's;fotograferen;camera;تصوير فوتوغرافي;عکاسی"),
    SUB("calligraphy", "Calligraphy", "Kalligrafie",
        "lettering;handlettering;الخط العربي;خط;خوشنویسی"),
    SUB("theatre", "Theatre", "Theater", "theater;drama;acting;toneel;toneelspelen;مسرح;تئاتر"),
    SUB("dance", "Dance", "Dansen", "dancing;dans;traditional dance;dabke;رقص;دبكة;ሳዕሲዕ"),
    SUB("poetry", "Poetry", "Poëzie", "poems;gedichten;poezie;spoken word;شعر"),
    SUB("storytelling", "Storytelling", "Verhalen vertellen",
        "stories;verhalen;vertellen;قصص;حكايات;قصه گویی"),
    SUB("book_club", "Books & reading", "Boeken en lezen",
        "books;boeken;reading;lezen;leesclub;book club;literature;literatuur;كتب;قراءة;کتاب;"
        "کتابخوانی"),
    SUB("museums", "Museums & exhibitions", "Musea en tentoonstellingen",
        "museum;musea;exhibitions;exposities;tentoonstelling;متاحف;موزه"),

    CAT("film_media", "Film & media", "Film en media", "media;وسائل الإعلام;رسانه"),
    SUB("film", "Film", "Film",
        "movies;films;cinema;bioscoop;filmavond;movie night;سينما;أفلام;فیلم;سینما"),
    SUB("video_making", "Video making", "Video maken",
        "video;vlog;vloggen;youtube;filmen;editing;montage;فيديو;ویدیو;فیلمسازی"),
    SUB("podcast", "Podcasts & radio", "Podcasts en radio",
        "podcasts;radio;podcasten;بودكاست;پادکست"),
    SUB("journalism", "Journalism & blogging", "Journalistiek en bloggen",
        "news;nieuws;blog;bloggen;writing;schrijven;صحافة;روزنامه نگاری"),
    SUB("social_media", "Social media", "Sociale media",
        "instagram;tiktok;facebook;وسائل التواصل الاجتماعي;شبکه های اجتماعی"),
    SUB("graphic_design", "Graphic design", "Grafisch ontwerp",
        "design;ontwerpen;canva;photoshop;تصميم;طراحی گرافیک"),

    CAT("nature", "Nature & gardening", "Natuur en tuinieren",
        "natuur;outdoors;buiten;طبيعة;طبیعت"),
    SUB("gardening", "Gardening", "Tuinieren",
        "garden;tuin;community garden;buurttuin;plants;planten;flowers;bloemen;البستنة;حديقة;"
        "باغبانی;ጀርዲን"),
    SUB("growing_food", "Growing vegetables", "Groente kweken",
        "vegetable garden;moestuin;volkstuin;allotment;urban farming;stadslandbouw;زراعة;سبزیکاری"),
    SUB("nature_walks", "Nature walks", "Natuurwandelingen",
        "natuurwandeling;forest;bos;boswandeling;national park;nationaal park;birdwatching;"
        "vogels kijken"),
    SUB("animals", "Animals", "Dieren",
        "pets;huisdieren;kinderboerderij;petting zoo;dogs;honden;حيوانات;حیوانات"),
    SUB("sustainability", "Sustainability", "Duurzaamheid",
        "environment;milieu;climate;klimaat;recycling;zero waste;البيئة;محیط زیست"),
    SUB("cleanup", "Neighbourhood clean-up", "Zwerfafval opruimen",
        "litter picking;zwerfafval;clean-up;opschoonactie;plogging;تنظيف الحي"),

    CAT("games", "Games", "Spellen", "spelletjes;play;spelen;ألعاب;بازی"),
    SUB("chess", "Chess", "Schaken", "schaak;شطرنج"),
    SUB("board_games", "Board games", "Bordspellen",
        "board game;bordspel;gezelschapsspellen;ludo;monopoly;ألعاب الطاولة;بازی رومیزی"),
    SUB("card_games", "Card games", "Kaartspellen",
        "cards;kaarten;kaartspel;klaverjassen;ورق;شدة;پاسور"),
    SUB("backgammon", "Backgammon", "Backgammon", "tavla;tawla;طاولة;نرد;تخته نرد"),
    SUB("video_games", "Video games", "Videogames",
        "gaming;gamen;playstation;xbox;fifa;ألعاب فيديو;بازی کامپیوتری"),
    SUB("puzzles", "Puzzles", "Puzzels",
        "puzzle;puzzel;crosswords;kruiswoordpuzzel;sudoku;ألغاز;پازل"),

    CAT("digital", "Digital skills", "Digitale vaardigheden",
        "computer skills;computervaardigheden;ict;digitaal;مهارات رقمية;مهارت دیجیتال"),
    SUB("computer_basics", "Computer basics", "Computerbasis",
        "computer;computers;laptop;pc;internet;email;e-mail;كمبيوتر;حاسوب;کامپیوتر;ኮምፒተር"),
    SUB("smartphone", "Smartphone & apps", "Smartphone en apps",
        "phone;telefoon;mobile;mobiel;apps;whatsapp;هاتف;موبایل"),
    SUB("programming", "Programming", "Programmeren",
        "coding;code;software;python;websites;web development;برمجة;برنامه نویسی"),
    SUB("online_services", "Online services & DigiD", "Online zaken en DigiD",
        "digid;mijn overheid;online forms;online formulieren;internet banking;internetbankieren;"
        "الخدمات الإلكترونية"),
    SUB("office_software", "Office software", "Kantoorsoftware",
        "word;excel;powerpoint;microsoft office;typing;typen"),

    CAT("work_study", "Work & study", "Werk en studie",
        "work;werk;study;studie;career;loopbaan;العمل والدراسة;کار و تحصیل;ስራሕ"),
    SUB("job_search", "Job search", "Werk zoeken",
        "jobs;vacatures;solliciteren;job application;cv;resume;job interview;sollicitatiegesprek;"
        "البحث عن عمل;کاریابی"),
    SUB("entrepreneurship", "Entrepreneurship", "Ondernemen",
        "business;eigen bedrijf;startup;start-up;ondernemer;ريادة الأعمال;کارآفرینی"),
    SUB("studying", "Studying", "Studeren",
        "school;university;universiteit;hogeschool;mbo;hbo;education;opleiding;دراسة;جامعة;"
        "دانشگاه"),
    SUB("mathematics", "Maths", "Rekenen en wiskunde",
        "math;maths;rekenen;wiskunde;رياضيات;ریاضی"),
    SUB("finance", "Money & paperwork", "Geld en administratie",
        "money;geld;budgeting;budgetteren;administratie;paperwork;taxes;belastingen;toeslagen;"
        "المال;پول"),
    SUB("driving", "Driving", "Autorijden",
        "driving lessons;rijles;rijbewijs;driving licence;قيادة السيارة;رانندگی"),

    CAT("family", "Family & children", "Gezin en kinderen",
        "gezin;familie;families;عائلة;أسرة;خانواده"),
    SUB("children_activities", "Activities with children", "Activiteiten met kinderen",
        "kids;kinderen;children;playground;speeltuin;kinderactiviteiten;أطفال;کودکان;ቆልዑ"),
    SUB("parenting", "Parenting", "Opvoeding",
        "opvoeden;parents;ouders;raising children;تربية الأطفال;تربیت کودک"),
    SUB("babies", "Babies & toddlers", "Baby's en peuters",
        "baby;peuters;toddlers;peuterspeelzaal;رضع;نوزاد"),
    SUB("homework_help", "Homework help", "Huiswerkbegeleiding",
        "homework;huiswerk;huiswerkhulp;tutoring;bijles;مساعدة في الواجبات"),
    SUB("reading_to_children", "Reading to children", "Voorlezen",
        "read aloud;voorleesouder;story time;voorleesuurtje;القراءة للأطفال"),

    CAT("health", "Health & wellbeing", "Gezondheid en welzijn",
        "wellbeing;welzijn;gezondheid;صحة;سلامت;ጥዕና"),
    SUB("meditation", "Meditation & mindfulness", "Meditatie en mindfulness",
        "mindfulness;meditatie;relaxation;ontspanning;تأمل;مدیتیشن"),
    SUB("mental_health", "Mental health", "Mentale gezondheid",
        "stress;trauma;psychische gezondheid;peer support;lotgenoten;الصحة النفسية;سلامت روان"),
    SUB("healthy_eating", "Healthy eating", "Gezond eten",
        "nutrition;voeding;diet;dieet;تغذية صحية;تغذیه سالم"),
    SUB("first_aid", "First aid", "EHBO",
        "eerste hulp;first aid course;الإسعافات الأولية;کمک های اولیه"),
    SUB("beauty", "Hair & beauty", "Haar en schoonheid",
        "hairdressing;kapper;haircut;barber;barbier;make-up;henna;حلاقة;آرایشگری"),

    CAT("community", "Community & volunteering", "Buurt en vrijwilligerswerk",
        "buurt;neighbourhood;neighborhood;wijk;volunteering;vrijwilligerswerk;volunteer;"
        "vrijwilliger;"
        "مجتمع;تطوع;جامعه;داوطلبی"),
    SUB("neighbourhood_events", "Neighbourhood events", "Buurtactiviteiten",
        "buurtfeest;street party;events;evenementen;organising events;فعاليات;رویداد"),
    SUB("elderly_visits", "Visiting older people", "Ouderen bezoeken",
        "elderly;seniors;ouderen;bejaarden;كبار السن;سالمندان"),
    SUB("food_bank", "Food bank & sharing", "Voedselbank en delen",
        "voedselbank;food sharing;soup kitchen;buurtkast;بنك الطعام"),
    SUB("welcome_newcomers", "Welcoming newcomers", "Nieuwkomers verwelkomen",
        "welcome;welkom;buddy;maatje;integration;integratie;inburgering;ترحيب;اندماج"),
    SUB("politics", "Society & politics", "Samenleving en politiek",
        "politiek;society;samenleving;democracy;democratie;human rights;mensenrechten;debate;debat;"
        "سياسة;سیاست"),

    CAT("culture", "Culture & traditions", "Cultuur en tradities",
        "cultuur;cultures;culturen;traditions;tradities;ثقافة;فرهنگ"),
    SUB("festivals", "Festivals & holidays", "Feesten en feestdagen",
        "festival;holidays;feestdagen;feest;eid;suikerfeest;offerfeest;nowruz;newroz;christmas;"
        "kerst;sinterklaas;عيد;نوروز"),
    SUB("history", "History", "Geschiedenis", "heritage;erfgoed;تاريخ;تاریخ"),
    SUB("city_walks", "City tours", "Stadswandelingen",
        "city walk;stadswandeling;sightseeing;rondleiding;guided tour;جولة في المدينة;گشت شهری"),
    SUB("travel", "Day trips & travel", "Uitjes en reizen",
        "reizen;trips;uitjes;day trips;dagjes uit;excursions;excursies;رحلات;سفر"),
    SUB("faith_dialogue", "Faith & dialogue", "Geloof en dialoog",
        "religion;religie;geloof;faith;interfaith;interreligieus;dialoog;دين;دین"),
};

#define DEFAULT_TOPIC_COUNT (sizeof default_topics / sizeof default_topics[0])

_Static_assert(sizeof default_topics / sizeof default_topics[0] <= LM_MAX_TOPICS,
               "topic indices fit in uint16_t");

static size_t count_synonyms(const char *synonyms)
{
    if (!*synonyms)
        return 0;
    size_t count = 1;
    for (const char *c = synonyms; *c; c++)
        count += *c == ';';
    return count;
}

/* Copies one table row; on failure the caller frees what was set. */
static int copy_default(lm_topic *to, const default_topic *from, int parent)
{
    to->parent = from->category ? -1 : parent;
    to->key = lm__strdup(from->key);
    to->label_en = lm__strdup(from->label_en);
    to->label_nl = lm__strdup(from->label_nl);
    if (!to->key || !to->label_en || !to->label_nl)
        return LM_E_NOMEM;
    size_t count = count_synonyms(from->synonyms);
    if (!count)
        return LM_OK;
    to->synonyms = lm__calloc(count, sizeof *to->synonyms);
    if (!to->synonyms)
        return LM_E_NOMEM;
    const char *synonym = from->synonyms;
    for (size_t k = 0; k < count; k++) {
        const char *end = strchr(synonym, ';');
        size_t length = end ? (size_t)(end - synonym) : strlen(synonym);
        to->synonyms[k] = lm__strndup(synonym, length);
        if (!to->synonyms[k])
            return LM_E_NOMEM;
        to->synonym_count = k + 1;
        synonym = end ? end + 1 : synonym + length;
    }
    return LM_OK;
}

/* Frees topics[0..count) and leaves the taxonomy empty, so a caller that
 * also frees the taxonomy on failure does no harm. */
static void release(lm_taxonomy *taxonomy)
{
    for (size_t t = 0; t < taxonomy->topic_count; t++) {
        lm_topic *topic = &taxonomy->topics[t];
        lm__free(topic->key);
        lm__free(topic->label_en);
        lm__free(topic->label_nl);
        for (size_t k = 0; k < topic->synonym_count; k++)
            lm__free(topic->synonyms[k]);
        lm__free(topic->synonyms);
    }
    lm__free(taxonomy->topics);
    taxonomy->topics = NULL;
    taxonomy->topic_count = 0;
}

int lm__taxonomy_fill_default(lm_taxonomy *taxonomy)
{
    if (!taxonomy || taxonomy->topics || taxonomy->topic_count)
        return LM_E_INVALID;
    taxonomy->topics = lm__calloc(DEFAULT_TOPIC_COUNT, sizeof *taxonomy->topics);
    if (!taxonomy->topics)
        return LM_E_NOMEM;
    int parent = -1;
    for (size_t t = 0; t < DEFAULT_TOPIC_COUNT; t++) {
        /* Counted before copying so release() frees a half-copied row too
         * (calloc left its pointers NULL). */
        taxonomy->topic_count = t + 1;
        if (copy_default(&taxonomy->topics[t], &default_topics[t], parent) != LM_OK) {
            release(taxonomy);
            return LM_E_NOMEM;
        }
        if (default_topics[t].category)
            parent = (int)t;
    }
    return LM_OK;
}
