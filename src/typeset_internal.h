/* typeset_internal: what the typeset_*.c files share and nothing else uses:
 * the typesetter's state and the helpers each file gives the others.
 * Everything here is named ts_ (or is a type), so it cannot clash at link
 * time with another module. */
#ifndef HANDOUT_TYPESET_INTERNAL_H
#define HANDOUT_TYPESET_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "breakrules.h"
#include "fontset.h"
#include "layout.h"
#include "linebreak.h"
#include "typeset.h"

struct cmark_node;
struct hyphenate;

/* A style for inline text: an element's style as changed by emphasis,
 * links, code spans and the like. */
struct istyle {
    enum layout_family family;
    bool bold, italic, strike, super;
    double size;
    uint32_t color;
    const char *link;   /* URI or NULL */
};

/* A vertical box being laid out: where content goes inside the frame. */
struct container {
    double left, right;   /* from the frame's left edge */
    uint32_t fill, bar;   /* PAGE_NO_COLOR for none */
    double bar_width;
};

enum { MAX_CONTAINERS = 64, MAX_DEPTH = 200 };

struct frag;

/* The arrays a paragraph grows (see struct para), kept from one paragraph
 * to the next: growing new ones for each of thousands of paragraphs cost
 * more in malloc, realloc and free than setting a short one. */
struct para_arrays {
    struct frag *frags;
    int fcap;
    struct lb_item *items;
    int *item_frag;
    int *breaks;
    int icap;
    char *run_buf;
    size_t run_cap;
};

struct ts {
    const struct topic *topic;
    const struct layout *l;
    const struct fontset *fs;
    const struct typeset_options *opt;
    struct arena *a;
    struct diag *d;
    struct flow *flow;
    struct container stack[MAX_CONTAINERS];
    int depth;                  /* containers in use */
    double x, w;                /* current content box */
    double pending_space;       /* collapsed space before the next slab */
    const char *marker;         /* list marker waiting for its first line */
    struct istyle marker_style;
    int marker_task;            /* 0 none, 1 unchecked box, 2 checked box */
    double marker_width;        /* space the marker hangs into */
    bool keep_group;            /* every slab keeps with the next (short lists, alerts) */
    int line;                   /* source line of the block being set */
    uint32_t warned_cp[64];     /* missing code points already reported */
    int warned_count;
    int nest;                   /* block nesting, bounded to keep the stack small */
    int skipped;                /* containers not pushed: the stack was full */
    double min_size;            /* no text smaller (large print: 16 pt) */
    struct hyphenate *hyph;     /* NULL: no hyphenation */
    /* ts_face_for's answer for each ASCII character in each face, + 2
     * (0: not asked yet): most text is ASCII, and the lookup through the
     * fallback faces cost more than the rest of placing a character. */
    signed char ascii_face[LAYOUT_FACE_COUNT][128];
    const float *latin[LAYOUT_FACE_COUNT]; /* fontset_latin of each face, for ts_advance */
    struct para_arrays spare;   /* for the next paragraph; freed by ts_done */
};

/* The height of the body frame, in pt. */
static inline double ts_frame_height(const struct layout *l)
{
    return l->paper_h - l->margin_top - l->margin_bottom;
}

/* An image's natural size in pt: 96 pixels to the inch. */
static inline double ts_px_to_pt(int px)
{
    return px * 72.0 / 96.0;
}

/* ---- typeset_face.c: which face sets each character ------------------ */

double ts_width(struct ts *ts, int face, const char *s, int len, double size);
/* The face of a style; inline, as it runs for every space. */
static inline int ts_face_of(const struct istyle *st)
{
    bool bold = st->bold, italic = st->italic;
    int v = bold && italic ? VARIANT_BOLD_ITALIC : bold ? VARIANT_BOLD : italic ? VARIANT_ITALIC : VARIANT_REGULAR;
    return LAYOUT_FACE(st->family, v);
}
struct istyle ts_style_of(struct ts *ts, enum layout_element el);
/* The face that has cp: the given one, then the fallbacks; -1 for none. */
int ts_face_lookup(struct ts *ts, int face, uint32_t cp);

/* Inline, as both run for every character of the text. */
static inline uint32_t ts_utf8_next(const char **p, const char *end)
{
    const unsigned char *s = (const unsigned char *)*p;
    uint32_t cp = *s++;
    if (cp >= 0x80) {
        int extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : 1;
        cp &= 0x3F >> extra;
        while (extra-- && (const char *)s < end)
            cp = (cp << 6) | (*s++ & 0x3F);
    }
    *p = (const char *)s;
    return cp;
}

/* ts_face_lookup, remembered for ASCII. */
static inline int ts_face_for(struct ts *ts, int face, uint32_t cp)
{
    if (cp >= 128)
        return ts_face_lookup(ts, face, cp);
    signed char *known = &ts->ascii_face[face][cp];
    if (!*known)
        *known = (signed char)(ts_face_lookup(ts, face, cp) + 2);
    return *known - 2;
}
/* fontset_advance, read from the face's table for Latin text: widths are
 * summed a character at a time as the text is read, not measured again. */
static inline double ts_advance(const struct ts *ts, int face, uint32_t cp)
{
    if (cp < FONTSET_LATIN) {
        float a = ts->latin[face][cp];
        return a < 0 ? 0 : a;
    }
    return fontset_advance(ts->fs, face, cp);
}
/* Warns once per code point that no font has it. */
void ts_warn_missing(struct ts *ts, uint32_t cp);

/* ---- typeset_flow.c: slabs, vertical space, containers --------------- */

/* Starts the state for setting into out (emptied, one column wide). */
void ts_init(struct ts *ts, const struct topic *t, const struct layout *l, const struct fontset *fs,
             const struct typeset_options *opt, struct arena *a, struct diag *d, struct flow *out);
struct flow_slab *ts_slab_new(struct ts *ts, double height);
void ts_slab_add(struct flow_slab *s, struct page_item *it);
struct page_item *ts_add_rect(struct ts *ts, struct flow_slab *s, double x, double y, double w, double h,
                              uint32_t fill, uint32_t stroke, double lw);
void ts_add_line(struct ts *ts, struct flow_slab *s, double x, double y, double w, double h, uint32_t color,
                 double lw);
/* A slab of the given height with a horizontal line across its middle,
 * from the content box's left edge; kept with the next slab when keep. */
void ts_emit_rule(struct ts *ts, double height, double width, uint32_t color, double lw, bool keep);
/* Appends a slab to the flow as it is (no pending space, no backgrounds). */
void ts_flow_push(struct ts *ts, struct flow_slab *s);
void ts_emit_pending_space(struct ts *ts);
/* Asks for at least h of space before the next slab (spaces collapse). */
void ts_space(struct ts *ts, double h);
/* Appends a slab after any pending space, with the containers' backgrounds. */
void ts_emit(struct ts *ts, struct flow_slab *s);
void ts_push_container(struct ts *ts, double indent_left, double indent_right, uint32_t fill, uint32_t bar,
                       double bar_width);
void ts_pop_container(struct ts *ts, double saved_x, double saved_w);

/* ---- typeset_para.c: words -> break points -> line slabs ------------- */

/* A paragraph being collected: styled fragments grouped into line-breaking
 * items, then set as line slabs by ts_para_set. */
struct para {
    struct ts *ts;
    struct frag *frags;
    int nfrags, fcap;
    struct lb_item *items;
    int *item_frag;         /* first frag of each item; frags of item i: [item_frag[i], item_frag[i+1]) */
    int *breaks;            /* room for linebreak's answer: icap + 1 entries, like item_frag */
    int nitems, icap;
    int word_start;         /* first frag of the word being collected */
    int prev_word_start, prev_word_end; /* the previous word, for break rules */
    struct breakrules_word prev_word;
    bool prev_in_place;     /* prev_word's text is the fragments' own (see word_text) */
    bool had_glue;
    double kept_width;      /* the previous word with those kept to it by break rules */
    double width;           /* line width */
    bool hyphenate;         /* body text only: never headings, code, large print */
    double max_size;        /* largest size of the frags not raised: no taller line otherwise */
    const char *run_text;   /* text of the run being set: in place, or run_buf */
    char *run_buf;
    size_t run_len, run_cap;
};

/* Starts a paragraph with the arrays the last one freed, if any. */
void ts_para_init(struct para *p, struct ts *ts, double width);
/* Keeps the paragraph's arrays for the next one (or frees them, when one
 * is kept already). */
void ts_para_free(struct para *p);
/* Frees what ts keeps between paragraphs: call when done with ts. */
void ts_done(struct ts *ts);
/* Adds text in a style, choosing a face per character, splitting words at
 * spaces. The text must stay as it is until ts_para_set. */
void ts_para_text(struct para *p, const struct istyle *st, const char *text, size_t len);
/* A breakable space (the character at `at`) in a style. */
void ts_para_space(struct para *p, const struct istyle *st, const char *at);
void ts_para_hard_break(struct para *p);
/* Natural (all on one line) and minimum (widest unbreakable piece) width. */
void ts_para_widths(struct para *p, double *natural, double *minimum);
/* Sets the collected items into line slabs of the given style. */
void ts_para_set(struct para *p, const struct layout_style *ls);
/* Whether the element's text is hyphenated (when hyphenation is on at all). */
bool ts_hyphenated(const struct ts *ts, enum layout_element el);
/* Plain text in a style, set as lines of the element el. */
void ts_set_text(struct ts *ts, enum layout_element el, const struct istyle *st, const char *text);
/* The same in the element's own style, then its space after. */
void ts_set_line(struct ts *ts, enum layout_element el, const char *text);

/* ---- typeset_inline.c: Markdown inlines -> styled text --------------- */

void ts_collect_inlines(struct para *p, struct cmark_node *n, struct istyle st);
/* A node's inlines set as lines of the element el. */
void ts_set_inline_block(struct ts *ts, struct cmark_node *n, enum layout_element el);
void ts_warn_html(struct ts *ts, struct cmark_node *n);

/* ---- typeset_code.c, typeset_table.c --------------------------------- */

/* A code block (or raw HTML printed as code) whose text starts at line. */
void ts_set_code(struct ts *ts, const char *text, int line);
void ts_set_table(struct ts *ts, struct cmark_node *table);

#endif
