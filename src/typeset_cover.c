/* typeset_cover: flows made from plain strings rather than a topic's
 * Markdown: a cover page (booklet, tri-fold front) or back panel, a contents
 * page with dot leaders and links, and single lines for footers; and the
 * "1 March 2026" form of dates that covers and title blocks print. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "image.h"
#include "pages.h"
#include "source.h"
#include "typeset_internal.h"

const char *typeset_human_date(struct arena *a, const char *iso)
{
    static const char *const months[] = {"January", "February", "March", "April", "May", "June", "July",
                                         "August", "September", "October", "November", "December"};
    int y, m, d;
    if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12)
        return iso;
    return arena_printf(a, "%d %s %d", d, months[m - 1], y);
}

/* State for text that is not from a topic: no hyphenation, optimal breaks. */
static void ts_init_plain(struct ts *ts, const struct layout *l, const struct fontset *fs, struct arena *a,
                          struct diag *d, struct flow *out)
{
    static const struct typeset_options opt = {LINEBREAK_OPTIMAL};
    static const struct topic none; /* only its path is read, for diagnostics */
    ts_init(ts, &none, l, fs, &opt, a, d, out);
}

static double str_width(struct ts *ts, int face, const char *s, double size)
{
    return ts_width(ts, face, s, (int)strlen(s), size);
}

struct page_item *typeset_text_line(const struct layout *l, const struct fontset *fs, enum layout_element el,
                                    const char *text, struct arena *a, struct diag *d, double *width)
{
    struct flow flow;
    struct ts ts;
    ts_init_plain(&ts, l, fs, a, d, &flow);
    ts.w = 1e9; /* one line, however long */
    ts_set_line(&ts, el, text);
    ts_done(&ts);
    *width = 0;
    struct page_item *head = NULL, *tail = NULL;
    for (struct flow_slab *s = flow.first; s; s = s->next)
        for (struct page_item *it = s->items; it; it = it->next)
            if (it->kind == PAGE_TEXT) {
                struct page_item *c = page_item_new(a, PAGE_TEXT);
                *c = *it;
                c->y = 0;
                *width = fmax(*width, c->x + c->w);
                page_items_append(&head, &tail, c);
            }
    return head;
}

int typeset_cover(const struct typeset_cover *c, const struct layout *l, const struct fontset *fs,
                  struct arena *a, struct diag *d, struct flow *out)
{
    struct ts ts;
    ts_init_plain(&ts, l, fs, a, d, out);
    int errors = d->errors;
    double frame_h = ts_frame_height(l);
    if (c->logo) {
        struct image_info info = image_probe(c->logo);
        if (info.kind == IMAGE_NONE) {
            diag_add(d, DIAG_ERROR, c->logo_file, c->logo_line, 1, "logo '%s': %s", c->logo, info.problem);
        } else {
            /* At most a third of the width and a fifth of the height. */
            double w = ts_px_to_pt(info.width), h = ts_px_to_pt(info.height);
            double scale = fmin(fmin(ts.w / 3 / w, frame_h / 5 / h), 1.5);
            struct flow_slab *s = ts_slab_new(&ts, h * scale);
            struct page_item *it = page_item_new(a, PAGE_IMAGE);
            it->w = w * scale, it->h = h * scale, it->text = c->logo;
            ts_slab_add(s, it);
            ts_emit(&ts, s);
        }
    }
    /* An empty slab, not a space: spaces vanish at the top of a page. */
    ts_emit(&ts, ts_slab_new(&ts, frame_h * (c->logo ? 0.12 : 0.22)));
    if (c->title)
        ts_set_line(&ts, EL_TITLE, c->title);
    if (c->subtitle)
        ts_set_line(&ts, EL_SUBTITLE, c->subtitle);
    ts_emit_rule(&ts, 2, ts.w * 0.4, l->style[EL_TITLE].color, 1.5, false);
    ts_space(&ts, 12);
    if (c->organisation)
        ts_set_line(&ts, EL_SUBTITLE, c->organisation);
    if (c->date)
        ts_set_line(&ts, EL_META, typeset_human_date(a, c->date));
    if (c->line_count > 0) {
        ts_space(&ts, 18);
        for (int i = 0; i < c->line_count; i++)
            if (c->lines[i] && *c->lines[i])
                ts_set_line(&ts, EL_META, c->lines[i]);
    }
    ts_done(&ts);
    return d->errors > errors ? -1 : 0;
}

int typeset_contents(const struct typeset_contents_entry *e, int n, const char *heading, const struct layout *l,
                     const struct fontset *fs, struct arena *a, struct diag *d, struct flow *out)
{
    struct ts ts;
    ts_init_plain(&ts, l, fs, a, d, out);
    ts_set_line(&ts, EL_H1, heading);
    ts_space(&ts, l->style[EL_H1].space_after + 6);
    const struct layout_style *ls = &l->style[EL_BODY];
    const int face = LAYOUT_FACE(ls->family, VARIANT_REGULAR);
    /* The widest page number sets the number column. */
    double num_w = 0;
    for (int i = 0; i < n; i++) {
        char num[16];
        snprintf(num, sizeof num, "%d", e[i].page_number);
        num_w = fmax(num_w, str_width(&ts, face, num, ls->size));
    }
    const double gap = ls->size * 1.5;
    const double dot_w = ts_width(&ts, face, ". ", 2, ls->size);
    for (int i = 0; i < n; i++) {
        struct flow_slab *before = ts.flow->last;
        struct para p;
        ts_para_init(&p, &ts, ts.w - num_w - gap);
        struct istyle st = ts_style_of(&ts, EL_BODY);
        ts_para_text(&p, &st, e[i].title, strlen(e[i].title));
        ts_para_set(&p, ls);
        ts_para_free(&p);
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
            lt->w = str_width(&ts, face, leader, ls->size);
            ts_slab_add(last, lt);
        }
        struct page_item *num = page_item_new(a, PAGE_TEXT);
        num->text = arena_printf(a, "%d", e[i].page_number);
        num->w = str_width(&ts, face, num->text, ls->size);
        num->x = ts.w - num->w, num->y = baseline, num->face = face, num->size = ls->size, num->fill = ls->color;
        ts_slab_add(last, num);
        /* The whole entry is a link to the topic's first page. */
        for (struct flow_slab *s = before ? before->next : ts.flow->first; s; s = s->next) {
            struct page_item *lk = page_item_new(a, PAGE_LINK);
            lk->w = ts.w, lk->h = s->height;
            lk->dest_page = e[i].dest_page;
            lk->dest_y = l->paper_h - l->margin_top;
            ts_slab_add(s, lk);
        }
        ts_space(&ts, 4);
    }
    ts_done(&ts);
    return 0;
}
