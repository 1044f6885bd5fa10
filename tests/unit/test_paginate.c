/* paginate: frames filled in order, keep chains, spaces, breaks, repeated headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "fontset.h"
#include "layout.h"
#include "pages.h"
#include "paginate.h"
#include "typeset.h"

struct fixture {
    struct arena *a;
    struct layout l;
    struct flow flow;
    struct doc doc;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->a = arena_new();
    layout_default(&f->l, "fonts", f->a);
    /* A frame exactly 300 pt tall. */
    f->l.margin_top = f->l.margin_bottom = 50;
    f->l.paper_h = 400;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    arena_free(f->a);
    free(f);
    return 0;
}

/* A slab with one text item naming it, so tests can find where it went. */
static struct flow_slab *slab(struct fixture *f, const char *name, double h, bool keep)
{
    struct flow_slab *s = arena_alloc(f->a, sizeof *s);
    s->height = h;
    s->keep_with_next = keep;
    struct page_item *it = page_item_new(f->a, PAGE_TEXT);
    it->text = name;
    it->y = h * 0.8;
    s->items = s->items_tail = it;
    if (f->flow.last)
        f->flow.last->next = s;
    else
        f->flow.first = s;
    f->flow.last = s;
    return s;
}

static struct flow_slab *gap(struct fixture *f, double h)
{
    struct flow_slab *s = slab(f, "", h, false);
    s->items = s->items_tail = NULL;
    s->is_space = true;
    return s;
}

/* "a b | c" : the names on each page, pages separated by " | ". */
static const char *layout_of(struct fixture *f)
{
    static char buf[512];
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < f->doc.page_count; i++) {
        if (i)
            n += (size_t)snprintf(buf + n, sizeof buf - n, " |");
        for (struct page_item *it = f->doc.pages[i].items; it; it = it->next)
            if (it->kind == PAGE_TEXT)
                n += (size_t)snprintf(buf + n, sizeof buf - n, " %s", it->text);
    }
    return buf + (buf[0] == ' ');
}

static void fills_pages_in_order(void **state)
{
    struct fixture *f = *state;
    const char *names[] = {"a", "b", "c", "d", "e", "f", "g"};
    for (int i = 0; i < 7; i++)
        slab(f, names[i], 100, false);
    struct page_item *a = f->flow.first->items;
    paginate_flow(&f->doc, &f->flow, &f->l, f->a);
    assert_string_equal(layout_of(f), "a b c | d e f | g");
    /* The items moved, not copied: the flow is left without them. */
    assert_ptr_equal(f->doc.pages[0].items, a);
    assert_null(f->flow.first->items);
    /* First slab's baseline: 50 pt below the top margin edge + 80. */
    assert_float_equal(f->doc.pages[0].items->y, 400 - 50 - 80, 0.001);
}

static void keep_chain_moves_whole(void **state)
{
    struct fixture *f = *state;
    slab(f, "a", 150, false);
    slab(f, "h", 50, true); /* a heading keeps with its two lines */
    slab(f, "l1", 60, true);
    slab(f, "l2", 60, false);
    paginate_flow(&f->doc, &f->flow, &f->l, f->a);
    assert_string_equal(layout_of(f), "a | h l1 l2");
}

static void chain_taller_than_frame_breaks(void **state)
{
    struct fixture *f = *state;
    slab(f, "a", 100, false);
    for (int i = 0; i < 5; i++)
        slab(f, "k", 100, i < 4);
    paginate_flow(&f->doc, &f->flow, &f->l, f->a);
    /* Too tall for any page: filled where it stands, not moved first. */
    assert_string_equal(layout_of(f), "a k k | k k k");
}

static void space_dropped_at_top(void **state)
{
    struct fixture *f = *state;
    slab(f, "a", 290, false);
    gap(f, 20);
    slab(f, "b", 100, false);
    paginate_flow(&f->doc, &f->flow, &f->l, f->a);
    assert_string_equal(layout_of(f), "a | b");
    /* b sits at the very top of page 2: its baseline is 80 below the frame top. */
    assert_float_equal(f->doc.pages[1].items->y, 350 - 80, 0.001);
}

static void forced_page_break(void **state)
{
    struct fixture *f = *state;
    slab(f, "a", 10, false);
    struct flow_slab *b = gap(f, 0);
    b->page_break = true;
    slab(f, "b", 10, false);
    paginate_flow(&f->doc, &f->flow, &f->l, f->a);
    assert_string_equal(layout_of(f), "a | b");
}

static void table_header_repeats(void **state)
{
    struct fixture *f = *state;
    struct flow_slab *h = slab(f, "H", 40, true);
    for (int i = 0; i < 8; i++)
        slab(f, "r", 50, false)->repeat_header = h;
    paginate_flow(&f->doc, &f->flow, &f->l, f->a);
    assert_string_equal(layout_of(f), "H r r r r r | H r r r");
    assert_non_null(h->items); /* copied each time it is placed */
}

static void two_columns(void **state)
{
    struct fixture *f = *state;
    f->l.columns = 2;
    slab(f, "a", 200, false);
    slab(f, "b", 200, false);
    slab(f, "c", 200, false);
    paginate_flow(&f->doc, &f->flow, &f->l, f->a);
    assert_string_equal(layout_of(f), "a b | c");
    struct page_item *a = f->doc.pages[0].items, *b = a->next;
    assert_float_equal(b->x - a->x, layout_column_width(&f->l) + f->l.gutter, 0.001);
}

static void outline_marks(void **state)
{
    struct fixture *f = *state;
    struct flow_slab *s = slab(f, "a", 100, false);
    s->mark_level = 2;
    s->mark_title = "Heading";
    paginate_flow(&f->doc, &f->flow, &f->l, f->a);
    const struct page_mark *m = f->doc.pages[0].marks;
    assert_non_null(m);
    assert_int_equal(m->level, 2);
    assert_string_equal(m->title, "Heading");
    assert_float_equal(m->y, 350, 0.001);
}

/* x of the first text item on page i that starts with prefix. */
static double x_of(struct fixture *f, int i, const char *prefix, double *w)
{
    for (struct page_item *it = f->doc.pages[i].items; it; it = it->next)
        if (it->kind == PAGE_TEXT && strncmp(it->text, prefix, strlen(prefix)) == 0) {
            *w = it->w;
            return it->x;
        }
    fail_msg("no \"%s\" on page %d", prefix, i + 1);
    return 0;
}

/* Printed on both sides, page numbers and running headers sit on the
 * outside edge: right on right-hand pages (the first, third ...), left on
 * left-hand ones, never by the fold. Printed on one side, always right. */
static void footers_mirror_when_double_sided(void **state)
{
    struct fixture *f = *state;
    struct diag d = {0};
    struct fontset *fs = fontset_load(f->l.face_path, LAYOUT_FACE_COUNT, &d);
    assert_non_null(fs);
    struct paginate_fields fields = {.id = "ONC-1", .first_number = 1, .total = 3, .left = "{id}",
                                     .right = "Page {page}"};
    const double left = f->l.margin_left, right = f->l.paper_w - f->l.margin_right;
    for (int sides = 1; sides <= 2; sides++) {
        f->doc = (struct doc){0};
        f->l.double_sided = sides == 2;
        for (int i = 0; i < 3; i++)
            paginate_blank(&f->doc, &f->l, f->a);
        paginate_footers(&f->doc, 0, 3, &f->l, fs, &fields, f->a, &d);
        paginate_header(&f->doc, 0, 3, &f->l, fs, "Head", f->a, &d);
        for (int i = 0; i < 3; i++) {
            bool outside_left = sides == 2 && i % 2 == 1;
            double w, x = x_of(f, i, "Page", &w);
            assert_float_equal(outside_left ? x : x + w, outside_left ? left : right, 0.01);
            x = x_of(f, i, "ONC-1", &w);
            assert_float_equal(outside_left ? x + w : x, outside_left ? right : left, 0.01);
            x = x_of(f, i, "Head", &w);
            bool head_right = sides == 2 && i % 2 == 0;
            assert_float_equal(head_right ? x + w : x, head_right ? right : left, 0.01);
        }
    }
    assert_int_equal(d.errors, 0);
    fontset_free(fs);
    diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(fills_pages_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(keep_chain_moves_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(chain_taller_than_frame_breaks, setup, teardown),
        cmocka_unit_test_setup_teardown(space_dropped_at_top, setup, teardown),
        cmocka_unit_test_setup_teardown(forced_page_break, setup, teardown),
        cmocka_unit_test_setup_teardown(table_header_repeats, setup, teardown),
        cmocka_unit_test_setup_teardown(two_columns, setup, teardown),
        cmocka_unit_test_setup_teardown(outline_marks, setup, teardown),
        cmocka_unit_test_setup_teardown(footers_mirror_when_double_sided, setup, teardown),
    };
    return cmocka_run_group_tests_name("paginate", tests, NULL, NULL);
}
