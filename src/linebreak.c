#include "linebreak.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

/* Total fit for ragged-right text. A line's cost is (100 * slack / width)^2
 * plus the penalty it ends at; a line ending the paragraph or at a forced
 * break is free whatever its length. Overfull lines are only used when
 * nothing else can continue the paragraph. */

/* Extra cost when two lines in a row end at flagged (hyphen) breaks. In
 * badness units a line 45% empty costs about 2000. */
enum { LINEBREAK_FLAG_DEMERIT = 2000 };
/* At most two hyphenated lines in a row: a third costs more than any line. */
#define LINEBREAK_THIRD_FLAG 1e12

/* Most breakpoints one line may span in total fit. A line of 512 break
 * opportunities (a URL at 2pt a character) is far beyond any real page;
 * the cap bounds the work at n * 512 whatever the input. */
enum { LINEBREAK_MAX_ACTIVE = 512 };

/* A feasible breakpoint: the paragraph start (index 0, pos -1), a legal
 * break inside it, or the paragraph end (last, pos n). */
struct lb_cand {
    double end;   /* width of items[0..pos) counting boxes and glue only */
    double start; /* width before the first item the next line counts */
    double best;  /* least cost of the paragraph up to here; INFINITY if unreached */
    int pos;      /* item index of the break */
    int first;    /* first box or forced break after pos (n if none) */
    int prev;     /* candidate index of the line before */
    bool flagged;
};

/* A reached candidate in lb_optimal's active list: what the search reads
 * of it, copied when it is reached so that the hot loop walks one array. */
struct lb_act {
    double start, best;
    int k;        /* the candidate */
    int first;
    bool flagged;
    bool third;   /* it ends a second hyphenated line in a row */
};

struct lb_ctx {
    const struct lb_item *items;
    int n;
    double width, eps, scale;
    struct lb_cand *c;
    struct lb_act *act; /* room for nc entries, for lb_optimal */
    int nc;
};

static bool lb_is_forced(const struct lb_item *it)
{
    return it->kind == LB_PENALTY && it->penalty <= -LINEBREAK_INF;
}

/* Facts about a line ending at candidate k. The end counts as forced: its
 * line may be short and has no penalty. */
struct lb_end {
    bool forced, flagged;
    double pw;  /* penalty width, drawn only because the line breaks here */
    double pen; /* penalty value */
};

static inline struct lb_end lb_end_of(const struct lb_ctx *x, int k)
{
    struct lb_end e = { true, false, 0, 0 };
    if (k == x->nc - 1)
        return e;
    const struct lb_item *it = &x->items[x->c[k].pos];
    if (it->kind == LB_PENALTY) {
        e.forced = lb_is_forced(it);
        e.flagged = it->flagged;
        e.pw = it->width;
        e.pen = e.forced ? 0 : it->penalty;
    } else {
        e.forced = false;
    }
    return e;
}

/* A non-forced break needs a box on its line: an empty line is never a
 * useful choice and would let an overfull box be pushed on forever. */
static bool lb_has_box(const struct lb_ctx *x, int j, int k)
{
    return x->c[j].first < x->c[k].pos;
}

/* Collects the candidates in one pass. Breaks after the last box are left
 * out so trailing glue or a final forced break adds no empty line. */
static int lb_collect(struct lb_ctx *x)
{
    const struct lb_item *items = x->items;
    int n = x->n, last_box = -1;
    for (int i = n - 1; i >= 0; i--)
        if (items[i].kind == LB_BOX) {
            last_box = i;
            break;
        }
    /* Room for a break at every item before the last box, the start and
     * the end: more than needed, but counting them first cost a pass. The
     * active list of lb_optimal shares the allocation: one a paragraph. */
    int cap = (last_box > 0 ? last_box : 0) + 2;
    x->c = malloc((size_t)cap * (sizeof *x->c + sizeof *x->act));
    if (!x->c)
        return -1;
    x->act = (struct lb_act *)(x->c + cap);

    struct lb_cand *c = x->c;
    int nc = 0, pending = 0; /* candidates from `pending` on await their `first` */
    double sum = 0, total_abs = 0;
    c[nc++] = (struct lb_cand){ .end = 0, .pos = -1, .best = INFINITY, .prev = -1 };
    for (int i = 0; i < last_box; i++) {
        const struct lb_item *it = &items[i];
        if (it->kind == LB_BOX || lb_is_forced(it)) {
            for (; pending < nc; pending++) {
                c[pending].first = i;
                c[pending].start = sum;
            }
        }
        bool legal = (it->kind == LB_GLUE && i > 0 && items[i - 1].kind == LB_BOX) ||
                     (it->kind == LB_PENALTY && it->penalty < LINEBREAK_INF);
        if (legal)
            c[nc++] = (struct lb_cand){ .end = sum, .pos = i, .best = INFINITY, .prev = -1,
                                        .flagged = it->kind == LB_PENALTY && it->flagged };
        if (it->kind != LB_PENALTY) {
            sum += it->width;
            total_abs += fabs(it->width);
        }
    }
    /* The last box itself, then the end; trailing glue is not counted. */
    for (; pending < nc; pending++) {
        c[pending].first = last_box >= 0 ? last_box : n;
        c[pending].start = sum;
    }
    if (last_box >= 0) {
        sum += items[last_box].width;
        total_abs += fabs(items[last_box].width);
    }
    c[nc++] = (struct lb_cand){ .end = sum, .start = sum, .pos = n, .first = n,
                                .best = INFINITY, .prev = -1 };
    /* The first line counts leading glue: it follows no break. */
    c[0].start = 0;
    x->nc = nc;
    /* Prefix sums drift by rounding; exact fits must still fit. */
    x->eps = 1e-9 * fabs(x->width) + 1e-12 * total_abs;
    x->scale = x->width > 0 ? 100.0 / x->width : 1.0;
    return 0;
}

static int lb_greedy(struct lb_ctx *x, int *breaks)
{
    const struct lb_cand *c = x->c;
    int lines = 0, b = 0, last = x->nc - 1, hyphenated = 0;
    while (b != last) {
        int fit = -1, plain_fit = -1, resort_fit = -1, short_fit = -1, take = -1, k;
        for (k = b + 1; k <= last; k++) {
            double base = c[k].end - c[b].start;
            if (base > x->width + x->eps)
                break;
            struct lb_end e = lb_end_of(x, k);
            if (!e.forced && !lb_has_box(x, b, k))
                continue;
            if (base + e.pw <= x->width + x->eps) {
                if (e.pen >= LINEBREAK_LAST_RESORT) {
                    resort_fit = k;
                } else {
                    fit = k;
                    if (!e.flagged)
                        plain_fit = k;
                }
            } else if (short_fit < 0)
                short_fit = k; /* fits but for its hyphen */
            if (e.forced)
                break;
        }
        if (fit < 0)
            fit = resort_fit;
        if (fit >= 0)
            take = hyphenated >= 2 && lb_end_of(x, fit).flagged && plain_fit >= 0 ? plain_fit : fit;
        else if (short_fit >= 0)
            take = short_fit;
        else {
            /* Nothing fits: the line runs to the first break it can take. */
            for (; k <= last; k++)
                if (lb_end_of(x, k).forced || lb_has_box(x, b, k))
                    break;
            take = k <= last ? k : last;
        }
        breaks[lines++] = c[take].pos;
        hyphenated = lb_end_of(x, take).flagged ? hyphenated + 1 : 0;
        b = take;
    }
    return lines;
}

/* Appends reached node k to the active list act[alo..*aend). Nodes with no
 * box between them (a run of penalties, say) start the next line at the
 * same place, so only the cheapest of each flag class can ever be chosen:
 * the rest are dropped, which keeps long runs of breaks from costing n^2. */
static void lb_push(const struct lb_cand *c, struct lb_act *act, int alo, int *aend, int k)
{
    const struct lb_cand *ck = &c[k];
    struct lb_act node = { ck->start, ck->best, k, ck->first, ck->flagged, ck->prev > 0 && c[ck->prev].flagged };
    int t = *aend;
    while (t > alo && act[t - 1].first == node.first && act[t - 1].start == node.start)
        t--;
    if (t == *aend) { /* nearly always: no node shares k's start */
        act[(*aend)++] = node;
        return;
    }
    struct lb_act u = { .k = -1 }, f = { .k = -1 };
    for (int a = t; a <= *aend; a++) {
        const struct lb_act *j = a < *aend ? &act[a] : &node;
        struct lb_act *slot = j->flagged ? &f : &u;
        if (slot->k < 0 || j->best <= slot->best)
            *slot = *j; /* ties: the later one, as in the main loop */
    }
    if (u.k >= 0 && f.k >= 0) {
        if (u.best <= f.best)
            f.k = -1;
        else if (f.best + LINEBREAK_FLAG_DEMERIT <= u.best)
            u.k = -1;
    }
    if (u.k >= 0 && f.k >= 0) {
        act[t++] = u.k < f.k ? u : f;
        act[t++] = u.k < f.k ? f : u;
    } else {
        act[t++] = u.k >= 0 ? u : f;
    }
    *aend = t;
}

/* Dynamic programming over the candidates. The active (reached) nodes form
 * a window act[alo..aend) in order: widths are not negative, so the oldest
 * line overflows first and leaves the window for good. That keeps the work
 * near n * (breaks per line). */
static int lb_optimal(struct lb_ctx *x, int *breaks)
{
    struct lb_cand *c = x->c;
    int last = x->nc - 1, alo = 0, aend = 0;
    struct lb_act *act = x->act;
    double limit = x->width + x->eps, scale2 = x->scale * x->scale;
    c[0].best = 0;
    act[aend++] = (struct lb_act){ c[0].start, 0, 0, c[0].first, c[0].flagged, false };
    for (int k = 1; k <= last; k++) {
        struct lb_end e = lb_end_of(x, k);
        double here = c[k].end;
        int old_alo = alo, ahi = aend, prev = -1;
        while (alo < aend && here - act[alo].start > limit)
            alo++;
        /* The newest nodes may have no box before k; only a forced break
         * may end such an empty line. */
        if (!e.forced)
            while (ahi > alo && act[ahi - 1].first >= c[k].pos)
                ahi--;
        /* Hot loop: slack = base + start. Ties go to the latest start,
         * which fills earlier lines first. */
        double base = x->width - here - e.pw, best = DBL_MAX;
        double weight = e.forced ? 0 : scale2, min_slack = -x->eps; /* kept out of the loop */
        for (const struct lb_act *j = act + alo, *end = act + ahi; j < end; j++) {
            double slack = base + j->start;
            if (slack < min_slack || j->best > best)
                continue; /* overfull, or dearer before this line is even counted */
            double cost = j->best + slack * slack * weight; /* + 0 at a forced break */
            if (e.flagged && j->flagged) { /* e first: it is in a register */
                cost += LINEBREAK_FLAG_DEMERIT;
                /* A third hyphenated line in a row only if nothing else fits. */
                if (j->third)
                    cost += LINEBREAK_THIRD_FLAG;
            }
            if (cost <= best) {
                best = cost;
                prev = j->k;
            }
        }
        bool fallback = prev < 0 && (e.forced || alo == aend);
        if (fallback) {
            /* Overfull is unavoidable here: take the least overflow, which
             * puts a too-wide box on a line of its own. Every later line
             * descends from this one, so its cost needs no special weight. */
            double least = INFINITY;
            for (int a = old_alo; a < aend; a++) {
                const struct lb_act *j = &act[a];
                if (!e.forced && !(j->first < c[k].pos)) /* lb_has_box */
                    continue;
                double len = here - j->start + e.pw;
                double over = len > x->width ? len - x->width : 0;
                if (over < least || (over == least && j->best <= best)) {
                    least = over;
                    best = j->best;
                    prev = j->k;
                }
            }
            if (prev < 0)
                alo = old_alo; /* keep the nodes until one can reach */
        }
        if (prev >= 0) {
            c[k].best = best + e.pen;
            c[k].prev = prev;
            if (e.forced || fallback)
                alo = aend; /* no line may cross a forced break or an overfull one */
            lb_push(c, act, alo, &aend, k);
            /* A guard against absurd input (thousands of breaks a line):
             * longer lines than this many breaks are not considered. */
            if (aend - alo > LINEBREAK_MAX_ACTIVE)
                alo = aend - LINEBREAK_MAX_ACTIVE;
        }
    }
    int lines = 0;
    for (int k = last; k > 0; k = c[k].prev)
        lines++;
    int i = lines;
    for (int k = last; k > 0; k = c[k].prev)
        breaks[--i] = c[k].pos;
    return lines;
}

/* Whether total fit would set the whole paragraph as one line, known
 * without the search (many paragraphs are a heading or a short list item).
 * With no forced break, no negative width or penalty, and room to spare on
 * a line holding everything, that line costs nothing, as it ends the
 * paragraph, while any other choice has a short first line, which costs
 * more. The room to spare (a millionth of the width) keeps rounding out of
 * that comparison; counting the breaks keeps LINEBREAK_MAX_ACTIVE out. */
static bool lb_one_line(const struct lb_item *items, int n, double width)
{
    double room = width * (1 - 1e-6), sum = 0, max_pw = 0;
    int legal = 0;
    if (!isfinite(width))
        return false;
    for (int i = 0; i < n; i++) {
        const struct lb_item *it = &items[i];
        if (!(it->width >= 0))
            return false;
        if (it->kind != LB_PENALTY) {
            sum += it->width;
            if (!(sum < room))
                return false; /* a longer paragraph: known within its first line */
            legal += it->kind == LB_GLUE;
        } else if (it->penalty < LINEBREAK_INF) {
            if (it->penalty < 0)
                return false;
            max_pw = fmax(max_pw, it->width);
            legal++;
        }
    }
    return legal < LINEBREAK_MAX_ACTIVE && sum + max_pw < room;
}

int linebreak(const struct lb_item *items, int n, double width,
              enum linebreak_mode mode, int *breaks)
{
    if (n <= 0)
        return 0;
    if (mode == LINEBREAK_OPTIMAL && lb_one_line(items, n, width)) {
        breaks[0] = n;
        return 1;
    }
    struct lb_ctx x = { .items = items, .n = n, .width = width };
    if (lb_collect(&x) < 0)
        return -1;
    int lines = mode == LINEBREAK_GREEDY ? lb_greedy(&x, breaks) : lb_optimal(&x, breaks);
    free(x.c);
    return lines;
}
