/* booklet: many topics -> one document: a cover, a contents page with page
 * numbers and links, then each topic from a new (right-hand, when printed
 * double-sided) page, with running headers, page labels (i, ii, then 1, 2,
 * ...) and bookmarks booklet -> topic -> headings. */
#ifndef HANDOUT_BOOKLET_H
#define HANDOUT_BOOKLET_H

#include "pages.h"
#include "source.h"
#include "typeset.h"

struct arena;
struct diag;
struct fontset;
struct layout;
struct leaflet_options;

struct booklet_info {
    const char *title, *subtitle, *organisation, *date;
    const char *logo, *logo_file; /* logo path; the file that named it */
    int logo_line;
};

/* A topic of a booklet: its source and its text, set for the booklet. */
struct booklet_topic {
    struct topic topic;
    struct flow flow;
};

/* Sets t->topic into t->flow for a booklet in layout l. Topics are
 * independent: each can be set on its own thread, as soon as it is parsed.
 * Returns 0, or -1 with errors in d. */
int booklet_set_topic(struct booklet_topic *t, const struct layout *l, const struct fontset *fs,
                      const struct leaflet_options *o, struct arena *a, struct diag *d);

/* Sorts topics by front matter `order` (topics without one last), then by
 * file name: the order of a booklet made from a folder. */
void booklet_sort(struct booklet_topic *topics, int n);

/* The booklet of topics set with booklet_set_topic, in that order: their
 * flows' items move onto its pages (paginate_flow), so a must be, or own,
 * the arenas they were set in. Returns 0, or -1 with errors in d. */
int booklet_build(struct booklet_topic *topics, int n, const struct booklet_info *info,
                  const struct layout *l, const struct fontset *fs, const struct leaflet_options *o,
                  struct arena *a, struct diag *d, struct doc *out);

#endif
