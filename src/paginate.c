#include "paginate.h"

#include <math.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "layout.h"
#include "source.h"
#include "typeset.h"

struct pager {
    struct doc *doc;
    const struct layout *l;
    struct arena *a;
    struct page *page;
    int column;             /* frame on the current page */
    double cursor;          /* used height in the current frame */
    double frame_h, frame_w;
    bool fresh;             /* nothing placed in the current frame */
};

static void new_page(struct pager *p)
{
    struct doc *d = p->doc;
    /* Pages live in the arena: grow by copying into a block twice the size. */
    if (d->page_count == d->page_cap) {
        int cap = d->page_cap ? d->page_cap * 2 : 8;
        struct page *grown = arena_alloc(p->a, (size_t)cap * sizeof *grown);
        if (d->page_count)
            memcpy(grown, d->pages, (size_t)d->page_count * sizeof *grown);
        d->pages = grown;
        d->page_cap = cap;
    }
    p->page = &d->pages[d->page_count++];
    memset(p->page, 0, sizeof *p->page);
    p->page->width = p->l->paper_w;
    p->page->height = p->l->paper_h;
    p->column = 0;
    p->cursor = 0;
    p->fresh = true;
}

static void next_frame(struct pager *p)
{
    if (p->column + 1 < p->l->columns) {
        p->column++;
        p->cursor = 0;
        p->fresh = true;
    } else {
        new_page(p);
    }
}

static double frame_x(const struct pager *p)
{
    return p->l->margin_left + p->column * (p->frame_w + p->l->gutter);
}

/* Moves a slab's items onto the page at the cursor, in page coordinates:
 * copying them cost a booklet as much memory again as its topics' text.
 * A table's header row, placed again after each break, is copied. */
static void place(struct pager *p, struct flow_slab *s)
{
    double x0 = frame_x(p), top = p->l->paper_h - p->l->margin_top - p->cursor;
    for (struct page_item *it = s->items, *next; it; it = next) {
        next = it->next;
        struct page_item *c = it;
        if (s->repeated) {
            c = page_item_new(p->a, it->kind);
            *c = *it;
        }
        c->x += x0;
        switch (c->kind) {
        case PAGE_TEXT:
            c->y = top - c->y;
            break;
        case PAGE_LINE:
            c->y = top - c->y;
            c->h = -c->h;
            break;
        default:
            c->y = top - c->y - c->h;
            break;
        }
        page_append(p->page, c);
    }
    if (!s->repeated)
        s->items = s->items_tail = NULL;
    if (s->mark_level > 0)
        page_add_mark(p->a, p->page, s->mark_level, s->mark_title, top);
    p->cursor += s->height;
    p->fresh = false;
}

/* Height of the chain of slabs that must stay together from s on. */
static double chain_height(const struct flow_slab *s)
{
    double h = 0;
    for (; s; s = s->next) {
        h += s->height;
        if (!s->keep_with_next || (s->next && s->next->page_break))
            break;
    }
    return h;
}

int paginate_flow(struct doc *doc, struct flow *f, const struct layout *l, struct arena *a)
{
    for (struct flow_slab *s = f->first; s; s = s->next)
        if (s->repeat_header)
            s->repeat_header->repeated = true;
    struct pager p = {.doc = doc, .l = l, .a = a};
    p.frame_h = l->paper_h - l->margin_top - l->margin_bottom;
    p.frame_w = layout_column_width(l);
    int first = doc->page_count;
    new_page(&p);
    const double slack = 0.01; /* rounding: a slab that fits to a hundredth of a point fits */
    for (struct flow_slab *s = f->first; s; s = s->next) {
        if (s->page_break) {
            if (!(p.fresh && p.column == 0))
                new_page(&p);
            continue;
        }
        if (p.fresh && s->is_space)
            continue;
        double chain = chain_height(s);
        if (!p.fresh && p.cursor + chain > p.frame_h + slack && chain <= p.frame_h + slack) {
            next_frame(&p); /* the chain fits an empty frame: move it whole */
            if (s->is_space)
                continue;
        } else if (!p.fresh && p.cursor + s->height > p.frame_h + slack) {
            next_frame(&p); /* a chain taller than a frame breaks where it must */
            if (s->is_space)
                continue;
        }
        if (p.fresh && s->repeat_header)
            place(&p, s->repeat_header);
        place(&p, s);
    }
    return first;
}

/* Expands "{field}" and drops a "[...]" group when a field in it is empty,
 * so "[Version {version}]" disappears for a topic without a version. */
static const char *expand(struct arena *a, const char *tpl, const char *const fields[][2], int nfields)
{
    char out[1024], group[512];
    size_t n = 0, g = 0;
    bool in_group = false, group_empty = false;
    for (const char *s = tpl; *s; s++) {
        char buf[256];
        const char *piece = NULL;
        size_t plen = 0;
        if (*s == '[' && !in_group) {
            in_group = true;
            group_empty = false;
            g = 0;
            continue;
        }
        if (*s == ']' && in_group) {
            in_group = false;
            if (!group_empty && n + g < sizeof out) {
                memcpy(out + n, group, g);
                n += g;
            }
            continue;
        }
        if (*s == '{') {
            const char *close = strchr(s, '}');
            if (close) {
                const char *value = "";
                for (int i = 0; i < nfields; i++)
                    if (strlen(fields[i][0]) == (size_t)(close - s - 1) && strncmp(fields[i][0], s + 1, (size_t)(close - s - 1)) == 0)
                        value = fields[i][1] ? fields[i][1] : "";
                if (!*value)
                    group_empty = true;
                piece = value;
                plen = strlen(value);
                s = close;
            }
        }
        if (!piece) {
            buf[0] = *s;
            piece = buf;
            plen = 1;
        }
        char *dst = in_group ? group : out;
        size_t *len = in_group ? &g : &n;
        size_t cap = in_group ? sizeof group : sizeof out;
        if (*len + plen < cap) {
            memcpy(dst + *len, piece, plen);
            *len += plen;
        }
    }
    return arena_strndup(a, out, n);
}

/* A footer or header line no wider than max_w: a longer text (a long
 * title or version in the template) is cut and ends in "…", so that it
 * stays on the paper. */
static struct page_item *fitted_line(const struct layout *l, const struct fontset *fs, const char *text,
                                     double max_w, struct arena *a, struct diag *d, double *w)
{
    struct page_item *runs = typeset_text_line(l, fs, EL_FOOTER, text, a, d, w);
    size_t n = strlen(text);
    for (int tries = 0; *w > max_w && n > 0 && tries < 64; tries++) {
        size_t guess = (size_t)((double)n * fmax(max_w, 0) / *w);
        n = guess < n ? guess : n - 1;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--; /* a whole UTF-8 character */
        struct diag quiet = {0}; /* missing glyphs were reported for the full text */
        runs = typeset_text_line(l, fs, EL_FOOTER, arena_printf(a, "%.*s\xE2\x80\xA6", (int)n, text), a,
                                 &quiet, w);
        diag_free(&quiet);
    }
    if (*w > max_w) { /* not even the ellipsis fits */
        *w = 0;
        return NULL;
    }
    return runs;
}

/* The last line fitted_line set, kept to copy: most footer and header
 * lines repeat on every page of a topic, and setting one costs far more
 * than copying its runs. */
struct line_memo {
    const char *text;       /* NULL: nothing kept */
    double max_w, w;
    struct page_item *runs; /* never placed on a page: add_line_at changes what it places */
};

static struct page_item *copy_runs(struct arena *a, const struct page_item *runs)
{
    struct page_item *head = NULL, *tail = NULL;
    for (const struct page_item *it = runs; it; it = it->next) {
        struct page_item *c = page_item_new(a, it->kind);
        *c = *it;
        page_items_append(&head, &tail, c);
    }
    return head;
}

/* fitted_line, or a copy of the line kept in m when the text is the same.
 * A line that drew diagnostics is set again each time, so that each page
 * reports them as before. */
static struct page_item *fitted_line_memo(struct line_memo *m, const struct layout *l, const struct fontset *fs,
                                          const char *text, double max_w, struct arena *a, struct diag *d,
                                          double *w)
{
    if (!m->text || strcmp(m->text, text) != 0 || m->max_w != max_w) {
        int before = d->count;
        struct page_item *runs = fitted_line(l, fs, text, max_w, a, d, w);
        if (d->count != before) {
            m->text = NULL;
            return runs;
        }
        *m = (struct line_memo){.text = text, .max_w = max_w, .w = *w, .runs = runs};
    }
    *w = m->w;
    return copy_runs(a, m->runs);
}

static void add_line_at(struct page *pg, struct page_item *runs, double x, double y)
{
    for (struct page_item *it = runs, *next; it; it = next) {
        next = it->next;
        it->x += x;
        it->y = y;
        page_append(pg, it);
    }
}

static const char *roman(struct arena *a, int n)
{
    static const char *const r[] = {"m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i"};
    static const int v[] = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
    char buf[64] = "";
    for (int i = 0; i < 13 && n > 0 && n < 4000; i++)
        while (n >= v[i]) {
            strcat(buf, r[i]);
            n -= v[i];
        }
    return arena_strdup(a, buf);
}

struct paginate_fields paginate_topic_fields(const struct topic_meta *m, int from, int to)
{
    return (struct paginate_fields){.title = m->title, .id = m->id, .version = m->version, .review = m->review,
                                    .first_number = 1, .total = to - from};
}

/* A left-hand page (verso) of a document printed on both sides: its
 * pages alternate right, left, right ..., the first on the right. */
static bool left_hand(const struct layout *l, int page)
{
    return l->double_sided && page % 2 == 1;
}

void paginate_footers(struct doc *doc, int from, int to, const struct layout *l, const struct fontset *fs,
                      const struct paginate_fields *f, struct arena *a, struct diag *d)
{
    const double min_edge = 8 * 72 / 25.4; /* well clear of the 5 mm printers cannot reach */
    double baseline = fmax(l->margin_bottom - l->footer_gap, min_edge);
    double line_h = l->style[EL_FOOTER].size * l->style[EL_FOOTER].leading;
    const char *left_tpl = f->left ? f->left : l->footer_left ? l->footer_left : "";
    const char *right_tpl = f->right ? f->right : l->footer_right ? l->footer_right : "";
    struct line_memo left_memo = {0}, right_memo = {0};
    /* The same on every page: written out once. */
    const char *pages = arena_printf(a, "%d", f->total), *review = typeset_human_date(a, f->review);
    for (int i = from; i < to; i++) {
        int number = f->first_number + (i - from);
        const char *page = f->roman ? roman(a, number) : arena_printf(a, "%d", number);
        const char *const fields[][2] = {
            {"title", f->title}, {"id", f->id}, {"version", f->version},
            {"review", review}, {"page", page}, {"pages", pages},
        };
        const int nf = (int)(sizeof fields / sizeof fields[0]);
        const char *left = expand(a, left_tpl, fields, nf);
        const char *right = expand(a, right_tpl, fields, nf);
        double lw = 0, rw = 0;
        double inner = l->paper_w - l->margin_left - l->margin_right;
        struct page_item *lr = *left ? fitted_line_memo(&left_memo, l, fs, left, inner, a, d, &lw) : NULL;
        struct page_item *rr = *right ? fitted_line_memo(&right_memo, l, fs, right, inner, a, d, &rw) : NULL;
        /* Side by side when they fit, else the left text one line higher. */
        double left_y = lw + rw + 12 <= inner ? baseline : baseline + line_h;
        if (left_hand(l, i)) { /* mirrored: the page number stays on the outside edge */
            add_line_at(&doc->pages[i], rr, l->margin_left, baseline);
            add_line_at(&doc->pages[i], lr, l->paper_w - l->margin_right - lw, left_y);
        } else {
            add_line_at(&doc->pages[i], lr, l->margin_left, left_y);
            add_line_at(&doc->pages[i], rr, l->paper_w - l->margin_right - rw, baseline);
        }
    }
}

void paginate_header(struct doc *doc, int from, int to, const struct layout *l, const struct fontset *fs,
                     const char *text, struct arena *a, struct diag *d)
{
    const double min_edge = 8 * 72 / 25.4;
    double size = l->style[EL_FOOTER].size;
    double baseline = l->paper_h - fmax(l->margin_top - l->footer_gap, min_edge + size * 0.8);
    struct line_memo memo = {0};
    for (int i = from; i < to; i++) {
        double w = 0;
        struct page_item *runs =
            fitted_line_memo(&memo, l, fs, text, l->paper_w - l->margin_left - l->margin_right, a, d, &w);
        /* Printed on both sides: at the outside edge, like the page number. */
        bool outside_right = l->double_sided && !left_hand(l, i);
        add_line_at(&doc->pages[i], runs, outside_right ? l->paper_w - l->margin_right - w : l->margin_left, baseline);
    }
}

void paginate_blank(struct doc *doc, const struct layout *l, struct arena *a)
{
    struct pager p = {.doc = doc, .l = l, .a = a};
    new_page(&p);
}

void paginate_info(struct doc *doc, const struct topic_meta *m, struct arena *a)
{
    doc->info.title = m->title;
    doc->info.author = m->author;
    doc->info.subject = m->subtitle;
    doc->info.lang = m->lang;
    doc->info.date = m->published;
    if (m->keyword_count > 0) {
        const char *k = m->keywords[0];
        for (int i = 1; i < m->keyword_count; i++)
            k = arena_printf(a, "%s, %s", k, m->keywords[i]);
        doc->info.keywords = k;
    }
}
