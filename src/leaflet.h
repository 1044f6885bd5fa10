/* leaflet: one topic -> its finished page list: laid out, with cover and
 * back panels when the layout has them, footers, document information, and
 * imposed onto sheets when the layout prints that way. */
#ifndef HANDOUT_LEAFLET_H
#define HANDOUT_LEAFLET_H

#include "linebreak.h"
#include "pages.h"

struct arena;
struct diag;
struct fontset;
struct layout;
struct topic;

struct leaflet_options {
    enum linebreak_mode line_breaking;
    double creep;           /* pt, saddle stitching only */
    bool no_impose;         /* logical pages, even if the layout imposes */
};

/* Returns 0, or -1 with errors in d. */
int leaflet_build(const struct topic *t, const struct layout *l, const struct fontset *fs,
                  const struct leaflet_options *o, struct arena *a, struct diag *d, struct doc *out);

/* Imposes doc onto the layout's sheets in place (no-op for IMPOSE_NONE). */
int leaflet_impose(struct doc *doc, const struct layout *l, double creep, struct arena *a, struct diag *d,
                   const char *file);

#endif
