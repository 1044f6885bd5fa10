/* typeset_para: one paragraph, from styled text to line slabs. Text comes
 * in as styled fragments; words become boxes, spaces glue, and URLs, long
 * words and hyphenation points get break penalties (break rules keep phone
 * numbers, doses and the like together); linebreak picks the line ends, and
 * each line becomes a slab of text runs, links and strike lines. Knows
 * nothing of Markdown: typeset_inline feeds it. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "breakrules.h"
#include "hyphenate.h"
#include "pages.h"
#include "typeset_internal.h"

/* A piece of text in one face; a word is one or more of these. */
struct frag {
    int face;
    double size, rise, width;
    uint32_t color;
    const char *text;
    int len;
    const char *link;
    bool strike;
};

/* Grows the fragments; false when out of memory. Out of line, so that
 * the common case in frags_reserve costs no more than its test. */
__attribute__((noinline)) static bool frags_grow(struct para *p)
{
    int cap = p->fcap ? p->fcap * 2 : 64;
    struct frag *grown = realloc(p->frags, (size_t)cap * sizeof *grown);
    if (!grown)
        return false;
    p->frags = grown;
    p->fcap = cap;
    return true;
}

/* Room for one more fragment; false when out of memory. */
static inline bool frags_reserve(struct para *p)
{
    return p->nfrags < p->fcap || frags_grow(p);
}

/* A fragment of text in face, em wide (at size 1). */
static void para_frag(struct para *p, const struct istyle *st, int face, const char *text, int len, double em)
{
    if (len <= 0)
        return;
    struct ts *ts = p->ts;
    if (!frags_reserve(p))
        return;
    double size = st->super ? fmax(st->size * 0.65, ts->min_size) : st->size;
    /* Join with the previous fragment of the same word when nothing differs. */
    if (p->nfrags > p->word_start) {
        struct frag *last = &p->frags[p->nfrags - 1];
        if (last->face == face && last->size == size && last->color == st->color && last->link == st->link &&
            last->strike == st->strike && last->text + last->len == text) {
            last->len += len;
            last->width += em * size;
            return;
        }
    }
    double rise = st->super ? st->size * 0.35 : 0;
    if (rise == 0 && size > p->max_size)
        p->max_size = size;
    p->frags[p->nfrags++] = (struct frag){
        .face = face, .size = size, .rise = rise,
        .width = em * size, .color = st->color, .text = text, .len = len,
        .link = st->link, .strike = st->strike,
    };
}

/* Grows the items and the arrays sized with them; false when out of
 * memory. Out of line, as frags_grow. */
__attribute__((noinline)) static bool items_grow(struct para *p)
{
    int cap = p->icap ? p->icap * 2 : 64;
    struct lb_item *items = realloc(p->items, (size_t)cap * sizeof *items);
    int *map = items ? realloc(p->item_frag, (size_t)(cap + 1) * sizeof *map) : NULL;
    int *breaks = map ? realloc(p->breaks, (size_t)(cap + 1) * sizeof *breaks) : NULL;
    if (items)
        p->items = items;
    if (map)
        p->item_frag = map;
    if (!breaks)
        return false;
    p->breaks = breaks;
    p->icap = cap;
    return true;
}

static inline void para_item(struct para *p, enum lb_kind kind, double width, int penalty, int frag_start)
{
    if (p->nitems + 1 >= p->icap && !items_grow(p))
        return;
    p->items[p->nitems] = (struct lb_item){.kind = kind, .width = width, .penalty = penalty};
    p->item_frag[p->nitems++] = frag_start;
}

/* "://", "www." or "@": one pass, as it runs for every word; one test
 * turns away all but the bytes from ':' to '@'. */
static bool url_like(const char *s, int len)
{
    if (len > 4 && memcmp(s, "www.", 4) == 0)
        return true;
    for (int i = 0; i < len; i++)
        if ((unsigned char)(s[i] - ':') <= '@' - ':' &&
            (s[i] == '@' || (s[i] == ':' && i + 2 < len && s[i + 1] == '/' && s[i + 2] == '/')))
            return true;
    return false;
}

/* The text of frags [from, to), at most cap - 1 bytes (all that break
 * rules, URL marks and hyphenation read): in place when the fragments are
 * one stretch of text, as nearly every word's are, else copied into buf. */
static inline const char *word_text(const struct para *p, int from, int to, char *buf, int cap, int *len)
{
    int n = p->frags[from].len;
    for (int i = from + 1; i < to && n >= 0; i++)
        n = p->frags[i - 1].text + p->frags[i - 1].len == p->frags[i].text ? n + p->frags[i].len : -1;
    if (n >= 0) {
        *len = n < cap ? n : cap - 1;
        return p->frags[from].text;
    }
    n = 0;
    for (int i = from; i < to; i++) {
        int k = p->frags[i].len;
        if (n + k >= cap)
            k = cap - 1 - n;
        memcpy(buf + n, p->frags[i].text, (size_t)k);
        n += k;
    }
    *len = n;
    return buf;
}

/* Splits fragment i after `bytes` bytes; returns the index of the second part. */
static int split_frag(struct para *p, int i, int bytes)
{
    if (!frags_reserve(p))
        return i;
    memmove(&p->frags[i + 2], &p->frags[i + 1], (size_t)(p->nfrags - i - 1) * sizeof *p->frags);
    p->nfrags++;
    struct frag *a = &p->frags[i], *b = &p->frags[i + 1];
    *b = *a;
    a->len = bytes;
    b->text += bytes;
    b->len -= bytes;
    a->width = ts_width(p->ts, a->face, a->text, a->len, a->size);
    /* Widths add up (advances, no kerning): measuring the rest again would
     * make a 1 MB word quadratic, as it is split after every character. */
    b->width = fmax(b->width - a->width, 0);
    return i + 1;
}

/* Ends the word being collected: one box, or several with break points
 * between them (after / . - ? in a URL; anywhere in a word too long for a
 * line, as a last resort). */
static void para_end_word(struct para *p)
{
    int start = p->word_start, end = p->nfrags;
    if (start == end)
        return;
    char buf[256];
    int n;
    const char *text = word_text(p, start, end, buf, sizeof buf, &n);
    double width = 0;
    for (int i = start; i < end; i++)
        width += p->frags[i].width;

    /* Glue before this word: breakable unless a rule keeps the two words
     * together, and only while the words so kept still fit on one line. */
    double kept = width;
    struct breakrules_word word = breakrules_word(text, (size_t)n);
    if (p->had_glue && p->nitems > 0 && p->items[p->nitems - 1].kind == LB_GLUE) {
        char prev_buf[sizeof buf];
        struct breakrules_word prev = p->prev_word;
        if (!p->prev_in_place) { /* its buf is gone: copy the same bytes again */
            int pn;
            prev.s = word_text(p, p->prev_word_start, p->prev_word_end, prev_buf, sizeof prev_buf, &pn);
        }
        double joined = p->kept_width + p->items[p->nitems - 1].width + width;
        if (joined <= p->width && breakrules_keep(&prev, &word)) {
            p->items[p->nitems - 1].kind = LB_BOX;
            kept = joined;
        }
    }
    p->kept_width = kept;

    bool url = url_like(text, n);
    bool too_long = width > p->width;
    /* Hyphenation points of the word's letters (not of its punctuation). */
    char hy[sizeof buf];
    bool hyph = false;
    if (p->hyphenate && !url && n < (int)sizeof buf - 1) {
        memset(hy, 0, sizeof hy); /* here, not for every word */
        int a = 0, b = n;
        while (a < b && (unsigned char)text[a] < 0x80 && !isalpha((unsigned char)text[a]))
            a++;
        while (b > a && (unsigned char)text[b - 1] < 0x80 && !isalpha((unsigned char)text[b - 1]))
            b--;
        hyph = hyphenate_word(p->ts->hyph, text + a, b - a, hy + a) > 0;
    }
    if (!url && !too_long && !hyph) {
        para_item(p, LB_BOX, width, 0, start);
    } else {
        /* Walk code points; cut fragments at each break opportunity. */
        double box = 0;
        int box_start = start, off = 0;
        for (int i = start; i < p->nfrags; i++) {
            const char *s = p->frags[i].text, *e = s + p->frags[i].len;
            const char *q = s;
            while (q < e) {
                const char *cp_start = q;
                uint32_t cp = ts_utf8_next(&q, e);
                box += ts_advance(p->ts, p->frags[i].face, cp) * p->frags[i].size;
                off += (int)(q - cp_start);
                bool at_end = q == e && i == p->nfrags - 1;
                bool url_break = url && (cp == '/' || cp == '.' || cp == '-' || cp == '?' || cp == '&' || cp == '@');
                bool hyphen = hyph && off < (int)sizeof hy && hy[off - 1];
                if (at_end || !(url_break || hyphen || too_long))
                    continue;
                int cut = (int)(q - s);
                double hyphen_w = hyphen ? ts_advance(p->ts, p->frags[i].face, '-') * p->frags[i].size : 0;
                int next = cut < p->frags[i].len ? split_frag(p, i, cut) : i + 1;
                para_item(p, LB_BOX, box, 0, box_start);
                /* Mid-word breaks cost as much as a nearly empty line: a last resort. */
                para_item(p, LB_PENALTY, hyphen_w, url_break || hyphen ? 50 : LINEBREAK_LAST_RESORT, next);
                p->items[p->nitems - 1].flagged = hyphen;
                box = 0;
                box_start = next;
                if (next != i + 1 || cut < (int)(e - s)) { /* continue in the split-off part */
                    i = next - 1;
                    break;
                }
            }
        }
        if (box_start < p->nfrags)
            para_item(p, LB_BOX, box, 0, box_start);
    }
    p->prev_word_start = start;
    p->prev_word_end = p->nfrags;
    p->prev_word = word;
    p->prev_in_place = text != buf;
    p->word_start = p->nfrags;
    p->had_glue = false;
}

void ts_para_space(struct para *p, const struct istyle *st, const char *at)
{
    para_end_word(p);
    if (p->nitems == 0 || p->items[p->nitems - 1].kind == LB_GLUE ||
        (p->items[p->nitems - 1].kind == LB_PENALTY && p->items[p->nitems - 1].penalty <= -LINEBREAK_INF))
        return;
    struct istyle s = *st;
    s.super = false;
    int face = ts_face_of(&s);
    int f = p->nfrags;
    const char *q = at;
    uint32_t cp = ts_utf8_next(&q, at + 1);
    para_frag(p, &s, face, at, 1, ts_advance(p->ts, face, cp));
    p->word_start = p->nfrags;
    para_item(p, LB_GLUE, p->nfrags > f ? p->frags[f].width : 0, 0, f);
    p->had_glue = true;
}

void ts_para_hard_break(struct para *p)
{
    para_end_word(p);
    para_item(p, LB_PENALTY, 0, -LINEBREAK_INF, p->nfrags);
    p->had_glue = false;
}

/* Adds text in a style, choosing a face per character (fallbacks for what
 * the style's face lacks), splitting words at spaces. The fragments point
 * into text, not into a copy of it: the lines' runs copy what they keep. */
void ts_para_text(struct para *p, const struct istyle *st, const char *text, size_t len)
{
    struct ts *ts = p->ts;
    const char *e = text + len, *q = text;
    int base = ts_face_of(st);
    while (q < e) {
        if (*q == ' ' || *q == '\t' || *q == '\n') {
            ts_para_space(p, st, *q == ' ' ? q : " ");
            q++;
            continue;
        }
        const char *run = q;
        int face = -2;
        double em = 0; /* the run's width, summed in the order fontset_width sums it */
        while (q < e && *q != ' ' && *q != '\t' && *q != '\n') {
            const char *c = q;
            uint32_t cp = ts_utf8_next(&q, e);
            int f = ts_face_for(ts, base, cp);
            if (f < 0) {
                ts_warn_missing(ts, cp);
                if (c > run)
                    para_frag(p, st, face, run, (int)(c - run), em);
                para_frag(p, st, base, "?", 1, ts_advance(ts, base, '?'));
                run = q;
                face = -2;
                em = 0;
                continue;
            }
            if (face != -2 && f != face) {
                para_frag(p, st, face, run, (int)(c - run), em);
                run = c;
                em = 0;
            }
            face = f;
            /* f has cp: its Latin advance is there, not negative (missing) */
            em += cp < FONTSET_LATIN ? ts->latin[f][cp] : fontset_advance(ts->fs, f, cp);
        }
        if (q > run && face >= 0)
            para_frag(p, st, face, run, (int)(q - run), em);
    }
}

void ts_para_widths(struct para *p, double *natural, double *minimum)
{
    para_end_word(p);
    double line = 0, word = 0;
    *minimum = 0;
    for (int i = 0; i < p->nitems; i++) {
        line += p->items[i].width;
        if (p->items[i].kind == LB_BOX)
            word += p->items[i].width;
        else {
            if (word > *minimum)
                *minimum = word;
            word = 0;
        }
    }
    if (word > *minimum)
        *minimum = word;
    *natural = line;
}

/* The text of the run being set, copied into the arena once it is whole:
 * read in place while its fragments are one stretch of the source text,
 * as most runs' are, else gathered in run_buf. */
static void run_append(struct para *p, const char *text, int len)
{
    if (p->run_len == 0 || (p->run_text != p->run_buf && p->run_text + p->run_len == text)) {
        if (p->run_len == 0)
            p->run_text = text;
        p->run_len += (size_t)len;
        return;
    }
    if (p->run_len + (size_t)len + 1 > p->run_cap) {
        size_t cap = p->run_cap ? p->run_cap * 2 : 256;
        while (cap < p->run_len + (size_t)len + 1)
            cap *= 2;
        bool gathered = p->run_text == p->run_buf;
        char *grown = realloc(p->run_buf, cap);
        if (!grown)
            return;
        p->run_buf = grown;
        p->run_cap = cap;
        if (gathered)
            p->run_text = grown;
    }
    if (p->run_text != p->run_buf) { /* the stretch ends here: gather from now on */
        memcpy(p->run_buf, p->run_text, p->run_len);
        p->run_text = p->run_buf;
    }
    memcpy(p->run_buf + p->run_len, text, (size_t)len);
    p->run_len += (size_t)len;
}

static void run_close(struct para *p, struct page_item *run)
{
    if (run)
        run->text = arena_strndup(p->ts->a, p->run_len ? p->run_text : "", p->run_len);
    p->run_len = 0;
}

/* A list item's marker (bullet, number or task box), hanging left of the
 * first line of its text; used once. */
static void set_marker(struct ts *ts, struct flow_slab *s, const struct layout_style *ls, double baseline)
{
    double mx = ts->x - ts->marker_width;
    if (ts->marker_task) {
        double b = ls->size * 0.7, top = baseline - b;
        ts_add_rect(ts, s, mx, top, b, b, PAGE_NO_COLOR, ts->marker_style.color, 0.9);
        if (ts->marker_task == 2) {
            ts_add_line(ts, s, mx + b * 0.18, top + b * 0.5, b * 0.25, b * 0.3, ts->marker_style.color, 1.3);
            ts_add_line(ts, s, mx + b * 0.43, top + b * 0.8, b * 0.42, -b * 0.62, ts->marker_style.color, 1.3);
        }
    } else {
        struct page_item *m = page_item_new(ts->a, PAGE_TEXT);
        const char *e = ts->marker + strlen(ts->marker);
        const char *q = ts->marker;
        uint32_t cp = ts_utf8_next(&q, e);
        m->face = ts_face_for(ts, ts_face_of(&ts->marker_style), cp);
        if (m->face < 0)
            m->face = ts_face_of(&ts->marker_style);
        m->size = ts->marker_style.size;
        m->text = ts->marker;
        m->w = ts_width(ts, m->face, m->text, (int)strlen(m->text), m->size);
        /* A wide marker ("▪" from the fallback font, "10.") keeps a third
         * of an em clear of the text. */
        m->x = fmin(mx, ts->x - m->w - m->size / 3);
        m->y = baseline;
        m->fill = ts->marker_style.color;
        ts_slab_add(s, m);
    }
    ts->marker = NULL;
}

/* Sets the collected items into line slabs of the given style. */
void ts_para_set(struct para *p, const struct layout_style *ls)
{
    struct ts *ts = p->ts;
    para_end_word(p);
    while (p->nitems > 0 && p->items[p->nitems - 1].kind == LB_GLUE)
        p->nitems--;
    if (p->nitems == 0)
        return;
    p->item_frag[p->nitems] = p->nfrags;
    int *breaks = p->breaks;
    int lines = linebreak(p->items, p->nitems, p->width, ts->opt->line_breaking, breaks);
    double line_h = ls->size * ls->leading;
    const int face0 = LAYOUT_FACE(ls->family, VARIANT_REGULAR);
    double asc = fontset_ascent(ts->fs, face0) * ls->size, desc = fontset_descent(ts->fs, face0) * ls->size;
    int from = 0;
    for (int li = 0; li < lines; li++) {
        int to = breaks[li];
        /* Skip glue and penalties that start the line. */
        while (from < to && p->items[from].kind != LB_BOX)
            from++;
        double h = line_h;
        if (!(ls->leading > 0) || p->max_size * ls->leading > line_h) /* else no text is taller */
            for (int i = from; i < to; i++)
                for (int f = p->item_frag[i]; f < p->item_frag[i + 1]; f++)
                    if (p->frags[f].size * ls->leading > h && p->frags[f].rise == 0)
                        h = p->frags[f].size * ls->leading;
        struct flow_slab *s = ts_slab_new(ts, h);
        double baseline = (h - (asc + desc)) / 2 + asc;
        double x = ts->x;
        /* The marker first, so text extraction reads it before the line. */
        if (ts->marker)
            set_marker(ts, s, ls, baseline);
        struct page_item *run = NULL, *link = NULL;
        const struct frag *last = NULL;
        for (int i = from; i < to; i++) {
            if (p->items[i].kind == LB_PENALTY)
                continue;
            for (int f = p->item_frag[i]; f < p->item_frag[i + 1]; f++) {
                struct frag *fr = &p->frags[f];
                if (run && run->face == fr->face && run->size == fr->size && run->fill == fr->color &&
                    run->y == baseline - fr->rise) {
                    /* One run for the whole stretch: fewer operators, smaller PDFs. */
                    run->w += fr->width;
                } else {
                    run_close(p, run);
                    run = page_item_new(ts->a, PAGE_TEXT);
                    run->x = x;
                    run->y = baseline - fr->rise;
                    run->w = fr->width;
                    run->face = fr->face;
                    run->size = fr->size;
                    run->fill = fr->color;
                    ts_slab_add(s, run);
                }
                run_append(p, fr->text, fr->len);
                if (fr->strike)
                    ts_add_line(ts, s, x, baseline - fr->size * 0.3, fr->width, 0, fr->color, fr->size * 0.06);
                bool blank = fr->len == 1 && fr->text[0] == ' ';
                if (fr->link && link && link->text == fr->link && fabs(link->x + link->w - x) < 0.01) {
                    link->w += fr->width; /* one clickable area per line of a link */
                } else if (fr->link && !blank) {
                    link = page_item_new(ts->a, PAGE_LINK);
                    link->x = x, link->y = baseline - asc, link->w = fr->width, link->h = asc + desc;
                    link->text = fr->link;
                    ts_slab_add(s, link);
                }
                x += fr->width;
                last = fr;
            }
        }
        run_close(p, run);
        if (to < p->nitems && p->items[to].kind == LB_PENALTY && p->items[to].flagged && last) {
            struct page_item *h = page_item_new(ts->a, PAGE_TEXT);
            *h = (struct page_item){.kind = PAGE_TEXT, .x = x, .y = baseline - last->rise, .w = p->items[to].width,
                                    .face = last->face, .size = last->size, .fill = last->color, .text = "-",
                                    .stroke = PAGE_NO_COLOR, .dest_page = -1};
            ts_slab_add(s, h);
        }
        s->para_line = li + 1;
        s->para_lines = lines;
        s->forced_end = to < p->nitems && p->items[to].kind == LB_PENALTY && p->items[to].penalty <= -LINEBREAK_INF;
        /* Widows and orphans: keep the first and last lines together. */
        int after = lines - 1 - li;
        if (after > 0 && (li + 1 < ts->l->orphans || after < ts->l->widows))
            s->keep_with_next = true;
        ts_emit(ts, s);
        from = to;
    }
}

void ts_para_init(struct para *p, struct ts *ts, double width)
{
    struct para_arrays *s = &ts->spare;
    *p = (struct para){.ts = ts, .width = width, .frags = s->frags, .fcap = s->fcap, .items = s->items,
                       .item_frag = s->item_frag, .breaks = s->breaks, .icap = s->icap, .run_buf = s->run_buf,
                       .run_cap = s->run_cap};
    *s = (struct para_arrays){0};
}

static void arrays_free(struct para_arrays *s)
{
    free(s->run_buf);
    free(s->frags);
    free(s->items);
    free(s->item_frag);
    free(s->breaks);
}

void ts_para_free(struct para *p)
{
    struct para_arrays mine = {.frags = p->frags, .fcap = p->fcap, .items = p->items, .item_frag = p->item_frag,
                               .breaks = p->breaks, .icap = p->icap, .run_buf = p->run_buf, .run_cap = p->run_cap};
    struct para_arrays *s = &p->ts->spare;
    if (s->frags || s->items || s->run_buf) /* a paragraph set inside this one kept its own */
        arrays_free(&mine);
    else
        *s = mine;
}

void ts_done(struct ts *ts)
{
    arrays_free(&ts->spare);
    ts->spare = (struct para_arrays){0};
}

bool ts_hyphenated(const struct ts *ts, enum layout_element el)
{
    return ts->hyph && (el == EL_BODY || el == EL_TABLE || el == EL_FOOTNOTE);
}

void ts_set_text(struct ts *ts, enum layout_element el, const struct istyle *st, const char *text)
{
    struct para p;
    ts_para_init(&p, ts, ts->w);
    ts_para_text(&p, st, text, strlen(text));
    ts_para_set(&p, &ts->l->style[el]);
    ts_para_free(&p);
}

void ts_set_line(struct ts *ts, enum layout_element el, const char *text)
{
    struct istyle st = ts_style_of(ts, el);
    ts_set_text(ts, el, &st, text);
    ts_space(ts, ts->l->style[el].space_after);
}
