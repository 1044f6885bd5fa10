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

static const char *const br_open[] = {
    "(", "[", "{", "\"", "'", "\xE2\x80\x9C" /* “ */, "\xE2\x80\x98" /* ‘ */,
    "\xE2\x80\x9E" /* „ */, "\xC2\xAB" /* « */, "\xC2\xBF" /* ¿ */, "\xC2\xA1" /* ¡ */, NULL
};
static const char *const br_close[] = {
    ")", "]", "}", "\"", "'", "\xE2\x80\x9D" /* ” */, "\xE2\x80\x99" /* ’ */,
    "\xC2\xBB" /* » */, NULL
};
static const char *const br_clause[] = {
    ",", ";", ":", "!", "?", "\xE2\x80\xA6" /* … */, NULL
};

/* Length of the list entry that s starts with (ends with, when at_end). */
static size_t br_affix(const char *s, size_t len, const char *const *list, bool at_end)
{
    for (int i = 0; list[i]; i++) {
        size_t n = strlen(list[i]);
        if (n <= len && memcmp(at_end ? s + len - n : s, list[i], n) == 0)
            return n;
    }
    return 0;
}

static struct br_word br_core(const char *s, size_t len)
{
    struct br_word w = { s, s ? len : 0, false, false, false };
    for (size_t n; w.len && (n = br_affix(w.s, w.len, br_open, false));) {
        w.paren |= w.s[0] == '(';
        w.s += n;
        w.len -= n;
    }
    for (size_t n; w.len;) {
        if ((n = br_affix(w.s, w.len, br_clause, true)))
            w.clause = true;
        else if (w.s[w.len - 1] == '.')
            n = 1, w.dot = true;
        else if (!(n = br_affix(w.s, w.len, br_close, true)))
            break;
        w.len -= n;
    }
    return w;
}

static bool br_is(const struct br_word *w, const char *lit)
{
    size_t n = strlen(lit);
    return w->len == n && memcmp(w->s, lit, n) == 0;
}

static bool br_in(const struct br_word *w, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (br_is(w, list[i]))
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
static bool br_is_name(const struct br_word *w, const char *lower)
{
    size_t n = strlen(lower);
    if (w->len != n || w->s[0] < 'A' || w->s[0] > 'Z')
        return false;
    for (size_t i = 0; i < n; i++)
        if (br_lower(w->s[i]) != lower[i])
            return false;
    return true;
}

/* --- number + unit ------------------------------------------------------ */

/* Case matters: "L" is litres, "l" too, but "MG" is not a unit anyone types. */
static const char *const br_units[] = {
    /* mass */
    "mg", "g", "kg", "mcg", "\xC2\xB5g", "\xCE\xBCg" /* µg μg */, "ng", "microgram", "micrograms",
    "milligram", "milligrams", "gram", "grams", "kilogram", "kilograms", "kilo", "kilos",
    /* volume */
    "mL", "ml", "L", "l", "dL", "dl", "cL", "cl", "\xC2\xB5L", "\xCE\xBCL", "\xC2\xB5l", "\xCE\xBCl",
    "litre", "litres", "liter", "liters", "millilitre", "millilitres", "milliliter", "milliliters",
    /* amount */
    "mmol", "mol", "nmol", "\xC2\xB5mol", "\xCE\xBCmol", "mEq", "IU", "units", "unit",
    "%", "percent",
    /* temperature */
    "\xC2\xB0" "C", "\xC2\xB0" "F", "\xC2\xB0", "\xE2\x84\x83" /* ℃ */, "\xE2\x84\x89" /* ℉ */,
    "degrees",
    /* length and area */
    "mm", "cm", "m", "km", "in", "ft", "inch", "inches", "metre", "metres", "meter", "meters",
    "m\xC2\xB2", "cm\xC2\xB2" /* m² cm² */,
    /* energy, pressure, rate */
    "kcal", "cal", "kJ", "calories", "mmHg", "kPa", "bpm",
    /* time */
    "hours", "hour", "hrs", "hr", "h", "minutes", "minute", "mins", "min", "seconds", "second",
    "secs", "sec", "s", "days", "day", "weeks", "week", "wks", "months", "month", "years",
    "year", "yrs", "yr", "am", "pm", "a.m", "p.m", "AM", "PM", "A.M", "P.M", "o'clock",
    "o\xE2\x80\x99" "clock",
    /* doses */
    "tablets", "tablet", "capsules", "capsule", "caplets", "caplet", "pills", "pill", "drops",
    "drop", "puffs", "puff", "sachets", "sachet", "doses", "dose", "sprays", "spray", "patches",
    "patch", "injections", "injection", "teaspoons", "teaspoon", "tsp", "tablespoons",
    "tablespoon", "tbsp", "spoonfuls", "spoonful", "times", "x", "\xC3\x97" /* × */,
    NULL
};

/* "mg", or units joined by slashes: "mg/kg", "mmol/L", "mg/kg/day". */
static bool br_is_unit(const struct br_word *w)
{
    if (br_in(w, br_units))
        return true;
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
    static const char *const fractions[] = {
        "\xC2\xBC", "\xC2\xBD", "\xC2\xBE", /* ¼ ½ ¾ */
        "\xE2\x85\x93", "\xE2\x85\x94", "\xE2\x85\x9B", /* ⅓ ⅔ ⅛ */ NULL
    };
    return w->len && (br_digit(w->s[w->len - 1]) || br_affix(w->s, w->len, fractions, true));
}

static bool br_ends_with(const struct br_word *w, const char *lit)
{
    size_t n = strlen(lit);
    return w->len >= n && memcmp(w->s + w->len - n, lit, n) == 0;
}

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
    int ld = br_phone_digits(l, &llead), rd = br_phone_digits(r, &rlead);
    if (l->dot || ld < 2 || rd < 2)
        return false;
    if (llead)
        return true;                /* "+44 20", "0161 555", "(020) 7946" */
    return rd >= 4 || (ld >= 3 && rd >= 3); /* "20 7946", "555 0199", "111 222" */
}

/* --- dates -------------------------------------------------------------- */

static const char *const br_months_full[] = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", NULL
};
static const char *const br_months_short[] = {
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", NULL
};
static const char *const br_days_full[] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", NULL
};
static const char *const br_days_short[] = {
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", NULL
};

/* Matches a capitalised name; an abbreviation may keep its full stop
 * ("Sept."), a full name may not ("in March. 2026 was ..."). */
static bool br_named(const struct br_word *w, const char *const *full, const char *const *abbr)
{
    for (int i = 0; abbr[i]; i++)
        if (br_is_name(w, abbr[i]))
            return true;
    for (int i = 0; full[i] && !w->dot; i++)
        if (br_is_name(w, full[i]))
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
    const char *word;
    bool abbr; /* may end in a full stop: "Dr.", "No." */
};

static bool br_label_in(const struct br_word *w, const struct br_label *list)
{
    for (int i = 0; list[i].word; i++)
        if (br_is(w, list[i].word))
            return list[i].abbr || !w->dot;
    return false;
}

static const struct br_label br_titles[] = {
    { "Dr", true }, { "Mr", true }, { "Mrs", true }, { "Ms", true }, { "Mx", true },
    { "Prof", true }, { "Sr", true }, { "Rev", true }, { "Revd", true }, { "Fr", true },
    { "Miss", false }, { "Sir", false }, { "Dame", false }, { "Lady", false },
    { "Lord", false }, { "Sister", false }, { "Nurse", false }, { "Professor", false },
    { "Doctor", false }, { NULL, false }
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
    return br_label_in(l, br_titles) && br_starts_upper(r);
}

static const struct br_label br_labels[] = {
    { "No", true }, { "Nos", true }, { "no", true }, { "p", true }, { "pp", true },
    { "\xC2\xA7", false }, { "\xC2\xA7\xC2\xA7", false } /* § §§ */, { "Fig", true },
    { "fig", true }, { "page", false }, { "Page", false }, { "pages", false },
    { "Pages", false }, { "Figure", false }, { "figure", false }, { "Table", false },
    { "table", false }, { "Section", false }, { "section", false }, { "Step", false },
    { "step", false }, { "Chapter", false }, { "chapter", false }, { "Appendix", false },
    { "Ward", false }, { "Room", false }, { "Bed", false }, { "Bay", false },
    { "Level", false }, { "Floor", false }, { "Clinic", false }, { "Suite", false },
    { NULL, false }
};

static bool br_label(const struct br_word *l, const struct br_word *r)
{
    /* Lower-case "no" is an ordinary word; only "no." is the abbreviation. */
    if (br_is(l, "no") && !l->dot)
        return false;
    return br_label_in(l, br_labels) && r->len && br_digit(r->s[0]);
}

bool breakrules_keep_space(const char *left, size_t left_len, const char *right,
                           size_t right_len)
{
    /* Every rule needs a digit in one of the words, or a capital after a
     * title: most pairs of words are neither, and are answered here. */
    bool maybe = false;
    for (size_t i = 0; i < left_len && !maybe; i++)
        maybe = br_digit(left[i]) || (unsigned char)left[i] >= 0x80; /* "½", "§" */
    for (size_t i = 0; i < right_len && !maybe; i++)
        maybe = br_digit(right[i]) || (right[i] >= 'A' && right[i] <= 'Z') || (unsigned char)right[i] >= 0x80;
    if (!maybe)
        return false;
    struct br_word l = br_core(left, left_len), r = br_core(right, right_len);
    /* A space after , ; : ! ? follows a clause; text may break there. */
    if (!l.len || !r.len || l.clause)
        return false;
    return br_number_unit(&l, &r) || br_phone(&l, &r) || br_date(&l, &r) ||
           br_title(&l, &r) || br_label(&l, &r);
}
