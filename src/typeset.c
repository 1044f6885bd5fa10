/* typeset: a topic's Markdown blocks -> a flow of slabs. Headings (with
 * outline marks), paragraphs, images with captions, block quotes and
 * alerts, lists, rules, page breaks, footnotes and the title block are set
 * here; paragraphs' lines, code blocks and tables in typeset_para.c,
 * typeset_code.c and typeset_table.c; covers and contents in
 * typeset_cover.c. */
#include "typeset.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <math.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "hyphenate.h"
#include "image.h"
#include "pages.h"
#include "source.h"
#include "typeset_internal.h"

static void set_blocks(struct ts *ts, cmark_node *first);
static void set_block(struct ts *ts, cmark_node *n);

static void append_plain_text(cmark_node *n, char *buf, size_t cap, size_t *len)
{
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
        cmark_node_type t = cmark_node_get_type(c);
        const char *lit = (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) ? cmark_node_get_literal(c)
                          : (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) ? " " : NULL;
        if (lit) {
            size_t k = strlen(lit);
            if (*len + k >= cap)
                k = cap - 1 - *len;
            memcpy(buf + *len, lit, k);
            *len += k;
            buf[*len] = '\0';
        } else {
            append_plain_text(c, buf, cap, len);
        }
    }
}

/* Plain text of a node's inlines (cut to fit buf), for outline titles and
 * image captions. */
static void plain_text(cmark_node *n, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    append_plain_text(n, buf, cap, &len);
}

static void set_heading(struct ts *ts, cmark_node *n)
{
    int level = cmark_node_get_heading_level(n);
    enum layout_element el = (enum layout_element)(EL_H1 + level - 1);
    const struct layout_style *ls = &ts->l->style[el];
    ts_space(ts, ls->space_before);
    struct flow_slab *before = ts->flow->last;
    bool saved = ts->keep_group;
    ts->keep_group = true; /* a heading keeps with what follows */
    ts_set_inline_block(ts, n, el);
    ts->keep_group = saved;
    /* The heading's first line carries the outline mark. */
    struct flow_slab *first = before ? before->next : ts->flow->first;
    while (first && first->is_space)
        first = first->next;
    if (first) {
        char buf[512];
        plain_text(n, buf, sizeof buf);
        first->mark_level = level;
        first->mark_title = arena_strdup(ts->a, buf);
    }
    ts_space(ts, ls->space_after);
    if (ts->flow->last)
        ts->flow->last->keep_with_next = true;
}

/* "Take these with you:" introduces what follows: keep it with that. */
static bool introduces_next(cmark_node *n)
{
    cmark_node *last = cmark_node_last_child(n);
    const char *lit = last && cmark_node_get_type(last) == CMARK_NODE_TEXT ? cmark_node_get_literal(last) : NULL;
    size_t len = lit ? strlen(lit) : 0;
    while (len > 0 && lit[len - 1] == ' ')
        len--;
    return len > 0 && lit[len - 1] == ':' && cmark_node_next(n) != NULL;
}

static void set_paragraph(struct ts *ts, cmark_node *n)
{
    ts_set_inline_block(ts, n, EL_BODY);
    if (introduces_next(n) && ts->flow->last)
        ts->flow->last->keep_with_next = true;
    /* Images in the paragraph follow as blocks of their own. */
    cmark_iter *it = cmark_iter_new(n);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *c = cmark_iter_get_node(it);
        if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(c) == CMARK_NODE_IMAGE)
            set_block(ts, c);
    }
    cmark_iter_free(it);
    ts_space(ts, ts->l->paragraph_space);
}

static void set_image(struct ts *ts, cmark_node *n)
{
    const char *url = cmark_node_get_url(n);
    char alt[512];
    plain_text(n, alt, sizeof alt);
    const char *path = url[0] == '/' ? url : arena_printf(ts->a, "%s/%s", ts->topic->dir, url);
    struct image_info info = image_probe(path);
    const long max_pixels = 40L * 1000 * 1000;
    if (info.kind != IMAGE_NONE && (long)info.width * info.height > max_pixels) {
        info.kind = IMAGE_NONE;
        info.problem = "image too large (over 40 megapixels); scale it down";
    }
    ts_space(ts, ts->l->paragraph_space);
    if (info.kind == IMAGE_NONE) {
        diag_add(ts->d, DIAG_ERROR, ts->topic->path, ts->line, 1, "image '%s': %s", url, info.problem);
        return;
    }
    /* 96 pixels to the inch; scaled to the column, never past 150 %. */
    double natural_w = ts_px_to_pt(info.width), natural_h = ts_px_to_pt(info.height);
    double scale = fmin(ts->w / natural_w, 1.5);
    double max_h = ts_frame_height(ts->l) * 0.6;
    if (natural_h * scale > max_h)
        scale = max_h / natural_h;
    double w = natural_w * scale, h = natural_h * scale;
    struct flow_slab *s = ts_slab_new(ts, h);
    struct page_item *it = page_item_new(ts->a, PAGE_IMAGE);
    it->x = ts->x, it->y = 0, it->w = w, it->h = h;
    it->text = arena_strdup(ts->a, path);
    ts_slab_add(s, it);
    s->keep_with_next = true; /* with its caption */
    ts_emit(ts, s);
    ts_space(ts, 3);
    if (*alt) {
        struct istyle st = ts_style_of(ts, EL_FOOTNOTE);
        ts_set_text(ts, EL_FOOTNOTE, &st, alt);
    }
    ts_space(ts, ts->l->paragraph_space);
}

static const char *const alert_names[ALERT_COUNT] = {"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"};
static const char *const alert_labels[ALERT_COUNT] = {"Note", "Tip", "Important", "Warning", "Caution"};

/* "> [!WARNING]" as the first line of a block quote makes an alert. */
static int alert_kind(cmark_node *quote)
{
    cmark_node *para = cmark_node_first_child(quote);
    if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
        return -1;
    cmark_node *t = cmark_node_first_child(para);
    if (!t || cmark_node_get_type(t) != CMARK_NODE_TEXT)
        return -1;
    const char *s = cmark_node_get_literal(t);
    for (int k = 0; k < ALERT_COUNT; k++) {
        size_t n = strlen(alert_names[k]);
        if (strncmp(s, "[!", 2) == 0 && strncmp(s + 2, alert_names[k], n) == 0 && strcmp(s + 2 + n, "]") == 0) {
            cmark_node *next = cmark_node_next(t);
            if (!next || cmark_node_get_type(next) == CMARK_NODE_SOFTBREAK || cmark_node_get_type(next) == CMARK_NODE_LINEBREAK)
                return k;
        }
    }
    return -1;
}

static void set_quote(struct ts *ts, cmark_node *n)
{
    int kind = alert_kind(n);
    double saved_x = ts->x, saved_w = ts->w;
    bool saved_keep = ts->keep_group;
    double pad = ts->l->block_indent;
    ts_space(ts, ts->l->paragraph_space);
    if (kind < 0) {
        ts_push_container(ts, pad + 3, 0, PAGE_NO_COLOR, ts->l->quote_bar_color, 3);
        set_blocks(ts, cmark_node_first_child(n));
        ts_pop_container(ts, saved_x, saved_w);
        ts_space(ts, ts->l->paragraph_space);
        return;
    }
    /* Alert: tinted box, accent bar, bold label; kept on one page when it fits. */
    ts->keep_group = true;
    ts_push_container(ts, pad + 4, pad, ts->l->alert_tint[kind], ts->l->alert_accent[kind], 4);
    struct flow_slab *top = ts_slab_new(ts, pad * 0.75);
    ts_emit(ts, top);
    struct istyle st = ts_style_of(ts, EL_ALERT_LABEL);
    st.bold = true;
    st.color = ts->l->alert_accent[kind];
    ts_set_text(ts, EL_ALERT_LABEL, &st, alert_labels[kind]);
    ts_space(ts, ts->l->style[EL_ALERT_LABEL].space_after);
    /* The first paragraph without its "[!KIND]" line. */
    cmark_node *first = cmark_node_first_child(n);
    cmark_node *marker = cmark_node_first_child(first);
    cmark_node *rest = cmark_node_next(marker);
    struct para body;
    ts_para_init(&body, ts, ts->w);
    body.hyphenate = ts_hyphenated(ts, EL_BODY);
    struct istyle bs = ts_style_of(ts, EL_BODY);
    for (cmark_node *c = rest ? cmark_node_next(rest) : NULL; c; c = cmark_node_next(c))
        ts_collect_inlines(&body, c, bs);
    ts_para_set(&body, &ts->l->style[EL_BODY]);
    ts_para_free(&body);
    if (cmark_node_next(first))
        ts_space(ts, ts->l->paragraph_space);
    set_blocks(ts, cmark_node_next(first));
    ts->pending_space = 0;
    ts->keep_group = saved_keep;
    struct flow_slab *bottom = ts_slab_new(ts, pad * 0.75);
    ts_emit(ts, bottom);
    ts_pop_container(ts, saved_x, saved_w);
    ts_space(ts, ts->l->paragraph_space);
}

static const char *const bullets[] = {"\xE2\x80\xA2", "\xE2\x97\xA6", "\xE2\x96\xAA"}; /* • ◦ ▪ */

static void set_list(struct ts *ts, cmark_node *n, int level)
{
    bool ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
    int number = cmark_node_get_list_start(n);
    bool tight = cmark_node_get_list_tight(n);
    int items = 0;
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c))
        items++;
    double saved_x = ts->x, saved_w = ts->w;
    bool saved_keep = ts->keep_group;
    if (items <= 6)
        ts->keep_group = true; /* a short list is not split */
    const double indent = ts->l->list_indent * (ordered ? 1.3 : 1);
    ts_space(ts, cmark_node_get_type(cmark_node_parent(n)) == CMARK_NODE_ITEM ? 2 : ts->l->paragraph_space);
    ts_emit_pending_space(ts);
    int i = 0;
    for (cmark_node *item = cmark_node_first_child(n); item; item = cmark_node_next(item), i++) {
        ts->line = source_line(ts->topic, item);
        /* Deep nesting stops indenting while a third of the column is left. */
        double step = saved_w - indent >= layout_column_width(ts->l) / 3 ? indent : 0;
        ts->x = saved_x + step;
        ts->w = saved_w - step;
        ts->marker_style = ts_style_of(ts, EL_BODY);
        ts->marker_task = 0;
        if (strcmp(cmark_node_get_type_string(item), "tasklist") == 0) {
            ts->marker = "";
            ts->marker_task = cmark_gfm_extensions_get_tasklist_item_checked(item) ? 2 : 1;
            ts->marker_width = indent * 0.9;
        } else if (ordered) {
            ts->marker = arena_printf(ts->a, "%d.", number + i);
            ts->marker_width = indent * 0.95;
        } else {
            ts->marker = bullets[level % 3];
            ts->marker_width = indent * 0.7;
        }
        if (cmark_node_next(item) == NULL)
            ts->keep_group = saved_keep;
        ts->nest++;
        set_blocks(ts, cmark_node_first_child(item));
        ts->nest--;
        ts->marker = NULL;
        ts->pending_space = 0;
        ts_space(ts, tight ? 2 : ts->l->paragraph_space);
    }
    ts->x = saved_x;
    ts->w = saved_w;
    ts->keep_group = saved_keep;
    ts_space(ts, ts->l->paragraph_space);
}

/* Nesting among bullet lists: picks the bullet shape. */
static int bullet_level(cmark_node *n)
{
    int level = 0;
    for (cmark_node *p = cmark_node_parent(n); p; p = cmark_node_parent(p))
        if (cmark_node_get_type(p) == CMARK_NODE_LIST && cmark_node_get_list_type(p) == CMARK_BULLET_LIST)
            level++;
    return level;
}

static void set_rule(struct ts *ts)
{
    ts_space(ts, 8);
    ts_emit_rule(ts, 1, ts->w, ts->l->rule_color, 0.8, false);
    ts_space(ts, 10);
}

/* ---- footnotes, title block, document -------------------------------- */

static void set_footnotes(struct ts *ts, cmark_node *doc)
{
    int number = 0;
    for (cmark_node *n = cmark_node_first_child(doc); n; n = cmark_node_next(n)) {
        if (cmark_node_get_type(n) != CMARK_NODE_FOOTNOTE_DEFINITION)
            continue;
        if (number++ == 0) {
            ts_space(ts, 14);
            ts_emit_rule(ts, 1, ts->w * 0.3, ts->l->rule_color, 0.8, true);
            ts_space(ts, 6);
        }
        ts->line = source_line(ts->topic, n);
        double saved_x = ts->x, saved_w = ts->w;
        const double indent = ts->l->style[EL_FOOTNOTE].size * 1.8;
        ts->marker = arena_printf(ts->a, "%d.", number);
        ts->marker_style = ts_style_of(ts, EL_FOOTNOTE);
        ts->marker_task = 0;
        ts->marker_width = indent;
        ts->x += indent;
        ts->w -= indent;
        for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
            if (cmark_node_get_type(c) == CMARK_NODE_PARAGRAPH) {
                ts_set_inline_block(ts, c, EL_FOOTNOTE);
                ts_space(ts, ts->l->style[EL_FOOTNOTE].space_after);
            } else {
                set_block(ts, c);
            }
        }
        ts->marker = NULL;
        ts->x = saved_x;
        ts->w = saved_w;
    }
}

/* s with every space made a no-break space: one field of a line that wraps
 * between fields ("Published 16 February 2026" stays whole). */
static const char *no_break(struct arena *a, const char *s)
{
    size_t n = 0;
    for (const char *c = s; *c; c++)
        n += *c == ' ';
    char *out = arena_alloc(a, strlen(s) + n + 1), *o = out;
    for (; *s; s++)
        if (*s == ' ')
            *o++ = '\xC2', *o++ = '\xA0';
        else
            *o++ = *s;
    *o = 0;
    return out;
}

static void set_title_block(struct ts *ts)
{
    const struct topic_meta *m = &ts->topic->meta;
    ts->line = 1;
    ts_set_line(ts, EL_TITLE, m->title);
    if (m->subtitle)
        ts_set_line(ts, EL_SUBTITLE, m->subtitle);
    const char *meta = m->author ? m->author : "";
    if (m->published) {
        const char *published = arena_printf(ts->a, "Published %s", typeset_human_date(ts->a, m->published));
        meta = arena_printf(ts->a, "%s%s%s", meta, *meta ? "  ·  " : "", no_break(ts->a, published));
    }
    if (*meta)
        ts_set_line(ts, EL_META, meta);
    ts_emit_rule(ts, 2, ts->w, ts->l->style[EL_TITLE].color, 1.5, false);
    ts_space(ts, 14);
}

static bool is_pagebreak(const char *html)
{
    while (*html == ' ')
        html++;
    const char *tag = "<!-- pagebreak -->";
    size_t n = strlen(tag);
    if (strncmp(html, tag, n) != 0)
        return false;
    for (html += n; *html; html++)
        if (*html != ' ' && *html != '\n' && *html != '\r')
            return false;
    return true;
}

static void set_block(struct ts *ts, cmark_node *n)
{
    if (cmark_node_get_start_line(n) > 0)
        ts->line = source_line(ts->topic, n);
    if (ts->nest > MAX_DEPTH) {
        /* Deeper nesting than any leaflet needs: set the text flat. Walked
         * without recursion, so 10 000 levels cannot overflow the stack. */
        int saved_nest = ts->nest;
        cmark_iter *it = cmark_iter_new(n);
        for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
            cmark_node *c = cmark_iter_get_node(it);
            cmark_node_type ty = cmark_node_get_type(c);
            if (ev != CMARK_EVENT_ENTER || ty == CMARK_NODE_BLOCK_QUOTE || ty == CMARK_NODE_LIST ||
                ty == CMARK_NODE_ITEM)
                continue;
            ts->nest = MAX_DEPTH; /* a leaf block (paragraph, code, table...): set as usual */
            set_block(ts, c);
            ts->nest = saved_nest;
            cmark_iter_reset(it, c, CMARK_EVENT_EXIT);
        }
        cmark_iter_free(it);
        return;
    }
    const char *type = cmark_node_get_type_string(n);
    switch (cmark_node_get_type(n)) {
    case CMARK_NODE_PARAGRAPH:
        set_paragraph(ts, n);
        return;
    case CMARK_NODE_HEADING:
        set_heading(ts, n);
        return;
    case CMARK_NODE_BLOCK_QUOTE:
        ts->nest++;
        set_quote(ts, n);
        ts->nest--;
        return;
    case CMARK_NODE_LIST:
        ts->nest++;
        set_list(ts, n, bullet_level(n));
        ts->nest--;
        return;
    case CMARK_NODE_CODE_BLOCK: {
        /* A fenced block's text starts on the line after its fence, info string or not. */
        int fence_len, fence_off;
        char fence_ch;
        ts_set_code(ts, cmark_node_get_literal(n),
                    ts->line + (cmark_node_get_fenced(n, &fence_len, &fence_off, &fence_ch) ? 1 : 0));
        return;
    }
    case CMARK_NODE_HTML_BLOCK:
        if (is_pagebreak(cmark_node_get_literal(n))) {
            struct flow_slab *s = ts_slab_new(ts, 0);
            s->page_break = true;
            s->is_space = true;
            ts->pending_space = 0;
            ts_flow_push(ts, s);
            return;
        }
        ts_warn_html(ts, n);
        ts_set_code(ts, cmark_node_get_literal(n), ts->line);
        return;
    case CMARK_NODE_THEMATIC_BREAK:
        set_rule(ts);
        return;
    case CMARK_NODE_IMAGE:
        set_image(ts, n);
        return;
    case CMARK_NODE_FOOTNOTE_DEFINITION:
        return; /* set at the end */
    default:
        break;
    }
    if (strcmp(type, "table") == 0) {
        ts_set_table(ts, n);
        return;
    }
    set_blocks(ts, cmark_node_first_child(n));
}

static void set_blocks(struct ts *ts, cmark_node *first)
{
    for (cmark_node *n = first; n; n = cmark_node_next(n))
        set_block(ts, n);
}

int typeset_topic(const struct topic *t, const struct layout *l, const struct fontset *fs,
                  const struct typeset_options *opt, struct arena *a, struct diag *d, struct flow *out)
{
    struct ts ts;
    ts_init(&ts, t, l, fs, opt, a, d, out);
    int errors = d->errors;
    if (l->hyphenate && !l->large_print) {
        ts.hyph = hyphenate_load(t->meta.lang);
        if (!ts.hyph)
            diag_add(d, DIAG_WARNING, t->path, 1, 1, "no hyphenation dictionary for language '%s'; words are not hyphenated",
                     t->meta.lang);
    }
    if (l->show_title_block)
        set_title_block(&ts);
    set_blocks(&ts, cmark_node_first_child(t->doc));
    ts.marker = NULL;
    set_footnotes(&ts, t->doc);
    ts_done(&ts);
    hyphenate_free(ts.hyph);
    if (arena_failed(a))
        diag_add(d, DIAG_ERROR, t->path, 0, 0, "out of memory");
    return d->errors > errors ? -1 : 0;
}
