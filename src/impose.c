#include "impose.h"

#include <string.h>

#include "arena.h"

int impose_saddle_order(int pages, int *order, int cap)
{
    int n = (pages + 3) / 4 * 4; /* padded to a multiple of four */
    if (n == 0 || n > cap)
        return 0;
    int k = 0;
    for (int s = 0; s < n / 4; s++) {
        /* Front: [last, first]; back: [second, second-last], and inwards. */
        int front[2] = {n - 1 - 2 * s, 2 * s}, back[2] = {2 * s + 1, n - 2 - 2 * s};
        for (int i = 0; i < 2; i++)
            order[k++] = front[i] < pages ? front[i] : -1;
        for (int i = 0; i < 2; i++)
            order[k++] = back[i] < pages ? back[i] : -1;
    }
    return n / 2;
}

int impose_trifold_order(int pages, int *order, int cap)
{
    /* Outside: inside flap (5), back panel (6), front cover (1);
     * inside: panels 2, 3, 4. */
    static const int panels[6] = {4, 5, 0, 1, 2, 3};
    if (pages > 6 || cap < 6)
        return 0;
    for (int i = 0; i < 6; i++)
        order[i] = panels[i] < pages ? panels[i] : -1;
    return 2;
}

void impose_doc(const struct doc *in, struct doc *out, const int *order, int sides, int per_side,
                double sheet_w, double sheet_h, double creep, struct arena *a)
{
    memset(out, 0, sizeof *out);
    out->info = in->info;
    out->page_count = out->page_cap = sides;
    out->pages = arena_alloc(a, (size_t)(sides > 0 ? sides : 1) * sizeof *out->pages);
    /* Where each logical page went, for links. Bookmarks are left out: on
     * sheets they would no longer be in reading order. */
    int *side_of = arena_alloc(a, (size_t)(in->page_count + 1) * sizeof *side_of);
    double *dx_of = arena_alloc(a, (size_t)(in->page_count + 1) * sizeof *dx_of);
    for (int s = 0; s < sides; s++) {
        for (int k = 0; k < per_side; k++) {
            int p = order[s * per_side + k];
            if (p < 0 || p >= in->page_count)
                continue;
            double w = sheet_w / per_side;
            double dx = k * w;
            if (per_side == 2 && creep > 0) {
                /* Sheet s/2 from the outside: content moves toward the fold. */
                double shift = creep * (s / 2);
                dx += k == 0 ? shift : -shift;
            }
            side_of[p] = s;
            dx_of[p] = dx;
        }
    }
    for (int s = 0; s < sides; s++) {
        struct page *side = &out->pages[s];
        side->width = sheet_w;
        side->height = sheet_h;
        for (int k = 0; k < per_side; k++) {
            int p = order[s * per_side + k];
            if (p < 0 || p >= in->page_count)
                continue;
            const struct page *lp = &in->pages[p];
            double dx = dx_of[p], dy = (sheet_h - lp->height) / 2;
            for (const struct page_item *it = lp->items; it; it = it->next) {
                struct page_item *c = page_item_new(a, it->kind);
                *c = *it;
                c->x += dx;
                c->y += dy;
                if (c->kind == PAGE_LINK && !c->text && c->dest_page >= 0 && c->dest_page < in->page_count) {
                    c->dest_y += (sheet_h - in->pages[c->dest_page].height) / 2;
                    c->dest_page = side_of[c->dest_page];
                }
                page_append(side, c);
            }
        }
    }
}
