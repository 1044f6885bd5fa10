/* typeset_inline: Markdown inlines -> styled text in a paragraph. Emphasis
 * and strong (bold only in large print), code spans, links (printed with
 * their address, clickable only for safe schemes), footnote references,
 * strikethrough, breaks; raw HTML is printed as text with a warning, and
 * so are blocks of capitals in large print. */
#include <cmark-gfm.h>
#include <math.h>
#include <string.h>

#include "diag.h"
#include "source.h"
#include "arena.h"
#include "typeset_internal.h"

static void collect_children(struct para *p, cmark_node *n, struct istyle st)
{
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c))
        ts_collect_inlines(p, c, st);
}

/* A link's address as printed: without "mailto:" or "tel:". */
static const char *url_shown(const char *url)
{
    return strncmp(url, "mailto:", 7) == 0 ? url + 7 : strncmp(url, "tel:", 4) == 0 ? url + 4 : url;
}

static void add_literal(struct para *p, const struct istyle *st, cmark_node *n)
{
    const char *text = cmark_node_get_literal(n);
    ts_para_text(p, st, text, strlen(text));
}

static bool text_is_url(cmark_node *link, const char *url)
{
    cmark_node *c = cmark_node_first_child(link);
    if (!c || cmark_node_next(c) || cmark_node_get_type(c) != CMARK_NODE_TEXT)
        return false;
    return strcmp(cmark_node_get_literal(c), url_shown(url)) == 0;
}

/* Only these schemes become clickable; anything else is printed, not linked. */
static bool safe_scheme(const char *url)
{
    return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0 ||
           strncmp(url, "mailto:", 7) == 0 || strncmp(url, "tel:", 4) == 0;
}

static int node_line(const struct ts *ts, cmark_node *n)
{
    return cmark_node_get_start_line(n) > 0 ? source_line(ts->topic, n) : ts->line;
}

void ts_warn_html(struct ts *ts, cmark_node *n)
{
    diag_add(ts->d, DIAG_WARNING, ts->topic->path, node_line(ts, n), 1,
             "raw HTML is not interpreted; it is printed as text");
}

/* Words in capitals in a row that make a block (UKAAF: none in large
 * print); "NHS", "CT scan" or "DO NOT" are not blocks. */
enum { CAPITAL_BLOCK_WORDS = 3 };

/* 1: a word of two or more letters, none lower case; 0: a word of no
 * letters (a number, a dash); -1: any other word. ASCII letters decide. */
static int capital_word(const char *w, size_t len)
{
    int letters = 0;
    for (size_t i = 0; i < len; i++) {
        if (w[i] >= 'a' && w[i] <= 'z')
            return -1;
        letters += w[i] >= 'A' && w[i] <= 'Z';
    }
    return letters >= 2 ? 1 : letters == 0 ? 0 : -1;
}

/* Warns once for the first block of capitals in a text node. */
static void warn_capitals(struct ts *ts, cmark_node *n)
{
    const char *text = cmark_node_get_literal(n), *block = NULL, *end = NULL;
    int words = 0;
    for (const char *w = text; *w;) {
        while (*w == ' ')
            w++;
        size_t len = strcspn(w, " ");
        if (!len)
            break;
        int kind = capital_word(w, len);
        if (kind < 0) {
            if (words >= CAPITAL_BLOCK_WORDS)
                break;
            words = 0;
        } else if (kind > 0) {
            if (!words)
                block = w;
            words++;
            end = w + len;
        }
        w += len;
    }
    if (words >= CAPITAL_BLOCK_WORDS)
        diag_add(ts->d, DIAG_WARNING, ts->topic->path, node_line(ts, n), 1,
                 "large print: \"%.*s\" is a block of capitals, which is hard to read; write it in sentence "
                 "case (bold for emphasis)", (int)(end - block), block);
}

void ts_collect_inlines(struct para *p, cmark_node *n, struct istyle st)
{
    struct ts *ts = p->ts;
    const char *type = cmark_node_get_type_string(n);
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_TEXT:
        if (ts->l->large_print)
            warn_capitals(ts, n);
        add_literal(p, &st, n);
        return;
    case CMARK_NODE_SOFTBREAK:
        ts_para_space(p, &st, " ");
        return;
    case CMARK_NODE_LINEBREAK:
        ts_para_hard_break(p);
        return;
    case CMARK_NODE_CODE: {
        struct istyle code = st;
        code.family = FAMILY_CODE;
        code.italic = false;
        code.size = fmax(st.size * 0.92, ts->min_size);
        add_literal(p, &code, n);
        return;
    }
    case CMARK_NODE_HTML_INLINE:
        ts_warn_html(ts, n);
        add_literal(p, &st, n);
        return;
    case CMARK_NODE_EMPH:
        if (ts->l->large_print)
            st.bold = true; /* large print: no italics */
        else
            st.italic = true;
        collect_children(p, n, st);
        return;
    case CMARK_NODE_STRONG:
        st.bold = true;
        collect_children(p, n, st);
        return;
    case CMARK_NODE_LINK: {
        const char *url = cmark_node_get_url(n);
        struct istyle ls = st;
        /* Longer addresses than browsers take are printed, not linked. */
        const size_t max_url = 2000;
        if (safe_scheme(url) && strlen(url) <= max_url)
            ls.link = arena_strdup(ts->a, url); /* the tree goes before the pages */
        else if (safe_scheme(url))
            diag_add(ts->d, DIAG_WARNING, ts->topic->path, ts->line, 1,
                     "a link address of %zu characters is printed but not made clickable (at most %zu)",
                     strlen(url), max_url);
        ls.color = ts->l->link_color;
        collect_children(p, n, ls);
        /* Paper cannot be clicked: print the address after the text. */
        if (*url && !text_is_url(n, url)) {
            const char *shown = url_shown(url);
            ts_para_text(p, &ls, " (", 2);
            ts_para_text(p, &ls, shown, strlen(shown));
            ts_para_text(p, &ls, ")", 1);
        }
        return;
    }
    case CMARK_NODE_IMAGE:
        return; /* set as blocks after the paragraph */
    case CMARK_NODE_FOOTNOTE_REFERENCE: {
        struct istyle sup = st;
        sup.super = true;
        sup.link = NULL;
        add_literal(p, &sup, n);
        return;
    }
    default:
        break;
    }
    if (strcmp(type, "strikethrough") == 0) {
        st.strike = true;
        collect_children(p, n, st);
        return;
    }
    collect_children(p, n, st);
}

void ts_set_inline_block(struct ts *ts, cmark_node *n, enum layout_element el)
{
    struct para p;
    ts_para_init(&p, ts, ts->w);
    p.hyphenate = ts_hyphenated(ts, el);
    ts_collect_inlines(&p, n, ts_style_of(ts, el));
    ts_para_set(&p, &ts->l->style[el]);
    ts_para_free(&p);
}
