#include "hyphenate.h"

#include <ctype.h>
#include <hyphen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hyphenate {
    HyphenDict *dict;
};

static const char *const dict_dir = "/usr/share/hyphen";

struct hyphenate *hyphenate_load(const char *lang)
{
    char tag[32], path[128];
    snprintf(tag, sizeof tag, "%s", lang ? lang : "en");
    for (char *p = tag; *p; p++)
        if (*p == '-')
            *p = '_';
    HyphenDict *dict = NULL;
    /* "en_GB", then the language alone ("en"). */
    for (int attempt = 0; attempt < 2 && !dict; attempt++) {
        if (attempt == 1) {
            char *u = strchr(tag, '_');
            if (!u)
                break;
            *u = '\0';
        }
        snprintf(path, sizeof path, "%s/hyph_%s.dic", dict_dir, tag);
        FILE *f = fopen(path, "r");
        if (f) {
            fclose(f);
            dict = hnj_hyphen_load(path);
        }
    }
    if (!dict)
        return NULL;
    struct hyphenate *h = malloc(sizeof *h);
    if (!h) {
        hnj_hyphen_free(dict);
        return NULL;
    }
    h->dict = dict;
    return h;
}

void hyphenate_free(struct hyphenate *h)
{
    if (!h)
        return;
    hnj_hyphen_free(h->dict);
    free(h);
}

int hyphenate_word(const struct hyphenate *h, const char *word, int len, char *out)
{
    memset(out, 0, (size_t)len);
    int letters = 0;
    for (int i = 0; i < len; i++) {
        unsigned char c = (unsigned char)word[i];
        if (c < 0x80 && !isalpha(c))
            return 0; /* digits, punctuation: not a plain word */
        letters += (c & 0xC0) != 0x80;
    }
    if (letters < 6 || len > 120)
        return 0;
    char lower[128], hyphens[128 + 5];
    for (int i = 0; i < len; i++)
        lower[i] = (char)tolower((unsigned char)word[i]);
    lower[len] = '\0';
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    if (hnj_hyphen_hyphenate3(h->dict, lower, len, hyphens, NULL, &rep, &pos, &cut, 2, 3, 2, 3) != 0)
        return 0;
    int count = 0;
    for (int i = 0; i < len - 1; i++) {
        /* Odd values mark points; keep only those between whole characters,
         * and no non-standard (replacement) hyphenation. */
        if ((hyphens[i] & 1) && (rep == NULL || rep[i] == NULL) && ((unsigned char)word[i + 1] & 0xC0) != 0x80) {
            out[i] = 1;
            count++;
        }
    }
    if (rep) {
        for (int i = 0; i < len; i++)
            free(rep[i]);
        free(rep);
        free(pos);
        free(cut);
    }
    return count;
}
