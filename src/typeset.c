#include "typeset.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "breakrules.h"
#include "diag.h"
#include "fontset.h"
#include "hyphenate.h"
#include "image.h"
#include "layout.h"
#include "pages.h"
#include "source.h"

/* ---- inline text: styled fragments ---------------------------------- */

struct istyle {
    enum layout_family family;
    bool bold, italic, strike, super;
    double size;
    uint32_t color;
    const char *link;   /* URI or NULL */
};

/* A piece of text in one face; a word is one or more of these. */
struct frag {
    int face;
    double size, rise, width;
    uint32_t color;
    const char *text;
    int len;
    const char *link;
    bool strike;
};

/* A vertical box being laid out: where content goes inside the frame. */
struct container {
    double left, right;   /* from the frame's left edge */
    uint32_t fill, bar;   /* PAGE_NO_COLOR for none */
    double bar_width;
};

enum { MAX_CONTAINERS = 64, MAX_DEPTH = 200 };

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
};

static double fs_width(struct ts *ts, int face, const char *s, int len, double size)
{
    return fontset_width(ts->fs, face, s, len) * size;
}

static int face_of(const struct istyle *st)
{
    bool bold = st->bold, italic = st->italic;
    int v = bold && italic ? VARIANT_BOLD_ITALIC : bold ? VARIANT_BOLD : italic ? VARIANT_ITALIC : VARIANT_REGULAR;
    return LAYOUT_FACE(st->family, v);
}

static struct istyle style_of(struct ts *ts, enum layout_element el)
{
    const struct layout_style *s = &ts->l->style[el];
    return (struct istyle){.family = s->family, .bold = s->bold, .italic = s->italic,
                           .size = s->size, .color = s->color};
}

static uint32_t utf8_next(const char **p, const char *end)
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

/* The face that has this character: the style's own, then the fallbacks. */
static int face_for(struct ts *ts, int face, uint32_t cp)
{
    if (cp < 0x10000 && fontset_has(ts->fs, face, cp))
        return face;
    int variant = face % VARIANT_COUNT;
    const int fallbacks[] = {LAYOUT_FACE(FAMILY_FALLBACK, variant), LAYOUT_FACE(FAMILY_FALLBACK, VARIANT_REGULAR),
                             LAYOUT_FACE(FAMILY_CODE, VARIANT_REGULAR)};
    for (size_t i = 0; i < sizeof fallbacks / sizeof fallbacks[0]; i++)
        if (cp < 0x10000 && fontset_has(ts->fs, fallbacks[i], cp))
            return fallbacks[i];
    return -1;
}

static void warn_missing(struct ts *ts, uint32_t cp)
{
    for (int i = 0; i < ts->warned_count; i++)
        if (ts->warned_cp[i] == cp)
            return;
    if (ts->warned_count < 64)
        ts->warned_cp[ts->warned_count++] = cp;
    diag_add(ts->d, DIAG_WARNING, ts->topic->path, ts->line, 1,
             "no font has the character U+%04X; it is printed as '?'", (unsigned)cp);
}

/* ---- slabs ----------------------------------------------------------- */

static struct flow_slab *slab_new(struct ts *ts, double height)
{
    struct flow_slab *s = arena_alloc(ts->a, sizeof *s);
    s->height = height;
    s->keep_with_next = ts->keep_group;
    return s;
}

static void slab_add(struct flow_slab *s, struct page_item *it)
{
    it->next = NULL;
    if (s->items_tail)
        s->items_tail->next = it;
    else
        s->items = it;
    s->items_tail = it;
}

static struct page_item *add_rect(struct ts *ts, struct flow_slab *s, double x, double y, double w, double h,
                                  uint32_t fill, uint32_t stroke, double lw)
{
    struct page_item *it = page_item_new(ts->a, PAGE_RECT);
    it->x = x, it->y = y, it->w = w, it->h = h;
    it->fill = fill, it->stroke = stroke, it->line_width = lw;
    slab_add(s, it);
    return it;
}

static void add_line(struct ts *ts, struct flow_slab *s, double x, double y, double w, double h,
                     uint32_t color, double lw)
{
    struct page_item *it = page_item_new(ts->a, PAGE_LINE);
    it->x = x, it->y = y, it->w = w, it->h = h;
    it->stroke = color, it->line_width = lw;
    slab_add(s, it);
}

/* Puts the containers' backgrounds behind the slab's content. */
static void slab_backgrounds(struct ts *ts, struct flow_slab *s)
{
    struct page_item *head = NULL, *tail = NULL;
    for (int i = 0; i < ts->depth; i++) {
        const struct container *c = &ts->stack[i];
        for (int k = 0; k < 2; k++) {
            uint32_t color = k == 0 ? c->fill : c->bar;
            if (color == PAGE_NO_COLOR)
                continue;
            struct page_item *it = page_item_new(ts->a, PAGE_RECT);
            it->x = c->left;
            it->w = k == 0 ? c->right - c->left : c->bar_width;
            it->h = s->height;
            it->fill = color;
            if (tail)
                tail->next = it;
            else
                head = it;
            tail = it;
        }
    }
    if (!head)
        return;
    tail->next = s->items;
    s->items = head;
    if (!s->items_tail)
        s->items_tail = tail;
}

static void flow_push(struct ts *ts, struct flow_slab *s)
{
    struct flow *f = ts->flow;
    if (f->last)
        f->last->next = s;
    else
        f->first = s;
    f->last = s;
}

static void emit_pending_space(struct ts *ts)
{
    if (ts->pending_space <= 0)
        return;
    struct flow_slab *s = slab_new(ts, ts->pending_space);
    s->is_space = true;
    /* A space after a slab that keeps with the next keeps too (heading -> text). */
    if (ts->flow->last && ts->flow->last->keep_with_next)
        s->keep_with_next = true;
    slab_backgrounds(ts, s);
    flow_push(ts, s);
    ts->pending_space = 0;
}

static void space(struct ts *ts, double h)
{
    if (h > ts->pending_space)
        ts->pending_space = h;
}

static void emit(struct ts *ts, struct flow_slab *s)
{
    emit_pending_space(ts);
    slab_backgrounds(ts, s);
    flow_push(ts, s);
}

static void push_container(struct ts *ts, double indent_left, double indent_right, uint32_t fill, uint32_t bar,
                           double bar_width)
{
    emit_pending_space(ts);
    if (ts->depth == MAX_CONTAINERS) {
        ts->skipped++; /* so that pop_container stays paired */
        return;
    }
    ts->stack[ts->depth++] = (struct container){ts->x, ts->x + ts->w, fill, bar, bar_width};
    /* Deep nesting stops indenting while a third of the column is left:
     * text must never be pushed off the page. */
    if (ts->w - indent_left - indent_right < layout_column_width(ts->l) / 3)
        indent_left = indent_right = 0;
    ts->x += indent_left;
    ts->w -= indent_left + indent_right;
}

static void pop_container(struct ts *ts, double saved_x, double saved_w)
{
    ts->pending_space = 0; /* the container's own padding ends it */
    if (ts->skipped > 0)
        ts->skipped--;
    else if (ts->depth > 0)
        ts->depth--;
    ts->x = saved_x;
    ts->w = saved_w;
}

/* ---- paragraphs: inline content -> lines ----------------------------- */

struct para {
    struct ts *ts;
    struct frag *frags;
    int nfrags, fcap;
    struct lb_item *items;
    int *item_frag;         /* first frag of each item; frags of item i: [item_frag[i], item_frag[i+1]) */
    int nitems, icap;
    int word_start;         /* first frag of the word being collected */
    char *word_text;        /* the previous and current word, for break rules */
    int prev_word_start, prev_word_end;
    bool had_glue;
    double kept_width;      /* the previous word with those kept to it by break rules */
    double width;           /* line width */
    bool hyphenate;         /* body text only: never headings, code, large print */
    char *run_buf;          /* text of the run being set */
    size_t run_len, run_cap;
};

static void para_frag(struct para *p, const struct istyle *st, int face, const char *text, int len)
{
    if (len <= 0)
        return;
    struct ts *ts = p->ts;
    if (p->nfrags == p->fcap) {
        int cap = p->fcap ? p->fcap * 2 : 64;
        struct frag *grown = realloc(p->frags, (size_t)cap * sizeof *grown);
        if (!grown)
            return;
        p->frags = grown;
        p->fcap = cap;
    }
    double size = st->super ? fmax(st->size * 0.65, ts->min_size) : st->size;
    /* Join with the previous fragment of the same word when nothing differs. */
    if (p->nfrags > p->word_start) {
        struct frag *last = &p->frags[p->nfrags - 1];
        if (last->face == face && last->size == size && last->color == st->color && last->link == st->link &&
            last->strike == st->strike && last->text + last->len == text) {
            last->len += len;
            last->width += fs_width(ts, face, text, len, size);
            return;
        }
    }
    p->frags[p->nfrags++] = (struct frag){
        .face = face, .size = size, .rise = st->super ? st->size * 0.35 : 0,
        .width = fs_width(ts, face, text, len, size), .color = st->color, .text = text, .len = len,
        .link = st->link, .strike = st->strike,
    };
}

static void para_item(struct para *p, enum lb_kind kind, double width, int penalty, int frag_start)
{
    if (p->nitems + 1 >= p->icap) {
        int cap = p->icap ? p->icap * 2 : 64;
        struct lb_item *items = realloc(p->items, (size_t)cap * sizeof *items);
        int *map = items ? realloc(p->item_frag, (size_t)(cap + 1) * sizeof *map) : NULL;
        if (items)
            p->items = items;
        if (!map)
            return;
        p->item_frag = map;
        p->icap = cap;
    }
    p->items[p->nitems] = (struct lb_item){.kind = kind, .width = width, .penalty = penalty};
    p->item_frag[p->nitems++] = frag_start;
}

static bool url_like(const char *s, int len)
{
    for (int i = 0; i + 2 < len; i++)
        if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/')
            return true;
    return (len > 4 && strncmp(s, "www.", 4) == 0) || memchr(s, '@', (size_t)len) != NULL;
}

/* Plain text of frags [from, to) into a scratch buffer (for break rules). */
static int word_text(struct para *p, int from, int to, char *buf, int cap)
{
    int n = 0;
    for (int i = from; i < to; i++) {
        int len = p->frags[i].len;
        if (n + len >= cap)
            len = cap - 1 - n;
        memcpy(buf + n, p->frags[i].text, (size_t)len);
        n += len;
    }
    buf[n] = '\0';
    return n;
}

/* Splits fragment i after `bytes` bytes; returns the index of the second part. */
static int split_frag(struct para *p, int i, int bytes)
{
    if (p->nfrags == p->fcap) {
        int cap = p->fcap * 2;
        struct frag *grown = realloc(p->frags, (size_t)cap * sizeof *grown);
        if (!grown)
            return i;
        p->frags = grown;
        p->fcap = cap;
    }
    memmove(&p->frags[i + 2], &p->frags[i + 1], (size_t)(p->nfrags - i - 1) * sizeof *p->frags);
    p->nfrags++;
    struct frag *a = &p->frags[i], *b = &p->frags[i + 1];
    *b = *a;
    a->len = bytes;
    b->text += bytes;
    b->len -= bytes;
    a->width = fs_width(p->ts, a->face, a->text, a->len, a->size);
    /* Widths add up (advances, no kerning): measuring the rest again would
     * make a 1 MB word quadratic, as it is split after every character. */
    b->width = fmax(b->width - a->width, 0);
    return i + 1;
}

/* Ends the word being collected: one box, or several with break points
 * between them (after / . - ? in a URL; anywhere in a word too long for a
 * line, as a last resort). */
static void para_end_word(struct para *p)
{
    int start = p->word_start, end = p->nfrags;
    if (start == end)
        return;
    char buf[256];
    int n = word_text(p, start, end, buf, sizeof buf);
    double width = 0;
    for (int i = start; i < end; i++)
        width += p->frags[i].width;

    /* Glue before this word: breakable unless a rule keeps the two words
     * together, and only while the words so kept still fit on one line. */
    double kept = width;
    if (p->had_glue && p->nitems > 0 && p->items[p->nitems - 1].kind == LB_GLUE) {
        char prev[256];
        int pn = word_text(p, p->prev_word_start, p->prev_word_end, prev, sizeof prev);
        double joined = p->kept_width + p->items[p->nitems - 1].width + width;
        if (joined <= p->width && breakrules_keep_space(prev, (size_t)pn, buf, (size_t)n)) {
            p->items[p->nitems - 1].kind = LB_BOX;
            kept = joined;
        }
    }
    p->kept_width = kept;

    bool url = url_like(buf, n);
    bool too_long = width > p->width;
    /* Hyphenation points of the word's letters (not of its punctuation). */
    char hy[sizeof buf] = {0};
    bool hyph = false;
    if (p->hyphenate && !url && n < (int)sizeof buf - 1) {
        int a = 0, b = n;
        while (a < b && (unsigned char)buf[a] < 0x80 && !isalpha((unsigned char)buf[a]))
            a++;
        while (b > a && (unsigned char)buf[b - 1] < 0x80 && !isalpha((unsigned char)buf[b - 1]))
            b--;
        hyph = hyphenate_word(p->ts->hyph, buf + a, b - a, hy + a) > 0;
    }
    if (!url && !too_long && !hyph) {
        para_item(p, LB_BOX, width, 0, start);
    } else {
        /* Walk code points; cut fragments at each break opportunity. */
        double box = 0;
        int box_start = start, off = 0;
        for (int i = start; i < p->nfrags; i++) {
            const char *s = p->frags[i].text, *e = s + p->frags[i].len;
            const char *q = s;
            while (q < e) {
                const char *cp_start = q;
                uint32_t cp = utf8_next(&q, e);
                box += fs_width(p->ts, p->frags[i].face, cp_start, (int)(q - cp_start), p->frags[i].size);
                off += (int)(q - cp_start);
                bool at_end = q == e && i == p->nfrags - 1;
                bool url_break = url && (cp == '/' || cp == '.' || cp == '-' || cp == '?' || cp == '&' || cp == '@');
                bool hyphen = hyph && off < (int)sizeof hy && hy[off - 1];
                if (at_end || !(url_break || hyphen || too_long))
                    continue;
                int cut = (int)(q - s);
                double hyphen_w = hyphen ? fs_width(p->ts, p->frags[i].face, "-", 1, p->frags[i].size) : 0;
                int next = cut < p->frags[i].len ? split_frag(p, i, cut) : i + 1;
                para_item(p, LB_BOX, box, 0, box_start);
                /* Mid-word breaks cost as much as a nearly empty line: a last resort. */
                para_item(p, LB_PENALTY, hyphen_w, url_break || hyphen ? 50 : 6000, next);
                p->items[p->nitems - 1].flagged = hyphen;
                box = 0;
                box_start = next;
                if (next != i + 1 || cut < (int)(e - s)) { /* continue in the split-off part */
                    i = next - 1;
                    break;
                }
            }
        }
        if (box_start < p->nfrags)
            para_item(p, LB_BOX, box, 0, box_start);
    }
    p->prev_word_start = start;
    p->prev_word_end = p->nfrags;
    p->word_start = p->nfrags;
    p->had_glue = false;
}

static void para_space(struct para *p, const struct istyle *st, const char *at)
{
    para_end_word(p);
    if (p->nitems == 0 || p->items[p->nitems - 1].kind == LB_GLUE ||
        (p->items[p->nitems - 1].kind == LB_PENALTY && p->items[p->nitems - 1].penalty <= -LINEBREAK_INF))
        return;
    struct istyle s = *st;
    s.super = false;
    int face = face_of(&s);
    int f = p->nfrags;
    para_frag(p, &s, face, at, 1);
    p->word_start = p->nfrags;
    para_item(p, LB_GLUE, p->nfrags > f ? p->frags[f].width : 0, 0, f);
    p->had_glue = true;
}

static void para_hard_break(struct para *p)
{
    para_end_word(p);
    para_item(p, LB_PENALTY, 0, -LINEBREAK_INF, p->nfrags);
    p->had_glue = false;
}

/* Adds text in a style, choosing a face per character (fallbacks for what
 * the style's face lacks), splitting words at spaces. */
static void para_text(struct para *p, const struct istyle *st, const char *text, size_t len)
{
    struct ts *ts = p->ts;
    const char *s = arena_strndup(ts->a, text, len);
    const char *e = s + len, *q = s;
    int base = face_of(st);
    while (q < e) {
        if (*q == ' ' || *q == '\t' || *q == '\n') {
            para_space(p, st, *q == ' ' ? q : " ");
            q++;
            continue;
        }
        const char *run = q;
        int face = -2;
        while (q < e && *q != ' ' && *q != '\t' && *q != '\n') {
            const char *c = q;
            uint32_t cp = utf8_next(&q, e);
            int f = face_for(ts, base, cp);
            if (f < 0) {
                warn_missing(ts, cp);
                if (c > run)
                    para_frag(p, st, face, run, (int)(c - run));
                para_frag(p, st, base, "?", 1);
                run = q;
                face = -2;
                continue;
            }
            if (face != -2 && f != face) {
                para_frag(p, st, face, run, (int)(c - run));
                run = c;
            }
            face = f;
        }
        if (q > run && face >= 0)
            para_frag(p, st, face, run, (int)(q - run));
    }
}

static void collect_inlines(struct para *p, cmark_node *n, struct istyle st);

static void collect_children(struct para *p, cmark_node *n, struct istyle st)
{
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c))
        collect_inlines(p, c, st);
}

static bool text_is_url(cmark_node *link, const char *url)
{
    cmark_node *c = cmark_node_first_child(link);
    if (!c || cmark_node_next(c) || cmark_node_get_type(c) != CMARK_NODE_TEXT)
        return false;
    const char *text = cmark_node_get_literal(c);
    if (strncmp(url, "mailto:", 7) == 0)
        url += 7;
    else if (strncmp(url, "tel:", 4) == 0)
        url += 4;
    return strcmp(text, url) == 0;
}

/* Only these schemes become clickable; anything else is printed, not linked. */
static bool safe_scheme(const char *url)
{
    return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0 ||
           strncmp(url, "mailto:", 7) == 0 || strncmp(url, "tel:", 4) == 0;
}

static void warn_html(struct ts *ts, cmark_node *n)
{
    int line = cmark_node_get_start_line(n) > 0 ? source_line(ts->topic, n) : ts->line;
    diag_add(ts->d, DIAG_WARNING, ts->topic->path, line, 1, "raw HTML is not interpreted; it is printed as text");
}

static void collect_inlines(struct para *p, cmark_node *n, struct istyle st)
{
    struct ts *ts = p->ts;
    const char *type = cmark_node_get_type_string(n);
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_TEXT:
        para_text(p, &st, cmark_node_get_literal(n), strlen(cmark_node_get_literal(n)));
        return;
    case CMARK_NODE_SOFTBREAK:
        para_space(p, &st, " ");
        return;
    case CMARK_NODE_LINEBREAK:
        para_hard_break(p);
        return;
    case CMARK_NODE_CODE: {
        struct istyle code = st;
        code.family = FAMILY_CODE;
        code.italic = false;
        code.size = fmax(st.size * 0.92, ts->min_size);
        para_text(p, &code, cmark_node_get_literal(n), strlen(cmark_node_get_literal(n)));
        return;
    }
    case CMARK_NODE_HTML_INLINE:
        warn_html(ts, n);
        para_text(p, &st, cmark_node_get_literal(n), strlen(cmark_node_get_literal(n)));
        return;
    case CMARK_NODE_EMPH:
        if (ts->l->large_print)
            st.bold = true; /* large print: no italics */
        else
            st.italic = true;
        collect_children(p, n, st);
        return;
    case CMARK_NODE_STRONG:
        st.bold = true;
        collect_children(p, n, st);
        return;
    case CMARK_NODE_LINK: {
        const char *url = cmark_node_get_url(n);
        struct istyle ls = st;
        /* Longer addresses than browsers take are printed, not linked. */
        const size_t max_url = 2000;
        if (safe_scheme(url) && strlen(url) <= max_url)
            ls.link = url;
        else if (safe_scheme(url))
            diag_add(ts->d, DIAG_WARNING, ts->topic->path, ts->line, 1,
                     "a link address of %zu characters is printed but not made clickable (at most %zu)",
                     strlen(url), max_url);
        ls.color = ts->l->link_color;
        collect_children(p, n, ls);
        /* Paper cannot be clicked: print the address after the text. */
        if (*url && !text_is_url(n, url)) {
            const char *shown = strncmp(url, "mailto:", 7) == 0 ? url + 7 : strncmp(url, "tel:", 4) == 0 ? url + 4 : url;
            para_text(p, &ls, " (", 2);
            para_text(p, &ls, shown, strlen(shown));
            para_text(p, &ls, ")", 1);
        }
        return;
    }
    case CMARK_NODE_IMAGE:
        return; /* set as blocks after the paragraph */
    case CMARK_NODE_FOOTNOTE_REFERENCE: {
        struct istyle sup = st;
        sup.super = true;
        sup.link = NULL;
        para_text(p, &sup, cmark_node_get_literal(n), strlen(cmark_node_get_literal(n)));
        return;
    }
    default:
        break;
    }
    if (strcmp(type, "strikethrough") == 0) {
        st.strike = true;
        collect_children(p, n, st);
        return;
    }
    collect_children(p, n, st);
}

/* The text of the run being set, gathered here and copied once it is whole. */
static void run_append(struct para *p, const char *text, int len)
{
    if (p->run_len + (size_t)len + 1 > p->run_cap) {
        size_t cap = p->run_cap ? p->run_cap * 2 : 256;
        while (cap < p->run_len + (size_t)len + 1)
            cap *= 2;
        char *grown = realloc(p->run_buf, cap);
        if (!grown)
            return;
        p->run_buf = grown;
        p->run_cap = cap;
    }
    memcpy(p->run_buf + p->run_len, text, (size_t)len);
    p->run_len += (size_t)len;
}

static void run_close(struct para *p, struct page_item *run)
{
    if (run)
        run->text = arena_strndup(p->ts->a, p->run_buf ? p->run_buf : "", p->run_len);
    p->run_len = 0;
}

/* Sets the collected items into line slabs of the given style. */
static void para_set(struct para *p, const struct layout_style *ls)
{
    struct ts *ts = p->ts;
    para_end_word(p);
    while (p->nitems > 0 && p->items[p->nitems - 1].kind == LB_GLUE)
        p->nitems--;
    if (p->nitems == 0)
        return;
    p->item_frag[p->nitems] = p->nfrags;
    int *breaks = malloc((size_t)(p->nitems + 1) * sizeof *breaks);
    if (!breaks)
        return;
    int lines = linebreak(p->items, p->nitems, p->width, ts->opt->line_breaking, breaks);
    double line_h = ls->size * ls->leading;
    const int face0 = LAYOUT_FACE(ls->family, VARIANT_REGULAR);
    double asc = fontset_ascent(ts->fs, face0) * ls->size, desc = fontset_descent(ts->fs, face0) * ls->size;
    int from = 0;
    for (int li = 0; li < lines; li++) {
        int to = breaks[li];
        /* Skip glue and penalties that start the line. */
        while (from < to && p->items[from].kind != LB_BOX)
            from++;
        double h = line_h;
        for (int i = from; i < to; i++)
            for (int f = p->item_frag[i]; f < p->item_frag[i + 1]; f++)
                if (p->frags[f].size * ls->leading > h && p->frags[f].rise == 0)
                    h = p->frags[f].size * ls->leading;
        struct flow_slab *s = slab_new(ts, h);
        double baseline = (h - (asc + desc)) / 2 + asc;
        double x = ts->x;
        /* The marker first, so text extraction reads it before the line. */
        if (ts->marker) {
            double mx = ts->x - ts->marker_width;
            if (ts->marker_task) {
                double b = ls->size * 0.7, top = baseline - b;
                add_rect(ts, s, mx, top, b, b, PAGE_NO_COLOR, ts->marker_style.color, 0.9);
                if (ts->marker_task == 2) {
                    add_line(ts, s, mx + b * 0.18, top + b * 0.5, b * 0.25, b * 0.3, ts->marker_style.color, 1.3);
                    add_line(ts, s, mx + b * 0.43, top + b * 0.8, b * 0.42, -b * 0.62, ts->marker_style.color, 1.3);
                }
            } else {
                struct page_item *m = page_item_new(ts->a, PAGE_TEXT);
                const char *e = ts->marker + strlen(ts->marker);
                const char *q = ts->marker;
                uint32_t cp = utf8_next(&q, e);
                m->face = face_for(ts, face_of(&ts->marker_style), cp);
                if (m->face < 0)
                    m->face = face_of(&ts->marker_style);
                m->x = mx;
                m->y = baseline;
                m->size = ts->marker_style.size;
                m->fill = ts->marker_style.color;
                m->text = ts->marker;
                m->w = fs_width(ts, m->face, m->text, (int)strlen(m->text), m->size);
                slab_add(s, m);
            }
            ts->marker = NULL;
        }
        struct page_item *run = NULL, *link = NULL;
        const struct frag *last = NULL;
        for (int i = from; i < to; i++) {
            if (p->items[i].kind == LB_PENALTY)
                continue;
            for (int f = p->item_frag[i]; f < p->item_frag[i + 1]; f++) {
                struct frag *fr = &p->frags[f];
                if (run && run->face == fr->face && run->size == fr->size && run->fill == fr->color &&
                    run->y == baseline - fr->rise) {
                    /* One run for the whole stretch: fewer operators, smaller PDFs. */
                    run->w += fr->width;
                } else {
                    run_close(p, run);
                    run = page_item_new(ts->a, PAGE_TEXT);
                    run->x = x;
                    run->y = baseline - fr->rise;
                    run->w = fr->width;
                    run->face = fr->face;
                    run->size = fr->size;
                    run->fill = fr->color;
                    slab_add(s, run);
                }
                run_append(p, fr->text, fr->len);
                if (fr->strike)
                    add_line(ts, s, x, baseline - fr->size * 0.3, fr->width, 0, fr->color, fr->size * 0.06);
                bool blank = fr->len == 1 && fr->text[0] == ' ';
                if (fr->link && link && link->text == fr->link && fabs(link->x + link->w - x) < 0.01) {
                    link->w += fr->width; /* one clickable area per line of a link */
                } else if (fr->link && !blank) {
                    link = page_item_new(ts->a, PAGE_LINK);
                    link->x = x, link->y = baseline - asc, link->w = fr->width, link->h = asc + desc;
                    link->text = fr->link;
                    slab_add(s, link);
                }
                x += fr->width;
                last = fr;
            }
        }
        run_close(p, run);
        if (to < p->nitems && p->items[to].kind == LB_PENALTY && p->items[to].flagged && last) {
            struct page_item *h = page_item_new(ts->a, PAGE_TEXT);
            *h = (struct page_item){.kind = PAGE_TEXT, .x = x, .y = baseline - last->rise, .w = p->items[to].width,
                                    .face = last->face, .size = last->size, .fill = last->color, .text = "-",
                                    .stroke = PAGE_NO_COLOR, .dest_page = -1};
            slab_add(s, h);
        }
        s->para_line = li + 1;
        s->para_lines = lines;
        s->forced_end = to < p->nitems && p->items[to].kind == LB_PENALTY && p->items[to].penalty <= -LINEBREAK_INF;
        /* Widows and orphans: keep the first and last lines together. */
        int after = lines - 1 - li;
        if (after > 0 && (li + 1 < ts->l->orphans || after < ts->l->widows))
            s->keep_with_next = true;
        emit(ts, s);
        from = to;
    }
    free(breaks);
}

static void para_init(struct para *p, struct ts *ts, double width)
{
    memset(p, 0, sizeof *p);
    p->ts = ts;
    p->width = width;
}

static void para_free(struct para *p)
{
    free(p->run_buf);
    free(p->frags);
    free(p->items);
    free(p->item_frag);
}

/* ---- blocks ---------------------------------------------------------- */

static void set_blocks(struct ts *ts, cmark_node *first);
static void set_block(struct ts *ts, cmark_node *n);

static bool hyphenated_element(const struct ts *ts, enum layout_element el)
{
    return ts->hyph && (el == EL_BODY || el == EL_TABLE || el == EL_FOOTNOTE);
}

static void set_inline_block(struct ts *ts, cmark_node *n, enum layout_element el)
{
    struct para p;
    para_init(&p, ts, ts->w);
    p.hyphenate = hyphenated_element(ts, el);
    collect_inlines(&p, n, style_of(ts, el));
    para_set(&p, &ts->l->style[el]);
    para_free(&p);
}

/* Plain text of a node's inlines, for outline titles and alert labels. */
static void plain_text(cmark_node *n, char *buf, size_t cap, size_t *len)
{
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
        cmark_node_type t = cmark_node_get_type(c);
        const char *lit = (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) ? cmark_node_get_literal(c)
                          : (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) ? " " : NULL;
        if (lit) {
            size_t k = strlen(lit);
            if (*len + k >= cap)
                k = cap - 1 - *len;
            memcpy(buf + *len, lit, k);
            *len += k;
            buf[*len] = '\0';
        } else {
            plain_text(c, buf, cap, len);
        }
    }
}

static void set_heading(struct ts *ts, cmark_node *n)
{
    int level = cmark_node_get_heading_level(n);
    enum layout_element el = (enum layout_element)(EL_H1 + level - 1);
    const struct layout_style *ls = &ts->l->style[el];
    space(ts, ls->space_before);
    struct flow_slab *before = ts->flow->last;
    bool saved = ts->keep_group;
    ts->keep_group = true; /* a heading keeps with what follows */
    set_inline_block(ts, n, el);
    ts->keep_group = saved;
    /* The heading's first line carries the outline mark. */
    struct flow_slab *first = before ? before->next : ts->flow->first;
    while (first && first->is_space)
        first = first->next;
    if (first) {
        char buf[512];
        size_t len = 0;
        buf[0] = '\0';
        plain_text(n, buf, sizeof buf, &len);
        first->mark_level = level;
        first->mark_title = arena_strdup(ts->a, buf);
    }
    space(ts, ls->space_after);
    if (ts->flow->last)
        ts->flow->last->keep_with_next = true;
}

/* "Take these with you:" introduces what follows: keep it with that. */
static bool introduces_next(cmark_node *n)
{
    cmark_node *last = cmark_node_last_child(n);
    const char *lit = last && cmark_node_get_type(last) == CMARK_NODE_TEXT ? cmark_node_get_literal(last) : NULL;
    size_t len = lit ? strlen(lit) : 0;
    while (len > 0 && lit[len - 1] == ' ')
        len--;
    return len > 0 && lit[len - 1] == ':' && cmark_node_next(n) != NULL;
}

static void set_paragraph(struct ts *ts, cmark_node *n)
{
    set_inline_block(ts, n, EL_BODY);
    if (introduces_next(n) && ts->flow->last)
        ts->flow->last->keep_with_next = true;
    /* Images in the paragraph follow as blocks of their own. */
    cmark_iter *it = cmark_iter_new(n);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *c = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(c) == CMARK_NODE_IMAGE)
            set_block(ts, c);
    }
    cmark_iter_free(it);
    space(ts, ts->l->paragraph_space);
}

static void set_caption(struct ts *ts, const char *text)
{
    if (!*text)
        return;
    struct para p;
    para_init(&p, ts, ts->w);
    struct istyle st = style_of(ts, EL_FOOTNOTE);
    para_text(&p, &st, text, strlen(text));
    para_set(&p, &ts->l->style[EL_FOOTNOTE]);
    para_free(&p);
}

static void set_image(struct ts *ts, cmark_node *n)
{
    const char *url = cmark_node_get_url(n);
    char alt[512];
    size_t len = 0;
    alt[0] = '\0';
    plain_text(n, alt, sizeof alt, &len);
    const char *path = url[0] == '/' ? url : arena_printf(ts->a, "%s/%s", ts->topic->dir, url);
    struct image_info info = image_probe(path);
    const long max_pixels = 40L * 1000 * 1000;
    if (info.kind != IMAGE_NONE && (long)info.width * info.height > max_pixels) {
        info.kind = IMAGE_NONE;
        info.problem = "image too large (over 40 megapixels); scale it down";
    }
    space(ts, ts->l->paragraph_space);
    if (info.kind == IMAGE_NONE) {
        diag_add(ts->d, DIAG_ERROR, ts->topic->path, ts->line, 1, "image '%s': %s", url, info.problem);
        return;
    }
    /* 96 pixels to the inch; scaled to the column, never past 150 %. */
    double natural_w = info.width * 72.0 / 96.0, natural_h = info.height * 72.0 / 96.0;
    double scale = fmin(ts->w / natural_w, 1.5);
    double max_h = (ts->l->paper_h - ts->l->margin_top - ts->l->margin_bottom) * 0.6;
    if (natural_h * scale > max_h)
        scale = max_h / natural_h;
    double w = natural_w * scale, h = natural_h * scale;
    struct flow_slab *s = slab_new(ts, h);
    struct page_item *it = page_item_new(ts->a, PAGE_IMAGE);
    it->x = ts->x, it->y = 0, it->w = w, it->h = h;
    it->text = arena_strdup(ts->a, path);
    slab_add(s, it);
    s->keep_with_next = true; /* with its caption */
    emit(ts, s);
    space(ts, 3);
    set_caption(ts, alt);
    space(ts, ts->l->paragraph_space);
}

static void set_code(struct ts *ts, const char *text, int line)
{
    const struct layout_style *ls = &ts->l->style[EL_CODE];
    const int face = LAYOUT_FACE(FAMILY_CODE, VARIANT_REGULAR);
    double pad = 6, saved_x = ts->x, saved_w = ts->w;
    space(ts, ls->space_before);
    push_container(ts, pad, pad, ts->l->code_background, PAGE_NO_COLOR, 0);
    struct flow_slab *top = slab_new(ts, pad);
    top->keep_with_next = true;
    emit(ts, top);
    double h = ls->size * ls->leading;
    double asc = fontset_ascent(ts->fs, face) * ls->size, desc = fontset_descent(ts->fs, face) * ls->size;
    if (strchr(text, '\t')) { /* no font draws a tab: expand to stops of 4 */
        size_t n = 0, col = 0;
        for (const char *s = text; *s; s++)
            n += *s == '\t' ? 4 : 1;
        char *x = arena_alloc(ts->a, n + 1), *o = x;
        for (const char *s = text; *s; s++) {
            if (*s == '\t')
                do
                    *o++ = ' ';
                while (++col % 4);
            else {
                *o++ = *s;
                col = *s == '\n' ? 0 : ((unsigned char)*s & 0xC0) == 0x80 ? col : col + 1;
            }
        }
        *o = '\0';
        text = x;
    }
    const char *p = text, *end = text + strlen(text);
    if (end > p && end[-1] == '\n')
        end--;
    int lineno = 0;
    while (p <= end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        ts->line = line + lineno++;
        /* Wrap a line too wide for the box at character boundaries. */
        const char *q = p;
        do {
            double x = 0;
            const char *cut = q, *after_space = NULL;
            while (cut < le) {
                const char *c = cut;
                uint32_t cp = utf8_next(&cut, le);
                int f = face_for(ts, face, cp);
                /* A character no font has is drawn as '?': measure that. */
                double cw = fontset_advance(ts->fs, f < 0 ? face : f, f < 0 ? '?' : cp) * ls->size;
                if (x + cw > ts->w && c > q) {
                    /* Wrap after the last space that fits, else mid-word. */
                    cut = after_space ? after_space : c;
                    break;
                }
                x += cw;
                if (cp == ' ' && cut < le && *cut != ' ')
                    after_space = cut;
            }
            struct flow_slab *s = slab_new(ts, h);
            s->keep_with_next = true;
            double bx = ts->x, baseline = (h - asc - desc) / 2 + asc;
            /* One run per stretch of characters in the same face. */
            const char *r = q;
            while (r < cut) {
                const char *rs = r;
                uint32_t cp = utf8_next(&r, cut);
                int f = face_for(ts, face, cp);
                bool missing = f < 0; /* a '?' run of one character */
                if (missing) {
                    warn_missing(ts, cp);
                    f = face;
                }
                const char *re = r;
                while (!missing && re < cut) {
                    const char *t = re;
                    uint32_t c2 = utf8_next(&t, cut);
                    if (face_for(ts, face, c2) != f)
                        break;
                    re = t;
                }
                struct page_item *run = page_item_new(ts->a, PAGE_TEXT);
                run->x = bx, run->y = baseline, run->face = f, run->size = ls->size, run->fill = ls->color;
                run->text = fontset_has(ts->fs, f, cp) ? arena_strndup(ts->a, rs, (size_t)(re - rs)) : "?";
                run->w = fs_width(ts, f, run->text, (int)strlen(run->text), ls->size);
                bx += run->w;
                slab_add(s, run);
                r = re;
            }
            emit(ts, s);
            q = cut;
        } while (q < le);
        if (!nl)
            break;
        p = nl + 1;
    }
    struct flow_slab *bottom = slab_new(ts, pad);
    emit(ts, bottom);
    pop_container(ts, saved_x, saved_w);
    space(ts, ls->space_after);
}

static const char *const alert_names[ALERT_COUNT] = {"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"};
static const char *const alert_labels[ALERT_COUNT] = {"Note", "Tip", "Important", "Warning", "Caution"};

/* "> [!WARNING]" as the first line of a block quote makes an alert. */
static int alert_kind(cmark_node *quote)
{
    cmark_node *para = cmark_node_first_child(quote);
    if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
        return -1;
    cmark_node *t = cmark_node_first_child(para);
    if (!t || cmark_node_get_type(t) != CMARK_NODE_TEXT)
        return -1;
    const char *s = cmark_node_get_literal(t);
    for (int k = 0; k < ALERT_COUNT; k++) {
        size_t n = strlen(alert_names[k]);
        if (strncmp(s, "[!", 2) == 0 && strncmp(s + 2, alert_names[k], n) == 0 && strcmp(s + 2 + n, "]") == 0) {
            cmark_node *next = cmark_node_next(t);
            if (!next || cmark_node_get_type(next) == CMARK_NODE_SOFTBREAK || cmark_node_get_type(next) == CMARK_NODE_LINEBREAK)
                return k;
        }
    }
    return -1;
}

static void set_quote(struct ts *ts, cmark_node *n)
{
    int kind = alert_kind(n);
    double saved_x = ts->x, saved_w = ts->w;
    bool saved_keep = ts->keep_group;
    double pad = ts->l->block_indent;
    space(ts, ts->l->paragraph_space);
    if (kind < 0) {
        push_container(ts, pad + 3, 0, PAGE_NO_COLOR, ts->l->quote_bar_color, 3);
        set_blocks(ts, cmark_node_first_child(n));
        pop_container(ts, saved_x, saved_w);
        space(ts, ts->l->paragraph_space);
        return;
    }
    /* Alert: tinted box, accent bar, bold label; kept on one page when it fits. */
    ts->keep_group = true;
    push_container(ts, pad + 4, pad, ts->l->alert_tint[kind], ts->l->alert_accent[kind], 4);
    struct flow_slab *top = slab_new(ts, pad * 0.75);
    emit(ts, top);
    struct para p;
    para_init(&p, ts, ts->w);
    struct istyle st = style_of(ts, EL_ALERT_LABEL);
    st.bold = true;
    st.color = ts->l->alert_accent[kind];
    para_text(&p, &st, alert_labels[kind], strlen(alert_labels[kind]));
    para_set(&p, &ts->l->style[EL_ALERT_LABEL]);
    para_free(&p);
    space(ts, ts->l->style[EL_ALERT_LABEL].space_after);
    /* The first paragraph without its "[!KIND]" line. */
    cmark_node *first = cmark_node_first_child(n);
    cmark_node *marker = cmark_node_first_child(first);
    cmark_node *rest = cmark_node_next(marker);
    struct para body;
    para_init(&body, ts, ts->w);
    body.hyphenate = hyphenated_element(ts, EL_BODY);
    struct istyle bs = style_of(ts, EL_BODY);
    for (cmark_node *c = rest ? cmark_node_next(rest) : NULL; c; c = cmark_node_next(c))
        collect_inlines(&body, c, bs);
    para_set(&body, &ts->l->style[EL_BODY]);
    para_free(&body);
    if (cmark_node_next(first))
        space(ts, ts->l->paragraph_space);
    set_blocks(ts, cmark_node_next(first));
    ts->pending_space = 0;
    ts->keep_group = saved_keep;
    struct flow_slab *bottom = slab_new(ts, pad * 0.75);
    emit(ts, bottom);
    pop_container(ts, saved_x, saved_w);
    space(ts, ts->l->paragraph_space);
}

static const char *const bullets[] = {"\xE2\x80\xA2", "\xE2\x97\xA6", "\xE2\x96\xAA"}; /* • ◦ ▪ */

static void set_list(struct ts *ts, cmark_node *n, int level)
{
    bool ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
    int number = cmark_node_get_list_start(n);
    bool tight = cmark_node_get_list_tight(n);
    int items = 0;
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c))
        items++;
    double saved_x = ts->x, saved_w = ts->w;
    bool saved_keep = ts->keep_group;
    if (items <= 6)
        ts->keep_group = true; /* a short list is not split */
    const double indent = ts->l->list_indent * (ordered ? 1.3 : 1);
    space(ts, cmark_node_get_type(cmark_node_parent(n)) == CMARK_NODE_ITEM ? 2 : ts->l->paragraph_space);
    emit_pending_space(ts);
    int i = 0;
    for (cmark_node *item = cmark_node_first_child(n); item; item = cmark_node_next(item), i++) {
        ts->line = source_line(ts->topic, item);
        /* Deep nesting stops indenting while a third of the column is left. */
        double step = saved_w - indent >= layout_column_width(ts->l) / 3 ? indent : 0;
        ts->x = saved_x + step;
        ts->w = saved_w - step;
        ts->marker_style = style_of(ts, EL_BODY);
        ts->marker_task = 0;
        if (strcmp(cmark_node_get_type_string(item), "tasklist") == 0) {
            ts->marker = "";
            ts->marker_task = cmark_gfm_extensions_get_tasklist_item_checked(item) ? 2 : 1;
            ts->marker_width = indent * 0.9;
        } else if (ordered) {
            ts->marker = arena_printf(ts->a, "%d.", number + i);
            ts->marker_width = indent * 0.95;
        } else {
            ts->marker = bullets[level % 3];
            ts->marker_width = indent * 0.7;
        }
        if (cmark_node_next(item) == NULL)
            ts->keep_group = saved_keep;
        ts->nest++;
        set_blocks(ts, cmark_node_first_child(item));
        ts->nest--;
        ts->marker = NULL;
        ts->pending_space = 0;
        space(ts, tight ? 2 : ts->l->paragraph_space);
    }
    ts->x = saved_x;
    ts->w = saved_w;
    ts->keep_group = saved_keep;
    space(ts, ts->l->paragraph_space);
}

/* Nesting among bullet lists: picks the bullet shape. */
static int bullet_level(cmark_node *n)
{
    int level = 0;
    for (cmark_node *p = cmark_node_parent(n); p; p = cmark_node_parent(p))
        if (cmark_node_get_type(p) == CMARK_NODE_LIST && cmark_node_get_list_type(p) == CMARK_BULLET_LIST)
            level++;
    return level;
}

static void set_rule(struct ts *ts)
{
    space(ts, 8);
    struct flow_slab *s = slab_new(ts, 1);
    add_line(ts, s, ts->x, 0.5, ts->w, 0, ts->l->rule_color, 0.8);
    emit(ts, s);
    space(ts, 10);
}

/* ---- tables ---------------------------------------------------------- */

struct cell_lines {
    struct flow *flow;
    double height;
};

/* Lays out one cell's inlines into a private flow at the given width. */
static double set_cell(struct ts *ts, cmark_node *cell, enum layout_element el, double x, double width,
                       struct flow *into)
{
    struct flow *saved_flow = ts->flow;
    double saved_x = ts->x, saved_w = ts->w, saved_space = ts->pending_space;
    int saved_depth = ts->depth;
    bool saved_keep = ts->keep_group;
    ts->flow = into;
    ts->x = x;
    ts->w = width;
    ts->depth = 0;
    ts->pending_space = 0;
    ts->keep_group = false;
    set_inline_block(ts, cell, el);
    double h = 0;
    for (struct flow_slab *s = into->first; s; s = s->next)
        h += s->height;
    ts->flow = saved_flow;
    ts->x = saved_x;
    ts->w = saved_w;
    ts->depth = saved_depth;
    ts->pending_space = saved_space;
    ts->keep_group = saved_keep;
    return h;
}

/* Natural (one line) and minimum (longest word) width of a cell. */
static void cell_widths(struct ts *ts, cmark_node *cell, enum layout_element el, double *natural, double *minimum)
{
    struct para p;
    para_init(&p, ts, 1e9);
    collect_inlines(&p, cell, style_of(ts, el));
    para_end_word(&p);
    double line = 0, word = 0;
    *minimum = 0;
    for (int i = 0; i < p.nitems; i++) {
        line += p.items[i].width;
        if (p.items[i].kind == LB_BOX)
            word += p.items[i].width;
        else {
            if (word > *minimum)
                *minimum = word;
            word = 0;
        }
    }
    if (word > *minimum)
        *minimum = word;
    *natural = line;
    para_free(&p);
}

/* A table too wide for the column, set row by row as "header: value"
 * lines (large print must not shrink text to make a table fit). */
static void set_row_as_blocks(struct ts *ts, cmark_node *header, cmark_node *row, int cols);

static void set_table_as_blocks(struct ts *ts, cmark_node *table, int cols)
{
    cmark_node *header = cmark_node_first_child(table);
    space(ts, ts->l->paragraph_space);
    for (cmark_node *row = cmark_node_next(header); row; row = cmark_node_next(row))
        set_row_as_blocks(ts, header, row, cols);
    space(ts, ts->l->style[EL_TABLE].space_after);
}

/* One row as "header: value" lines (also a row too tall for a page). */
static void set_row_as_blocks(struct ts *ts, cmark_node *header, cmark_node *row, int cols)
{
    bool saved_keep = ts->keep_group;
    ts->line = source_line(ts->topic, row);
    struct flow_slab *rule = slab_new(ts, 1);
    add_line(ts, rule, ts->x, 0.5, ts->w, 0, ts->l->table_border_color, 0.8);
    rule->keep_with_next = true;
    emit(ts, rule);
    space(ts, 4);
    ts->keep_group = true; /* a row's lines stay together */
    cmark_node *h = cmark_node_first_child(header), *cell = cmark_node_first_child(row);
    for (int c = 0; c < cols && cell; c++, cell = cmark_node_next(cell), h = h ? cmark_node_next(h) : NULL) {
        if (!cmark_node_next(cell) || c == cols - 1)
            ts->keep_group = saved_keep;
        struct para p;
        para_init(&p, ts, ts->w);
        p.hyphenate = hyphenated_element(ts, EL_TABLE);
        struct istyle bold = style_of(ts, EL_TABLE);
        bold.bold = true;
        if (h) {
            collect_inlines(&p, h, bold);
            para_text(&p, &bold, ":", 1);
            para_space(&p, &bold, " ");
        }
        collect_inlines(&p, cell, style_of(ts, EL_TABLE));
        para_set(&p, &ts->l->style[EL_TABLE]);
        para_free(&p);
        space(ts, 2);
    }
    ts->keep_group = saved_keep;
    space(ts, 4);
}

static void set_table(struct ts *ts, cmark_node *table)
{
    int cols = cmark_gfm_extensions_get_table_columns(table);
    if (cols <= 0)
        return;
    const double pad = 4, avail = ts->w;
    double *natural = calloc((size_t)cols, sizeof *natural), *minimum = calloc((size_t)cols, sizeof *minimum);
    double *width = calloc((size_t)cols, sizeof *width);
    if (!natural || !minimum || !width) {
        free(natural), free(minimum), free(width);
        return;
    }
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
        bool header = strcmp(cmark_node_get_type_string(row), "table_header") == 0;
        int c = 0;
        for (cmark_node *cell = cmark_node_first_child(row); cell && c < cols; cell = cmark_node_next(cell), c++) {
            double nat, min;
            cell_widths(ts, cell, header ? EL_TABLE_HEADER : EL_TABLE, &nat, &min);
            natural[c] = fmax(natural[c], nat + 2 * pad);
            minimum[c] = fmax(minimum[c], min + 2 * pad);
        }
    }
    /* Column widths from content: natural widths when they fit, else each
     * column gets its minimum plus a share of the rest by how much it wants. */
    double sum_nat = 0, sum_min = 0;
    for (int c = 0; c < cols; c++)
        sum_nat += natural[c], sum_min += minimum[c];
    if (sum_min > avail) {
        /* Too wide even with every word whole: never shrink the text. */
        free(natural), free(minimum), free(width);
        set_table_as_blocks(ts, table, cols);
        return;
    }
    for (int c = 0; c < cols; c++) {
        if (sum_nat <= avail)
            width[c] = natural[c] + (avail - sum_nat) * natural[c] / sum_nat;
        else if (sum_min <= avail)
            width[c] = minimum[c] + (avail - sum_min) * (natural[c] - minimum[c]) / (sum_nat - sum_min);
        else
            width[c] = avail / cols; /* words break inside cells */
    }
    space(ts, ts->l->paragraph_space);
    struct flow_slab *header_slab = NULL;
    const uint32_t border = ts->l->table_border_color;
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
        ts->line = source_line(ts->topic, row);
        bool header = strcmp(cmark_node_get_type_string(row), "table_header") == 0;
        enum layout_element el = header ? EL_TABLE_HEADER : EL_TABLE;
        struct flow cells[cols];
        memset(cells, 0, sizeof cells);
        double h = 0, x = ts->x;
        int c = 0;
        for (cmark_node *cell = cmark_node_first_child(row); cell && c < cols; cell = cmark_node_next(cell), c++) {
            double ch = set_cell(ts, cell, el, x + pad, width[c] - 2 * pad, &cells[c]);
            h = fmax(h, ch);
            x += width[c];
        }
        h += 2 * pad;
        /* A row taller than a page cannot be drawn as a row (it cannot be
         * split): set it as "header: value" lines, which can. */
        if (h > (ts->l->paper_h - ts->l->margin_top - ts->l->margin_bottom) * 0.9) {
            if (header) {
                free(natural), free(minimum), free(width);
                set_table_as_blocks(ts, table, cols);
                return;
            }
            set_row_as_blocks(ts, cmark_node_first_child(table), row, cols);
            continue;
        }
        struct flow_slab *s = slab_new(ts, h);
        if (header)
            add_rect(ts, s, ts->x, 0, avail, h, ts->l->table_header_background, PAGE_NO_COLOR, 0);
        for (int k = 0; k < c; k++) {
            double y = pad;
            for (struct flow_slab *cs = cells[k].first; cs; cs = cs->next) {
                for (struct page_item *it = cs->items, *next; it; it = next) {
                    next = it->next;
                    it->y += y;
                    slab_add(s, it);
                }
                y += cs->height;
            }
        }
        /* Grid: a line under each row, and between columns. */
        add_line(ts, s, ts->x, h, avail, 0, border, header ? 1.2 : 0.6);
        x = ts->x;
        for (int k = 0; k < cols - 1; k++) {
            x += width[k];
            add_line(ts, s, x, 0, 0, h, border, 0.6);
        }
        if (header) {
            add_line(ts, s, ts->x, 0, avail, 0, border, 0.6);
            s->keep_with_next = true;
            header_slab = s;
        } else {
            s->repeat_header = header_slab;
        }
        emit(ts, s);
    }
    free(natural), free(minimum), free(width);
    space(ts, ts->l->style[EL_TABLE].space_after);
}

/* ---- footnotes, title block, document -------------------------------- */

static void set_footnotes(struct ts *ts, cmark_node *doc)
{
    int number = 0;
    for (cmark_node *n = cmark_node_first_child(doc); n; n = cmark_node_next(n)) {
        if (cmark_node_get_type(n) != CMARK_NODE_FOOTNOTE_DEFINITION)
            continue;
        if (number++ == 0) {
            space(ts, 14);
            struct flow_slab *s = slab_new(ts, 1);
            add_line(ts, s, ts->x, 0.5, ts->w * 0.3, 0, ts->l->rule_color, 0.8);
            s->keep_with_next = true;
            emit(ts, s);
            space(ts, 6);
        }
        ts->line = source_line(ts->topic, n);
        double saved_x = ts->x, saved_w = ts->w;
        const double indent = ts->l->style[EL_FOOTNOTE].size * 1.8;
        ts->marker = arena_printf(ts->a, "%d.", number);
        ts->marker_style = style_of(ts, EL_FOOTNOTE);
        ts->marker_task = 0;
        ts->marker_width = indent;
        ts->x += indent;
        ts->w -= indent;
        for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
            if (cmark_node_get_type(c) == CMARK_NODE_PARAGRAPH) {
                set_inline_block(ts, c, EL_FOOTNOTE);
                space(ts, ts->l->style[EL_FOOTNOTE].space_after);
            } else {
                set_block(ts, c);
            }
        }
        ts->marker = NULL;
        ts->x = saved_x;
        ts->w = saved_w;
    }
}

const char *typeset_human_date(struct arena *a, const char *iso)
{
    static const char *const months[] = {"January", "February", "March", "April", "May", "June", "July",
                                         "August", "September", "October", "November", "December"};
    int y, m, d;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12)
        return iso;
    return arena_printf(a, "%d %s %d", d, months[m - 1], y);
}

static void set_line_of_text(struct ts *ts, enum layout_element el, const char *text)
{
    struct para p;
    para_init(&p, ts, ts->w);
    struct istyle st = style_of(ts, el);
    para_text(&p, &st, text, strlen(text));
    para_set(&p, &ts->l->style[el]);
    para_free(&p);
    space(ts, ts->l->style[el].space_after);
}

static void set_title_block(struct ts *ts)
{
    const struct topic_meta *m = &ts->topic->meta;
    ts->line = 1;
    set_line_of_text(ts, EL_TITLE, m->title);
    if (m->subtitle)
        set_line_of_text(ts, EL_SUBTITLE, m->subtitle);
    const char *meta = m->author ? m->author : "";
    if (m->published)
        meta = arena_printf(ts->a, "%s%sPublished %s", meta, *meta ? "  ·  " : "",
                            typeset_human_date(ts->a, m->published));
    if (*meta)
        set_line_of_text(ts, EL_META, meta);
    struct flow_slab *s = slab_new(ts, 2);
    add_line(ts, s, ts->x, 1, ts->w, 0, ts->l->style[EL_TITLE].color, 1.5);
    emit(ts, s);
    space(ts, 14);
}

static bool is_pagebreak(const char *html)
{
    while (*html == ' ')
        html++;
    const char *tag = "<!-- pagebreak -->";
    size_t n = strlen(tag);
    if (strncmp(html, tag, n) != 0)
        return false;
    for (html += n; *html; html++)
        if (*html != ' ' && *html != '\n' && *html != '\r')
            return false;
    return true;
}

static void set_block(struct ts *ts, cmark_node *n)
{
    if (cmark_node_get_start_line(n) > 0)
        ts->line = source_line(ts->topic, n);
    if (ts->nest > MAX_DEPTH) {
        /* Deeper nesting than any leaflet needs: set the text flat. Walked
         * without recursion, so 10 000 levels cannot overflow the stack. */
        int saved_nest = ts->nest;
        cmark_iter *it = cmark_iter_new(n);
        for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
            cmark_node *c = cmark_iter_get_node(it);
            cmark_node_type ty = cmark_node_get_type(c);
            if (ev != CMARK_EVENT_ENTER || ty == CMARK_NODE_BLOCK_QUOTE || ty == CMARK_NODE_LIST ||
                ty == CMARK_NODE_ITEM)
                continue;
            ts->nest = MAX_DEPTH; /* a leaf block (paragraph, code, table...): set as usual */
            set_block(ts, c);
            ts->nest = saved_nest;
            cmark_iter_reset(it, c, CMARK_EVENT_EXIT);
        }
        cmark_iter_free(it);
        return;
    }
    const char *type = cmark_node_get_type_string(n);
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_PARAGRAPH:
        set_paragraph(ts, n);
        return;
    case CMARK_NODE_HEADING:
        set_heading(ts, n);
        return;
    case CMARK_NODE_BLOCK_QUOTE:
        ts->nest++;
        set_quote(ts, n);
        ts->nest--;
        return;
    case CMARK_NODE_LIST:
        ts->nest++;
        set_list(ts, n, bullet_level(n));
        ts->nest--;
        return;
    case CMARK_NODE_CODE_BLOCK: {
        /* A fenced block's text starts on the line after its fence, info string or not. */
        int fence_len, fence_off;
        char fence_ch;
        set_code(ts, cmark_node_get_literal(n),
                 ts->line + (cmark_node_get_fenced(n, &fence_len, &fence_off, &fence_ch) ? 1 : 0));
        return;
    }
    case CMARK_NODE_HTML_BLOCK:
        if (is_pagebreak(cmark_node_get_literal(n))) {
            struct flow_slab *s = slab_new(ts, 0);
            s->page_break = true;
            s->is_space = true;
            ts->pending_space = 0;
            flow_push(ts, s);
            return;
        }
        warn_html(ts, n);
        set_code(ts, cmark_node_get_literal(n), ts->line);
        return;
    case CMARK_NODE_THEMATIC_BREAK:
        set_rule(ts);
        return;
    case CMARK_NODE_IMAGE:
        set_image(ts, n);
        return;
    case CMARK_NODE_FOOTNOTE_DEFINITION:
        return; /* set at the end */
    default:
        break;
    }
    if (strcmp(type, "table") == 0) {
        set_table(ts, n);
        return;
    }
    set_blocks(ts, cmark_node_first_child(n));
}

static void set_blocks(struct ts *ts, cmark_node *first)
{
    for (cmark_node *n = first; n; n = cmark_node_next(n))
        set_block(ts, n);
}

int typeset_topic(const struct topic *t, const struct layout *l, const struct fontset *fs,
                  const struct typeset_options *opt, struct arena *a, struct diag *d, struct flow *out)
{
    memset(out, 0, sizeof *out);
    out->width = layout_column_width(l);
    struct ts ts = {.topic = t, .l = l, .fs = fs, .opt = opt, .a = a, .d = d, .flow = out,
                    .x = 0, .w = out->width, .line = 1, .min_size = l->large_print ? 16 : 0};
    int errors = d->errors;
    if (l->hyphenate && !l->large_print) {
        ts.hyph = hyphenate_load(t->meta.lang);
        if (!ts.hyph)
            diag_add(d, DIAG_WARNING, t->path, 1, 1, "no hyphenation dictionary for language '%s'; words are not hyphenated",
                     t->meta.lang);
    }
    if (l->show_title_block)
        set_title_block(&ts);
    set_blocks(&ts, cmark_node_first_child(t->doc));
    ts.marker = NULL;
    set_footnotes(&ts, t->doc);
    hyphenate_free(ts.hyph);
    if (arena_failed(a))
        diag_add(d, DIAG_ERROR, t->path, 0, 0, "out of memory");
    return d->errors > errors ? -1 : 0;
}

static void ts_init_plain(struct ts *ts, const struct layout *l, const struct fontset *fs, struct arena *a,
                          struct diag *d, struct flow *out)
{
    static const struct typeset_options opt = {LINEBREAK_OPTIMAL};
    static struct topic none; /* only its path is read, for diagnostics */
    memset(out, 0, sizeof *out);
    out->width = layout_column_width(l);
    *ts = (struct ts){.topic = &none, .l = l, .fs = fs, .opt = &opt, .a = a, .d = d, .flow = out,
                      .w = out->width, .line = 1, .min_size = l->large_print ? 16 : 0};
}

struct page_item *typeset_text_line(const struct layout *l, const struct fontset *fs, enum layout_element el,
                                    const char *text, struct arena *a, struct diag *d, double *width)
{
    struct flow flow;
    struct ts ts;
    ts_init_plain(&ts, l, fs, a, d, &flow);
    ts.w = 1e9; /* one line, however long */
    set_line_of_text(&ts, el, text);
    *width = 0;
    struct page_item *head = NULL, *tail = NULL;
    for (struct flow_slab *s = flow.first; s; s = s->next)
        for (struct page_item *it = s->items; it; it = it->next)
            if (it->kind == PAGE_TEXT) {
                struct page_item *c = page_item_new(a, PAGE_TEXT);
                *c = *it;
                c->y = 0;
                c->next = NULL;
                *width = fmax(*width, c->x + c->w);
                if (tail)
                    tail->next = c;
                else
                    head = c;
                tail = c;
            }
    return head;
}

/* ---- cover, back panel and contents ----------------------------------- */

int typeset_cover(const struct typeset_cover *c, const struct layout *l, const struct fontset *fs,
                  struct arena *a, struct diag *d, struct flow *out)
{
    struct ts ts;
    ts_init_plain(&ts, l, fs, a, d, out);
    int errors = d->errors;
    double frame_h = l->paper_h - l->margin_top - l->margin_bottom;
    if (c->logo) {
        struct image_info info = image_probe(c->logo);
        if (info.kind == IMAGE_NONE) {
            diag_add(d, DIAG_ERROR, c->logo_file, c->logo_line, 1, "logo '%s': %s", c->logo, info.problem);
        } else {
            /* At most a third of the width and a fifth of the height. */
            double w = info.width * 72.0 / 96.0, h = info.height * 72.0 / 96.0;
            double scale = fmin(fmin(ts.w / 3 / w, frame_h / 5 / h), 1.5);
            struct flow_slab *s = slab_new(&ts, h * scale);
            struct page_item *it = page_item_new(a, PAGE_IMAGE);
            it->w = w * scale, it->h = h * scale, it->text = c->logo;
            slab_add(s, it);
            emit(&ts, s);
        }
    }
    /* An empty slab, not a space: spaces vanish at the top of a page. */
    emit(&ts, slab_new(&ts, frame_h * (c->logo ? 0.12 : 0.22)));
    if (c->title)
        set_line_of_text(&ts, EL_TITLE, c->title);
    if (c->subtitle)
        set_line_of_text(&ts, EL_SUBTITLE, c->subtitle);
    struct flow_slab *rule = slab_new(&ts, 2);
    add_line(&ts, rule, 0, 1, ts.w * 0.4, 0, l->style[EL_TITLE].color, 1.5);
    emit(&ts, rule);
    space(&ts, 12);
    if (c->organisation)
        set_line_of_text(&ts, EL_SUBTITLE, c->organisation);
    if (c->date)
        set_line_of_text(&ts, EL_META, typeset_human_date(a, c->date));
    if (c->line_count > 0) {
        space(&ts, 18);
        for (int i = 0; i < c->line_count; i++)
            if (c->lines[i] && *c->lines[i])
                set_line_of_text(&ts, EL_META, c->lines[i]);
    }
    return d->errors > errors ? -1 : 0;
}

int typeset_contents(const struct typeset_contents_entry *e, int n, const char *heading, const struct layout *l,
                     const struct fontset *fs, struct arena *a, struct diag *d, struct flow *out)
{
    struct ts ts;
    ts_init_plain(&ts, l, fs, a, d, out);
    set_line_of_text(&ts, EL_H1, heading);
    space(&ts, l->style[EL_H1].space_after + 6);
    const struct layout_style *ls = &l->style[EL_BODY];
    const int face = LAYOUT_FACE(ls->family, VARIANT_REGULAR);
    /* The widest page number sets the number column. */
    double num_w = 0;
    for (int i = 0; i < n; i++) {
        char num[16];
        snprintf(num, sizeof num, "%d", e[i].page_number);
        num_w = fmax(num_w, fs_width(&ts, face, num, (int)strlen(num), ls->size));
    }
    const double gap = ls->size * 1.5;
    const double dot_w = fs_width(&ts, face, ". ", 2, ls->size);
    for (int i = 0; i < n; i++) {
        struct flow_slab *before = ts.flow->last;
        struct para p;
        para_init(&p, &ts, ts.w - num_w - gap);
        struct istyle st = style_of(&ts, EL_BODY);
        para_text(&p, &st, e[i].title, strlen(e[i].title));
        para_set(&p, ls);
        para_free(&p);
        struct flow_slab *last = ts.flow->last;
        if (!last || last == before)
            continue;
        /* Dot leaders from the end of the title to the number, then the number. */
        double end = 0, baseline = 0;
        for (struct page_item *it = last->items; it; it = it->next)
            if (it->kind == PAGE_TEXT) {
                end = fmax(end, it->x + it->w);
                baseline = it->y;
            }
        double lead_from = end + dot_w * 0.5, lead_to = ts.w - num_w - dot_w * 0.5;
        int dots = (int)((lead_to - lead_from) / dot_w);
        if (dots > 0) {
            char *leader = arena_alloc(a, (size_t)dots * 2 + 1);
            for (int k = 0; k < dots; k++)
                memcpy(leader + 2 * k, ". ", 2);
            leader[dots * 2 - 1] = '\0'; /* no trailing space */
            struct page_item *lt = page_item_new(a, PAGE_TEXT);
            lt->x = lead_to - dots * dot_w + dot_w * 0.5, lt->y = baseline, lt->face = face, lt->size = ls->size;
            lt->fill = l->rule_color, lt->text = leader;
            lt->w = fs_width(&ts, face, leader, (int)strlen(leader), ls->size);
            slab_add(last, lt);
        }
        struct page_item *num = page_item_new(a, PAGE_TEXT);
        num->text = arena_printf(a, "%d", e[i].page_number);
        num->w = fs_width(&ts, face, num->text, (int)strlen(num->text), ls->size);
        num->x = ts.w - num->w, num->y = baseline, num->face = face, num->size = ls->size, num->fill = ls->color;
        slab_add(last, num);
        /* The whole entry is a link to the topic's first page. */
        for (struct flow_slab *s = before ? before->next : ts.flow->first; s; s = s->next) {
            struct page_item *lk = page_item_new(a, PAGE_LINK);
            lk->w = ts.w, lk->h = s->height;
            lk->dest_page = e[i].dest_page;
            lk->dest_y = l->paper_h - l->margin_top;
            slab_add(s, lk);
        }
        space(&ts, 4);
    }
    return 0;
}
