/* The small modules: fontset, image, manifest, hyphenate, pages, arena, diag. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "fontset.h"
#include "hyphenate.h"
#include "image.h"
#include "manifest.h"
#include "pages.h"

static const char *write_file(const char *name, const void *data, size_t len)
{
    static char path[256];
    snprintf(path, sizeof path, "/tmp/handout-unit-%d-%s", (int)getpid(), name);
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, len, f);
    fclose(f);
    return path;
}

static void fontset_metrics_and_coverage(void **state)
{
    (void)state;
    struct diag d = {0};
    const char *paths[] = {"fonts/AtkinsonHyperlegible-Regular.ttf", "fonts/DejaVuSans.ttf",
                           "fonts/AtkinsonHyperlegible-Regular.ttf"};
    struct fontset *fs = fontset_load(paths, 3, &d);
    assert_non_null(fs);
    assert_int_equal(fontset_count(fs), 3);
    assert_true(fontset_has(fs, 0, 'A'));
    assert_false(fontset_has(fs, 0, 0x2713)); /* ✓: Atkinson lacks it */
    assert_true(fontset_has(fs, 1, 0x2713));  /* DejaVu has it */
    assert_true(fontset_has(fs, 1, 0x0416));  /* Ж */
    assert_false(fontset_has(fs, 1, 0x4E2D)); /* 中 */
    /* Width of a string is the sum of its characters' advances. */
    double w = fontset_width(fs, 0, "AV\xC3\xA9", 4);
    assert_float_equal(w, fontset_advance(fs, 0, 'A') + fontset_advance(fs, 0, 'V') + fontset_advance(fs, 0, 0xE9), 1e-9);
    assert_true(fontset_advance(fs, 0, 'm') > fontset_advance(fs, 0, 'i'));
    /* The Latin table: the advance, or < 0 where the face lacks the character. */
    const float *latin = fontset_latin(fs, 1);
    for (uint32_t cp = 0; cp < FONTSET_LATIN; cp++)
        assert_true(latin[cp] < 0 ? !fontset_has(fs, 1, cp) && fontset_advance(fs, 1, cp) == 0
                                  : fontset_has(fs, 1, cp) && fontset_advance(fs, 1, cp) == latin[cp]);
    assert_true(latin['A'] > 0 && latin[0] < 0);
    assert_true(fontset_ascent(fs, 0) > 0.5 && fontset_ascent(fs, 0) < 1.2);
    assert_true(fontset_descent(fs, 0) > 0.1 && fontset_descent(fs, 0) < 0.5);
    /* The same file twice is one font. */
    assert_string_equal(fontset_path(fs, 2), fontset_path(fs, 0));
    fontset_free(fs);
    const char *bad[] = {"fonts/no-such.ttf"};
    assert_null(fontset_load(bad, 1, &d));
    assert_int_equal(d.errors, 1);
    diag_free(&d);
}

/* A face is measured when first used, by whichever thread comes first:
 * threads that all start on unmeasured faces at once get the widths one
 * thread gets alone. A file that is not a font is still refused at load. */
enum { RACERS = 4, RACE_FACES = 4 };
struct race {
    const struct fontset *fs;
    double width[RACE_FACES];
};
static const char race_text[] = "Refractory neuroendocrine tumours, caf\xC3\xA9 \xE2\x9C\x93 0161 555 0199";

static void *race_widths(void *arg)
{
    struct race *r = arg;
    for (int face = 0; face < RACE_FACES; face++)
        r->width[face] = fontset_width(r->fs, face, race_text, (int)strlen(race_text)) + fontset_ascent(r->fs, face);
    return NULL;
}

static void fontset_measured_on_first_use(void **state)
{
    (void)state;
    struct diag d = {0};
    const char *paths[RACE_FACES] = {"fonts/AtkinsonHyperlegible-Regular.ttf", "fonts/AtkinsonHyperlegible-Bold.ttf",
                                     "fonts/DejaVuSans.ttf", "fonts/DejaVuSansMono.ttf"};
    struct fontset *alone = fontset_load(paths, RACE_FACES, &d), *shared = fontset_load(paths, RACE_FACES, &d);
    assert_non_null(alone);
    assert_non_null(shared);
    struct race ref = {alone, {0}}, r[RACERS];
    race_widths(&ref);
    pthread_t t[RACERS];
    for (int i = 0; i < RACERS; i++) {
        r[i].fs = shared;
        assert_int_equal(pthread_create(&t[i], NULL, race_widths, &r[i]), 0);
    }
    for (int i = 0; i < RACERS; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        for (int face = 0; face < RACE_FACES; face++)
            assert_true(r[i].width[face] == ref.width[face]);
    }
    assert_true(ref.width[0] != ref.width[1] && ref.width[2] != ref.width[3]);
    fontset_free(alone);
    fontset_free(shared);
    const char *garbage[] = {write_file("garbage.ttf", "not a font at all", 17)};
    assert_null(fontset_load(garbage, 1, &d));
    assert_int_equal(d.errors, 1);
    assert_string_equal(d.entries[0].message, "not a TrueType font");
    unlink(garbage[0]);
    diag_free(&d);
}

static void image_probe_kinds(void **state)
{
    (void)state;
    struct image_info i = image_probe("content/images/ct-scanner-diagram.png");
    assert_int_equal(i.kind, IMAGE_PNG);
    assert_int_equal(i.width, 600);
    assert_int_equal(i.height, 300);
    i = image_probe("content/images/walk-in-the-park.jpg");
    assert_int_equal(i.kind, IMAGE_JPEG);
    assert_int_equal(i.width, 800);
    assert_int_equal(i.height, 500);
    assert_int_equal(image_probe("no/such.png").kind, IMAGE_NONE);
    assert_int_equal(image_probe("README.md").kind, IMAGE_NONE);
    /* A PNG header claiming 30000 x 30000, cut short: reported, never decoded. */
    const unsigned char huge[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                                  0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30, 8, 2, 0, 0, 0};
    i = image_probe(write_file("huge.png", huge, sizeof huge));
    assert_int_equal(i.kind, IMAGE_NONE);
    assert_non_null(strstr(i.problem, "truncated"));
    const unsigned char jpeg_cut[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F'};
    i = image_probe(write_file("cut.jpg", jpeg_cut, sizeof jpeg_cut));
    assert_int_equal(i.kind, IMAGE_NONE);
}

static void manifest_reads_and_reports(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct diag d = {0};
    struct manifest m;
    const char good[] = "title: Pack\nsubtitle: Sub\norganisation: Trust\ndate: 2026-03-01\n"
                        "logo: logo.png\ntopics:\n  - a.md\n  - /abs/b.md\n";
    const char *path = write_file("good.yaml", good, sizeof good - 1);
    assert_int_equal(manifest_load(&m, path, a, &d), 0);
    assert_string_equal(m.title, "Pack");
    assert_string_equal(m.organisation, "Trust");
    assert_int_equal(m.topic_count, 2);
    assert_string_equal(m.topics[0], "/tmp/a.md"); /* relative to the manifest */
    assert_string_equal(m.topics[1], "/abs/b.md");
    assert_int_equal(m.topic_lines[1], 8);
    assert_string_equal(m.logo, "/tmp/logo.png");

    const char unknown[] = "title: T\ncolour: red\ntopics: [a.md]\n";
    assert_int_equal(manifest_load(&m, write_file("unknown.yaml", unknown, sizeof unknown - 1), a, &d), -1);
    assert_int_equal(d.entries[d.count - 1].line, 2);
    assert_non_null(strstr(d.entries[d.count - 1].message, "unknown key 'colour'"));
    const char empty[] = "title: T\n";
    assert_int_equal(manifest_load(&m, write_file("empty.yaml", empty, sizeof empty - 1), a, &d), -1);
    assert_non_null(strstr(d.entries[d.count - 1].message, "lists no topics"));
    const char alias[] = "title: &t T\nsubtitle: *t\ntopics: [a.md]\n";
    assert_int_equal(manifest_load(&m, write_file("alias.yaml", alias, sizeof alias - 1), a, &d), -1);
    assert_non_null(strstr(d.entries[d.count - 1].message, "aliases"));
    diag_free(&d);
    arena_free(a);
}

static void hyphenate_points(void **state)
{
    (void)state;
    struct hyphenate *h = hyphenate_load("en-GB");
    assert_non_null(h);
    char out[32];
    assert_true(hyphenate_word(h, "appointment", 11, out) > 0);
    assert_true(out[1] || out[2]);   /* ap-point-ment */
    assert_int_equal(out[10], 0);    /* never after the last letter */
    assert_int_equal(hyphenate_word(h, "tumour", 6, out) >= 0, 1);
    assert_int_equal(hyphenate_word(h, "short", 5, out), 0);   /* under six letters */
    assert_int_equal(hyphenate_word(h, "CT-48213", 8, out), 0); /* numbers, punctuation */
    hyphenate_free(h);
    assert_null(hyphenate_load("xx-YY"));
}

static void pages_dump_is_stable(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct doc doc = {0};
    struct page pg = {.width = 100, .height = 200};
    struct page_item *t = page_item_new(a, PAGE_TEXT);
    t->x = 10, t->y = 20, t->w = 30, t->size = 12, t->fill = 0x112233, t->text = "Hi";
    page_append(&pg, t);
    struct page_item *l = page_item_new(a, PAGE_LINK);
    l->dest_page = 0, l->dest_y = 50, l->w = 5, l->h = 6;
    page_append(&pg, l);
    page_add_mark(a, &pg, 2, "Heading", 190);
    doc.pages = &pg;
    doc.page_count = 1;
    doc.info.title = "Doc";
    char buf[1024] = {0};
    FILE *f = fmemopen(buf, sizeof buf, "w");
    const char *faces[] = {"Regular.ttf"};
    pages_dump(&doc, faces, f);
    fclose(f);
    assert_string_equal(buf, "doc title=\"Doc\" pages=1\n"
                             "page 1 100.0x200.0\n"
                             "  mark 2 y=190.0 \"Heading\"\n"
                             "  text 10.0,20.0 w=30.0 Regular.ttf 12.0 color=#112233 \"Hi\"\n"
                             "  link 0.0,0.0 5.0x6.0 page=1 y=50.0\n");
    arena_free(a);
}

static void arena_and_diag(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    char *big = arena_alloc(a, 1 << 20); /* bigger than a block */
    big[(1 << 20) - 1] = 'x';
    char *s = arena_printf(a, "%s-%d", "a", 42);
    assert_string_equal(s, "a-42");
    assert_false(arena_failed(a));
    assert_true(arena_used(a) >= 1 << 20);
    arena_free(a);
    struct diag d = {0}, e = {0};
    diag_add(&d, DIAG_WARNING, "f.md", 3, 0, "w %d", 1);
    diag_add(&e, DIAG_ERROR, NULL, 0, 0, "e");
    diag_move(&d, &e);
    assert_int_equal(d.count, 2);
    assert_int_equal(d.errors, 1);
    char buf[256] = {0};
    FILE *f = fmemopen(buf, sizeof buf, "w");
    diag_print(&d, f);
    fclose(f);
    assert_string_equal(buf, "f.md:3:1: warning: w 1\nhandout: error: e\n");
    diag_free(&d);
}

/* The last allocation grows and shrinks in place; any other is copied. */
static void arena_realloc_in_place(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    char *p = arena_alloc(a, 10);
    memcpy(p, "123456789", 10);
    size_t n = 10;
    for (; n < 40000; n = n * 3 / 2) /* as cmark_strbuf grows */
        assert_ptr_equal(arena_realloc(a, p, n, n * 3 / 2), p);
    assert_int_equal(arena_used(a), 64 * 1024); /* one block: nothing wasted */
    assert_ptr_equal(arena_realloc(a, p, n, 100), p);
    char *next = arena_alloc(a, 1);
    assert_true(next < p + 200); /* the shrunk tail was given back */
    char *q = arena_realloc(a, p, 100, 200); /* no longer the last */
    assert_ptr_not_equal(q, p);
    assert_string_equal(q, "123456789");
    assert_ptr_equal(arena_realloc(a, p, 100, 50), p); /* shrinking never moves */
    q = arena_realloc(a, q, 200, 1 << 20); /* to a block of its own */
    assert_string_equal(q, "123456789");
    assert_false(arena_failed(a));
    arena_free(a);
}

/* After a reset the arena is empty, and its blocks serve again: the same
 * memory, zeroed, with a big private block given back. */
static void arena_reset_reuses_blocks(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    char *first = arena_alloc(a, 1000);
    memset(first, 'x', 1000);
    for (int i = 0; i < 100; i++) /* a second block */
        arena_alloc(a, 1000);
    arena_alloc(a, 1 << 20);
    assert_true(arena_used(a) > 2 * 64 * 1024);
    arena_reset(a);
    assert_int_equal(arena_used(a), 0);
    char *again = arena_alloc(a, 1000);
    assert_int_equal(arena_used(a), 64 * 1024);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(again[i], 0);
    for (int i = 0; i < 100; i++) {
        char *p = arena_alloc(a, 1000);
        assert_non_null(p);
    }
    assert_int_equal(arena_used(a), 2 * 64 * 1024); /* the two blocks again, not a third */
    assert_ptr_equal(again, first); /* the same memory */
    assert_false(arena_failed(a));
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fontset_metrics_and_coverage), cmocka_unit_test(fontset_measured_on_first_use),
        cmocka_unit_test(image_probe_kinds),
        cmocka_unit_test(manifest_reads_and_reports),   cmocka_unit_test(hyphenate_points),
        cmocka_unit_test(pages_dump_is_stable),         cmocka_unit_test(arena_and_diag),
        cmocka_unit_test(arena_realloc_in_place),
        cmocka_unit_test(arena_reset_reuses_blocks),
    };
    return cmocka_run_group_tests_name("modules", tests, NULL, NULL);
}
