/* breakrules: spaces that must not become line breaks. A patient must never
 * read "30" at a line's end and "mg" at the next one's start, nor half a
 * phone number, a date, or a title without its name. */
#ifndef HANDOUT_BREAKRULES_H
#define HANDOUT_BREAKRULES_H
#include <stdbool.h>
#include <stddef.h>

/* True when the space between these two words must not become a line break.
 * Words are UTF-8, without the space; they may carry punctuation such as
 * "(0161", "30mg,", "2026.". Keeps together:
 *   number + unit      "30 mg", "2.5 mL", "≥38 °C", "120 mmHg", "mm Hg",
 *                      "4 hours", "2 tablets", "9 a.m.", "5 mg/kg"
 *   phone groups       "0161 555 0199", "+44 161", "(0161) 555", "0800 123"
 *   dates              "3 March", "21st June", "March 2026", "Sept. 3",
 *                      "Monday 3rd"
 *   title + name       "Dr Smith", "Dr. Patel", "Mrs Jones", "Prof. Lee"
 *   label + number     "No. 3", "page 12", "p. 4", "§ 2", "Ward 7"
 * Leading and trailing punctuation (brackets, quotes, commas, full stops)
 * is ignored, except that a left word ending in , ; : ! ? never glues (the
 * space follows a clause), and a full stop ends a left number ("take 2.
 * Tablets ...") but not an abbreviation ("Dr.", "No.", "Jan."). Never reads
 * outside the given lengths; NULL is allowed when the length is 0. */
bool breakrules_keep_space(const char *left, size_t left_len, const char *right,
                           size_t right_len);

/* A word looked at once for breakrules_keep: each word of a paragraph is
 * the right of one pair and the left of the next, and a glance at it
 * answers most pairs. The fields are breakrules' own. */
struct breakrules_word {
    const char *s; /* borrowed: must stay valid while the word is used */
    size_t len;
    unsigned marks;
};
struct breakrules_word breakrules_word(const char *s, size_t len);
/* breakrules_keep_space for words so prepared. */
bool breakrules_keep(const struct breakrules_word *left, const struct breakrules_word *right);

#endif
