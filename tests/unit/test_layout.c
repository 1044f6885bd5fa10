/* layout_file: the shipped layouts, extends, and every validation error at
 * its exact line:col. Runs from the repository root (data_dir "."). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "layout.h"
#include "layout_file.h"

#define MM(x) ((x) * 72.0 / 25.4)
#define FIX "tests/unit/layouts/"

struct fixture {
    struct arena *a;
    struct diag d;
    struct layout l;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    f->a = arena_new();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    diag_free(&f->d);
    arena_free(f->a);
    free(f);
    return 0;
}

static int load(struct fixture *f, const char *name)
{
    diag_free(&f->d);
    return layout_load(&f->l, name, ".", f->a, &f->d);
}

/* Prints the diagnostics when an assertion is about to fail. */
static void show(const struct fixture *f)
{
    diag_print(&f->d, stderr);
}

static void assert_clean(struct fixture *f, const char *name)
{
    int rc = load(f, name);
    if (rc != 0 || f->d.count != 0)
        show(f);
    assert_int_equal(rc, 0);
    assert_int_equal(f->d.count, 0);
}

/* The load fails with exactly one error, at file:line:col, whose message
 * holds each fragment. */
static void expect_error_in(struct fixture *f, const char *name, const char *file, int line, int col,
                            const char *frag1, const char *frag2)
{
    int rc = load(f, name);
    if (rc != -1 || f->d.errors != 1)
        show(f);
    assert_int_equal(rc, -1);
    assert_int_equal(f->d.errors, 1);
    const struct diag_entry *e = NULL;
    for (int i = 0; i < f->d.count && !e; i++)
        if (f->d.entries[i].severity == DIAG_ERROR)
            e = &f->d.entries[i];
    assert_non_null(e);
    if (file) {
        assert_non_null(e->file);
        assert_string_equal(e->file, file);
    } else {
        assert_null(e->file);
    }
    if (e->line != line || e->col != col || !strstr(e->message, frag1) || (frag2 && !strstr(e->message, frag2)))
        show(f);
    assert_int_equal(e->line, line);
    assert_int_equal(e->col, col);
    assert_non_null(strstr(e->message, frag1));
    if (frag2)
        assert_non_null(strstr(e->message, frag2));
}

static void expect_error(struct fixture *f, const char *file, int line, int col, const char *frag1,
                         const char *frag2)
{
    expect_error_in(f, file, file, line, col, frag1, frag2);
}

/* ---- the shipped layouts ----------------------------------------------- */

static void shipped_a4(void **state)
{
    struct fixture *f = *state;
    assert_clean(f, "a4");
    assert_string_equal(f->l.name, "a4");
    assert_string_equal(f->l.file, "layouts/a4.yaml");
    assert_float_equal(f->l.paper_w, 595.28, 0.01);
    assert_float_equal(f->l.paper_h, 841.89, 0.01);
    assert_int_equal(f->l.columns, 1);
    assert_int_equal(f->l.impose, IMPOSE_NONE);
    /* Clear print: 14 pt body on a 156 mm measure (about 68 characters). */
    assert_float_equal(f->l.style[EL_BODY].size, 14, 0);
    assert_float_equal(f->l.margin_left, MM(27), 0.01);
    assert_float_equal(layout_column_width(&f->l), MM(156), 0.01);
    assert_true(f->l.style[EL_H1].size > f->l.style[EL_H2].size && f->l.style[EL_H2].size > f->l.style[EL_H3].size);
    /* Fonts and footer are the built-in default's. */
    struct layout def;
    layout_default(&def, "fonts", f->a);
    assert_string_equal(f->l.face_path[0], def.face_path[0]);
    assert_string_equal(f->l.footer_right, def.footer_right);
}

static void shipped_a5(void **state)
{
    struct fixture *f = *state;
    assert_clean(f, "a5");
    assert_float_equal(f->l.paper_w, 419.53, 0.01);
    assert_float_equal(f->l.paper_h, 595.28, 0.01);
    assert_int_equal(f->l.columns, 1);
    assert_int_equal(f->l.impose, IMPOSE_NONE);
    assert_float_equal(f->l.margin_left, MM(12), 0.01);
    assert_float_equal(f->l.style[EL_BODY].size, 12, 0);
    assert_float_equal(f->l.style[EL_FOOTER].size, 9, 0);
    assert_true(f->l.style[EL_H1].size < 20 && f->l.style[EL_H1].size > f->l.style[EL_H2].size);
}

static void shipped_letter(void **state)
{
    struct fixture *f = *state;
    assert_clean(f, "letter");
    assert_float_equal(f->l.paper_w, 612, 0.01);
    assert_float_equal(f->l.paper_h, 792, 0.01);
    assert_float_equal(f->l.margin_top, 54, 0.01);
    assert_float_equal(f->l.margin_left, 86.4, 0.01);
    /* A4's type and, within 2 mm, its measure. */
    assert_float_equal(f->l.style[EL_BODY].size, 14, 0);
    assert_float_equal(layout_column_width(&f->l), MM(156), MM(2));
    assert_int_equal(f->l.columns, 1);
    assert_int_equal(f->l.impose, IMPOSE_NONE);
}

static void shipped_two_column(void **state)
{
    struct fixture *f = *state;
    assert_clean(f, "a4-two-column");
    assert_float_equal(f->l.paper_w, 595.28, 0.01);
    assert_float_equal(f->l.paper_h, 841.89, 0.01);
    assert_int_equal(f->l.columns, 2);
    assert_float_equal(f->l.gutter, MM(8), 0.01);
    assert_int_equal(f->l.impose, IMPOSE_NONE);
    assert_true(f->l.style[EL_BODY].size >= 11.5 && f->l.style[EL_BODY].size <= 12);
    assert_true(layout_column_width(&f->l) > MM(80));
}

static void shipped_trifold(void **state)
{
    struct fixture *f = *state;
    assert_clean(f, "trifold-dl");
    assert_float_equal(f->l.paper_w, 280.63, 0.01);
    assert_float_equal(f->l.paper_h, 595.28, 0.01);
    assert_int_equal(f->l.impose, IMPOSE_TRIFOLD);
    assert_float_equal(f->l.sheet_w, 841.89, 0.01); /* A4 landscape */
    assert_float_equal(f->l.sheet_h, 595.28, 0.01);
    assert_int_equal(f->l.columns, 1);
    assert_true(f->l.cover_page);
    assert_true(f->l.back_page);
    assert_int_equal(f->l.max_pages, 6);
    assert_false(f->l.show_title_block);
    assert_float_equal(f->l.style[EL_BODY].size, 12, 0); /* the clear-print minimum */
    /* Nothing within 5 mm of an edge. */
    assert_true(f->l.margin_top >= MM(5) && f->l.margin_right >= MM(5) && f->l.margin_bottom >= MM(5) &&
                f->l.margin_left >= MM(5));
}

static void shipped_large_print_extends_a4(void **state)
{
    struct fixture *f = *state;
    assert_clean(f, "large-print");
    assert_string_equal(f->l.name, "large-print");
    assert_non_null(strstr(f->l.description, "UKAAF"));
    assert_float_equal(f->l.paper_w, 595.28, 0.01);
    assert_float_equal(f->l.paper_h, 841.89, 0.01);
    assert_true(f->l.large_print);
    assert_float_equal(f->l.style[EL_BODY].size, 18, 0);
    assert_int_equal(f->l.columns, 1);
    assert_float_equal(f->l.margin_left, MM(20), 0.01); /* narrower than a4's: about 58 characters at 18 pt */
    assert_false(f->l.hyphenate);
    for (int e = 0; e < EL_COUNT; e++) {
        assert_true(f->l.style[e].size >= 16);
        assert_true(f->l.style[e].leading >= 1.5);
        assert_false(f->l.style[e].italic);
    }
}

/* DESIGN.md's print rules, for every file in layouts/: body at least 12 pt
 * (clear print) and nothing within 5 mm of the paper's edge. */
static void every_shipped_layout_honours_the_print_rules(void **state)
{
    struct fixture *f = *state;
    DIR *dir = opendir("layouts");
    assert_non_null(dir);
    int seen = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".yaml") != 0)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(n - 5), e->d_name);
        assert_clean(f, name);
        if (f->l.style[EL_BODY].size < 12 || f->l.margin_top < MM(5) || f->l.margin_right < MM(5) ||
            f->l.margin_bottom < MM(5) || f->l.margin_left < MM(5))
            fail_msg("%s: body %.1f pt, margins %.1f %.1f %.1f %.1f pt", name, f->l.style[EL_BODY].size,
                     f->l.margin_top, f->l.margin_right, f->l.margin_bottom, f->l.margin_left);
        seen++;
    }
    closedir(dir);
    assert_true(seen >= 7);
}

static void shipped_a5_booklet(void **state)
{
    struct fixture *f = *state;
    assert_clean(f, "a5-booklet");
    assert_string_equal(f->l.name, "a5-booklet");
    assert_float_equal(f->l.paper_w, 419.53, 0.01);
    assert_float_equal(f->l.paper_h, 595.28, 0.01);
    assert_int_equal(f->l.impose, IMPOSE_SADDLE);
    assert_float_equal(f->l.sheet_w, 841.89, 0.01);
    assert_float_equal(f->l.sheet_h, 595.28, 0.01);
    assert_true(f->l.double_sided);
    assert_float_equal(f->l.margin_left, MM(12), 0.01); /* inherited from a5 */
}

/* By name and by path give the same layout; only the file differs. */
static void name_or_path(void **state)
{
    struct fixture *f = *state;
    assert_clean(f, "layouts/a5.yaml");
    assert_string_equal(f->l.file, "layouts/a5.yaml");
    assert_string_equal(f->l.name, "a5");
    assert_float_equal(f->l.paper_w, 419.53, 0.01);
    assert_clean(f, "./layouts/trifold-dl.yaml");
    assert_string_equal(f->l.file, "./layouts/trifold-dl.yaml");
    assert_int_equal(f->l.impose, IMPOSE_TRIFOLD);
}

/* A file outside layouts/ extends a shipped layout by name, overrides a
 * little, and large print is still applied last. */
static void extends_and_override(void **state)
{
    struct fixture *f = *state;
    assert_clean(f, FIX "extends-child.yaml");
    assert_string_equal(f->l.name, "large-print-green");
    assert_non_null(strstr(f->l.description, "UKAAF")); /* inherited */
    assert_float_equal(f->l.margin_left, MM(25), 0.01);
    assert_int_equal(f->l.style[EL_H1].color, 0x1A5C2E);
    assert_float_equal(f->l.style[EL_BODY].size, 18, 0);
    assert_float_equal(f->l.style[EL_H1].size, 22, 0);
    assert_true(f->l.large_print);
}

static void custom_paper_and_units(void **state)
{
    struct fixture *f = *state;
    assert_clean(f, FIX "custom-paper.yaml");
    assert_float_equal(f->l.paper_w, MM(210), 0.01); /* landscape: sides swapped */
    assert_float_equal(f->l.paper_h, MM(99), 0.01);
    assert_float_equal(f->l.margin_top, MM(10), 0.01);
    assert_float_equal(f->l.margin_right, 36, 0.01);
    assert_float_equal(f->l.margin_left, 36, 0.01);
}

static void tight_margin_warns(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(load(f, FIX "tight-margins.yaml"), 0);
    assert_int_equal(f->d.errors, 0);
    assert_int_equal(f->d.warnings, 1);
    assert_int_equal(f->d.entries[0].line, 2);
    assert_int_equal(f->d.entries[0].col, 10);
    assert_non_null(strstr(f->d.entries[0].message, "within 5 mm"));
}

/* ---- errors, one fixture each ------------------------------------------- */

static void err_unknown_layout(void **state)
{
    struct fixture *f = *state;
    expect_error_in(f, "a7", NULL, 0, 0, "no layout named 'a7'", "available: a4, a4-two-column, a5");
}

static void err_unknown_key(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "unknown-key.yaml", 3, 1, "unknown key 'papr' at the top level (did you mean 'paper'?)",
                 "allowed: name, description, extends, paper");
}

static void err_unknown_nested_key(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "unknown-nested-key.yaml", 5, 5, "unknown key 'colour' in styles.h1",
                 "allowed: size, leading, bold, italic, color");
}

static void err_bad_unit(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "bad-unit.yaml", 4, 9, "margins.left: '12 furlongs': unknown unit 'furlongs'",
                 "mm, cm, pt or in");
}

static void err_bare_number(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "bare-number.yaml", 2, 9, "gutter: '8' needs a unit", NULL);
}

static void err_unknown_paper(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "unknown-paper.yaml", 2, 8, "unknown paper 'A7'", "A3, A4, A5, Letter, Legal, DL");
}

static void err_missing_font(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "missing-font.yaml", 4, 11, "font file 'NoSuchFont-Bold.ttf' does not exist",
                 "fonts/NoSuchFont-Bold.ttf");
}

static void err_not_a_font(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "not-a-font.yaml", 3, 19, FIX "not-a-font.ttf is not a TrueType font", NULL);
}

static void err_margins_too_large(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "margins-too-large.yaml", 2, 10, "margins are larger than the paper",
                 "left 80 mm + right 70 mm");
}

static void err_columns_range(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "columns-range.yaml", 2, 10, "columns must be a whole number from 1 to 4", "'5'");
}

static void err_wrong_shape(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "wrong-shape.yaml", 3, 9, "styles.body must be a mapping", "not a single value");
}

static void err_bad_color(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "bad-color.yaml", 5, 13, "colors.alert_warning.accent: bad colour '#9A67G0'", "#RRGGBB");
}

static void err_unquoted_color(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "unquoted-color.yaml", 3, 11, "styles.h1.color is empty", "an unquoted # starts a YAML comment");
}

static void err_duplicate_key(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "duplicate-key.yaml", 3, 1, "duplicate key 'paper'", "first given at line 1");
}

static void err_extends_missing(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "extends-missing.yaml", 2, 10, "extends 'a6': no such layout", "layouts/a6.yaml");
}

static void err_extends_cycle(void **state)
{
    struct fixture *f = *state;
    expect_error_in(f, FIX "cycle-a.yaml", FIX "cycle-b.yaml", 2, 10, "extends 'cycle-a.yaml' forms a cycle",
                    FIX "cycle-a.yaml -> " FIX "cycle-b.yaml -> " FIX "cycle-a.yaml");
}

static void err_alias(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "alias.yaml", 2, 9, "YAML aliases (*m) are not allowed", NULL);
}

static void err_billion_laughs(void **state)
{
    struct fixture *f = *state;
    clock_t start = clock();
    expect_error(f, FIX "billion-laughs.yaml", 3, 14, "YAML aliases (*lol0) are not allowed", NULL);
    assert_true((double)(clock() - start) / CLOCKS_PER_SEC < 0.5);
}

static void err_syntax(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "syntax-error.yaml", 3, 8, "YAML syntax: did not find expected ',' or '}'", "(from line 2)");
}

static void err_footer_template(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "bad-footer.yaml", 3, 10, "footer.right has an unknown field {pagse}", "{page} {pages}");
}

static void err_trifold_sheet(void **state)
{
    struct fixture *f = *state;
    expect_error(f, FIX "trifold-portrait-sheet.yaml", 4, 8, "do not fit on a sheet of A4",
                 "add sheet_orientation: landscape");
}

/* Every error in a file is reported, not just the first. */
static void err_several_values(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(load(f, FIX "bad-values.yaml"), -1);
    assert_int_equal(f->d.errors, 3);
    const struct { int line, col; const char *frag; } want[] = {
        {1, 13, "cover_page must be true or false, not 'maybe'"},
        {2, 9, "widows must be a whole number from 1 to 5"},
        {3, 9, "impose must be none, trifold or saddle, not 'zigzag'"},
    };
    for (int i = 0; i < 3; i++) {
        assert_int_equal(f->d.entries[i].line, want[i].line);
        assert_int_equal(f->d.entries[i].col, want[i].col);
        assert_non_null(strstr(f->d.entries[i].message, want[i].frag));
    }
}

static char *temp_dir(void)
{
    char *dir = strdup("/tmp/handout-layout-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void remove_dir(const char *dir, int files)
{
    char path[256];
    for (int i = 0; i < files; i++) {
        snprintf(path, sizeof path, "%s/d%d.yaml", dir, i);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/big.yaml", dir);
    unlink(path);
    rmdir(dir);
}

static void err_too_large(void **state)
{
    struct fixture *f = *state;
    char *dir = temp_dir(), path[256];
    snprintf(path, sizeof path, "%s/big.yaml", dir);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fputs("paper: A4\n", out);
    for (int i = 0; i < 41000; i++) /* 41000 * 26 bytes: just over 1 MB of comments */
        fputs("# padding padding padding\n", out);
    fclose(out);
    int rc = load(f, path);
    assert_int_equal(rc, -1);
    assert_int_equal(f->d.errors, 1);
    assert_string_equal(f->d.entries[0].file, path);
    assert_non_null(strstr(f->d.entries[0].message, "at most 1 MB"));
    remove_dir(dir, 0);
    free(dir);
}

/* d0 extends d1 extends ... d9: 9 hops is one too many; 8 are fine. */
static void err_extends_too_deep(void **state)
{
    struct fixture *f = *state;
    char *dir = temp_dir(), path[256];
    for (int i = 0; i < 10; i++) {
        snprintf(path, sizeof path, "%s/d%d.yaml", dir, i);
        FILE *out = fopen(path, "w");
        assert_non_null(out);
        if (i < 9)
            fprintf(out, "extends: d%d.yaml\n", i + 1);
        fprintf(out, "columns: %d\n", i % 4 + 1);
        fclose(out);
    }
    snprintf(path, sizeof path, "%s/d1.yaml", dir);
    assert_clean(f, path);
    assert_int_equal(f->l.columns, 2); /* d1's own value wins over its parents' */

    snprintf(path, sizeof path, "%s/d0.yaml", dir);
    char at[256];
    snprintf(at, sizeof at, "%s/d8.yaml", dir);
    expect_error_in(f, path, at, 1, 10, "extends 'd9.yaml': more than 8 layouts extend one another", NULL);
    remove_dir(dir, 10);
    free(dir);
}

/* ---- layout_list --------------------------------------------------------- */

static void list_shipped(void **state)
{
    struct fixture *f = *state;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    assert_non_null(out);
    int n = layout_list(".", out, f->a, &f->d);
    fclose(out);
    if (f->d.count)
        show(f);
    assert_int_equal(f->d.count, 0);
    assert_int_equal(n, 7);
    const char *names[] = {"a4 ", "a4-two-column ", "a5 ", "a5-booklet ", "large-print ", "letter ", "trifold-dl "};
    const char *line = text;
    for (int i = 0; i < 7; i++) { /* one a line, sorted */
        assert_non_null(line);
        assert_memory_equal(line, names[i], strlen(names[i]));
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    assert_non_null(strstr(text, "DL on A4 landscape"));
    assert_non_null(strstr(text, "A5 on A4 landscape"));
    assert_non_null(strstr(text, "Letter "));
    assert_non_null(strstr(text, "UKAAF"));
    free(text);
}

static void paper_names(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(layout_paper_name(MM(210), MM(297), buf, sizeof buf), "A4");
    assert_string_equal(layout_paper_name(MM(297), MM(210), buf, sizeof buf), "A4 landscape");
    assert_string_equal(layout_paper_name(612, 792, buf, sizeof buf), "Letter");
    assert_string_equal(layout_paper_name(MM(99), MM(210), buf, sizeof buf), "DL");
    assert_string_equal(layout_paper_name(MM(100), MM(100), buf, sizeof buf), "100 x 100 mm");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(shipped_a4, setup, teardown),
        cmocka_unit_test_setup_teardown(shipped_a5, setup, teardown),
        cmocka_unit_test_setup_teardown(shipped_letter, setup, teardown),
        cmocka_unit_test_setup_teardown(shipped_two_column, setup, teardown),
        cmocka_unit_test_setup_teardown(shipped_trifold, setup, teardown),
        cmocka_unit_test_setup_teardown(shipped_large_print_extends_a4, setup, teardown),
        cmocka_unit_test_setup_teardown(shipped_a5_booklet, setup, teardown),
        cmocka_unit_test_setup_teardown(every_shipped_layout_honours_the_print_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(name_or_path, setup, teardown),
        cmocka_unit_test_setup_teardown(extends_and_override, setup, teardown),
        cmocka_unit_test_setup_teardown(custom_paper_and_units, setup, teardown),
        cmocka_unit_test_setup_teardown(tight_margin_warns, setup, teardown),
        cmocka_unit_test_setup_teardown(err_unknown_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(err_unknown_key, setup, teardown),
        cmocka_unit_test_setup_teardown(err_unknown_nested_key, setup, teardown),
        cmocka_unit_test_setup_teardown(err_bad_unit, setup, teardown),
        cmocka_unit_test_setup_teardown(err_bare_number, setup, teardown),
        cmocka_unit_test_setup_teardown(err_unknown_paper, setup, teardown),
        cmocka_unit_test_setup_teardown(err_missing_font, setup, teardown),
        cmocka_unit_test_setup_teardown(err_not_a_font, setup, teardown),
        cmocka_unit_test_setup_teardown(err_margins_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(err_columns_range, setup, teardown),
        cmocka_unit_test_setup_teardown(err_wrong_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(err_bad_color, setup, teardown),
        cmocka_unit_test_setup_teardown(err_unquoted_color, setup, teardown),
        cmocka_unit_test_setup_teardown(err_duplicate_key, setup, teardown),
        cmocka_unit_test_setup_teardown(err_extends_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(err_extends_cycle, setup, teardown),
        cmocka_unit_test_setup_teardown(err_alias, setup, teardown),
        cmocka_unit_test_setup_teardown(err_billion_laughs, setup, teardown),
        cmocka_unit_test_setup_teardown(err_syntax, setup, teardown),
        cmocka_unit_test_setup_teardown(err_footer_template, setup, teardown),
        cmocka_unit_test_setup_teardown(err_trifold_sheet, setup, teardown),
        cmocka_unit_test_setup_teardown(err_several_values, setup, teardown),
        cmocka_unit_test_setup_teardown(err_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(err_extends_too_deep, setup, teardown),
        cmocka_unit_test_setup_teardown(list_shipped, setup, teardown),
        cmocka_unit_test(paper_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
