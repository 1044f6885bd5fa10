/* typeset_code: code blocks (and raw HTML, which is printed as code). Lines
 * are set as they are, on a tinted box, in the code face or a fallback per
 * character; tabs become spaces, and a line too wide for the box wraps. */
#include <string.h>

#include "arena.h"
#include "breakrules.h"
#include "pages.h"
#include "typeset_internal.h"

enum { CODE_FACE = LAYOUT_FACE(FAMILY_CODE, VARIANT_REGULAR) };

/* No font draws a tab: expands them to stops of 4 (a column is a character,
 * not a byte). */
static const char *expand_tabs(struct arena *a, const char *text)
{
    if (!strchr(text, '\t'))
        return text;
    size_t n = 0, col = 0;
    for (const char *s = text; *s; s++)
        n += *s == '\t' ? 4 : 1;
    char *x = arena_alloc(a, n + 1), *o = x;
    for (const char *s = text; *s; s++) {
        if (*s == '\t')
            do
                *o++ = ' ';
            while (++col % 4);
        else {
            *o++ = *s;
            col = *s == '\n' ? 0 : ((unsigned char)*s & 0xC0) == 0x80 ? col : col + 1;
        }
    }
    *o = '\0';
    return x;
}

/* Whether a wrap may replace the space run ending at `space` (the right
 * word starts after it): not inside "30 mg", a phone number or a date. */
static bool may_wrap_at(const char *q, const char *space, const char *le)
{
    const char *lend = space;
    while (lend > q && lend[-1] == ' ')
        lend--;
    const char *l = lend;
    while (l > q && l[-1] != ' ')
        l--;
    const char *r = space + 1, *rend = r;
    while (rend < le && *rend != ' ')
        rend++;
    return !breakrules_keep_space(l, (size_t)(lend - l), r, (size_t)(rend - r));
}

/* Where the line [q, le) ends in the box: le when it fits, else after the
 * last space that fits and may wrap, else at the last character that fits
 * (never at q). */
static const char *wrap_point(struct ts *ts, const struct layout_style *ls, const char *q, const char *le)
{
    double x = 0;
    const char *cut = q, *after_space = NULL;
    while (cut < le) {
        const char *c = cut;
        uint32_t cp = ts_utf8_next(&cut, le);
        int f = ts_face_for(ts, CODE_FACE, cp);
        /* A character no font has is drawn as '?': measure that. */
        double cw = fontset_advance(ts->fs, f < 0 ? CODE_FACE : f, f < 0 ? '?' : cp) * ls->size;
        if (x + cw > ts->w && c > q) {
            cut = after_space ? after_space : c;
            break;
        }
        x += cw;
        if (cp == ' ' && cut < le && *cut != ' ' && may_wrap_at(q, c, le))
            after_space = cut;
    }
    return cut;
}

/* One line [q, cut) as a slab: a run per stretch of characters in the same
 * face, and a '?' run for each character no font has. */
static void set_code_line(struct ts *ts, const struct layout_style *ls, const char *q, const char *cut, double h,
                          double baseline)
{
    struct flow_slab *s = ts_slab_new(ts, h);
    s->keep_with_next = true;
    double bx = ts->x;
    const char *r = q;
    while (r < cut) {
        const char *rs = r;
        uint32_t cp = ts_utf8_next(&r, cut);
        int f = ts_face_for(ts, CODE_FACE, cp);
        bool missing = f < 0;
        if (missing) {
            ts_warn_missing(ts, cp);
            f = CODE_FACE;
        }
        const char *re = r;
        while (!missing && re < cut) {
            const char *t = re;
            uint32_t c2 = ts_utf8_next(&t, cut);
            if (ts_face_for(ts, CODE_FACE, c2) != f)
                break;
            re = t;
        }
        struct page_item *run = page_item_new(ts->a, PAGE_TEXT);
        run->x = bx, run->y = baseline, run->face = f, run->size = ls->size, run->fill = ls->color;
        run->text = fontset_has(ts->fs, f, cp) ? arena_strndup(ts->a, rs, (size_t)(re - rs)) : "?";
        run->w = ts_width(ts, f, run->text, (int)strlen(run->text), ls->size);
        bx += run->w;
        ts_slab_add(s, run);
        r = re;
    }
    ts_emit(ts, s);
}

void ts_set_code(struct ts *ts, const char *text, int line)
{
    const struct layout_style *ls = &ts->l->style[EL_CODE];
    double pad = 6, saved_x = ts->x, saved_w = ts->w;
    ts_space(ts, ls->space_before);
    ts_push_container(ts, pad, pad, ts->l->code_background, PAGE_NO_COLOR, 0);
    struct flow_slab *top = ts_slab_new(ts, pad);
    top->keep_with_next = true;
    ts_emit(ts, top);
    double h = ls->size * ls->leading;
    double asc = fontset_ascent(ts->fs, CODE_FACE) * ls->size, desc = fontset_descent(ts->fs, CODE_FACE) * ls->size;
    double baseline = (h - asc - desc) / 2 + asc;
    text = expand_tabs(ts->a, text);
    const char *p = text, *end = text + strlen(text);
    if (end > p && end[-1] == '\n')
        end--;
    int lineno = 0;
    while (p <= end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        ts->line = line + lineno++;
        const char *q = p;
        do {
            const char *cut = wrap_point(ts, ls, q, le);
            set_code_line(ts, ls, q, cut, h, baseline);
            q = cut;
        } while (q < le);
        if (!nl)
            break;
        p = nl + 1;
    }
    struct flow_slab *bottom = ts_slab_new(ts, pad);
    ts_emit(ts, bottom);
    ts_pop_container(ts, saved_x, saved_w);
    ts_space(ts, ls->space_after);
}
