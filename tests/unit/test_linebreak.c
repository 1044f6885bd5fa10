/* Unit tests for linebreak: fixed widths, no fonts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linebreak.h"

/* A small paragraph builder: "w5 g1 w3 h1 w2" style arrays of items. */
#define BOX(w) ((struct lb_item){ .kind = LB_BOX, .width = (w) })
#define GLUE(w) ((struct lb_item){ .kind = LB_GLUE, .width = (w) })
#define PEN(w, p, f) ((struct lb_item){ .kind = LB_PENALTY, .width = (w), .penalty = (p), .flagged = (f) })
#define HYPHEN(w) PEN((w), 0, true)
#define FORCED PEN(0, -LINEBREAK_INF, false)
#define NEVER PEN(0, LINEBREAK_INF, false)
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const enum linebreak_mode both_modes[] = { LINEBREAK_GREEDY, LINEBREAK_OPTIMAL };

static bool legal_break(const struct lb_item *items, int k)
{
    if (items[k].kind == LB_GLUE)
        return k > 0 && items[k - 1].kind == LB_BOX;
    return items[k].kind == LB_PENALTY && items[k].penalty < LINEBREAK_INF;
}

/* Natural width of the line after break `from` (-1: paragraph start) up to
 * break `to`, computed directly from the items as the header defines it. */
static double line_len(const struct lb_item *items, int n, int from, int to)
{
    int i = from + 1;
    if (from >= 0)
        while (i < to && items[i].kind != LB_BOX &&
               !(items[i].kind == LB_PENALTY && items[i].penalty <= -LINEBREAK_INF))
            i++;
    int end = to;
    if (to == n) /* trailing glue is not part of the last line */
        while (end > i && items[end - 1].kind != LB_BOX)
            end--;
    double w = 0;
    for (; i < end; i++)
        if (items[i].kind != LB_PENALTY)
            w += items[i].width;
    if (to < n && items[to].kind == LB_PENALTY)
        w += items[to].width;
    return w;
}

/* Breaks increase, are legal, forced ones are all taken, and the last is n. */
static void check_breaks(const struct lb_item *items, int n, const int *breaks, int lines)
{
    assert_true(lines >= 1);
    assert_int_equal(breaks[lines - 1], n);
    int prev = -1, b = 0;
    for (int i = 0; i < lines - 1; i++) {
        assert_true(breaks[i] > prev);
        assert_true(breaks[i] < n);
        assert_true(legal_break(items, breaks[i]));
        prev = breaks[i];
    }
    int last_box = -1;
    for (int i = 0; i < n; i++)
        if (items[i].kind == LB_BOX)
            last_box = i;
    for (int i = 0; i < last_box; i++)
        if (items[i].kind == LB_PENALTY && items[i].penalty <= -LINEBREAK_INF) {
            while (b < lines && breaks[b] < i)
                b++;
            assert_true(b < lines);
            assert_int_equal(breaks[b], i);
        }
}

static double slack_squares(const struct lb_item *items, int n, double width,
                            const int *breaks, int lines)
{
    double sum = 0;
    for (int i = 0; i < lines - 1; i++) {
        double s = width - line_len(items, n, i ? breaks[i - 1] : -1, breaks[i]);
        sum += s * s;
    }
    return sum;
}

static int run(const struct lb_item *items, int n, double width, enum linebreak_mode mode,
               int *breaks)
{
    int lines = linebreak(items, n, width, mode, breaks);
    if (n > 0)
        check_breaks(items, n, breaks, lines);
    return lines;
}

static void assert_breaks(const int *got, int lines, const int *want, int want_lines)
{
    assert_int_equal(lines, want_lines);
    for (int i = 0; i < want_lines; i++)
        assert_int_equal(got[i], want[i]);
}

/* "aaa bb cc ddddd" at width 6: greedy fills "aaa bb" and leaves "cc" alone
 * (slack 0 and 4); optimal evens out to "aaa" / "bb cc" (slack 3 and 1). */
static void test_classic_greedy_vs_optimal(void **state)
{
    (void)state;
    struct lb_item p[] = { BOX(3), GLUE(1), BOX(2), GLUE(1), BOX(2), GLUE(1), BOX(5) };
    int n = COUNT(p), br[8];

    int lines = run(p, n, 6, LINEBREAK_GREEDY, br);
    assert_breaks(br, lines, (int[]){ 3, 5, 7 }, 3);
    assert_true(slack_squares(p, n, 6, br, lines) == 16);

    lines = run(p, n, 6, LINEBREAK_OPTIMAL, br);
    assert_breaks(br, lines, (int[]){ 1, 5, 7 }, 3);
    assert_true(slack_squares(p, n, 6, br, lines) == 10);
}

/* A paragraph with room to spare is one line (linebreak answers it without
 * the search); one that fills the line exactly is left to the search,
 * whose ties go to the later break: here a first line with no slack. */
static void test_one_line(void **state)
{
    (void)state;
    struct lb_item p[] = { BOX(3), GLUE(1), BOX(2), HYPHEN(1), BOX(2), GLUE(0), BOX(0), GLUE(1), BOX(1) };
    int n = COUNT(p), br[COUNT(p) + 1];
    assert_breaks(br, run(p, n, 20, LINEBREAK_OPTIMAL, br), (int[]){ n }, 1);
    assert_breaks(br, run(p, n, 10.5, LINEBREAK_OPTIMAL, br), (int[]){ n }, 1);

    struct lb_item full[] = { BOX(5), GLUE(0), BOX(0) };
    assert_breaks(br, run(full, 3, 5, LINEBREAK_OPTIMAL, br), (int[]){ 1, 3 }, 2);
    assert_breaks(br, run(full, 3, 6, LINEBREAK_OPTIMAL, br), (int[]){ 3 }, 1);
}

static void test_empty_and_single(void **state)
{
    (void)state;
    int br[4] = { -7, -7, -7, -7 };
    for (int m = 0; m < 2; m++) {
        br[0] = -7;
        assert_int_equal(linebreak(NULL, 0, 100, both_modes[m], br), 0);
        assert_int_equal(br[0], -7);

        struct lb_item one[] = { BOX(10) };
        assert_breaks(br, run(one, 1, 100, both_modes[m], br), (int[]){ 1 }, 1);
        /* Wider than the line: still one line, overfull. */
        assert_breaks(br, run(one, 1, 5, both_modes[m], br), (int[]){ 1 }, 1);

        /* Only glue: one (empty) line, never zero. */
        struct lb_item blank[] = { GLUE(3), GLUE(3) };
        assert_breaks(br, run(blank, 2, 1, both_modes[m], br), (int[]){ 2 }, 1);
    }
}

static void test_forced_break_taken(void **state)
{
    (void)state;
    /* Everything fits on one line, yet the forced break must split it. */
    struct lb_item p[] = { BOX(2), GLUE(1), BOX(2), FORCED, BOX(2), GLUE(1), BOX(2) };
    int br[8];
    for (int m = 0; m < 2; m++)
        assert_breaks(br, run(p, COUNT(p), 100, both_modes[m], br), (int[]){ 3, 7 }, 2);

    /* A forced break is taken even when it makes a line overfull by its width. */
    struct lb_item q[] = { BOX(5), PEN(3, -LINEBREAK_INF, false), BOX(1) };
    for (int m = 0; m < 2; m++)
        assert_breaks(br, run(q, COUNT(q), 6, both_modes[m], br), (int[]){ 1, 3 }, 2);

    /* Two forced breaks in a row leave an empty line between them. */
    struct lb_item r[] = { BOX(2), FORCED, FORCED, BOX(2) };
    for (int m = 0; m < 2; m++)
        assert_breaks(br, run(r, COUNT(r), 100, both_modes[m], br), (int[]){ 1, 2, 4 }, 3);

    /* A forced break (Knuth-Plass's paragraph end) after the last box adds
     * no empty line: the paragraph end takes its place. */
    struct lb_item s[] = { BOX(2), GLUE(1), BOX(2), GLUE(0), FORCED };
    for (int m = 0; m < 2; m++)
        assert_breaks(br, run(s, COUNT(s), 100, both_modes[m], br), (int[]){ 5 }, 1);
}

/* How a caller says "do not break here": boxes with no glue between them
 * (two parts of one word), or a penalty >= LINEBREAK_INF before the glue
 * (a no-break space: glue after a penalty is not a legal break, but its
 * width still counts). */
static void test_never_break(void **state)
{
    (void)state;
    int br[8];
    struct lb_item joined[] = { BOX(4), BOX(4), GLUE(1), BOX(1) };
    struct lb_item nbsp[] = { BOX(4), NEVER, GLUE(1), BOX(4), GLUE(1), BOX(1) };
    struct lb_item inf_pen[] = { BOX(4), PEN(0, LINEBREAK_INF + 5, false), BOX(4) };
    for (int m = 0; m < 2; m++) {
        assert_breaks(br, run(joined, COUNT(joined), 5, both_modes[m], br), (int[]){ 2, 4 }, 2);
        assert_breaks(br, run(nbsp, COUNT(nbsp), 9, both_modes[m], br), (int[]){ 4, 6 }, 2);
        assert_breaks(br, run(inf_pen, COUNT(inf_pen), 5, both_modes[m], br), (int[]){ 3 }, 1);
    }
}

static void test_overfull_box_own_line(void **state)
{
    (void)state;
    int br[12];
    struct lb_item mid[] = { BOX(3), GLUE(1), BOX(15), GLUE(1), BOX(3) };
    struct lb_item first[] = { BOX(15), GLUE(1), BOX(3), GLUE(1), BOX(3) };
    struct lb_item last[] = { BOX(3), GLUE(1), BOX(3), GLUE(1), BOX(15) };
    struct lb_item two[] = { BOX(2), GLUE(1), BOX(12), GLUE(1), BOX(11), GLUE(1), BOX(2), GLUE(1), BOX(2) };
    for (int m = 0; m < 2; m++) {
        assert_breaks(br, run(mid, COUNT(mid), 10, both_modes[m], br), (int[]){ 1, 3, 5 }, 3);
        assert_breaks(br, run(first, COUNT(first), 10, both_modes[m], br), (int[]){ 1, 5 }, 2);
        assert_breaks(br, run(last, COUNT(last), 10, both_modes[m], br), (int[]){ 3, 5 }, 2);
        assert_breaks(br, run(two, COUNT(two), 10, both_modes[m], br), (int[]){ 1, 3, 5, 9 }, 4);
    }
}

/* Glue right after a break starts no line: "aaaaa" / "bbb cc" fits width 6
 * only because the two spaces after the break are dropped. */
static void test_glue_after_break_dropped(void **state)
{
    (void)state;
    struct lb_item p[] = { BOX(5), GLUE(2), GLUE(2), BOX(3), GLUE(1), BOX(2) };
    int br[8];
    for (int m = 0; m < 2; m++)
        assert_breaks(br, run(p, COUNT(p), 6, both_modes[m], br), (int[]){ 1, 6 }, 2);
}

static void test_hyphen_width_only_when_broken(void **state)
{
    (void)state;
    /* "hell-o world": box4 hyphen box4 glue box5. */
    struct lb_item p[] = { BOX(4), HYPHEN(1), BOX(4), GLUE(1), BOX(5) };
    int br[8];
    for (int m = 0; m < 2; m++) {
        /* Unbroken, the word is 8 wide and fits width 8 exactly. */
        assert_breaks(br, run(p, COUNT(p), 8, both_modes[m], br), (int[]){ 3, 5 }, 2);
        /* Broken, "hell-" is 5 wide and fits width 5 exactly. */
        assert_breaks(br, run(p, COUNT(p), 5, both_modes[m], br), (int[]){ 1, 3, 5 }, 3);
    }
    /* At width 4 nothing fits: greedy overflows by the hyphen alone. Optimal
     * must still return valid breaks (run() checks them). */
    assert_breaks(br, run(p, COUNT(p), 4, LINEBREAK_GREEDY, br), (int[]){ 1, 3, 5 }, 3);
    assert_true(run(p, COUNT(p), 4, LINEBREAK_OPTIMAL, br) >= 2);
}

/* Two hyphenated lines in a row cost an extra demerit: optimal takes a
 * ragged (slack 3) second line instead of a second hyphen. With the flags
 * off the same breaks are free and optimal hyphenates twice. */
static void test_consecutive_hyphens_avoided(void **state)
{
    (void)state;
    struct lb_item p[] = { BOX(5), GLUE(1), BOX(3), HYPHEN(1), BOX(2), GLUE(1),
                           BOX(4), GLUE(1), BOX(1), HYPHEN(1), BOX(4) };
    int n = COUNT(p), br[12];
    assert_breaks(br, run(p, n, 10, LINEBREAK_OPTIMAL, br), (int[]){ 3, 7, 11 }, 3);

    p[3].flagged = p[9].flagged = false;
    assert_breaks(br, run(p, n, 10, LINEBREAK_OPTIMAL, br), (int[]){ 3, 9, 11 }, 3);

    /* One flagged break alone carries no extra cost. */
    p[3].flagged = true;
    assert_breaks(br, run(p, n, 10, LINEBREAK_OPTIMAL, br), (int[]){ 3, 9, 11 }, 3);
}

/* Two hyphenated lines, then a third that would fit exactly at a hyphen:
 * both breakers end it at the space instead (at most two in a row). Without
 * that rule total fit would take the hyphen: 2 x 2000 demerits < 2000 plus
 * a line 60 % empty. */
static void test_at_most_two_hyphens_in_a_row(void **state)
{
    (void)state;
    struct lb_item p[] = { BOX(9), HYPHEN(1), BOX(9), HYPHEN(1), BOX(4), GLUE(1), BOX(4), HYPHEN(1), BOX(5) };
    int n = COUNT(p), br[10];
    for (int m = 0; m < 2; m++)
        assert_breaks(br, run(p, n, 10, both_modes[m], br), (int[]){ 1, 3, 5, 9 }, 4);
}

/* Penalty values add to the cost: a costly hyphen loses to ragged lines. */
static void test_penalty_value_counts(void **state)
{
    (void)state;
    /* Width 10: "aaaaa bbb-" / "ccc dddd" is perfect but for the hyphen's
     * penalty; the alternative "aaaaa" / "bbbccc" costs 2500 + 1600. */
    struct lb_item p[] = { BOX(5), GLUE(1), BOX(3), PEN(1, 0, false), BOX(3), GLUE(1), BOX(4) };
    int n = COUNT(p), br[8];
    assert_breaks(br, run(p, n, 10, LINEBREAK_OPTIMAL, br), (int[]){ 3, 7 }, 2);
    p[3].penalty = 4000;
    assert_breaks(br, run(p, n, 10, LINEBREAK_OPTIMAL, br), (int[]){ 3, 7 }, 2);
    p[3].penalty = 5000;
    assert_breaks(br, run(p, n, 10, LINEBREAK_OPTIMAL, br), (int[]){ 1, 5, 7 }, 3);
}

/* A URL longer than the line: "abc/" (4) then a segment of nine letters,
 * which may only be cut as a last resort. At width 10 both breakers cut
 * after the "/", though a last-resort cut would fill the line; a segment
 * that cannot fit a line anyway is cut where the line is full. */
static void test_last_resort_only_when_nothing_else_fits(void **state)
{
    (void)state;
    struct lb_item p[2 + 2 * 9 - 1];
    int n = 0, br[COUNT(p) + 1];
    p[n++] = BOX(4);
    p[n++] = PEN(0, 50, false);
    for (int i = 0; i < 9; i++) {
        if (i)
            p[n++] = PEN(0, LINEBREAK_LAST_RESORT, false);
        p[n++] = BOX(1);
    }
    for (int m = 0; m < 2; m++)
        assert_breaks(br, run(p, n, 10, both_modes[m], br), (int[]){ 1, n }, 2);
    /* At width 3 "abc/" overflows and the segment is cut into full lines. */
    assert_breaks(br, run(p, n, 3, LINEBREAK_GREEDY, br), (int[]){ 1, 7, 13, n }, 4);
}

static void test_deterministic(void **state)
{
    (void)state;
    /* Many equal-cost solutions: the answer must not vary between calls. */
    struct lb_item p[40];
    for (int i = 0; i < 40; i++)
        p[i] = i % 2 ? GLUE(0) : BOX(1);
    int a[41], b[41];
    for (int m = 0; m < 2; m++) {
        int la = run(p, 39, 4, both_modes[m], a);
        int lb = run(p, 39, 4, both_modes[m], b);
        assert_breaks(a, la, b, lb);
    }
}

/* xorshift: a fixed seed keeps the property tests reproducible. */
static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static int random_paragraph(uint32_t *seed, struct lb_item *p, int max_words, double width)
{
    int words = 1 + (int)(rnd(seed) % (uint32_t)max_words), n = 0;
    for (int w = 0; w < words; w++) {
        if (w)
            p[n++] = GLUE(1 + rnd(seed) % 2);
        p[n++] = BOX(1 + rnd(seed) % (uint32_t)(width / 2));
        if (rnd(seed) % 4 == 0) { /* a hyphenation point, free and unflagged */
            p[n++] = PEN(1, 0, false);
            if (rnd(seed) % 3 == 0) /* a second break right after: a run */
                p[n++] = PEN(rnd(seed) % 2, 0, false);
            p[n++] = BOX(1 + rnd(seed) % 4);
        }
    }
    return n;
}

/* Optimal minimises the sum of squared slack over non-final lines, so it is
 * never worse than greedy by that measure. Also checks that neither leaves
 * a line overfull when every box fits. */
static void test_property_optimal_beats_greedy(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    struct lb_item p[500];
    int g[501], o[501], strictly_better = 0;
    for (int t = 0; t < 500; t++) {
        double width = 10 + rnd(&seed) % 30;
        int n = random_paragraph(&seed, p, 60, width);
        int gl = run(p, n, width, LINEBREAK_GREEDY, g);
        int ol = run(p, n, width, LINEBREAK_OPTIMAL, o);
        for (int i = 0; i < gl; i++)
            assert_true(line_len(p, n, i ? g[i - 1] : -1, g[i]) <= width);
        for (int i = 0; i < ol; i++)
            assert_true(line_len(p, n, i ? o[i - 1] : -1, o[i]) <= width);
        double gs = slack_squares(p, n, width, g, gl), os = slack_squares(p, n, width, o, ol);
        assert_true(os <= gs + 1e-9);
        strictly_better += os < gs;
    }
    assert_true(strictly_better > 50); /* the test does exercise a difference */
}

/* Exhaustive check on small paragraphs: optimal finds the true minimum. */
static double best_by_search(const struct lb_item *p, int n, double width, const int *cand,
                             int nc, int at, int from, double acc, double best)
{
    if (acc >= best)
        return best;
    double last = line_len(p, n, from, n);
    if (last <= width && acc < best)
        best = acc;
    for (int c = at; c < nc; c++) {
        double len = line_len(p, n, from, cand[c]);
        if (len > width)
            continue; /* lengths need not grow: a hyphen may overflow alone */
        bool has_box = false;
        for (int i = from + 1; i < cand[c]; i++)
            has_box |= p[i].kind == LB_BOX;
        if (!has_box)
            continue;
        double s = width - len;
        best = best_by_search(p, n, width, cand, nc, c + 1, cand[c], acc + s * s, best);
    }
    return best;
}

static void test_property_optimal_is_minimal(void **state)
{
    (void)state;
    uint32_t seed = 777;
    struct lb_item p[64];
    int o[65], cand[64];
    for (int t = 0; t < 300; t++) {
        double width = 8 + rnd(&seed) % 12;
        int n = random_paragraph(&seed, p, 9, width), nc = 0;
        for (int i = 0; i < n; i++)
            if (legal_break(p, i))
                cand[nc++] = i;
        int ol = run(p, n, width, LINEBREAK_OPTIMAL, o);
        double want = best_by_search(p, n, width, cand, nc, 0, -1, 0, INFINITY);
        assert_true(fabs(slack_squares(p, n, width, o, ol) - want) < 1e-9);
    }
}

enum { MEG = 1 << 20 };

/* A 1 MB paragraph of short words: about 190k words, 380k items. */
static void test_perf_many_words(void **state)
{
    (void)state;
    struct lb_item *p = malloc(sizeof *p * MEG);
    int *br = malloc(sizeof *br * (MEG + 1));
    assert_non_null(p);
    assert_non_null(br);
    uint32_t seed = 99;
    int n = 0, chars = 0;
    while (chars < MEG) {
        int len = 1 + (int)(rnd(&seed) % 8);
        if (n)
            p[n++] = GLUE(3);
        p[n++] = BOX(6.0 * len);
        chars += len + 1;
    }
    for (int m = 0; m < 2; m++) {
        int lines = run(p, n, 400, both_modes[m], br);
        /* Up to 400 / 6 = 66 letters a line, plus the narrower spaces. */
        assert_in_range(lines, MEG / 100, MEG / 40);
    }
    free(p);
    free(br);
}

/* One 1 MB unbroken string (a URL, say) with a break allowed between
 * every two characters: a million candidates, each line ~66 of them. */
static void test_perf_long_box(void **state)
{
    (void)state;
    int n = 2 * MEG - 1;
    struct lb_item *p = malloc(sizeof *p * (size_t)n);
    int *br = malloc(sizeof *br * (size_t)(n + 1));
    assert_non_null(p);
    assert_non_null(br);
    for (int i = 0; i < n; i++)
        p[i] = i % 2 ? PEN(0, 50, false) : BOX(6);
    for (int m = 0; m < 2; m++) {
        int lines = run(p, n, 400, both_modes[m], br);
        assert_int_equal(lines, (MEG + 65) / 66); /* 66 * 6 = 396 <= 400 */
    }
    free(p);
    free(br);
}

/* Degenerate input must stay cheap: a long run of breaks with no box
 * between them, and many zero-width boxes (every line holds all of them). */
static void test_perf_degenerate(void **state)
{
    (void)state;
    int n = 200000;
    struct lb_item *p = malloc(sizeof *p * (size_t)n);
    int *br = malloc(sizeof *br * (size_t)(n + 1));
    assert_non_null(p);
    assert_non_null(br);
    for (int i = 0; i < n; i++)
        p[i] = PEN(i % 3, i % 7, i % 2);
    p[0] = p[n / 2] = p[n - 1] = BOX(5);
    for (int m = 0; m < 2; m++)
        assert_in_range(run(p, n, 10, both_modes[m], br), 1, 3);

    for (int i = 0; i < n; i++)
        p[i] = i % 2 ? PEN(0, 0, false) : BOX(0);
    p[n - 1] = BOX(1);
    for (int m = 0; m < 2; m++)
        assert_in_range(run(p, n, 10, both_modes[m], br), 1, n);
    free(p);
    free(br);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classic_greedy_vs_optimal),
        cmocka_unit_test(test_empty_and_single),
        cmocka_unit_test(test_one_line),
        cmocka_unit_test(test_forced_break_taken),
        cmocka_unit_test(test_never_break),
        cmocka_unit_test(test_overfull_box_own_line),
        cmocka_unit_test(test_glue_after_break_dropped),
        cmocka_unit_test(test_hyphen_width_only_when_broken),
        cmocka_unit_test(test_consecutive_hyphens_avoided),
        cmocka_unit_test(test_at_most_two_hyphens_in_a_row),
        cmocka_unit_test(test_penalty_value_counts),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_last_resort_only_when_nothing_else_fits),
        cmocka_unit_test(test_property_optimal_beats_greedy),
        cmocka_unit_test(test_property_optimal_is_minimal),
        cmocka_unit_test(test_perf_many_words),
        cmocka_unit_test(test_perf_long_box),
        cmocka_unit_test(test_perf_degenerate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
