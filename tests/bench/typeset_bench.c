/* typeset_bench: line and page quality of the two line breakers.
 *
 * For each topic (files, or every .md directly inside a folder) it runs
 * source_load -> typeset_topic (greedy, then optimal) -> paginate_flow in a
 * layout (the command's default, layouts/a4.yaml, unless --layout says
 * otherwise) with the real fonts, and reports per mode:
 *
 *   raggedness  sum over every non-final line of every paragraph of
 *               (unused width in pt)^2, divided by the number of lines counted
 *   widows      a paragraph's last line alone at the top of a page (frame)
 *   orphans     a paragraph's first line alone at the foot of a page (frame)
 *   stranded    a heading whose next content is on a later page (frame)
 *
 * A "line" is one text slab of the flow. Table rows (their cells are set
 * inside one slab) and code-block lines (never broken by the breaker) are
 * not lines here.
 *
 * Paragraph boundaries come from the flow: flow_slab.para_line (1-based
 * line of its paragraph, 0 for slabs that are not paragraph lines), and
 * forced_end (the line ends at a hard line break: it counts as final).
 *
 * Unused width is measured on the output, as a reader sees it: the right
 * edge of the text box (the column, or an alert's padded box) minus the
 * right end of the line's last text run.
 *
 * Usage: typeset_bench [options] FILE.md|FOLDER ...
 *   --data DIR     the folder holding fonts/ and layouts/ (default: .)
 *   --layout NAME  a layout name or file, as for `handout -l` (default: a4)
 *   --large-print  apply the large-print rules to the layout
 *   --check        exit 1 unless the issue 7 targets are met: >= 50 topics,
 *                  optimal cuts raggedness by >= 30 % against greedy, and no
 *                  widows, orphans or stranded headings with optimal
 *   -v             one line per topic and breaker
 *   --lines        every line: breaker, paragraph.line, frame, unused, text
 *   --no-keeps     clear every slab's keep_with_next before paginating in
 *                  all passes (a control pass does this anyway, to show
 *                  that the counters find what the keep rules prevent)
 */
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "diag.h"
#include "fontset.h"
#include "layout.h"
#include "layout_file.h"
#include "linebreak.h"
#include "pages.h"
#include "paginate.h"
#include "source.h"
#include "typeset.h"

/* The two breakers, then a control: optimal with every keep_with_next
 * cleared before paginating, to show that the counters find what the keep
 * rules prevent. */
enum { MODES = 2, PASSES = 3, CONTROL = 2 };
static const enum linebreak_mode modes[PASSES] = {LINEBREAK_GREEDY, LINEBREAK_OPTIMAL, LINEBREAK_OPTIMAL};
static const char *const mode_names[PASSES] = {"greedy", "optimal", "control"};

struct stats {
    int topics, pages, paragraphs, lines;
    long counted;   /* non-final lines */
    double sum_sq;  /* pt^2 */
    double worst;   /* largest unused width of a non-final line, pt */
    int overfull;   /* non-final lines wider than their box */
    int widows, orphans, stranded;
    int unmapped;   /* text slabs not found on any page: a bench bug */
};

/* ---- where each slab landed --------------------------------------------- */

/* paginate copies a slab's items onto a page keeping their `text` pointers;
 * typeset gives every run its own copy of its text, so the pointer of a
 * slab's last text run finds the page it is on. */
struct where {
    const char *text;
    int frame;      /* page * columns + column */
};

static int where_cmp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const struct where *)a)->text, y = (uintptr_t)((const struct where *)b)->text;
    return x < y ? -1 : x > y;
}

struct page_index {
    struct where *w;
    int n;
};

static struct page_index *index_pages(const struct doc *doc, int first_page, const struct layout *l)
{
    int np = doc->page_count - first_page;
    struct page_index *ix = calloc((size_t)(np > 0 ? np : 1), sizeof *ix);
    double frame_w = layout_column_width(l);
    for (int p = 0; p < np; p++) {
        const struct page *pg = &doc->pages[first_page + p];
        int n = 0;
        for (const struct page_item *it = pg->items; it; it = it->next)
            n += it->kind == PAGE_TEXT || it->kind == PAGE_IMAGE;
        ix[p].w = malloc((size_t)(n ? n : 1) * sizeof *ix[p].w);
        for (const struct page_item *it = pg->items; it; it = it->next) {
            if (it->kind != PAGE_TEXT && it->kind != PAGE_IMAGE)
                continue;
            int col = l->columns > 1 ? (int)floor((it->x - l->margin_left + 0.5) / (frame_w + l->gutter)) : 0;
            if (col < 0)
                col = 0;
            if (col >= l->columns)
                col = l->columns - 1;
            ix[p].w[ix[p].n++] = (struct where){it->text, p * (l->columns > 0 ? l->columns : 1) + col};
        }
        qsort(ix[p].w, (size_t)ix[p].n, sizeof *ix[p].w, where_cmp);
    }
    return ix;
}

/* The frame holding `text`, searching pages from `from` on; -1 if none. */
static int find_frame(const struct page_index *ix, int np, int from, const char *text, int *page)
{
    struct where key = {text, 0};
    for (int p = from < 0 ? 0 : from; p < np; p++) {
        const struct where *w = bsearch(&key, ix[p].w, (size_t)ix[p].n, sizeof key, where_cmp);
        if (w) {
            *page = p;
            return w->frame;
        }
    }
    return -1;
}

/* ---- what each slab is ------------------------------------------------ */

enum slab_kind { SK_OTHER, SK_LINE, SK_SKIP /* table row or code line: content, not a line */ };

struct slab_info {
    const struct flow_slab *s;
    const struct page_item *items, *items_tail; /* s's, before they moved onto a page */
    enum slab_kind kind;
    const char *key;    /* last text (or image) item: finds the page */
    double right;       /* right edge of the text box */
    double end;         /* right end of the last text run */
    int frame;          /* -1: not found / not placed */
    int para;           /* paragraph index, -1 if not a line */
};

static void classify(struct slab_info *si, const struct flow *f, const struct layout *l)
{
    const struct flow_slab *s = si->s;
    si->items = s->items;
    si->items_tail = s->items_tail;
    si->kind = SK_OTHER;
    si->key = NULL;
    si->frame = -1;
    si->para = -1;
    if (s->is_space || !s->items)
        return;
    const struct page_item *first_text = NULL, *key_w = NULL;
    double right = f->width, end = -1e9;
    bool table_row = false, code = false;
    for (const struct page_item *it = s->items; it; it = it->next) {
        switch (it->kind) {
        case PAGE_TEXT:
            if (!first_text)
                first_text = it;
            if (it->x + it->w > end)
                end = it->x + it->w;
            /* The widest run: markers and a hyphenated line's "-" share
             * one static string, so they would match any page. */
            if (!key_w || it->w > key_w->w)
                key_w = it;
            si->key = key_w->text;
            break;
        case PAGE_IMAGE:
            si->key = it->text;
            break;
        case PAGE_LINE:
            /* Tables draw a rule along each row's foot (and column lines). */
            if ((it->h == 0 && it->w > 0 && fabs(it->y - s->height) < 0.01) || (it->w == 0 && it->h > 0))
                table_row = true;
            break;
        case PAGE_RECT:
            if (it->fill == l->code_background && fabs(it->h - s->height) < 0.01)
                code = true;
            else if (it->fill == l->table_header_background)
                table_row = true;
            else if (it->fill != PAGE_NO_COLOR && it->w > 6 && fabs(it->h - s->height) < 0.01)
                /* An alert's tinted box: its text is inset by block_indent. */
                right = fmin(right, it->x + it->w - l->block_indent);
            break;
        default:
            break;
        }
    }
    if (!first_text) {
        si->kind = si->key ? SK_SKIP : SK_OTHER;
        return;
    }
    if (table_row || code) {
        si->kind = SK_SKIP;
        return;
    }
    si->kind = SK_LINE;
    si->right = right;
    si->end = end;
}

/* ---- one topic, one mode ------------------------------------------------ */

static bool show_lines;

/* The text of a line, runs joined (for --lines). */
static void print_line_text(const struct slab_info *si)
{
    for (const struct page_item *it = si->items; it; it = it == si->items_tail ? NULL : it->next)
        if (it->kind == PAGE_TEXT && it->text)
            fputs(it->text, stdout);
    putchar('\n');
}

/* What each slab of f is, read before pagination moves its items onto
 * pages; *n slabs. */
static struct slab_info *classify_flow(const struct flow *f, const struct layout *l, int *n)
{
    *n = 0;
    for (const struct flow_slab *s = f->first; s; s = s->next)
        ++*n;
    struct slab_info *si = calloc((size_t)(*n ? *n : 1), sizeof *si);
    int i = 0;
    for (const struct flow_slab *s = f->first; s; s = s->next, i++) {
        si[i].s = s;
        classify(&si[i], f, l);
    }
    return si;
}

static void analyse(struct slab_info *si, int n, const struct doc *doc, int first_page, const struct layout *l,
                    struct stats *st, bool verbose, const char *name, const char *mode)
{
    int i;
    int np = doc->page_count - first_page;
    struct page_index *ix = index_pages(doc, first_page, l);
    int page = 0;
    for (i = 0; i < n; i++) {
        if (!si[i].key)
            continue;
        int p = page;
        si[i].frame = find_frame(ix, np, page, si[i].key, &p);
        if (si[i].frame >= 0)
            page = p;
        else if (si[i].kind == SK_LINE)
            st->unmapped++;
    }

    /* Paragraphs: [start, end] slab indices of their lines. */
    int *pstart = malloc((size_t)(n + 1) * sizeof *pstart), *pend = malloc((size_t)(n + 1) * sizeof *pend);
    bool *pheading = calloc((size_t)(n + 1), sizeof *pheading);
    int paras = 0;
    for (i = 0; i < n; i++) {
        if (si[i].kind != SK_LINE || si[i].s->para_line <= 0) {
            si[i].kind = si[i].kind == SK_LINE ? SK_SKIP : si[i].kind;
            continue;
        }
        if (si[i].s->para_line == 1 || paras == 0) {
            pstart[paras] = i;
            pheading[paras] = si[i].s->mark_level > 0;
            paras++;
        }
        pend[paras - 1] = i;
        si[i].para = paras - 1;
    }

    struct stats t = {0};
    t.topics = 1;
    t.pages = np;
    t.paragraphs = paras;
    for (int k = 0; k < paras; k++) {
        int first = pstart[k], last = pend[k];
        /* Lines of this paragraph, in order. */
        int prev = -1, second = -1, before_last = -1;
        for (i = first; i <= last; i++) {
            if (si[i].para != k)
                continue;
            t.lines++;
            bool final = i == last || si[i].s->forced_end;
            if (show_lines) {
                printf("%s %s p%d.%d frame %d %s unused %6.1f | ", mode, name, k, i - first, si[i].frame,
                       final ? "final" : "     ", si[i].right - si[i].end);
                print_line_text(&si[i]);
            }
            if (prev == first)
                second = i;
            if (i == last)
                before_last = prev;
            if (!final) {
                double unused = si[i].right - si[i].end;
                t.counted++;
                t.sum_sq += unused * unused;
                if (unused > t.worst)
                    t.worst = unused;
                if (unused < -0.01)
                    t.overfull++;
            }
            prev = i;
        }
        if (second >= 0 && si[first].frame >= 0 && si[second].frame >= 0 && si[first].frame != si[second].frame)
            t.orphans++;
        if (before_last >= 0 && si[before_last].frame >= 0 && si[last].frame >= 0 &&
            si[before_last].frame != si[last].frame)
            t.widows++;
        if (pheading[k] && si[last].frame >= 0) {
            /* The next placed content after the heading. */
            for (i = last + 1; i < n; i++)
                if (si[i].frame >= 0)
                    break;
            if (i < n && si[i].frame > si[last].frame)
                t.stranded++;
        }
    }
    if (verbose)
        printf("  %-8s %-50s pages %2d  paras %4d  lines %5d  ragged %8.1f  widows %d  orphans %d  stranded %d\n",
               mode, name, t.pages, t.paragraphs, t.lines, t.counted ? t.sum_sq / (double)t.counted : 0.0,
               t.widows, t.orphans, t.stranded);
    st->topics += t.topics;
    st->pages += t.pages;
    st->paragraphs += t.paragraphs;
    st->lines += t.lines;
    st->counted += t.counted;
    st->sum_sq += t.sum_sq;
    st->worst = fmax(st->worst, t.worst);
    st->overfull += t.overfull;
    st->widows += t.widows;
    st->orphans += t.orphans;
    st->stranded += t.stranded;
    for (int p = 0; p < np; p++)
        free(ix[p].w);
    free(ix);
    free(pstart);
    free(pend);
    free(pheading);
    free(si);
}

/* ---- inputs ------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_inputs(const char *arg, char ***paths, int *count, int *cap)
{
    struct stat sb;
    char **list = NULL;
    int n = 0, lcap = 0;
    if (stat(arg, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        DIR *dir = opendir(arg);
        for (struct dirent *e; dir && (e = readdir(dir));) {
            size_t len = strlen(e->d_name);
            if (e->d_name[0] == '.' || len < 4 || strcmp(e->d_name + len - 3, ".md") != 0)
                continue;
            if (n == lcap)
                list = realloc(list, (size_t)(lcap = lcap ? lcap * 2 : 64) * sizeof *list);
            size_t plen = strlen(arg) + len + 2;
            list[n] = malloc(plen);
            snprintf(list[n++], plen, "%s/%s", arg, e->d_name);
        }
        if (dir)
            closedir(dir);
        qsort(list, (size_t)n, sizeof *list, cmp_str);
    } else {
        list = malloc(sizeof *list);
        list[n++] = strdup(arg);
    }
    for (int i = 0; i < n; i++) {
        if (*count == *cap)
            *paths = realloc(*paths, (size_t)(*cap = *cap ? *cap * 2 : 64) * sizeof **paths);
        (*paths)[(*count)++] = list[i];
    }
    free(list);
}

int main(int argc, char **argv)
{
    const char *data = ".", *layout_name = "a4";
    bool large_print = false;
    bool check = false, verbose = false;
    bool no_keeps = false;
    char **paths = NULL;
    int count = 0, cap = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            data = argv[++i];
        else if (strcmp(argv[i], "--layout") == 0 && i + 1 < argc)
            layout_name = argv[++i];
        else if (strcmp(argv[i], "--large-print") == 0)
            large_print = true;
        else if (strcmp(argv[i], "--check") == 0)
            check = true;
        else if (strcmp(argv[i], "-v") == 0)
            verbose = true;
        else if (strcmp(argv[i], "--no-keeps") == 0)
            no_keeps = true;
        else if (strcmp(argv[i], "--lines") == 0)
            show_lines = true;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: typeset_bench [--data DIR] [--layout NAME] [--large-print] [--check] [-v] [--lines] [--no-keeps]\n"
                    "                     FILE.md|FOLDER ...\n");
            return 2;
        } else
            add_inputs(argv[i], &paths, &count, &cap);
    }
    if (count == 0) {
        fprintf(stderr, "usage: typeset_bench [--data DIR] [--layout NAME] [--large-print] [--check] [-v] [--lines] [--no-keeps]\n"
                    "                     FILE.md|FOLDER ...\n");
        return 2;
    }

    struct arena *la = arena_new();
    struct layout l;
    struct diag d = {0};
    if (layout_load(&l, layout_name, data, la, &d) != 0) {
        diag_print(&d, stderr);
        return 2;
    }
    if (large_print)
        layout_apply_large_print(&l);
    struct fontset *fs = fontset_load(l.face_path, LAYOUT_FACE_COUNT, &d);
    diag_print(&d, stderr);
    diag_free(&d);
    if (!fs)
        return 2;

    struct stats st[PASSES] = {{0}};
    int failed = 0;
    for (int i = 0; i < count; i++) {
        struct arena *a = arena_new();
        struct topic t;
        if (source_load(&t, paths[i], a, &d) != 0) {
            diag_print(&d, stderr);
            diag_free(&d);
            failed++;
            source_free(&t);
            arena_free(a);
            continue;
        }
        for (int m = 0; m < PASSES; m++) {
            struct typeset_options opt = {.line_breaking = modes[m]};
            struct flow flow;
            struct doc doc = {0};
            if (typeset_topic(&t, &l, fs, &opt, a, &d, &flow) != 0) {
                failed++;
                break;
            }
            if (no_keeps || m == CONTROL)
                for (struct flow_slab *s = flow.first; s; s = s->next)
                    s->keep_with_next = false;
            int n;
            struct slab_info *si = classify_flow(&flow, &l, &n);
            int first = paginate_flow(&doc, &flow, &l, a);
            analyse(si, n, &doc, first, &l, &st[m], verbose, t.name, mode_names[m]);
        }
        /* Warnings (missing glyphs, raw HTML) are the build's business, not ours. */
        for (int k = 0; k < d.count; k++)
            if (d.entries[k].severity == DIAG_ERROR)
                fprintf(stderr, "%s:%d: error: %s\n", d.entries[k].file ? d.entries[k].file : "?",
                        d.entries[k].line, d.entries[k].message);
        diag_free(&d);
        source_free(&t);
        arena_free(a);
        free(paths[i]);
    }
    free(paths);

    char paper[64];
    printf("Typesetting quality: %d topics, layout %s%s (%s, %g pt body, %g pt column), real fonts\n", st[0].topics,
           l.name ? l.name : layout_name, large_print ? " + large print" : "",
           layout_paper_name(l.paper_w, l.paper_h, paper, sizeof paper), l.style[EL_BODY].size,
           layout_column_width(&l));
    printf("paragraph boundaries from flow_slab.para_line\n\n");
    printf("| breaker | pages | paragraphs | lines | non-final lines | raggedness (pt²/line) | RMS unused (pt) | worst (pt) | overfull | widows | orphans | stranded headings |\n");
    printf("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    double rag[MODES];
    for (int m = 0; m < MODES; m++) {
        rag[m] = st[m].counted ? st[m].sum_sq / (double)st[m].counted : 0;
        printf("| %s | %d | %d | %d | %ld | %.1f | %.2f | %.1f | %d | %d | %d | %d |\n", mode_names[m], st[m].pages,
               st[m].paragraphs, st[m].lines, st[m].counted, rag[m], sqrt(rag[m]), st[m].worst, st[m].overfull,
               st[m].widows, st[m].orphans, st[m].stranded);
    }
    double cut = rag[0] > 0 ? 100.0 * (rag[0] - rag[1]) / rag[0] : 0;
    bool clean = st[1].widows == 0 && st[1].orphans == 0 && st[1].stranded == 0;
    bool ok = cut >= 30 && clean && st[0].topics >= 50 && failed == 0;
    printf("\nraggedness cut, optimal vs greedy: %.1f %% (target >= 30 %%)\n", cut);
    printf("optimal: %d widows, %d orphans, %d stranded headings (target 0)\n", st[1].widows, st[1].orphans,
           st[1].stranded);
    printf("control, optimal with keep_with_next cleared before paginating: %d widows, %d orphans, %d stranded "
           "headings\n", st[CONTROL].widows, st[CONTROL].orphans, st[CONTROL].stranded);
    if (st[0].unmapped + st[1].unmapped + st[CONTROL].unmapped)
        printf("warning: %d text lines not found on any page (not counted for widows/orphans)\n",
               st[0].unmapped + st[1].unmapped + st[CONTROL].unmapped);
    if (failed)
        printf("warning: %d topics failed to load or typeset\n", failed);
    printf("issue 7 targets (>= 50 topics, cut >= 30 %%, zero widows/orphans/stranded): %s\n",
           ok ? "MET" : "NOT MET");
    fontset_free(fs);
    arena_free(la);
    return check && !ok ? 1 : 0;
}
