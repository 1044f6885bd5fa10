/* typeset_table: GFM tables. Column widths come from the cells' content;
 * each row is one slab (a grid line under it, the header row repeated after
 * a break). A table too wide for the column even with every word whole, or
 * a row too tall for a page, is set as "header: value" lines instead: text
 * is never shrunk to fit (large print forbids it). */
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"
#include "source.h"
#include "typeset_internal.h"

static const double cell_pad = 4;

static bool is_header(cmark_node *row)
{
    return strcmp(cmark_node_get_type_string(row), "table_header") == 0;
}

/* Lays out one cell's inlines into a private flow at the given width;
 * returns its height. */
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
    ts_set_inline_block(ts, cell, el);
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
    ts_para_init(&p, ts, 1e9);
    ts_collect_inlines(&p, cell, ts_style_of(ts, el));
    ts_para_widths(&p, natural, minimum);
    ts_para_free(&p);
}

/* Column widths from content: natural widths when they fit, else each
 * column gets its minimum plus a share of the rest by how much it wants.
 * Returns 0, 1 when the table is too wide even with every word whole, or
 * -1 when out of memory. */
static int column_widths(struct ts *ts, cmark_node *table, int cols, double *width)
{
    const double avail = ts->w;
    double *natural = calloc((size_t)cols, sizeof *natural), *minimum = calloc((size_t)cols, sizeof *minimum);
    if (!natural || !minimum) {
        free(natural), free(minimum);
        return -1;
    }
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
        bool header = is_header(row);
        int c = 0;
        for (cmark_node *cell = cmark_node_first_child(row); cell && c < cols; cell = cmark_node_next(cell), c++) {
            double nat, min;
            cell_widths(ts, cell, header ? EL_TABLE_HEADER : EL_TABLE, &nat, &min);
            natural[c] = fmax(natural[c], nat + 2 * cell_pad);
            minimum[c] = fmax(minimum[c], min + 2 * cell_pad);
        }
    }
    double sum_nat = 0, sum_min = 0;
    for (int c = 0; c < cols; c++)
        sum_nat += natural[c], sum_min += minimum[c];
    if (sum_min > avail) {
        free(natural), free(minimum);
        return 1;
    }
    for (int c = 0; c < cols; c++) {
        if (sum_nat <= avail)
            width[c] = natural[c] + (avail - sum_nat) * natural[c] / sum_nat;
        else if (sum_min <= avail)
            width[c] = minimum[c] + (avail - sum_min) * (natural[c] - minimum[c]) / (sum_nat - sum_min);
        else
            width[c] = avail / cols; /* words break inside cells */
    }
    free(natural), free(minimum);
    return 0;
}

/* One row as a slab: its cells side by side, the header's background, and
 * the grid. NULL when the row is too tall for a page: a slab cannot be split. */
static struct flow_slab *grid_row(struct ts *ts, cmark_node *row, bool header, int cols, const double *width)
{
    const uint32_t border = ts->l->table_border_color;
    enum layout_element el = header ? EL_TABLE_HEADER : EL_TABLE;
    struct flow cells[cols];
    memset(cells, 0, sizeof cells);
    double h = 0, x = ts->x;
    int c = 0;
    for (cmark_node *cell = cmark_node_first_child(row); cell && c < cols; cell = cmark_node_next(cell), c++) {
        double ch = set_cell(ts, cell, el, x + cell_pad, width[c] - 2 * cell_pad, &cells[c]);
        h = fmax(h, ch);
        x += width[c];
    }
    h += 2 * cell_pad;
    if (h > ts_frame_height(ts->l) * 0.9)
        return NULL;
    struct flow_slab *s = ts_slab_new(ts, h);
    if (header)
        ts_add_rect(ts, s, ts->x, 0, ts->w, h, ts->l->table_header_background, PAGE_NO_COLOR, 0);
    for (int k = 0; k < c; k++) {
        double y = cell_pad;
        for (struct flow_slab *cs = cells[k].first; cs; cs = cs->next) {
            for (struct page_item *it = cs->items, *next; it; it = next) {
                next = it->next;
                it->y += y;
                ts_slab_add(s, it);
            }
            y += cs->height;
        }
    }
    /* Grid: a line under each row, and between columns. */
    ts_add_line(ts, s, ts->x, h, ts->w, 0, border, header ? 1.2 : 0.6);
    x = ts->x;
    for (int k = 0; k < cols - 1; k++) {
        x += width[k];
        ts_add_line(ts, s, x, 0, 0, h, border, 0.6);
    }
    if (header)
        ts_add_line(ts, s, ts->x, 0, ts->w, 0, border, 0.6);
    return s;
}

/* One row as "header: value" lines, which can break across pages. */
static void set_row_as_blocks(struct ts *ts, cmark_node *header, cmark_node *row, int cols)
{
    bool saved_keep = ts->keep_group;
    ts->line = source_line(ts->topic, row);
    ts_emit_rule(ts, 1, ts->w, ts->l->table_border_color, 0.8, true);
    ts_space(ts, 4);
    ts->keep_group = true; /* a row's lines stay together */
    cmark_node *h = cmark_node_first_child(header), *cell = cmark_node_first_child(row);
    for (int c = 0; c < cols && cell; c++, cell = cmark_node_next(cell), h = h ? cmark_node_next(h) : NULL) {
        if (!cmark_node_next(cell) || c == cols - 1)
            ts->keep_group = saved_keep;
        struct para p;
        ts_para_init(&p, ts, ts->w);
        p.hyphenate = ts_hyphenated(ts, EL_TABLE);
        struct istyle bold = ts_style_of(ts, EL_TABLE);
        bold.bold = true;
        if (h) {
            ts_collect_inlines(&p, h, bold);
            ts_para_text(&p, &bold, ":", 1);
            ts_para_space(&p, &bold, " ");
        }
        ts_collect_inlines(&p, cell, ts_style_of(ts, EL_TABLE));
        ts_para_set(&p, &ts->l->style[EL_TABLE]);
        ts_para_free(&p);
        ts_space(ts, 2);
    }
    ts->keep_group = saved_keep;
    ts_space(ts, 4);
}

/* The whole table as "header: value" lines, row by row. */
static void set_table_as_blocks(struct ts *ts, cmark_node *table, int cols)
{
    cmark_node *header = cmark_node_first_child(table);
    ts_space(ts, ts->l->paragraph_space);
    for (cmark_node *row = cmark_node_next(header); row; row = cmark_node_next(row))
        set_row_as_blocks(ts, header, row, cols);
    ts_space(ts, ts->l->style[EL_TABLE].space_after);
}

void ts_set_table(struct ts *ts, cmark_node *table)
{
    int cols = cmark_gfm_extensions_get_table_columns(table);
    if (cols <= 0)
        return;
    double *width = calloc((size_t)cols, sizeof *width);
    int fit = width ? column_widths(ts, table, cols, width) : -1;
    if (fit != 0) {
        free(width);
        if (fit > 0)
            set_table_as_blocks(ts, table, cols);
        return;
    }
    ts_space(ts, ts->l->paragraph_space);
    struct flow_slab *header_slab = NULL;
    for (cmark_node *row = cmark_node_first_child(table); row; row = cmark_node_next(row)) {
        ts->line = source_line(ts->topic, row);
        bool header = is_header(row);
        struct flow_slab *s = grid_row(ts, row, header, cols, width);
        if (!s && header) { /* a header too tall: no row can be drawn under it */
            free(width);
            set_table_as_blocks(ts, table, cols);
            return;
        }
        if (!s) {
            set_row_as_blocks(ts, cmark_node_first_child(table), row, cols);
            continue;
        }
        if (header) {
            s->keep_with_next = true;
            header_slab = s;
        } else {
            s->repeat_header = header_slab;
        }
        ts_emit(ts, s);
    }
    free(width);
    ts_space(ts, ts->l->style[EL_TABLE].space_after);
}
