/* source: front matter, UTF-8 checks and file:line of nodes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cmark-gfm.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "source.h"

struct fixture {
    struct arena *a;
    struct diag d;
    struct topic t;
};

static int parse(struct fixture *f, const char *text)
{
    return source_parse(&f->t, "dir/topic.md", text, strlen(text), f->a, &f->d);
}

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
    source_free(&f->t);
    diag_free(&f->d);
    arena_free(f->a);
    free(f);
    return 0;
}

static void all_keys(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(parse(f, "---\ntitle: Fatigue\nsubtitle: Sub\nid: ONC-1\nversion: \"2.0\"\n"
                              "published: 2026-01-02\nreview: 2028-01-02\nauthor: Team\nlang: cy\n"
                              "keywords: [a, b]\norder: 3\ncontact: 0161 555 0100\n---\n# Hi\n"),
                     0);
    const struct topic_meta *m = &f->t.meta;
    assert_string_equal(m->title, "Fatigue");
    assert_string_equal(m->subtitle, "Sub");
    assert_string_equal(m->id, "ONC-1");
    assert_string_equal(m->version, "2.0");
    assert_string_equal(m->published, "2026-01-02");
    assert_string_equal(m->review, "2028-01-02");
    assert_string_equal(m->author, "Team");
    assert_string_equal(m->lang, "cy");
    assert_string_equal(m->contact, "0161 555 0100");
    assert_int_equal(m->keyword_count, 2);
    assert_string_equal(m->keywords[1], "b");
    assert_true(m->has_order);
    assert_int_equal(m->order, 3);
    assert_string_equal(f->t.name, "topic");
    assert_string_equal(f->t.dir, "dir");
    assert_int_equal(f->d.count, 0);
    /* The heading is on line 14 of the file. */
    assert_int_equal(source_line(&f->t, cmark_node_first_child(f->t.doc)), 14);
}

static void defaults_lang(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(parse(f, "---\ntitle: T\n---\nText\n"), 0);
    assert_string_equal(f->t.meta.lang, "en-GB");
}

static void unknown_key_warns(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(parse(f, "---\ntitle: T\ncolour:\n  - red\n---\nText\n"), 0);
    assert_int_equal(f->d.errors, 0);
    assert_int_equal(f->d.warnings, 1);
    assert_int_equal(f->d.entries[0].line, 3);
    assert_non_null(strstr(f->d.entries[0].message, "'colour'"));
}

static void expect_error(struct fixture *f, const char *text, int line, const char *needle)
{
    assert_int_equal(parse(f, text), -1);
    assert_true(f->d.errors >= 1);
    const struct diag_entry *e = &f->d.entries[f->d.count - 1];
    assert_int_equal(e->severity, DIAG_ERROR);
    assert_int_equal(e->line, line);
    if (!strstr(e->message, needle))
        fail_msg("message '%s' lacks '%s'", e->message, needle);
}

static void errors(void **state)
{
    struct fixture *f = *state;
    expect_error(f, "---\ntitle: T\n", 1, "no closing '---'");
    expect_error(f, "---\n- a\n- b\n---\n", 2, "'key: value'");
    expect_error(f, "---\nid: 3\n---\nText\n", 1, "'title' is required");
    expect_error(f, "Text only\n", 1, "'title' is required");
    expect_error(f, "---\ntitle: T\nreview: 2026-13-01\n---\n", 3, "must be a date");
    expect_error(f, "---\ntitle: T\npublished: 2025-02-29\n---\n", 3, "must be a date");
    expect_error(f, "---\ntitle: T\ntitle: U\n---\n", 3, "given twice");
    expect_error(f, "---\ntitle: &a T\nid: *a\n---\n", 3, "aliases");
    expect_error(f, "---\ntitle: [a, b]\n---\n", 2, "single text value");
    expect_error(f, "---\ntitle: T\norder: first\n---\n", 3, "whole number");
}

static void encodings(void **state)
{
    struct fixture *f = *state;
    expect_error(f, "---\ntitle: T\n---\nCaf\xE9\n", 4, "invalid UTF-8 byte 0xE9");
    expect_error(f, "\xFF\xFE-\0-\0-\0", 1, "UTF-16");
    expect_error(f, "---\ntitle: T\n---\nover\xC0\xAFlong\n", 4, "0xC0");
    expect_error(f, "---\ntitle: T\n---\ntrunc\xE2\x82", 4, "0xE2");
    assert_int_equal(source_parse(&f->t, "x.md", "---\ntitle: T\n---\na\0b\n", 20, f->a, &f->d), -1);
    assert_non_null(strstr(f->d.entries[f->d.count - 1].message, "NUL byte"));
}

static void utf8_bom_is_fine(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(parse(f, "\xEF\xBB\xBF---\ntitle: Caf\xC3\xA9\n---\nText\n"), 0);
    assert_string_equal(f->t.meta.title, "Caf\xC3\xA9");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(all_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(defaults_lang, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_key_warns, setup, teardown),
        cmocka_unit_test_setup_teardown(errors, setup, teardown),
        cmocka_unit_test_setup_teardown(encodings, setup, teardown),
        cmocka_unit_test_setup_teardown(utf8_bom_is_fine, setup, teardown),
    };
    return cmocka_run_group_tests_name("source", tests, NULL, NULL);
}
