/* typeset_flow: the flow being built. Slabs and the items in them, the
 * collapsing vertical space between slabs, and containers (quotes, alerts,
 * code blocks) that indent the content and paint backgrounds behind it. */
#include <string.h>

#include "arena.h"
#include "pages.h"
#include "typeset_internal.h"

void ts_init(struct ts *ts, const struct topic *t, const struct layout *l, const struct fontset *fs,
             const struct typeset_options *opt, struct arena *a, struct diag *d, struct flow *out)
{
    memset(out, 0, sizeof *out);
    out->width = layout_column_width(l);
    *ts = (struct ts){.topic = t, .l = l, .fs = fs, .opt = opt, .a = a, .d = d, .flow = out,
                      .x = 0, .w = out->width, .line = 1, .min_size = l->large_print ? 16 : 0};
    for (int f = 0; fs && f < LAYOUT_FACE_COUNT && f < fontset_count(fs); f++)
        ts->latin[f] = fontset_latin(fs, f);
}

struct flow_slab *ts_slab_new(struct ts *ts, double height)
{
    struct flow_slab *s = arena_alloc(ts->a, sizeof *s);
    s->height = height;
    s->keep_with_next = ts->keep_group;
    return s;
}

void ts_slab_add(struct flow_slab *s, struct page_item *it)
{
    page_items_append(&s->items, &s->items_tail, it);
}

struct page_item *ts_add_rect(struct ts *ts, struct flow_slab *s, double x, double y, double w, double h,
                              uint32_t fill, uint32_t stroke, double lw)
{
    struct page_item *it = page_item_new(ts->a, PAGE_RECT);
    it->x = x, it->y = y, it->w = w, it->h = h;
    it->fill = fill, it->stroke = stroke, it->line_width = lw;
    ts_slab_add(s, it);
    return it;
}

void ts_add_line(struct ts *ts, struct flow_slab *s, double x, double y, double w, double h, uint32_t color,
                 double lw)
{
    struct page_item *it = page_item_new(ts->a, PAGE_LINE);
    it->x = x, it->y = y, it->w = w, it->h = h;
    it->stroke = color, it->line_width = lw;
    ts_slab_add(s, it);
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
            page_items_append(&head, &tail, it);
        }
    }
    if (!head)
        return;
    tail->next = s->items;
    s->items = head;
    if (!s->items_tail)
        s->items_tail = tail;
}

void ts_flow_push(struct ts *ts, struct flow_slab *s)
{
    struct flow *f = ts->flow;
    if (f->last)
        f->last->next = s;
    else
        f->first = s;
    f->last = s;
}

void ts_emit_pending_space(struct ts *ts)
{
    if (ts->pending_space <= 0)
        return;
    struct flow_slab *s = ts_slab_new(ts, ts->pending_space);
    s->is_space = true;
    /* A space after a slab that keeps with the next keeps too (heading -> text). */
    if (ts->flow->last && ts->flow->last->keep_with_next)
        s->keep_with_next = true;
    slab_backgrounds(ts, s);
    ts_flow_push(ts, s);
    ts->pending_space = 0;
}

void ts_space(struct ts *ts, double h)
{
    if (h > ts->pending_space)
        ts->pending_space = h;
}

void ts_emit(struct ts *ts, struct flow_slab *s)
{
    ts_emit_pending_space(ts);
    slab_backgrounds(ts, s);
    ts_flow_push(ts, s);
}

void ts_emit_rule(struct ts *ts, double height, double width, uint32_t color, double lw, bool keep)
{
    struct flow_slab *s = ts_slab_new(ts, height);
    ts_add_line(ts, s, ts->x, height / 2, width, 0, color, lw);
    if (keep)
        s->keep_with_next = true;
    ts_emit(ts, s);
}

void ts_push_container(struct ts *ts, double indent_left, double indent_right, uint32_t fill, uint32_t bar,
                       double bar_width)
{
    ts_emit_pending_space(ts);
    if (ts->depth == MAX_CONTAINERS) {
        ts->skipped++; /* so that ts_pop_container stays paired */
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

void ts_pop_container(struct ts *ts, double saved_x, double saved_w)
{
    ts->pending_space = 0; /* the container's own padding ends it */
    if (ts->skipped > 0)
        ts->skipped--;
    else if (ts->depth > 0)
        ts->depth--;
    ts->x = saved_x;
    ts->w = saved_w;
}
