/* layout: paper, frames and text styles. Built-in defaults (clear print on
 * A4) that a layout file may override, and the large-print rules. */
#ifndef HANDOUT_LAYOUT_H
#define HANDOUT_LAYOUT_H
#include <stdbool.h>
#include <stdint.h>

struct diag;
struct arena;

/* Font faces: family * 4 + variant; the fontset loads them in this order. */
enum layout_family { FAMILY_BODY, FAMILY_HEADING, FAMILY_CODE, FAMILY_FALLBACK, FAMILY_COUNT };
enum layout_variant { VARIANT_REGULAR, VARIANT_BOLD, VARIANT_ITALIC, VARIANT_BOLD_ITALIC, VARIANT_COUNT };
#define LAYOUT_FACE(family, variant) ((family) * VARIANT_COUNT + (variant))
#define LAYOUT_FACE_COUNT (FAMILY_COUNT * VARIANT_COUNT)

struct layout_style {
    enum layout_family family;
    double size;          /* pt */
    double leading;       /* line height as a multiple of size */
    bool bold, italic;
    uint32_t color;       /* 0xRRGGBB */
    double space_before, space_after; /* pt */
};

enum layout_element {
    EL_BODY, EL_H1, EL_H2, EL_H3, EL_H4, EL_H5, EL_H6,
    EL_TITLE, EL_SUBTITLE, EL_META,  /* the title block on page 1 */
    EL_CODE,                         /* code blocks; inline code uses its face at body size */
    EL_TABLE, EL_TABLE_HEADER,
    EL_FOOTNOTE, EL_FOOTER, EL_ALERT_LABEL,
    EL_COUNT
};

enum layout_impose {
    IMPOSE_NONE,     /* one logical page per sheet */
    IMPOSE_TRIFOLD,  /* six panels onto both sides of one landscape sheet */
    IMPOSE_SADDLE,   /* booklet: two pages a side, folded and stapled */
};

enum layout_alert { ALERT_NOTE, ALERT_TIP, ALERT_IMPORTANT, ALERT_WARNING, ALERT_CAUTION, ALERT_COUNT };

struct layout {
    const char *name, *description, *file;
    double paper_w, paper_h;              /* pt */
    double margin_top, margin_right, margin_bottom, margin_left;
    int columns;
    double gutter;
    const char *face_path[LAYOUT_FACE_COUNT];
    struct layout_style style[EL_COUNT];
    double list_indent;                   /* pt per nesting level */
    double block_indent;                  /* block quotes and alerts: inner padding */
    double paragraph_space;               /* pt between blocks */
    uint32_t link_color, rule_color, quote_bar_color, code_background;
    uint32_t table_border_color, table_header_background;
    uint32_t alert_tint[ALERT_COUNT], alert_accent[ALERT_COUNT];
    const char *footer_left, *footer_right; /* templates: {title} {id} {version} {review} {page} {pages} */
    double footer_gap;                    /* pt between body frame and footer baseline */
    bool show_title_block;
    bool large_print;                     /* italics become bold, no hyphenation, keep units together */
    int widows, orphans;                  /* minimum lines kept at a page's head and foot */
    bool hyphenate;
    enum layout_impose impose;
    double sheet_w, sheet_h;              /* physical sheet when imposed (pt) */
    bool cover_page;                      /* title block on a page of its own (tri-fold front panel) */
    bool back_page;                       /* id, version, review, contact on the last page (tri-fold back) */
    int max_pages;                        /* 0: any number; tri-fold: 6 */
    bool double_sided;                    /* booklet topics start on a right-hand page */
};

/* The base every layout file starts from: A4 portrait, 12 pt body, 20 mm
 * margins. The shipped a4 layout sets a 14 pt body on a narrower measure. */
void layout_default(struct layout *l, const char *fonts_dir, struct arena *a);
/* Raises every size to the UK large-print minimums (body 18, nothing < 16,
 * leading >= 1.5, no italics, single column). */
void layout_apply_large_print(struct layout *l);
/* Width of one column of the body frame, in pt. */
double layout_column_width(const struct layout *l);

#endif
