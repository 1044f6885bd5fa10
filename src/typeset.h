/* typeset: a topic + layout + fonts -> a flow of slabs, each a horizontal
 * strip of known height that cannot be split (a line of text, a table row,
 * an image, a rule) or a vertical space. Knows nothing of PDF or of pages. */
#ifndef HANDOUT_TYPESET_H
#define HANDOUT_TYPESET_H
#include <stdbool.h>

#include "layout.h"
#include "linebreak.h"

struct arena;
struct diag;
struct fontset;
struct page_item;
struct topic;

/* Fields ordered to take 64 bytes, no padding: there is one a line. */
struct flow_slab {
    double height;
    /* Items in slab coordinates: x from the frame's left edge, y down from
     * the slab's top (TEXT: baseline; RECT, IMAGE, LINK: top edge). */
    struct page_item *items, *items_tail;
    const char *mark_title;
    struct flow_slab *repeat_header; /* table rows: header row to repeat after a break */
    struct flow_slab *next;
    int para_line, para_lines; /* text lines: line (from 1) of its paragraph and how many; else 0 */
    short mark_level;       /* > 0: a heading, for the outline */
    bool is_space;          /* vertical space: dropped at the top of a frame */
    bool page_break;        /* start a new page before this slab */
    bool keep_with_next;    /* no page or column break after this slab */
    bool repeated;          /* some slab's repeat_header (set by paginate_flow) */
    bool forced_end;        /* the line ends at a hard line break */
};

struct flow {
    struct flow_slab *first, *last;
    double width;           /* the column width it was set for */
};

struct typeset_options {
    enum linebreak_mode line_breaking;
};

/* Returns 0, or -1 when an error in d means no document should be made.
 * Warnings (raw HTML, missing glyphs, ...) are added to d. */
int typeset_topic(const struct topic *t, const struct layout *l, const struct fontset *fs,
                  const struct typeset_options *opt, struct arena *a, struct diag *d,
                  struct flow *out);

/* One line of plain text in an element's style, with font fallback: a chain
 * of TEXT items at baseline 0 from x 0, and its width. For footers, covers. */

struct page_item *typeset_text_line(const struct layout *l, const struct fontset *fs, enum layout_element el,
                                    const char *text, struct arena *a, struct diag *d, double *width);

/* A cover page (booklet, tri-fold front panel) or the tri-fold back panel:
 * an optional logo, title, subtitle, organisation, date, then extra lines. */
struct typeset_cover {
    const char *title, *subtitle, *organisation, *date;
    const char *logo;            /* image path or NULL */
    const char *logo_file;       /* where the logo was named, for errors */
    int logo_line;
    const char *const *lines;
    int line_count;
};
int typeset_cover(const struct typeset_cover *c, const struct layout *l, const struct fontset *fs,
                  struct arena *a, struct diag *d, struct flow *out);

/* A contents page: each title, dot leaders, its page number; each entry is a
 * link to dest_page (an index the caller fixes up after pagination). */
struct typeset_contents_entry {
    const char *title;
    int page_number;
    int dest_page;
};
int typeset_contents(const struct typeset_contents_entry *e, int n, const char *heading, const struct layout *l,
                     const struct fontset *fs, struct arena *a, struct diag *d, struct flow *out);

/* "2026-03-01" -> "1 March 2026" (the input when it is not such a date). */
const char *typeset_human_date(struct arena *a, const char *iso);

#endif
