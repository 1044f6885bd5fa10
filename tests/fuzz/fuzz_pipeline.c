/* libFuzzer target: the whole pipeline, as cmd/handout/main.c build_topic()
 * runs it: bytes -> source_parse -> typeset_topic -> paginate_flow +
 * paginate_footers + paginate_info -> pdf_write, into a private temporary
 * folder that is emptied and removed on every iteration.
 *
 * Input format (so the fuzzer can reach the image code too):
 *     MARKDOWN [ "\0IMG\0" IMAGE-BYTES ]
 * The Markdown is the topic; IMAGE-BYTES, when present, are written next to
 * it as "fuzz.img" (seeds reference it as ![alt](fuzz.img)). The last byte
 * of the input also picks the layout and options (see pick()).
 *
 * Invariants checked beyond "no crash, no sanitizer report":
 *   - pdf_write leaves exactly NAME.pdf on success and nothing on failure
 *     (no temporary file in the output folder, none in $TMPDIR);
 *   - every text run that paginate placed lies on its page (unless
 *     FUZZ_NO_BOUNDS is set in the environment);
 *   - pdf_write succeeds for every topic that typesets and has no image
 *     (unless FUZZ_PDF_MAY_FAIL is set).
 *
 * Build: tests/fuzz/run.sh (clang -fsanitize=fuzzer,address,undefined, every
 * src file). Needs fonts/: FUZZ_DATA_DIR at compile time, or HANDOUT_DATA. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "fontset.h"
#include "layout.h"
#include "pages.h"
#include "paginate.h"
#include "pdf.h"
#include "source.h"
#include "typeset.h"
#if __has_include("leaflet.h")
#include "leaflet.h" /* the pipeline as main.c runs it, imposition included */
#define HAVE_LEAFLET 1
#endif
#if __has_include("layout_file.h")
#include "layout_file.h"
#define HAVE_LAYOUT_FILE 1
#endif

#ifndef FUZZ_DATA_DIR
#define FUZZ_DATA_DIR "."
#endif

enum { MAX_LAYOUTS = 8 };

static struct {
    struct arena *a;
    struct layout layouts[MAX_LAYOUTS];
    struct fontset *fonts[MAX_LAYOUTS];
    int count;
    char root[64];     /* private temp folder for the whole run */
    char tmpdir[96];   /* $TMPDIR during pdf_write (font subsets) */
    bool check_bounds;
} G;

static void die(const char *what)
{
    fprintf(stderr, "fuzz_pipeline: %s: %s\n", what, strerror(errno));
    abort();
}

static void add_layout(struct layout *l)
{
    if (G.count == MAX_LAYOUTS)
        return;
    struct diag d = {0};
    struct fontset *fs = fontset_load(l->face_path, LAYOUT_FACE_COUNT, &d);
    diag_free(&d);
    if (!fs)
        return;
    G.layouts[G.count] = *l;
    G.fonts[G.count++] = fs;
}

static void cleanup_root(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", G.root);
    if (G.root[0] && system(cmd) != 0)
        fprintf(stderr, "fuzz_pipeline: could not remove %s\n", G.root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    const char *data = getenv("HANDOUT_DATA");
    if (!data || !*data)
        data = FUZZ_DATA_DIR;
    G.a = arena_new();
    G.check_bounds = getenv("FUZZ_NO_BOUNDS") == NULL;
    char fonts[4096];
    snprintf(fonts, sizeof fonts, "%s/fonts", data);

    struct layout l;
    layout_default(&l, fonts, G.a);
    add_layout(&l);
    layout_apply_large_print(&l);
    add_layout(&l);
#ifdef HAVE_LAYOUT_FILE
    static const char *const names[] = {"a4-two-column", "a5", "letter", "trifold-dl", "a5-booklet", "large-print"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct diag d = {0};
        if (layout_load(&l, names[i], data, G.a, &d) == 0)
            add_layout(&l);
        diag_free(&d);
    }
#endif
    if (G.count == 0) {
        fprintf(stderr, "fuzz_pipeline: cannot load the fonts in %s (set HANDOUT_DATA)\n", fonts);
        abort();
    }
    snprintf(G.root, sizeof G.root, "%s/handout-fuzz-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(G.root))
        die("mkdtemp");
    atexit(cleanup_root);
    snprintf(G.tmpdir, sizeof G.tmpdir, "%s/tmp", G.root);
    if (mkdir(G.tmpdir, 0700) != 0)
        die("mkdir tmp");
    setenv("TMPDIR", G.tmpdir, 1);
    return 0;
}

/* Names in dir other than `keep`; removes them all. Returns how many. */
static int sweep(const char *dir, const char *keep)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    int stray = 0;
    char path[512];
    for (struct dirent *e; (e = readdir(dp));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (!keep || strcmp(e->d_name, keep) != 0) {
            fprintf(stderr, "fuzz_pipeline: stray file left behind: %s/%s\n", dir, e->d_name);
            stray++;
        }
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(dp);
    return stray;
}

static void write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        die(path);
    if (n && fwrite(p, 1, n, f) != n)
        die(path);
    if (fclose(f) != 0)
        die(path);
}

static bool has_image(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i++)
        if (p[i] == '!' && p[i + 1] == '[')
            return true;
    return false;
}

/* Every text run inside its page (with a little slack for rounding). */
static void check_bounds(const struct doc *doc, const struct layout *l, bool large)
{
    for (int i = 0; i < doc->page_count; i++) {
        const struct page *pg = &doc->pages[i];
        for (const struct page_item *it = pg->items; it; it = it->next) {
            if (it->kind != PAGE_TEXT)
                continue;
            const double eps = 0.5;
            if (it->x < -eps || it->x + it->w > pg->width + eps || it->y - it->size * 0.3 < -eps ||
                it->y + it->size > pg->height + eps) {
                fprintf(stderr, "fuzz_pipeline: page %d: text '%.40s' at (%g,%g) width %g size %g is off the %gx%g page (layout %s%s)\n",
                        i + 1, it->text ? it->text : "", it->x, it->y, it->w, it->size, pg->width, pg->height, l->name,
                        large ? ", large print" : "");
                abort();
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\0IMG\0";
    const uint8_t *img = NULL;
    size_t md_len = size, img_len = 0;
    for (size_t i = 0; i + 5 <= size; i++)
        if (memcmp(data + i, sep, 5) == 0) {
            md_len = i;
            img = data + i + 5;
            img_len = size - i - 5;
            break;
        }
    unsigned pick = size ? data[size - 1] : 0;
    int li = (int)(pick % (unsigned)G.count);
    enum linebreak_mode mode = (pick >> 4) & 1 ? LINEBREAK_GREEDY : LINEBREAK_OPTIMAL;
    const struct layout *l = &G.layouts[li];
    const struct fontset *fs = G.fonts[li];
    if (getenv("FUZZ_VERBOSE")) /* to replay an input with the command */
        fprintf(stderr, "fuzz_pipeline: layout %s%s, %s line breaking%s\n", l->name,
                l->large_print ? " (large print)" : "", mode == LINEBREAK_GREEDY ? "greedy" : "optimal",
                (pick >> 5) & 1 ? ", --no-impose" : "");

    char md[128], out[128], pdf[160];
    snprintf(md, sizeof md, "%s/fuzz.md", G.root);
    snprintf(out, sizeof out, "%s/out", G.root);
    snprintf(pdf, sizeof pdf, "%s/fuzz.pdf", out);
    if (img) {
        char ip[128];
        snprintf(ip, sizeof ip, "%s/fuzz.img", G.root);
        write_file(ip, img, img_len);
    }
    if (mkdir(out, 0700) != 0)
        die("mkdir out");

    struct arena *a = arena_new();
    struct diag d = {0};
    struct topic t;
    struct doc doc = {0};
    int written = -1;
    /* The path is only used for names and to find images: nothing reads md. */
    int ok = source_parse(&t, md, (const char *)data, md_len, a, &d) == 0;
#ifdef HAVE_LEAFLET
    struct leaflet_options lo = {.line_breaking = mode, .no_impose = (pick >> 5) & 1};
    ok = ok && leaflet_build(&t, l, fs, &lo, a, &d, &doc) == 0;
#else
    struct typeset_options opt = {mode};
    struct flow flow;
    if (ok && (ok = typeset_topic(&t, l, fs, &opt, a, &d, &flow) == 0)) {
        paginate_flow(&doc, &flow, l, a);
        paginate_footers(&doc, 0, doc.page_count, l, fs, &t.meta, a, &d);
        paginate_info(&doc, &t.meta, a);
    }
#endif
    source_free(&t); /* as the command does: nothing set may point into the tree */
    if (ok) {
        if (G.check_bounds)
            check_bounds(&doc, l, l->large_print);
        written = pdf_write(&doc, fs, pdf, 2, &d);
        /* A topic that typesets must be writable: only a broken image may
         * stop pdf_write (set FUZZ_PDF_MAY_FAIL to allow any failure). */
        if (written != 0 && !has_image(data, md_len) && !getenv("FUZZ_PDF_MAY_FAIL")) {
            diag_print(&d, stderr);
            fprintf(stderr, "fuzz_pipeline: pdf_write failed on a topic without images\n");
            abort();
        }
    }
    /* Every error must carry a message; printing exercises diag too. */
    FILE *null = fopen("/dev/null", "w");
    if (null) {
        diag_print(&d, null);
        fclose(null);
    }
    diag_free(&d);
    arena_free(a);

    if (written == 0 && access(pdf, F_OK) != 0) {
        fprintf(stderr, "fuzz_pipeline: pdf_write returned 0 but wrote no %s\n", pdf);
        abort();
    }
    int stray = sweep(out, written == 0 ? "fuzz.pdf" : NULL) + sweep(G.tmpdir, NULL);
    if (rmdir(out) != 0)
        die("rmdir out");
    if (img) {
        char ip[128];
        snprintf(ip, sizeof ip, "%s/fuzz.img", G.root);
        unlink(ip);
    }
    if (stray)
        abort();
    return 0;
}
