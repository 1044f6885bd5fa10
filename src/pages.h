/* pages: the page list, the plain data that paginate gives and pdf draws.
 * Coordinates are PDF points, origin at the bottom-left of the page, y up.
 * Inside a flow slab (typeset's output) the same items use x from the frame's
 * left edge and y downwards from the slab's top; paginate translates them. */
#ifndef HANDOUT_PAGES_H
#define HANDOUT_PAGES_H
#include <stdint.h>
#include <stdio.h>

enum page_item_kind {
    PAGE_TEXT,   /* one run: one face, one size, one colour */
    PAGE_RECT,   /* filled and/or stroked rectangle */
    PAGE_LINE,   /* straight stroked line */
    PAGE_IMAGE,  /* PNG or JPEG file scaled into a box */
    PAGE_LINK,   /* clickable area: a URI, or a page inside the document */
};

#define PAGE_NO_COLOR 0xFFFFFFFFu /* rgb as 0xRRGGBB; this means "none" */

/* Laid out to take 80 bytes (no padding; one union): a booklet has an item
 * or more a line, and all of them stay in memory until it is written. */
struct page_item {
    struct page_item *next;
    const char *text;     /* TEXT: UTF-8; IMAGE: file path; LINK: URI or NULL */
    double x, y;          /* TEXT: baseline start; others: bottom-left (top-left in a slab) */
    double w, h;          /* TEXT: advance width, h unused; LINE: to (x+w, y+h) */
    union {               /* no kind has more than one of these */
        double size;      /* TEXT: font size in pt */
        double line_width; /* RECT/LINE */
        double dest_y;    /* LINK: target y on that page */
    };
    enum page_item_kind kind;
    uint32_t fill;        /* TEXT: text colour; RECT: fill or PAGE_NO_COLOR */
    uint32_t stroke;      /* RECT/LINE: stroke colour or PAGE_NO_COLOR */
    int face;             /* TEXT: fontset face index */
    int dest_page;        /* LINK with text==NULL: 0-based target page */
};

/* A bookmark: a heading's title and where it is. */
struct page_mark {
    int level;            /* 1 = top */
    const char *title;    /* UTF-8 */
    double y;             /* top of the heading on its page */
    struct page_mark *next;
};

struct page {
    double width, height;
    struct page_item *items, *items_tail; /* drawn in order */
    struct page_mark *marks, *marks_tail;
};

/* A page label range: from page `first` on, labels are style + number. */
enum page_label_style { LABEL_DECIMAL, LABEL_ROMAN_LOWER };
struct page_label {
    int first;
    enum page_label_style style;
    int start;
};

struct doc_info {
    const char *title, *author, *subject, *keywords, *lang;
    const char *date;     /* "YYYY-MM-DD" or NULL: creation date */
};

struct doc {
    struct doc_info info;
    struct page *pages;
    int page_count, page_cap;
    struct page_label *labels;
    int label_count;
};

struct arena;
struct page_item *page_item_new(struct arena *a, enum page_item_kind kind);
void page_append(struct page *p, struct page_item *it);
/* Appends it to the list from *head to *tail (both NULL when empty). */
void page_items_append(struct page_item **head, struct page_item **tail, struct page_item *it);
void page_add_mark(struct arena *a, struct page *p, int level,
                   const char *title, double y);
/* A readable, stable text dump of the whole document (for golden tests). */
void pages_dump(const struct doc *d, const char *const *face_names, FILE *out);

#endif
