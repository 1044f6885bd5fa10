/* paginate: a flow of slabs -> pages. Fills the layout's frames (columns)
 * top to bottom, honouring keep-with-next chains, forced page breaks and
 * repeated table headers; adds outline marks and footers. No PDF here. */
#ifndef HANDOUT_PAGINATE_H
#define HANDOUT_PAGINATE_H

#include "pages.h"

struct arena;
struct diag;
struct flow;
struct fontset;
struct layout;
struct topic_meta;

/* Appends the flow's pages to doc; returns the index of its first page. */
int paginate_flow(struct doc *doc, const struct flow *f, const struct layout *l, struct arena *a);

/* Adds the layout's footer to pages [from, to) of doc, numbered from 1. */
void paginate_footers(struct doc *doc, int from, int to, const struct layout *l, const struct fontset *fs,
                      const struct topic_meta *m, struct arena *a, struct diag *d);

/* Fills doc->info from front matter. */
void paginate_info(struct doc *doc, const struct topic_meta *m, struct arena *a);

#endif
