/* impose: sheet order for saddle stitching and the DL tri-fold, and geometry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "impose.h"
#include "pages.h"

/* Order as text, 1-based, "-" for blank: "[4 1][2 3]" = front, back, ... */
static const char *saddle(int pages)
{
    static char buf[512];
    int order[64];
    int sides = impose_saddle_order(pages, order, 64);
    size_t n = 0;
    for (int s = 0; s < sides; s++) {
        n += (size_t)snprintf(buf + n, sizeof buf - n, "[");
        for (int k = 0; k < 2; k++) {
            int p = order[s * 2 + k];
            n += (size_t)snprintf(buf + n, sizeof buf - n, k ? " " : "");
            n += (size_t)(p < 0 ? snprintf(buf + n, sizeof buf - n, "-") : snprintf(buf + n, sizeof buf - n, "%d", p + 1));
        }
        n += (size_t)snprintf(buf + n, sizeof buf - n, "]");
    }
    return buf;
}

static void saddle_orders(void **state)
{
    (void)state;
    assert_string_equal(saddle(1), "[- 1][- -]");
    assert_string_equal(saddle(4), "[4 1][2 3]");
    assert_string_equal(saddle(5), "[- 1][2 -][- 3][4 5]");
    assert_string_equal(saddle(8), "[8 1][2 7][6 3][4 5]");
    assert_string_equal(saddle(13), "[- 1][2 -][- 3][4 13][12 5][6 11][10 7][8 9]");
    int order[8];
    assert_int_equal(impose_saddle_order(0, order, 8), 0);
    assert_int_equal(impose_saddle_order(9, order, 8), 0); /* too small a buffer */
}

static void trifold_order(void **state)
{
    (void)state;
    int order[6];
    assert_int_equal(impose_trifold_order(6, order, 6), 2);
    const int want[6] = {4, 5, 0, 1, 2, 3};
    assert_memory_equal(order, want, sizeof want);
    assert_int_equal(impose_trifold_order(4, order, 6), 2);
    assert_int_equal(order[0], -1); /* no inside flap */
    assert_int_equal(impose_trifold_order(7, order, 6), 0);
}

static void geometry_and_links(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct doc in = {0};
    in.page_count = 4;
    in.pages = arena_alloc(a, 4 * sizeof *in.pages);
    for (int i = 0; i < 4; i++) {
        in.pages[i].width = 100;
        in.pages[i].height = 200;
        struct page_item *t = page_item_new(a, PAGE_TEXT);
        t->x = 10;
        t->y = 50;
        t->text = "x";
        page_append(&in.pages[i], t);
    }
    struct page_item *link = page_item_new(a, PAGE_LINK);
    link->dest_page = 3; /* page 4 */
    link->dest_y = 150;
    page_append(&in.pages[0], link);
    int order[8];
    int sides = impose_saddle_order(4, order, 8);
    struct doc out;
    impose_doc(&in, &out, order, sides, 2, 200, 200, 2, a);
    assert_int_equal(out.page_count, 2);
    /* Front side: page 4 on the left, page 1 on the right (outermost sheet:
     * no creep). */
    struct page_item *left = out.pages[0].items, *right = left->next;
    assert_float_equal(left->x, 10, 1e-9);
    assert_float_equal(right->x, 110, 1e-9);
    /* The link on page 1 now points to side 1 (front of sheet 1). */
    assert_int_equal(right->next->kind, PAGE_LINK);
    assert_int_equal(right->next->dest_page, 0);
    arena_free(a);
}

static void creep_moves_inner_sheets_toward_fold(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct doc in = {0};
    in.page_count = 8;
    in.pages = arena_alloc(a, 8 * sizeof *in.pages);
    for (int i = 0; i < 8; i++) {
        in.pages[i].width = 100;
        in.pages[i].height = 200;
        struct page_item *t = page_item_new(a, PAGE_TEXT);
        t->x = 10;
        page_append(&in.pages[i], t);
    }
    int order[16];
    int sides = impose_saddle_order(8, order, 16);
    struct doc out;
    impose_doc(&in, &out, order, sides, 2, 200, 200, 3, a);
    /* Sheet 2 (sides 2 and 3) is one sheet in: left page +3, right page -3. */
    assert_float_equal(out.pages[2].items->x, 13, 1e-9);
    assert_float_equal(out.pages[2].items->next->x, 107, 1e-9);
    assert_float_equal(out.pages[0].items->x, 10, 1e-9);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(saddle_orders),
        cmocka_unit_test(trifold_order),
        cmocka_unit_test(geometry_and_links),
        cmocka_unit_test(creep_moves_inner_sheets_toward_fold),
    };
    return cmocka_run_group_tests_name("impose", tests, NULL, NULL);
}
