/* impose: logical pages -> physical sheet sides. Pure geometry on the page
 * list: items move with their page and internal links follow it; bookmarks
 * are dropped (a print file's sheets are not in reading order). */
#ifndef HANDOUT_IMPOSE_H
#define HANDOUT_IMPOSE_H

#include "pages.h"

struct arena;

/* Sheet sides in printing order; -1 is a blank page. `order` gets
 * sides * per_side entries, left to right. Returns the number of sides. */
int impose_saddle_order(int pages, int *order, int cap);   /* 2 a side */
int impose_trifold_order(int pages, int *order, int cap);  /* 3 a side; pages <= 6 */

/* Places the logical pages of `in` onto sheets of sheet_w x sheet_h, `per_side`
 * pages across, in `order` (from the functions above). creep (pt) moves the
 * content of inner sheets toward the fold, by creep for each sheet further
 * in, so that the trimmed booklet keeps even margins. */
void impose_doc(const struct doc *in, struct doc *out, const int *order, int sides, int per_side,
                double sheet_w, double sheet_h, double creep, struct arena *a);

#endif
