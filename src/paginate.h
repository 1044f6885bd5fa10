/* paginate: a flow of slabs -> pages. Fills the layout's frames (columns)
 * top to bottom, honouring keep-with-next chains, forced page breaks and
 * repeated table headers; adds outline marks and footers. No PDF here. */
#ifndef HANDOUT_PAGINATE_H
#define HANDOUT_PAGINATE_H

#include <stdbool.h>

#include "pages.h"

struct arena;
struct diag;
struct flow;
struct fontset;
struct layout;
struct topic_meta;

/* Appends the flow's pages to doc; returns the index of its first page.
 * The slabs' items move onto the pages (those of a repeated table header
 * are copied): the flow is left without items. */
int paginate_flow(struct doc *doc, struct flow *f, const struct layout *l, struct arena *a);

/* What a footer or header shows: fields for the templates, and numbering. */
struct paginate_fields {
    const char *title, *id, *version, *review; /* review: YYYY-MM-DD */
    int first_number;       /* number of the first page in the range */
    int total;              /* {pages} */
    bool roman;             /* i, ii, iii */
    const char *left, *right; /* templates; NULL: the layout's footer */
};

/* Fields of a topic, numbered 1..total over pages [from, to). */
struct paginate_fields paginate_topic_fields(const struct topic_meta *m, int from, int to);

/* Adds a footer to pages [from, to) of doc. */
void paginate_footers(struct doc *doc, int from, int to, const struct layout *l, const struct fontset *fs,
                      const struct paginate_fields *f, struct arena *a, struct diag *d);

/* Adds a running header (e.g. the topic title) to pages [from, to). */
void paginate_header(struct doc *doc, int from, int to, const struct layout *l, const struct fontset *fs,
                     const char *text, struct arena *a, struct diag *d);

/* Appends an empty page. */
void paginate_blank(struct doc *doc, const struct layout *l, struct arena *a);

/* Fills doc->info from front matter. */
void paginate_info(struct doc *doc, const struct topic_meta *m, struct arena *a);

#endif
