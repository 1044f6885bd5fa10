#include "breakrules.h"

#include <string.h>

/* A word reduced to its core: surrounding quotes, brackets and sentence
 * punctuation removed, with notes on what was removed. */
struct br_word {
    const char *s;
    size_t len;
    bool paren; /* a leading '(' was removed: "(0161)" */
    bool dot;   /* a trailing '.' was removed: "Dr.", "2." */
    bool clause; /* a trailing , ; : ! ? or ellipsis was removed */
};

/* A literal with its length, counted by the compiler: the lists below are
 * searched for tens of thousands of word pairs, and measuring every entry
 * each time (strlen) was most of the work. */
struct br_lit {
    const char *s;
    size_t len;
};
#define BR(lit) { lit, sizeof lit - 1 }

static const struct br_lit br_open[] = {
    BR("("), BR("["), BR("{"), BR("\""), BR("'"), BR("\xE2\x80\x9C") /* “ */,
    BR("\xE2\x80\x98") /* ‘ */, BR("\xE2\x80\x9E") /* „ */, BR("\xC2\xAB") /* « */,
    BR("\xC2\xBF") /* ¿ */, BR("\xC2\xA1") /* ¡ */, { NULL, 0 }
};
static const struct br_lit br_close[] = {
    BR(")"), BR("]"), BR("}"), BR("\""), BR("'"), BR("\xE2\x80\x9D") /* ” */,
    BR("\xE2\x80\x99") /* ’ */, BR("\xC2\xBB") /* » */, { NULL, 0 }
};
static const struct br_lit br_clause[] = {
    BR(","), BR(";"), BR(":"), BR("!"), BR("?"), BR("\xE2\x80\xA6") /* … */, { NULL, 0 }
};

/* Length of the list entry that s starts with (ends with, when at_end).
 * Comparing one byte first turns away nearly every entry without memcmp. */
static size_t br_affix(const char *s, size_t len, const struct br_lit *list, bool at_end)
{
    for (int i = 0; list[i].s; i++) {
        size_t n = list[i].len;
        if (n > len)
            continue;
        const char *at = at_end ? s + len - n : s;
        if (at[0] == list[i].s[0] && memcmp(at, list[i].s, n) == 0)
            return n;
    }
    return 0;
}

static bool br_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* No affix starts or ends with a letter or digit, so most words need no
 * look through the lists at either end. */
static struct br_word br_core(const char *s, size_t len)
{
    struct br_word w = { s, s ? len : 0, false, false, false };
    for (size_t n; w.len && !br_alnum(w.s[0]) && (n = br_affix(w.s, w.len, br_open, false));) {
        w.paren |= w.s[0] == '(';
        w.s += n;
        w.len -= n;
    }
    for (size_t n; w.len && !br_alnum(w.s[w.len - 1]);) {
        if (w.s[w.len - 1] == '.') /* first: no clause mark ends in '.' */
            n = 1, w.dot = true;
        else if ((n = br_affix(w.s, w.len, br_clause, true)))
            w.clause = true;
        else if (!(n = br_affix(w.s, w.len, br_close, true)))
            break;
        w.len -= n;
    }
    return w;
}

/* The length and first byte turn away nearly every entry before memcmp. */
static bool br_eq(const struct br_word *w, const struct br_lit *lit)
{
    return w->len == lit->len && w->len && w->s[0] == lit->s[0] &&
           memcmp(w->s, lit->s, w->len) == 0;
}

/* Equal to a string literal. */
#define br_is(w, lit) br_eq((w), &(const struct br_lit)BR(lit))

static bool br_in(const struct br_word *w, const struct br_lit *list)
{
    for (int i = 0; list[i].s; i++)
        if (br_eq(w, &list[i]))
            return true;
    return false;
}

static bool br_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char br_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Equal to a lower-case name when capitalised ("March") or in capitals
 * ("MARCH"); never in lower case, as "may" is not a month. */
static bool br_is_name(const struct br_word *w, const struct br_lit *lower)
{
    if (w->len != lower->len || w->s[0] < 'A' || w->s[0] > 'Z')
        return false;
    for (size_t i = 0; i < w->len; i++)
        if (br_lower(w->s[i]) != lower->s[i])
            return false;
    return true;
}

/* --- number + unit ------------------------------------------------------ */

/* Case matters: "L" is litres, "l" too, but "MG" is not a unit anyone types. */
static const struct br_lit br_units[] = {
    /* mass */
    BR("mg"), BR("g"), BR("kg"), BR("mcg"), BR("\xC2\xB5g"), BR("\xCE\xBCg") /* µg μg */, BR("ng"),
    BR("microgram"), BR("micrograms"), BR("milligram"), BR("milligrams"), BR("gram"), BR("grams"),
    BR("kilogram"), BR("kilograms"), BR("kilo"), BR("kilos"),
    /* volume */
    BR("mL"), BR("ml"), BR("L"), BR("l"), BR("dL"), BR("dl"), BR("cL"), BR("cl"), BR("\xC2\xB5L"),
    BR("\xCE\xBCL"), BR("\xC2\xB5l"), BR("\xCE\xBCl"), BR("litre"), BR("litres"), BR("liter"),
    BR("liters"), BR("millilitre"), BR("millilitres"), BR("milliliter"), BR("milliliters"),
    /* amount */
    BR("mmol"), BR("mol"), BR("nmol"), BR("\xC2\xB5mol"), BR("\xCE\xBCmol"), BR("mEq"), BR("IU"),
    BR("units"), BR("unit"), BR("%"), BR("percent"),
    /* temperature */
    BR("\xC2\xB0" "C"), BR("\xC2\xB0" "F"), BR("\xC2\xB0"), BR("\xE2\x84\x83") /* ℃ */,
    BR("\xE2\x84\x89") /* ℉ */, BR("degrees"),
    /* length and area */
    BR("mm"), BR("cm"), BR("m"), BR("km"), BR("in"), BR("ft"), BR("inch"), BR("inches"),
    BR("metre"), BR("metres"), BR("meter"), BR("meters"),
    BR("m\xC2\xB2"), BR("cm\xC2\xB2") /* m² cm² */,
    /* energy, pressure, rate */
    BR("kcal"), BR("cal"), BR("kJ"), BR("calories"), BR("mmHg"), BR("kPa"), BR("bpm"),
    /* time */
    BR("hours"), BR("hour"), BR("hrs"), BR("hr"), BR("h"), BR("minutes"), BR("minute"), BR("mins"),
    BR("min"), BR("seconds"), BR("second"), BR("secs"), BR("sec"), BR("s"), BR("days"), BR("day"),
    BR("weeks"), BR("week"), BR("wks"), BR("months"), BR("month"), BR("years"), BR("year"),
    BR("yrs"), BR("yr"), BR("am"), BR("pm"), BR("a.m"), BR("p.m"), BR("AM"), BR("PM"), BR("A.M"),
    BR("P.M"), BR("o'clock"), BR("o\xE2\x80\x99" "clock"),
    /* doses */
    BR("tablets"), BR("tablet"), BR("capsules"), BR("capsule"), BR("caplets"), BR("caplet"),
    BR("pills"), BR("pill"), BR("drops"), BR("drop"), BR("puffs"), BR("puff"), BR("sachets"),
    BR("sachet"), BR("doses"), BR("dose"), BR("sprays"), BR("spray"), BR("patches"), BR("patch"),
    BR("injections"), BR("injection"), BR("teaspoons"), BR("teaspoon"), BR("tsp"),
    BR("tablespoons"), BR("tablespoon"), BR("tbsp"), BR("spoonfuls"), BR("spoonful"), BR("times"),
    BR("x"), BR("\xC3\x97") /* × */,
    { NULL, 0 }
};

/* "mg", or units joined by slashes: "mg/kg", "mmol/L", "mg/kg/day". */
static bool br_is_unit(const struct br_word *w)
{
    if (br_in(w, br_units))
        return true;
    if (!memchr(w->s, '/', w->len))
        return false; /* not a compound: spare looking up the same word again */
    const char *end = w->s + w->len;
    struct br_word part = { w->s, 0, false, false, false };
    bool slash = false;
    for (const char *p = w->s;; p++) {
        if (p == end || *p == '/') {
            part.len = (size_t)(p - part.s);
            if (!part.len || !br_in(&part, br_units))
                return false;
            if (p == end)
                return slash;
            slash = true;
            part.s = p + 1;
        }
    }
}

/* Ends in a digit or a vulgar fraction: "30", "2.5", "1,000", "5–10", "≥38", "1½". */
static bool br_ends_numeric(const struct br_word *w)
{
    static const struct br_lit fractions[] = {
        BR("\xC2\xBC"), BR("\xC2\xBD"), BR("\xC2\xBE"), /* ¼ ½ ¾ */ BR("\xE2\x85\x93"),
        BR("\xE2\x85\x94"), BR("\xE2\x85\x9B"), /* ⅓ ⅔ ⅛ */ { NULL, 0 }
    };
    if (!w->len)
        return false;
    unsigned char last = (unsigned char)w->s[w->len - 1];
    return br_digit((char)last) || (last >= 0x80 && br_affix(w->s, w->len, fractions, true));
}

static bool br_ends_in(const struct br_word *w, const struct br_lit *lit)
{
    return w->len >= lit->len && w->s[w->len - 1] == lit->s[lit->len - 1] &&
           memcmp(w->s + w->len - lit->len, lit->s, lit->len) == 0;
}

/* Ends in a string literal. */
#define br_ends_with(w, lit) br_ends_in((w), &(const struct br_lit)BR(lit))

static bool br_number_unit(const struct br_word *l, const struct br_word *r)
{
    /* "mm Hg" and "38 ° C": the unit is itself split by a space. */
    if (br_is(l, "mm") && br_is(r, "Hg"))
        return true;
    if (br_ends_with(l, "\xC2\xB0") && (br_is(r, "C") || br_is(r, "F")))
        return true;
    /* A full stop after a number ends a sentence: "take 2. Tablets ...". */
    return !l->dot && br_ends_numeric(l) && br_is_unit(r);
}

/* --- phone numbers ------------------------------------------------------ */

/* Digits in a phone group such as "0161", "+44", "(0)161"; -1 if the word
 * is anything else. Sets *lead when it opens like a phone number does. */
static int br_phone_digits(const struct br_word *w, bool *lead)
{
    int digits = 0;
    *lead = w->paren;
    for (size_t i = 0; i < w->len; i++) {
        char ch = w->s[i];
        if (br_digit(ch)) {
            if (digits++ == 0 && ch == '0')
                *lead = true;
        } else if (ch == '+' && i == 0) {
            *lead = true;
        } else if (ch != '(' && ch != ')') {
            return -1;
        }
    }
    return digits;
}

/* Ordinary counts stay breakable ("3 4", "20 30"), so it takes long groups
 * or a group that opens like a number's first one: "+44", "(0161)", "0800". */
static bool br_phone(const struct br_word *l, const struct br_word *r)
{
    bool llead, rlead;
    int ld = br_phone_digits(l, &llead);
    if (l->dot || ld < 2)
        return false; /* most words: the right one need not be read */
    int rd = br_phone_digits(r, &rlead);
    if (rd < 2)
        return false;
    if (llead)
        return true;                /* "+44 20", "0161 555", "(020) 7946" */
    return rd >= 4 || (ld >= 3 && rd >= 3); /* "20 7946", "555 0199", "111 222" */
}

/* --- dates -------------------------------------------------------------- */

static const struct br_lit br_months_full[] = {
    BR("january"), BR("february"), BR("march"), BR("april"), BR("may"), BR("june"), BR("july"),
    BR("august"), BR("september"), BR("october"), BR("november"), BR("december"), { NULL, 0 }
};
static const struct br_lit br_months_short[] = {
    BR("jan"), BR("feb"), BR("mar"), BR("apr"), BR("jun"), BR("jul"), BR("aug"), BR("sep"),
    BR("sept"), BR("oct"), BR("nov"), BR("dec"), { NULL, 0 }
};
static const struct br_lit br_days_full[] = {
    BR("monday"), BR("tuesday"), BR("wednesday"), BR("thursday"), BR("friday"), BR("saturday"),
    BR("sunday"), { NULL, 0 }
};
static const struct br_lit br_days_short[] = {
    BR("mon"), BR("tue"), BR("tues"), BR("wed"), BR("thu"), BR("thur"), BR("thurs"), BR("fri"),
    BR("sat"), BR("sun"), { NULL, 0 }
};

/* Matches a capitalised name; an abbreviation may keep its full stop
 * ("Sept."), a full name may not ("in March. 2026 was ..."). */
static bool br_named(const struct br_word *w, const struct br_lit *full, const struct br_lit *abbr)
{
    if (!w->len || w->s[0] < 'A' || w->s[0] > 'Z')
        return false; /* most words: no need to look through the lists */
    for (int i = 0; abbr[i].s; i++)
        if (abbr[i].len == w->len && br_is_name(w, &abbr[i]))
            return true;
    for (int i = 0; full[i].s && !w->dot; i++)
        if (full[i].len == w->len && br_is_name(w, &full[i]))
            return true;
    return false;
}

/* 1 to 31, bare or ordinal: "3", "21st", "2nd", "3rd", "4th". */
static bool br_day_number(const struct br_word *w)
{
    size_t d = 0;
    while (d < w->len && br_digit(w->s[d]))
        d++;
    if (d == 0 || d > 2)
        return false;
    int v = w->s[0] - '0';
    if (d == 2)
        v = v * 10 + w->s[1] - '0';
    if (v < 1 || v > 31)
        return false;
    if (d == w->len)
        return true;
    if (w->len - d != 2)
        return false;
    char a = br_lower(w->s[d]), b = br_lower(w->s[d + 1]);
    return (a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') ||
           (a == 't' && b == 'h');
}

static bool br_year(const struct br_word *w)
{
    if (w->len != 4)
        return false;
    for (size_t i = 0; i < 4; i++)
        if (!br_digit(w->s[i]))
            return false;
    return true;
}

static bool br_date(const struct br_word *l, const struct br_word *r)
{
    if (!l->dot && br_day_number(l) && br_named(r, br_months_full, br_months_short))
        return true; /* "3 March", "21st June" */
    if (br_named(l, br_months_full, br_months_short) && (br_day_number(r) || br_year(r)))
        return true; /* "March 3", "March 2026" */
    return br_named(l, br_days_full, br_days_short) && br_day_number(r); /* "Monday 3rd" */
}

/* --- titles and labels -------------------------------------------------- */

struct br_label {
    struct br_lit word;
    bool abbr; /* may end in a full stop: "Dr.", "No." */
};

static bool br_label_in(const struct br_word *w, const struct br_label *list)
{
    for (int i = 0; list[i].word.s; i++)
        if (br_eq(w, &list[i].word))
            return list[i].abbr || !w->dot;
    return false;
}

static const struct br_label br_titles[] = {
    { BR("Dr"), true }, { BR("Mr"), true }, { BR("Mrs"), true }, { BR("Ms"), true },
    { BR("Mx"), true }, { BR("Prof"), true }, { BR("Sr"), true }, { BR("Rev"), true },
    { BR("Revd"), true }, { BR("Fr"), true }, { BR("Miss"), false }, { BR("Sir"), false },
    { BR("Dame"), false }, { BR("Lady"), false }, { BR("Lord"), false }, { BR("Sister"), false },
    { BR("Nurse"), false }, { BR("Professor"), false }, { BR("Doctor"), false },
    { { NULL, 0 }, false }
};

/* A capital letter: ASCII, Latin-1 and Latin Extended-A ("Émile", "Łukasz"). */
static bool br_starts_upper(const struct br_word *w)
{
    const unsigned char *s = (const unsigned char *)w->s;
    if (w->len && s[0] >= 'A' && s[0] <= 'Z')
        return true;
    if (w->len < 2 || s[0] < 0xC3 || s[0] > 0xC5 || (s[1] & 0xC0) != 0x80)
        return false;
    unsigned cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
    if (cp <= 0xDE)
        return cp != 0xD7; /* À to Þ but × */
    if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
        return cp % 2 == 0; /* Ā, Č, Ő, ...: capitals come first in each pair */
    if (cp >= 0x139 && cp <= 0x148)
        return cp % 2 == 1; /* Ĺ, Ł, Ń, ... */
    return cp == 0x178 || cp == 0x179 || cp == 0x17B || cp == 0x17D;
}

static bool br_title(const struct br_word *l, const struct br_word *r)
{
    return br_starts_upper(r) && br_label_in(l, br_titles); /* the cheap test first */
}

static const struct br_label br_labels[] = {
    { BR("No"), true }, { BR("Nos"), true }, { BR("no"), true }, { BR("p"), true },
    { BR("pp"), true }, { BR("\xC2\xA7"), false }, { BR("\xC2\xA7\xC2\xA7"), false } /* § §§ */,
    { BR("Fig"), true }, { BR("fig"), true }, { BR("page"), false }, { BR("Page"), false },
    { BR("pages"), false }, { BR("Pages"), false }, { BR("Figure"), false },
    { BR("figure"), false }, { BR("Table"), false }, { BR("table"), false },
    { BR("Section"), false }, { BR("section"), false }, { BR("Step"), false },
    { BR("step"), false }, { BR("Chapter"), false }, { BR("chapter"), false },
    { BR("Appendix"), false }, { BR("Ward"), false }, { BR("Room"), false }, { BR("Bed"), false },
    { BR("Bay"), false }, { BR("Level"), false }, { BR("Floor"), false }, { BR("Clinic"), false },
    { BR("Suite"), false },
    { { NULL, 0 }, false }
};

static bool br_label(const struct br_word *l, const struct br_word *r)
{
    /* Lower-case "no" is an ordinary word; only "no." is the abbreviation. */
    if (br_is(l, "no") && !l->dot)
        return false;
    return r->len && br_digit(r->s[0]) && br_label_in(l, br_labels); /* the cheap test first */
}

/* What a word holds, for the test that answers most pairs; looked up a
 * byte at a time, as every word of every paragraph is read. */
enum { BR_DIGIT = 1, BR_UPPER = 2, BR_HIGH = 4 };
#define BR_2(m) m, m
#define BR_8(m) BR_2(m), BR_2(m), BR_2(m), BR_2(m)
#define BR_32(m) BR_8(m), BR_8(m), BR_8(m), BR_8(m)
static const unsigned char br_marks[256] = {
    ['0'] = BR_8(BR_DIGIT), BR_2(BR_DIGIT),
    ['A'] = BR_8(BR_UPPER), BR_8(BR_UPPER), BR_8(BR_UPPER), BR_2(BR_UPPER),
    [0x80] = BR_32(BR_HIGH), BR_32(BR_HIGH), BR_32(BR_HIGH), BR_32(BR_HIGH),
};

struct breakrules_word breakrules_word(const char *s, size_t len)
{
    unsigned marks = 0;
    for (size_t i = 0; i < len; i++)
        marks |= br_marks[(unsigned char)s[i]];
    return (struct breakrules_word){ s, s ? len : 0, marks };
}

/* Out of line, so that breakrules_keep's quick answer stays quick. */
__attribute__((noinline)) static bool br_rules(const struct breakrules_word *left, const struct breakrules_word *right)
{
    struct br_word l = br_core(left->s, left->len), r = br_core(right->s, right->len);
    /* A space after , ; : ! ? follows a clause; text may break there. */
    if (!l.len || !r.len || l.clause)
        return false;
    return br_number_unit(&l, &r) || br_phone(&l, &r) || br_date(&l, &r) ||
           br_title(&l, &r) || br_label(&l, &r);
}

bool breakrules_keep(const struct breakrules_word *left, const struct breakrules_word *right)
{
    /* Every rule needs a digit in one of the words, or a capital after a
     * title: most pairs of words are neither, and are answered here.
     * Non-ASCII may be "½", "§" or "°" on either side. */
    return ((left->marks & (BR_DIGIT | BR_HIGH)) || right->marks) && br_rules(left, right);
}

bool breakrules_keep_space(const char *left, size_t left_len, const char *right,
                           size_t right_len)
{
    struct breakrules_word l = breakrules_word(left, left_len), r = breakrules_word(right, right_len);
    return breakrules_keep(&l, &r);
}
