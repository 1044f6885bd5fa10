/* typeset: every Markdown construct becomes slabs; nothing is dropped. Uses
 * the real fonts, but asserts structure (texts, kinds, flags), not positions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "fontset.h"
#include "layout.h"
#include "pages.h"
#include "source.h"
#include "typeset.h"

static struct fontset *fonts;
static struct layout base_layout;
static struct arena *layout_arena;

struct fixture {
    struct arena *a;
    struct diag d;
    struct topic t;
    struct flow flow;
    struct layout l;
    char text[16384]; /* all TEXT items in order, separated by '|' per slab */
};

static int group_setup(void **state)
{
    (void)state;
    layout_arena = arena_new();
    layout_default(&base_layout, "fonts", layout_arena);
    struct diag d = {0};
    fonts = fontset_load(base_layout.face_path, LAYOUT_FACE_COUNT, &d);
    diag_print(&d, stderr);
    diag_free(&d);
    return fonts ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    fontset_free(fonts);
    arena_free(layout_arena);
    return 0;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->a = arena_new();
    f->l = base_layout;
    f->l.show_title_block = false;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    source_free(&f->t);
    diag_free(&f->d);
    arena_free(f->a);
    free(f);
    return 0;
}

/* Typesets a whole document, front matter included. */
static int set_doc(struct fixture *f, const char *md)
{
    assert_int_equal(source_parse(&f->t, "tests/unit/t.md", md, strlen(md), f->a, &f->d), 0);
    static const struct typeset_options opt = {LINEBREAK_OPTIMAL};
    int status = typeset_topic(&f->t, &f->l, fonts, &opt, f->a, &f->d, &f->flow);
    size_t n = 0;
    for (struct flow_slab *s = f->flow.first; s; s = s->next) {
        for (struct page_item *it = s->items; it; it = it->next)
            if (it->kind == PAGE_TEXT)
                n += (size_t)snprintf(f->text + n, sizeof f->text - n, "%s", it->text);
        if (!s->is_space && n + 1 < sizeof f->text)
            f->text[n++] = '|';
        f->text[n] = '\0';
    }
    return status;
}

static int set(struct fixture *f, const char *body)
{
    char md[8192];
    snprintf(md, sizeof md, "---\ntitle: Test\n---\n%s", body);
    return set_doc(f, md);
}

static int count_items(struct fixture *f, enum page_item_kind kind)
{
    int n = 0;
    for (struct flow_slab *s = f->flow.first; s; s = s->next)
        for (struct page_item *it = s->items; it; it = it->next)
            n += it->kind == kind;
    return n;
}

static void contains(struct fixture *f, const char *needle)
{
    if (!strstr(f->text, needle))
        fail_msg("'%s' not in '%s'", needle, f->text);
}

static void heading_keeps_and_marks(void **state)
{
    struct fixture *f = *state;
    set(f, "## Side *effects*\n\nBody text.\n");
    struct flow_slab *h = f->flow.first;
    while (h->is_space)
        h = h->next;
    assert_int_equal(h->mark_level, 2);
    assert_string_equal(h->mark_title, "Side effects");
    assert_true(h->keep_with_next);
    contains(f, "Side effects|Body text.|");
}

/* The title block's meta line wraps between its fields: whatever the
 * author's length, "Published" stays on the line of its date. */
static void meta_line_keeps_published_with_its_date(void **state)
{
    struct fixture *f = *state;
    f->l.show_title_block = true;
    for (int len = 40; len < 110; len++) {
        char md[512];
        snprintf(md, sizeof md, "---\ntitle: Test\nauthor: \"%.*s\"\npublished: 2026-02-16\n---\nBody.\n", len,
                 "Oncology Information Team, Northfield NHS Foundation Trust, Cancer Centre, Level 2 Outpatients");
        set_doc(f, md);
        const char *p = strstr(f->text, "Published");
        assert_non_null(p);
        const char *bar = strchr(p, '|');
        if (!bar || !strstr(p, "2026") || strstr(p, "2026") > bar)
            fail_msg("author of %d characters: '%s'", len, f->text);
        source_free(&f->t);
    }
}

static void lists_number_from_start(void **state)
{
    struct fixture *f = *state;
    set(f, "4. four\n5. five\n   - nested\n     - deeper\n");
    contains(f, "4.four|5.five|\xE2\x80\xA2nested|\xE2\x97\xA6" "deeper|");
}

/* A marker wider than its share of a narrow indent (the fallback font's
 * "▪", a three-digit number) still keeps a third of an em clear of its text. */
static void list_markers_clear_their_text(void **state)
{
    struct fixture *f = *state;
    f->l.list_indent = 13;
    set(f, "- one\n  - two\n    - three\n\n100. hundred\n");
    contains(f, "\xE2\x96\xAA" "three|");
    int markers = 0;
    for (struct flow_slab *s = f->flow.first; s; s = s->next) {
        struct page_item *m = s->items;
        while (m && m->kind != PAGE_TEXT)
            m = m->next;
        if (!m || !m->next)
            continue;
        markers++;
        assert_true(m->next->x >= m->x + m->w + m->size / 3 - 0.01);
    }
    assert_int_equal(markers, 4);
}

static void task_list_draws_boxes(void **state)
{
    struct fixture *f = *state;
    set(f, "- [x] done\n- [ ] to do\n");
    contains(f, "done|to do|");
    assert_int_equal(count_items(f, PAGE_RECT), 2);
    assert_int_equal(count_items(f, PAGE_LINE), 2); /* one tick: two strokes */
}

static void links_print_their_address(void **state)
{
    struct fixture *f = *state;
    set(f, "See [the NHS](https://www.nhs.uk/x), <https://example.org> and [bad](javascript:alert(1)).\n");
    contains(f, "See the NHS (https://www.nhs.uk/x), https://example.org and bad (javascript:alert(1)).");
    int links = 0;
    for (struct flow_slab *s = f->flow.first; s; s = s->next)
        for (struct page_item *it = s->items; it; it = it->next)
            if (it->kind == PAGE_LINK) {
                links++;
                assert_true(strncmp(it->text, "https://", 8) == 0);
            }
    assert_true(links >= 2);
}

static void alerts_are_tinted_boxes(void **state)
{
    struct fixture *f = *state;
    set(f, "> [!WARNING]\n> Call **999** now.\n");
    contains(f, "Warning|Call 999 now.|");
    bool tint = false;
    for (struct flow_slab *s = f->flow.first; s; s = s->next) {
        for (struct page_item *it = s->items; it; it = it->next)
            tint |= it->kind == PAGE_RECT && it->fill == f->l.alert_tint[ALERT_WARNING];
        if (s->next)
            assert_true(s->keep_with_next); /* kept on one page when it fits */
    }
    assert_true(tint);
}

static void table_rows_repeat_header(void **state)
{
    struct fixture *f = *state;
    set(f, "| When | What to do if this long cell wraps onto more than one line of the column |\n"
           "|---|---|\n| 8am | Take it |\n| 8pm | Take it again |\n");
    contains(f, "WhenWhat to do");
    struct flow_slab *header = NULL;
    int rows = 0;
    for (struct flow_slab *s = f->flow.first; s; s = s->next) {
        if (s->is_space)
            continue;
        if (!header) {
            header = s;
            assert_true(s->keep_with_next);
        } else if (s->repeat_header) {
            assert_ptr_equal(s->repeat_header, header);
            rows++;
        }
    }
    assert_int_equal(rows, 2);
}

static void footnotes_at_the_end(void **state)
{
    struct fixture *f = *state;
    set(f, "Text[^x] more[^y].\n\n[^y]: Second.\n[^x]: First.\n\nLast paragraph.\n");
    contains(f, "Text1 more2.|Last paragraph.|");
    contains(f, "1.First.|2.Second.|");
}

static void code_keeps_spaces_and_wraps(void **state)
{
    struct fixture *f = *state;
    char body[2048] = "```\nDay  Date\n";
    for (int i = 0; i < 300; i++)
        strcat(body, "x");
    strcat(body, "\n```\n");
    set(f, body);
    contains(f, "Day  Date|");
    for (struct flow_slab *s = f->flow.first; s; s = s->next)
        for (struct page_item *it = s->items; it; it = it->next)
            if (it->kind == PAGE_TEXT)
                assert_true(it->x + it->w <= f->flow.width + 0.01);
}

/* A code line wraps at a space, but never inside a date or a dose: at
 * every length of the text before it, "3 March 2026" and "30 mg" stay on
 * one line. */
static void code_wraps_keep_dates_and_doses(void **state)
{
    struct fixture *f = *state;
    for (int pad = 0; pad < 140; pad++) {
        char body[512] = "```\n";
        for (int i = 0; i < pad; i++)
            strcat(body, i % 7 == 6 ? " " : "x");
        strcat(body, " Start: 3 March 2026 take 30 mg\n```\n");
        set(f, body);
        /* A wrapped line keeps its space: "3 |March" is the split. */
        if (strstr(f->text, "3 |March") || strstr(f->text, "March |2026") || strstr(f->text, "30 |mg"))
            fail_msg("padding %d: '%s'", pad, f->text);
        source_free(&f->t);
    }
}

static void long_word_breaks_inside_column(void **state)
{
    struct fixture *f = *state;
    char body[4096] = "Before ";
    for (int i = 0; i < 400; i++)
        strcat(body, "a");
    strcat(body, " after.\n");
    set(f, body);
    int lines = 0;
    for (struct flow_slab *s = f->flow.first; s; s = s->next)
        for (struct page_item *it = s->items; it; it = it->next)
            if (it->kind == PAGE_TEXT) {
                lines++;
                assert_true(it->x + it->w <= f->flow.width + 0.01);
            }
    assert_true(lines >= 3);
}

static void raw_html_warns_and_prints(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(set(f, "Some <b>bold</b> text.\n"), 0);
    contains(f, "Some <b>bold</b> text.");
    assert_int_equal(f->d.warnings, 2);
    assert_int_equal(f->d.entries[0].line, 4);
}

static void missing_glyph_warns(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(set(f, "Smile \xF0\x9F\x98\x80 and \xE2\x9C\x93 and \xCE\xB2.\n"), 0);
    contains(f, "Smile ? and \xE2\x9C\x93 and \xCE\xB2.");
    assert_int_equal(f->d.warnings, 1);
    assert_non_null(strstr(f->d.entries[0].message, "U+1F600"));
    assert_int_equal(f->d.entries[0].line, 4);
}

static void missing_image_is_an_error(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(set(f, "Text.\n\n![Alt](nowhere.png)\n"), -1);
    assert_int_equal(f->d.entries[0].line, 6);
}

static void large_print_has_no_italics_or_small_text(void **state)
{
    struct fixture *f = *state;
    layout_apply_large_print(&f->l);
    set(f, "*emphasis* and `code` and a note[^1].\n\n| a | b |\n|---|---|\n| c | d |\n\n[^1]: Foot.\n");
    for (struct flow_slab *s = f->flow.first; s; s = s->next)
        for (struct page_item *it = s->items; it; it = it->next)
            if (it->kind == PAGE_TEXT) {
                assert_true(it->size >= 16);
                assert_true(it->face % VARIANT_COUNT != VARIANT_ITALIC && it->face % VARIANT_COUNT != VARIANT_BOLD_ITALIC);
            }
}

/* UKAAF: no blocks of capitals in large print. The author's words are
 * printed as written, with a warning at the line. */
static void capitals_warned_in_large_print(void **state)
{
    struct fixture *f = *state;
    const char *md = "The NHS CT team.\n\nDO NOT stop, TAKE 2 TABLETS.\n\nPlease DO NOT EAT OR DRINK after midnight.\n";
    set(f, md);
    assert_int_equal(f->d.warnings, 0); /* standard print: no rule */
    source_free(&f->t);
    diag_free(&f->d);
    f->d = (struct diag){0};
    layout_apply_large_print(&f->l);
    set(f, md);
    contains(f, "DO NOT EAT OR DRINK");
    assert_int_equal(f->d.warnings, 1);
    assert_int_equal(f->d.entries[0].line, 8);
    assert_non_null(strstr(f->d.entries[0].message, "\"DO NOT EAT OR DRINK\" is a block of capitals"));
}

static void hard_break_and_strike(void **state)
{
    struct fixture *f = *state;
    set(f, "Line one\\\nline ~~two~~ three\n");
    contains(f, "Line one|line two three|");
    assert_int_equal(count_items(f, PAGE_LINE), 1);
}

static void pagebreak_hint(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(set(f, "One.\n\n<!-- pagebreak -->\n\nTwo.\n"), 0);
    assert_int_equal(f->d.warnings, 0);
    int breaks = 0;
    for (struct flow_slab *s = f->flow.first; s; s = s->next)
        breaks += s->page_break;
    assert_int_equal(breaks, 1);
}

static void hyphenation_is_opt_in(void **state)
{
    struct fixture *f = *state;
    const char *text = "Chemotherapy appointment neuroendocrine radiofrequency chemotherapy appointment "
                       "neuroendocrine radiofrequency chemotherapy appointment.\n\n## Neuroendocrine radiofrequency chemotherapy\n";
    f->l.paper_w = f->l.margin_left + f->l.margin_right + 130; /* a narrow column */
    set(f, text);
    assert_null(strstr(f->text, "-|"));
    source_free(&f->t);
    f->l.hyphenate = true;
    set(f, text);
    assert_non_null(strstr(f->text, "-|"));
    /* Never in headings: the last heading's lines end in whole words. */
    const char *h = strstr(f->text, "Neuroendocrine");
    assert_non_null(h);
    while (strstr(h + 1, "Neuroendocrine"))
        h = strstr(h + 1, "Neuroendocrine");
    assert_null(strstr(h, "-|"));
}

static void wide_table_becomes_blocks_in_large_print(void **state)
{
    struct fixture *f = *state;
    layout_apply_large_print(&f->l);
    set(f, "| Medicine | Monday | Tuesday | Wednesday | Thursday | Friday | Saturday | Sunday |\n"
           "|---|---|---|---|---|---|---|---|\n| Capecitabine | 500 mg | none | 500 mg | none | 500 mg | none | none |\n");
    contains(f, "Medicine: Capecitabine|Monday: 500 mg|Tuesday: none|");
    /* The same table fits as a grid at 11 pt. */
    source_free(&f->t);
    f->l = base_layout;
    f->l.show_title_block = false;
    set(f, "| Medicine | Monday | Tuesday | Wednesday | Thursday | Friday | Saturday | Sunday |\n"
           "|---|---|---|---|---|---|---|---|\n| Capecitabine | 500 mg | none | 500 mg | none | 500 mg | none | none |\n");
    contains(f, "MedicineMondayTuesdayWednesdayThursdayFridaySaturdaySunday|");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(heading_keeps_and_marks), T(meta_line_keeps_published_with_its_date), T(lists_number_from_start),
        T(list_markers_clear_their_text),
        T(task_list_draws_boxes),
        T(links_print_their_address), T(alerts_are_tinted_boxes), T(table_rows_repeat_header),
        T(footnotes_at_the_end), T(code_keeps_spaces_and_wraps), T(code_wraps_keep_dates_and_doses), T(long_word_breaks_inside_column),
        T(raw_html_warns_and_prints), T(missing_glyph_warns), T(missing_image_is_an_error),
        T(large_print_has_no_italics_or_small_text), T(capitals_warned_in_large_print), T(hard_break_and_strike), T(pagebreak_hint), T(hyphenation_is_opt_in),
        T(wide_table_becomes_blocks_in_large_print),
#undef T
    };
    return cmocka_run_group_tests_name("typeset", tests, group_setup, group_teardown);
}
