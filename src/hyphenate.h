/* hyphenate: where a word may be hyphenated, from libhyphen and the Debian
 * hyphen-* dictionary for the topic's language. */
#ifndef HANDOUT_HYPHENATE_H
#define HANDOUT_HYPHENATE_H

struct hyphenate;

/* Loads the dictionary for a BCP 47 tag ("en-GB" -> hyph_en_GB.dic, else
 * hyph_en.dic). NULL when there is none. */
struct hyphenate *hyphenate_load(const char *lang);
void hyphenate_free(struct hyphenate *h);
/* Sets out[k] = 1 when the word may break after byte k (a hyphen is added).
 * Only words of letters, at least 6 of them, are hyphenated, keeping two
 * letters before a break and three after. Returns the number of points. */
int hyphenate_word(const struct hyphenate *h, const char *word, int len, char *out);

#endif
