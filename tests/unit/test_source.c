/* source: front matter, UTF-8 checks, file:line of nodes, and the cmark
 * tree in the topic's arena. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <stdio.h>
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

/* Every GFM extension, footnotes and smart punctuation: each allocates
 * through cmark_mem in its own way. */
static const char rich_body[] =
    "# \"Quoted\" -- heading\n\n"
    "Text with a note[^1], ~~gone~~ words, www.example.org, <https://nhs.uk/a> and a@b.org.\n\n"
    "| Dose | When | Notes |\n|:--|--:|:-:|\n| 30 mg | 08:00 | with *food* |\n| 1 \\| 2 | x |\n\n"
    "- [x] done\n- [ ] to do\n  1. nested\n\n"
    "> A [link](https://x.org/p \"Title\") and ![alt](pic.png).\n\n"
    "```sh\necho hi\n```\n\n"
    "[^1]: The note, with www.foot.org.\n\n";

/* cmark-gfm 0.29 has no type string for footnotes. */
static const char *type_name(cmark_node *n)
{
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_FOOTNOTE_REFERENCE:
        return "footnote_reference";
    case CMARK_NODE_FOOTNOTE_DEFINITION:
        return "footnote_definition";
    default:
        return cmark_node_get_type_string(n);
    }
}

/* Type, text and attributes of every node, one a line, through cmark_iter
 * and the getters as typeset uses them: after the parse, outside it. */
static char *dump_tree(cmark_node *doc)
{
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    cmark_iter *it = cmark_iter_new(doc);
    for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_EXIT)
            continue;
        int depth = 0;
        for (cmark_node *p = cmark_node_parent(n); p; p = cmark_node_parent(p))
            depth++;
        const char *lit = cmark_node_get_literal(n), *url = cmark_node_get_url(n);
        const char *title = cmark_node_get_title(n), *info = cmark_node_get_fence_info(n);
        if (cap - len < 4096)
            out = realloc(out, cap *= 2);
        len += (size_t)snprintf(out + len, cap - len, "%*s%s%s%s%s%s%s%s%s%s %d:%d\n", depth * 2, "",
                                type_name(n), lit ? " " : "", lit ? lit : "", url ? " <" : "",
                                url ? url : "", title ? "|" : "", title ? title : "", info ? " info=" : "",
                                info ? info : "", cmark_node_get_start_line(n), cmark_node_get_start_column(n));
    }
    cmark_iter_free(it);
    return out;
}

static cmark_node *find(cmark_node *n, const char *type)
{
    for (; n; n = cmark_node_next(n)) {
        if (strcmp(type_name(n), type) == 0)
            return n;
        cmark_node *c = find(cmark_node_first_child(n), type);
        if (c)
            return c;
    }
    return NULL;
}

static const char *text_of(cmark_node *n)
{
    return cmark_node_get_literal(cmark_node_first_child(n));
}

/* The tree lives in an arena of its own, not the topic's: it grows that
 * one by more than the text, reading it afterwards (on whatever thread)
 * allocates nothing that would outlive it, and source_free frees it all
 * (ASan and valgrind check that nothing leaks or is freed twice). */
static void tree_in_arena(void **state)
{
    struct fixture *f = *state;
    size_t n = 40, len = 0;
    char *text = malloc(32 + n * sizeof rich_body);
    len += (size_t)sprintf(text, "---\ntitle: T\n---\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "%s", rich_body);
    assert_int_equal(source_parse(&f->t, "dir/topic.md", text, len, f->a, &f->d), 0);
    free(text);
    assert_non_null(f->t.tree);
    assert_true(arena_used(f->t.tree) > 4 * len);

    cmark_node *doc = f->t.doc;
    cmark_node *h = find(doc, "heading");
    assert_string_equal(text_of(h), "\xE2\x80\x9CQuoted\xE2\x80\x9D \xE2\x80\x93 heading");
    assert_string_equal(text_of(find(doc, "strikethrough")), "gone");
    cmark_node *table = find(doc, "table");
    assert_int_equal(cmark_gfm_extensions_get_table_columns(table), 3);
    cmark_node *cell = cmark_node_first_child(cmark_node_next(cmark_node_next(cmark_node_first_child(table))));
    assert_string_equal(text_of(cell), "1 | 2");
    cmark_node *task = find(doc, "tasklist");
    assert_true(cmark_gfm_extensions_get_tasklist_item_checked(task));
    assert_false(cmark_gfm_extensions_get_tasklist_item_checked(cmark_node_next(task)));
    assert_non_null(find(doc, "footnote_reference"));
    assert_string_equal(cmark_node_get_literal(find(doc, "code_block")), "echo hi\n");
    assert_string_equal(cmark_node_get_fence_info(find(doc, "code_block")), "sh");
    assert_string_equal(cmark_node_get_title(find(doc, "link")) , "");

    char *dump = dump_tree(doc);
    const char *expect[] = {"link <http://www.example.org", "link <https://nhs.uk/a", "link <mailto:a@b.org",
                            "link <https://x.org/p|Title", "image <pic.png", "link <http://www.foot.org",
                            "      text 1 | 2 8:3", "    footnote_reference 1 3:17", "  footnote_definition",
                            "code_block echo hi\n info=sh"};
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        if (!strstr(dump, expect[i]))
            fail_msg("the tree lacks '%s':\n%.2000s", expect[i], dump);
    free(dump);
    struct arena *tree = f->t.tree;
    source_free(&f->t);
    assert_null(f->t.doc);
    assert_null(f->t.tree);
    /* The next topic parsed on this thread reuses the emptied arena. */
    const char *next = "---\ntitle: N\n---\n# Next\n";
    assert_int_equal(source_parse(&f->t, "dir/next.md", next, strlen(next), f->a, &f->d), 0);
    assert_ptr_equal(f->t.tree, tree);
    assert_true(arena_used(tree) <= 64 * 1024);
    assert_string_equal(cmark_node_get_literal(cmark_node_first_child(cmark_node_first_child(f->t.doc))), "Next");
    source_free(&f->t);
}

/* Topics are parsed on several threads at once, each into an arena of its
 * own: the same text gives the same tree on each, round after round. */
enum { THREADS = 4, ROUNDS = 200 };

struct parse_thread {
    pthread_t id;
    pthread_barrier_t *start;
    const char *text, *expect;
    int failed;
};

static void *parse_rounds(void *arg)
{
    struct parse_thread *p = arg;
    for (int r = 0; r < ROUNDS; r++) {
        pthread_barrier_wait(p->start);
        struct arena *a = arena_new();
        struct diag d = {0};
        struct topic t;
        if (source_parse(&t, "dir/topic.md", p->text, strlen(p->text), a, &d) != 0) {
            p->failed++;
        } else {
            char *dump = dump_tree(t.doc);
            p->failed += strcmp(dump, p->expect) != 0;
            free(dump);
        }
        source_free(&t);
        diag_free(&d);
        arena_free(a);
    }
    return NULL;
}

static void parse_on_threads(void **state)
{
    struct fixture *f = *state;
    char text[4096];
    snprintf(text, sizeof text, "---\ntitle: T\n---\n%s%s", rich_body, rich_body);
    assert_int_equal(parse(f, text), 0);
    char *expect = dump_tree(f->t.doc);
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, THREADS);
    struct parse_thread th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        th[i] = (struct parse_thread){.start = &start, .text = text, .expect = expect};
        assert_int_equal(pthread_create(&th[i].id, NULL, parse_rounds, &th[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i].id, NULL);
        assert_int_equal(th[i].failed, 0);
    }
    pthread_barrier_destroy(&start);
    free(expect);
}

int main(void)
{
    source_init(); /* before parsing on several threads */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(all_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(defaults_lang, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_key_warns, setup, teardown),
        cmocka_unit_test_setup_teardown(errors, setup, teardown),
        cmocka_unit_test_setup_teardown(encodings, setup, teardown),
        cmocka_unit_test_setup_teardown(utf8_bom_is_fine, setup, teardown),
        cmocka_unit_test_setup_teardown(tree_in_arena, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_on_threads, setup, teardown),
    };
    return cmocka_run_group_tests_name("source", tests, NULL, NULL);
}
