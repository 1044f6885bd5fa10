/* pdf: writes a small hand-built document and checks it with poppler-utils
 * and qpdf, as a reader would see it. Run from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <png.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "fontset.h"
#include "pages.h"
#include "pdf.h"
#include "bytes.h"
#include "pdf_internal.h" /* pdf_real, pdf_put_text */
#include <hpdf_utils.h>    /* HPDF_FToA, to compare with */

enum { FACE_ATKINSON, FACE_DEJAVU };

/* An 8x8 baseline JPEG (ImageMagick, -quality 50). */
static const unsigned char tiny_jpg[] = {
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x10, 0x0b, 0x0c, 0x0e, 0x0c, 0x0a, 0x10,
    0x0e, 0x0d, 0x0e, 0x12, 0x11, 0x10, 0x13, 0x18, 0x28, 0x1a, 0x18, 0x16, 0x16, 0x18, 0x31, 0x23,
    0x25, 0x1d, 0x28, 0x3a, 0x33, 0x3d, 0x3c, 0x39, 0x33, 0x38, 0x37, 0x40, 0x48, 0x5c, 0x4e, 0x40,
    0x44, 0x57, 0x45, 0x37, 0x38, 0x50, 0x6d, 0x51, 0x57, 0x5f, 0x62, 0x67, 0x68, 0x67, 0x3e, 0x4d,
    0x71, 0x79, 0x70, 0x64, 0x78, 0x5c, 0x65, 0x67, 0x63, 0xff, 0xdb, 0x00, 0x43, 0x01, 0x11, 0x12,
    0x12, 0x18, 0x15, 0x18, 0x2f, 0x1a, 0x1a, 0x2f, 0x63, 0x42, 0x38, 0x42, 0x63, 0x63, 0x63, 0x63,
    0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63,
    0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63,
    0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0xff, 0xc0,
    0x00, 0x11, 0x08, 0x00, 0x08, 0x00, 0x08, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11,
    0x01, 0xff, 0xc4, 0x00, 0x15, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0xff, 0xc4, 0x00, 0x14, 0x10, 0x01, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xc4,
    0x00, 0x14, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x05, 0xff, 0xc4, 0x00, 0x14, 0x11, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xda, 0x00, 0x0c, 0x03, 0x01,
    0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00, 0x80, 0x03, 0x83, 0xdf, 0xff, 0xd9,
};

static const char *TITLE = "Fièvre chez l’enfant — Café ≥ 38 °C";

struct fx {
    struct arena *a;
    struct fontset *fs;
    struct doc doc;
    char dir[64];
    char path[128];
};

/* ---- helpers ------------------------------------------------------------ */

static char *run(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    size_t n;
    while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            out = realloc(out, cap);
        }
    }
    out[len] = '\0';
    pclose(p);
    return out;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    buf[got] = '\0';
    if (len)
        *len = got;
    return buf;
}

/* The PDF at f->path with every object written out plainly (qpdf QDF
 * form): the file itself packs them into compressed object streams. */
static char *expanded(struct fx *f)
{
    char qdf[160];
    snprintf(qdf, sizeof qdf, "%s/qdf.pdf", f->dir);
    free(run("qpdf --qdf --object-streams=disable '%s' '%s'", f->path, qdf));
    char *s = slurp(qdf, NULL);
    assert_non_null(s);
    unlink(qdf);
    return s;
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

static int has_message(const struct diag *d, enum diag_severity sev, const char *part)
{
    for (int i = 0; i < d->count; i++)
        if (d->entries[i].severity == sev && strstr(d->entries[i].message, part))
            return 1;
    return 0;
}

static struct page_item *add_text(struct fx *f, struct page *p, int face, double x, double y, double size,
                                  const char *s)
{
    struct page_item *it = page_item_new(f->a, PAGE_TEXT);
    it->x = x;
    it->y = y;
    it->face = face;
    it->size = size;
    it->fill = 0x222222;
    it->text = s;
    it->w = fontset_width(f->fs, face, s, (int)strlen(s)) * size;
    page_append(p, it);
    return it;
}

/* ---- fixture ------------------------------------------------------------ */

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    const char *paths[] = {"fonts/AtkinsonHyperlegible-Regular.ttf", "fonts/DejaVuSans.ttf"};
    struct diag d = {0};
    f->fs = fontset_load(paths, 2, &d);
    if (!f->fs) {
        diag_print(&d, stderr);
        diag_free(&d);
        free(f);
        return -1;
    }
    diag_free(&d);
    f->a = arena_new();
    snprintf(f->dir, sizeof f->dir, "/tmp/test_pdf.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/out.pdf", f->dir);

    struct page *pages = arena_alloc(f->a, 2 * sizeof *pages);
    for (int i = 0; i < 2; i++) {
        pages[i].width = 595.28;
        pages[i].height = 841.89;
    }
    struct page *p = &pages[0];
    add_text(f, p, FACE_ATKINSON, 56.7, 770, 22, "Fever in children");
    page_add_mark(f->a, p, 1, "Café ≥ 38 °C", 790);
    add_text(f, p, FACE_ATKINSON, 56.7, 730, 14, "Café ≥ 38 °C — call your doctor");
    add_text(f, p, FACE_DEJAVU, 56.7, 710, 14, "Ελληνικά κείμενα");
    page_add_mark(f->a, p, 2, "How to help", 700);
    struct page_item *it = add_text(f, p, FACE_ATKINSON, 56.7, 690, 14, "Coloured words");
    it->fill = 0x005EB8;
    it = page_item_new(f->a, PAGE_RECT);
    it->x = 56.7, it->y = 600, it->w = 200, it->h = 50;
    it->fill = 0xE8EDEE, it->stroke = 0x005EB8, it->line_width = 1;
    page_append(p, it);
    it = page_item_new(f->a, PAGE_LINE);
    it->x = 56.7, it->y = 580, it->w = 480, it->h = 0;
    it->stroke = 0x005EB8, it->line_width = 1.5;
    page_append(p, it);
    add_text(f, p, FACE_ATKINSON, 56.7, 560, 14, "Visit the NHS website");
    it = page_item_new(f->a, PAGE_LINK);
    it->x = 56.7, it->y = 556, it->w = 150, it->h = 18;
    it->text = "https://www.nhs.uk/conditions/fever-in-children/";
    page_append(p, it);
    add_text(f, p, FACE_ATKINSON, 56.7, 540, 14, "See medicines overleaf");
    it = page_item_new(f->a, PAGE_LINK);
    it->x = 56.7, it->y = 536, it->w = 150, it->h = 18;
    it->dest_page = 1;
    it->dest_y = 780;
    page_append(p, it);

    p = &pages[1];
    add_text(f, p, FACE_ATKINSON, 56.7, 770, 18, "Medicines");
    page_add_mark(f->a, p, 2, "Medicines", 790);
    add_text(f, p, FACE_ATKINSON, 56.7, 740, 14, "Paracetamol and ibuprofen help");
    page_add_mark(f->a, p, 1, "Ελληνικά", 720);
    add_text(f, p, FACE_DEJAVU, 56.7, 700, 14, "Πυρετός στα παιδιά");

    struct page_label *labels = arena_alloc(f->a, 2 * sizeof *labels);
    labels[0] = (struct page_label){0, LABEL_ROMAN_LOWER, 1};
    labels[1] = (struct page_label){1, LABEL_DECIMAL, 1};

    f->doc.pages = pages;
    f->doc.page_count = 2;
    f->doc.labels = labels;
    f->doc.label_count = 2;
    f->doc.info = (struct doc_info){.title = TITLE, .author = "Clinic Ω", .subject = "Fever",
                                    .keywords = "fever, children", .lang = "en-GB", .date = "2024-05-01"};
    unsetenv("SOURCE_DATE_EPOCH");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    remove_tree(f->dir);
    arena_free(f->a);
    fontset_free(f->fs);
    free(f);
    return 0;
}

static void write_ok(struct fx *f, const char *path)
{
    struct diag d = {0};
    int r = pdf_write(&f->doc, f->fs, path, 2, &d);
    if (r != 0 || d.count)
        diag_print(&d, stderr);
    assert_int_equal(r, 0);
    assert_int_equal(d.errors, 0);
    assert_int_equal(d.warnings, 0);
    diag_free(&d);
}

/* ---- tests -------------------------------------------------------------- */

static void test_text_extracts(void **state)
{
    struct fx *f = *state;
    write_ok(f, f->path);
    char *t = run("pdftotext -enc UTF-8 '%s' -", f->path);
    const char *words[] = {"Fever in children", "Café ≥ 38 °C — call your doctor", "Ελληνικά κείμενα",
                           "Coloured words", "Medicines", "Paracetamol and ibuprofen help",
                           "Πυρετός στα παιδιά"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strstr(t, words[i]))
            fail_msg("pdftotext lacks \"%s\" in:\n%s", words[i], t);
    free(t);
    /* Drawing order, as a reader that ignores layout would see it. */
    t = run("pdftotext -raw -enc UTF-8 '%s' -", f->path);
    assert_non_null(strstr(t, "Café ≥ 38 °C"));
    free(t);
}

static void test_fonts_embedded_with_tounicode(void **state)
{
    struct fx *f = *state;
    write_ok(f, f->path);
    char *t = run("pdffonts '%s'", f->path);
    int fonts = 0;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strstr(line, "CID TrueType"))
            continue;
        fonts++;
        if (!strstr(line, "yes yes yes"))
            fail_msg("font not embedded + subset + ToUnicode: %s", line);
    }
    free(t);
    assert_int_equal(fonts, 2);
}

/* libharu's own ToUnicode uses cidrange, which maps nothing there
 * (ISO 32000-1 §9.10.3); ours uses bfrange: one identity map, shared by
 * both fonts, with a range for each block of 256 codes drawn (≥, Ε). */
static void test_tounicode_uses_bfrange(void **state)
{
    struct fx *f = *state;
    write_ok(f, f->path);
    char *s = expanded(f);
    assert_non_null(s);
    assert_null(strstr(s, "cidrange"));
    assert_non_null(strstr(s, "beginbfrange"));
    assert_non_null(strstr(s, "<2200> <22FF> <2200>")); /* ≥ */
    assert_non_null(strstr(s, "<0300> <03FF> <0300>")); /* Greek */
    assert_non_null(strstr(s, "/Identity-H"));
    assert_non_null(strstr(s, "/Ordering (Identity)"));
    /* Shared: both fonts name the same stream. */
    char *a = strstr(s, "/ToUnicode "), *b = a ? strstr(a + 1, "/ToUnicode ") : NULL;
    assert_non_null(b);
    assert_int_equal(atoi(a + 11), atoi(b + 11));
    assert_null(strstr(b + 1, "/ToUnicode "));
    free(s);
}

static void test_info_and_dates(void **state)
{
    struct fx *f = *state;
    write_ok(f, f->path);
    char *t = run("pdfinfo -isodates '%s'", f->path);
    char want[256];
    snprintf(want, sizeof want, "Title:           %s\n", TITLE);
    if (!strstr(t, want))
        fail_msg("pdfinfo title wrong:\n%s", t);
    assert_non_null(strstr(t, "Author:          Clinic Ω\n"));
    assert_non_null(strstr(t, "CreationDate:    2024-05-01T00:00:00Z"));
    assert_null(strstr(t, "ModDate:")); /* it would only repeat CreationDate */
    assert_non_null(strstr(t, "Producer:        handout\n"));
    assert_null(strstr(t, "Creator:"));
    assert_non_null(strstr(t, "Pages:           2"));
    free(t);

    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    write_ok(f, f->path);
    t = run("pdfinfo -isodates '%s'", f->path);
    assert_non_null(strstr(t, "CreationDate:    2023-11-14T22:13:20Z"));
    free(t);

    setenv("SOURCE_DATE_EPOCH", "yesterday", 1);
    struct diag d = {0};
    assert_int_equal(pdf_write(&f->doc, f->fs, f->path, 2, &d), -1);
    assert_true(has_message(&d, DIAG_ERROR, "SOURCE_DATE_EPOCH"));
    diag_free(&d);
    unsetenv("SOURCE_DATE_EPOCH");

    f->doc.info.date = NULL;
    write_ok(f, f->path);
    t = run("pdfinfo '%s'", f->path);
    assert_null(strstr(t, "CreationDate"));
    free(t);

    f->doc.info.date = "2024-02-30";
    d = (struct diag){0};
    assert_int_equal(pdf_write(&f->doc, f->fs, f->path, 2, &d), 0);
    assert_true(has_message(&d, DIAG_WARNING, "2024-02-30"));
    diag_free(&d);
    f->doc.info.date = "2024-05-01";

    char *s = expanded(f);
    assert_non_null(strstr(s, "/Lang (en-GB)"));
    assert_non_null(strstr(s, "/DisplayDocTitle true"));
    assert_non_null(strstr(s, "/PageMode /UseOutlines"));
    free(s);
}

static void test_same_bytes_twice(void **state)
{
    struct fx *f = *state;
    char other[160];
    snprintf(other, sizeof other, "%s/again.pdf", f->dir);
    write_ok(f, f->path);
    write_ok(f, other);
    size_t n1, n2;
    char *a = slurp(f->path, &n1), *b = slurp(other, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    /* Nothing random or time-dependent: no /ID, no clock dates. */
    assert_null(strstr(a, "/ID"));
    free(a);
    free(b);
}

static void test_outline_labels_links(void **state)
{
    struct fx *f = *state;
    write_ok(f, f->path);
    char *j = run("qpdf --json=2 --json-key=outlines --json-key=pagelabels '%s'", f->path);
    /* Café (level 1) holds How to help and Medicines (page 2); Ελληνικά is
     * top level again. */
    char *cafe = strstr(j, "\"title\": \"Café ≥ 38 °C\"");
    char *help = strstr(j, "\"title\": \"How to help\"");
    char *med = strstr(j, "\"title\": \"Medicines\"");
    char *greek = strstr(j, "\"title\": \"Ελληνικά\"");
    if (!cafe || !help || !med || !greek)
        fail_msg("outline titles missing:\n%s", j);
    /* qpdf prints kids before the parent's title (keys sorted). */
    assert_true(help < cafe && med < cafe && cafe < greek);
    assert_non_null(strstr(j, "\"destpageposfrom1\": 2"));
    assert_non_null(strstr(j, "\"/XYZ\""));
    assert_non_null(strstr(j, "\"/S\": \"/r\""));
    assert_non_null(strstr(j, "\"/S\": \"/D\""));
    free(j);

    char *s = expanded(f);
    assert_non_null(strstr(s, "/URI (https://www.nhs.uk/conditions/fever-in-children/)"));
    assert_non_null(strstr(s, "/Border [\n    0\n    0\n    0\n  ]"));
    assert_non_null(strstr(s, "/XYZ\n    0\n    780\n    null"));
    free(s);
}

static void test_unwritable_folder(void **state)
{
    struct fx *f = *state;
    struct diag d = {0};
    assert_int_equal(pdf_write(&f->doc, f->fs, "/nonexistent-dir/x.pdf", 2, &d), -1);
    assert_int_equal(d.errors, 1);
    assert_string_equal(d.entries[0].file, "/nonexistent-dir/x.pdf");
    assert_non_null(strstr(d.entries[0].message, "No such file or directory"));
    assert_int_not_equal(access("/nonexistent-dir/x.pdf", F_OK), 0);
    diag_free(&d);

    /* A folder in the way of the file name. */
    char sub[160];
    snprintf(sub, sizeof sub, "%s/adir", f->dir);
    mkdir(sub, 0755);
    d = (struct diag){0};
    assert_int_equal(pdf_write(&f->doc, f->fs, sub, 2, &d), -1);
    assert_int_equal(d.errors, 1);
    diag_free(&d);
    rmdir(sub);
    assert_int_equal(count_entries(f->dir), 0);
}

/* A write that fails half-way (here: the file size limit, as a full disk
 * would) leaves neither the PDF nor the temporary file, nor a font subset. */
static void test_failed_write_leaves_nothing(void **state)
{
    struct fx *f = *state;
    write_ok(f, f->path);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    unlink(f->path);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        setenv("TMPDIR", f->dir, 1);
        rlim_t half = (rlim_t)st.st_size / 2;
        struct rlimit rl = {half, half};
        setrlimit(RLIMIT_FSIZE, &rl);
        struct diag d = {0};
        int r = pdf_write(&f->doc, f->fs, f->path, 2, &d);
        int ok = r == -1 && d.errors == 1 && has_message(&d, DIAG_ERROR, "too large") &&
                 d.entries[d.count - 1].file && !strcmp(d.entries[d.count - 1].file, f->path);
        if (!ok)
            diag_print(&d, stderr);
        _exit(ok ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(count_entries(f->dir), 0);
}

static void test_replaces_existing_file(void **state)
{
    struct fx *f = *state;
    FILE *o = fopen(f->path, "w");
    fputs("old", o);
    fclose(o);
    write_ok(f, f->path);
    char *s = slurp(f->path, NULL);
    assert_memory_equal(s, "%PDF-1.5", 8);
    free(s);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0666 & ~022); /* tests run with umask 022 */
    assert_int_equal(count_entries(f->dir), 1);
}

/* A folder where the PDF should go is an error and stays as it was: the
 * names are exchanged only with a file. */
static void test_folder_in_the_way(void **state)
{
    struct fx *f = *state;
    assert_int_equal(mkdir(f->path, 0777), 0);
    struct diag d = {0};
    assert_int_equal(pdf_write(&f->doc, f->fs, f->path, 1, &d), -1);
    assert_true(has_message(&d, DIAG_ERROR, "cannot replace the file"));
    diag_free(&d);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(count_entries(f->dir), 1);
    rmdir(f->path);
}

static void write_png(const char *path, int w, int h, uint32_t format)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = format;
    size_t n = PNG_IMAGE_SIZE(img);
    unsigned char *buf = malloc(n);
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)(i * 37);
    assert_true(png_image_write_to_file(&img, path, 0, buf, 0, NULL));
    png_image_free(&img);
    free(buf);
}

static void add_image(struct fx *f, const char *path, double y)
{
    struct page_item *it = page_item_new(f->a, PAGE_IMAGE);
    it->x = 300, it->y = y, it->w = 80, it->h = 60;
    it->text = arena_strdup(f->a, path);
    page_append(&f->doc.pages[1], it);
}

static void test_images(void **state)
{
    struct fx *f = *state;
    char rgba[160], gray16[160], jpg[160], jpg_as_png[160], bad[160];
    snprintf(rgba, sizeof rgba, "%s/rgba.png", f->dir);
    snprintf(gray16, sizeof gray16, "%s/gray16.png", f->dir);
    snprintf(jpg, sizeof jpg, "%s/photo.jpg", f->dir);
    snprintf(jpg_as_png, sizeof jpg_as_png, "%s/really-a-jpeg.png", f->dir);
    snprintf(bad, sizeof bad, "%s/bad.png", f->dir);
    write_png(rgba, 40, 30, PNG_FORMAT_RGBA);
    write_png(gray16, 20, 20, PNG_FORMAT_LINEAR_Y);
    FILE *o = fopen(jpg, "wb");
    fwrite(tiny_jpg, 1, sizeof tiny_jpg, o);
    fclose(o);
    o = fopen(jpg_as_png, "wb");
    fwrite(tiny_jpg, 1, sizeof tiny_jpg, o);
    fclose(o);

    struct page_item *tail = f->doc.pages[1].items_tail;
    add_image(f, rgba, 500);
    add_image(f, gray16, 400);
    add_image(f, jpg, 300);
    add_image(f, jpg_as_png, 200);
    add_image(f, rgba, 100); /* the same file again: one image object */
    write_ok(f, f->path);
    char *t = run("pdfimages -list '%s'", f->path);
    int images = 0, smasks = 0, jpegs = 0;
    int rgba_ids[2], nrgba = 0;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
        int page, num, w, h, id;
        char type[16], color[16], comp[8], bpc[8], enc[16], interp[8];
        if (sscanf(line, "%d %d %15s %d %d %15s %7s %7s %15s %7s %d", &page, &num, type, &w, &h, color, comp,
                   bpc, enc, interp, &id) != 11)
            continue;
        images += !strcmp(type, "image");
        smasks += !strcmp(type, "smask");
        jpegs += !strcmp(enc, "jpeg");
        if (!strcmp(type, "image") && w == 40 && nrgba < 2)
            rgba_ids[nrgba++] = id;
    }
    free(t);
    /* rgba twice (one object, each with its alpha), gray16, the JPEG twice
     * (the second named .png: the bytes decide) */
    assert_int_equal(images, 5);
    assert_int_equal(smasks, 2);
    assert_int_equal(jpegs, 2);
    assert_int_equal(nrgba, 2);
    assert_int_equal(rgba_ids[0], rgba_ids[1]);
    t = run("qpdf --check '%s' 2>&1", f->path);
    assert_non_null(strstr(t, "No syntax or stream encoding errors"));
    free(t);

    /* A truncated PNG is an error, not an abort, and leaves no file. */
    size_t n;
    char *png = slurp(rgba, &n);
    o = fopen(bad, "wb");
    fwrite(png, 1, n / 2, o);
    fclose(o);
    free(png);
    unlink(f->path);
    add_image(f, bad, 50);
    struct diag d = {0};
    assert_int_equal(pdf_write(&f->doc, f->fs, f->path, 2, &d), -1);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.entries[0].message, bad));
    assert_int_not_equal(access(f->path, F_OK), 0);
    diag_free(&d);

    /* Not an image at all. */
    o = fopen(bad, "wb");
    fputs("hello", o);
    fclose(o);
    d = (struct diag){0};
    assert_int_equal(pdf_write(&f->doc, f->fs, f->path, 2, &d), -1);
    assert_true(has_message(&d, DIAG_ERROR, "not a PNG or JPEG"));
    diag_free(&d);
    unlink(bad);
    d = (struct diag){0};
    assert_int_equal(pdf_write(&f->doc, f->fs, f->path, 2, &d), -1);
    assert_true(has_message(&d, DIAG_ERROR, "No such file"));
    diag_free(&d);
    tail->next = NULL;
    f->doc.pages[1].items_tail = tail;
}

static void test_bad_input(void **state)
{
    struct fx *f = *state;
    struct page *p = &f->doc.pages[1];
    struct page_item *tail = p->items_tail;

    struct page_item *it = page_item_new(f->a, PAGE_LINK);
    it->w = it->h = 10;
    it->dest_page = 7;
    page_append(p, it);
    struct diag d = {0};
    assert_int_equal(pdf_write(&f->doc, f->fs, f->path, 2, &d), -1);
    assert_true(has_message(&d, DIAG_ERROR, "link to page 8"));
    diag_free(&d);
    tail->next = NULL;
    p->items_tail = tail;

    it = add_text(f, p, FACE_ATKINSON, 50, 50, 12, "x");
    it->face = 5;
    d = (struct diag){0};
    assert_int_equal(pdf_write(&f->doc, f->fs, f->path, 2, &d), -1);
    assert_true(has_message(&d, DIAG_ERROR, "face 5"));
    diag_free(&d);
    tail->next = NULL;
    p->items_tail = tail;
    assert_int_equal(count_entries(f->dir), 0);

    /* Greek in a face without Greek, an emoji (beyond the BMP) and a broken
     * byte: written anyway, with warnings. */
    add_text(f, p, FACE_ATKINSON, 50, 50, 12, "Ωμέγα \xF0\x9F\x98\x80 \xFF ok");
    d = (struct diag){0};
    assert_int_equal(pdf_write(&f->doc, f->fs, f->path, 2, &d), 0);
    assert_true(has_message(&d, DIAG_WARNING, "no glyph for U+03AD"));
    assert_true(has_message(&d, DIAG_WARNING, "U+1F600"));
    diag_free(&d);
    tail->next = NULL;
    p->items_tail = tail;

    struct doc empty = {0};
    d = (struct diag){0};
    assert_int_equal(pdf_write(&empty, f->fs, f->path, 2, &d), -1);
    assert_true(has_message(&d, DIAG_ERROR, "no pages"));
    diag_free(&d);
}

/* Two files with the same PostScript name (here: a copy) are two fonts,
 * each with its own glyphs and ToUnicode map. */
static void test_same_font_name_twice(void **state)
{
    struct fx *f = *state;
    char copy[160];
    snprintf(copy, sizeof copy, "%s/copy.ttf", f->dir);
    size_t n;
    char *data = slurp("fonts/AtkinsonHyperlegible-Regular.ttf", &n);
    assert_non_null(data);
    FILE *o = fopen(copy, "wb");
    fwrite(data, 1, n, o);
    fclose(o);
    free(data);
    const char *paths[] = {"fonts/AtkinsonHyperlegible-Regular.ttf", copy};
    struct diag d = {0};
    struct fontset *fs = fontset_load(paths, 2, &d);
    assert_non_null(fs);

    struct page pg = {.width = 300, .height = 300};
    struct doc doc = {.pages = &pg, .page_count = 1, .info = {.title = "t"}};
    struct fontset *keep = f->fs;
    f->fs = fs;
    add_text(f, &pg, 0, 20, 200, 12, "alpha beta");
    add_text(f, &pg, 1, 20, 180, 12, "gamma zulu");
    f->fs = keep;
    assert_int_equal(pdf_write(&doc, fs, f->path, 2, &d), 0);
    assert_int_equal(d.count, 0);
    char *t = run("pdftotext '%s' -", f->path);
    assert_non_null(strstr(t, "alpha beta"));
    assert_non_null(strstr(t, "gamma zulu"));
    free(t);
    t = run("pdffonts '%s' | grep -c 'yes yes yes'", f->path);
    assert_int_equal(atoi(t), 2);
    free(t);
    t = run("mutool trace '%s' | grep -c 'glyph=\"0\"'", f->path);
    assert_int_equal(atoi(t), 0);
    free(t);
    fontset_free(fs);
    diag_free(&d);
}

/* No text at all: no fonts, still a valid PDF. */
static void test_no_text(void **state)
{
    struct fx *f = *state;
    struct page pg = {.width = 200, .height = 100};
    struct page_item *it = page_item_new(f->a, PAGE_RECT);
    it->x = 10, it->y = 10, it->w = 50, it->h = 20, it->fill = 0xFF0000;
    page_append(&pg, it);
    struct doc doc = {.pages = &pg, .page_count = 1};
    struct diag d = {0};
    assert_int_equal(pdf_write(&doc, f->fs, f->path, 2, &d), 0);
    assert_int_equal(d.count, 0);
    char *t = run("pdffonts '%s' | wc -l; qpdf --check '%s' >/dev/null && echo valid", f->path, f->path);
    assert_string_equal(t, "2\nvalid\n");
    free(t);
}

/* Pages of different sizes each have their own MediaBox (none on the
 * page tree), and a link on the second page is its only annotation. */
static void test_page_sizes(void **state)
{
    struct fx *f = *state;
    struct page pg[2] = {{.width = 200, .height = 100}, {.width = 300.5, .height = 400}};
    for (int i = 0; i < 2; i++) {
        struct page_item *it = page_item_new(f->a, PAGE_RECT);
        it->x = 10, it->y = 10, it->w = 50, it->h = 20, it->fill = 0xFF0000;
        page_append(&pg[i], it);
    }
    struct page_item *l = page_item_new(f->a, PAGE_LINK);
    l->x = 10, l->y = 10, l->w = 50, l->h = 20, l->dest_page = 0;
    page_append(&pg[1], l);
    struct doc doc = {.pages = pg, .page_count = 2};
    struct diag d = {0};
    assert_int_equal(pdf_write(&doc, f->fs, f->path, 2, &d), 0);
    char *t = run("pdfinfo -f 1 -l 2 '%s' | grep '^Page.*size:'; qpdf --check '%s' >/dev/null && echo valid",
                  f->path, f->path);
    assert_string_equal(t, "Page    1 size:  200 x 100 pts\nPage    2 size:  300.5 x 400 pts\nvalid\n");
    free(t);
    char *s = expanded(f);
    int boxes = 0;
    for (const char *p = s; (p = strstr(p, "/MediaBox")); p++)
        boxes++;
    assert_int_equal(boxes, 2); /* the pages', none on the page tree */
    assert_non_null(strstr(s, "/MediaBox [\n    0\n    0\n    300.5\n    400\n  ]"));
    assert_non_null(strstr(s, "/Annots ["));
    free(s);
    diag_free(&d);
}

/* Text that WinAnsiEncoding covers is drawn with simple TrueType fonts
 * (literal strings, one byte a character), still embedded, subset and with
 * a ToUnicode map, and comes back as drawn: ’ “ ” – • é, a no-break space,
 * and the characters a literal string escapes. */
static void test_simple_fonts(void **state)
{
    struct fx *f = *state;
    struct page pg = {.width = 300, .height = 300};
    struct doc doc = {.pages = &pg, .page_count = 1, .info = {.title = "t"}};
    add_text(f, &pg, FACE_ATKINSON, 20, 250, 12, "It’s “fine” – café • 5\u00A0mg");
    add_text(f, &pg, FACE_DEJAVU, 20, 230, 12, "Crème brûlée (1/2) \\ 100% <x> [y] {z} #w");
    struct diag d = {0};
    assert_int_equal(pdf_write(&doc, f->fs, f->path, 2, &d), 0);
    assert_int_equal(d.count, 0);
    char *t = run("pdffonts '%s'", f->path);
    int simple = 0;
    for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n"))
        if (strstr(line, " TrueType ") && strstr(line, "WinAnsi") && strstr(line, "yes yes yes"))
            simple++;
    free(t);
    assert_int_equal(simple, 2);
    t = run("pdftotext -raw -enc UTF-8 '%s' -", f->path);
    if (!strstr(t, "It’s “fine” – café • 5") || !strstr(t, "mg") ||
        !strstr(t, "Crème brûlée (1/2) \\ 100% <x> [y] {z} #w"))
        fail_msg("pdftotext:\n%s", t);
    free(t);
    t = run("mutool trace '%s' | grep -c 'glyph=\"0\"'", f->path);
    assert_int_equal(atoi(t), 0);
    free(t);
    t = run("qpdf --check '%s' 2>&1", f->path);
    assert_non_null(strstr(t, "No syntax or stream encoding errors"));
    free(t);
}

/* Pieces of text that continue one another are drawn as one string (and
 * across a change of font or colour, without a move): every glyph still
 * lands where the layout put it, within the rounding of widths to 1/1000
 * em and of positions to 1/16 pt. DejaVu Sans (2048 units an em) rounds;
 * Atkinson Hyperlegible (1000) does not. */
static void test_glyphs_where_layout_put_them(void **state)
{
    struct fx *f = *state;
    struct page pg = {.width = 400, .height = 300};
    struct doc doc = {.pages = &pg, .page_count = 1, .info = {.title = "t"}};
    const struct {
        int face;
        uint32_t fill;
        const char *s;
    } pieces[] = {
        {FACE_ATKINSON, 0x222222, "Alpha beta "},  {FACE_DEJAVU, 0x222222, "γάμμα δέλτα "},
        {FACE_DEJAVU, 0x222222, "Wave AVA "},      {FACE_ATKINSON, 0x005EB8, "linked words"},
        {FACE_ATKINSON, 0x222222, " and the rest"}, {FACE_DEJAVU, 0x222222, " ≥ 38 °C"},
    };
    double x = 20.3, size = 11.5;
    for (size_t i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        struct page_item *it = add_text(f, &pg, pieces[i].face, x, 200.27, size, pieces[i].s);
        it->fill = pieces[i].fill;
        x += it->w;
    }
    struct diag d = {0};
    assert_int_equal(pdf_write(&doc, f->fs, f->path, 2, &d), 0);
    char *t = run("mutool trace '%s' | grep '<g '", f->path);
    char *line = strtok(t, "\n");
    int glyphs = 0;
    for (const struct page_item *it = pg.items; it; it = it->next) {
        double gx = it->x;
        for (const char *p = it->text; *p;) {
            uint32_t cp = (unsigned char)*p;
            int n = cp < 0x80 ? 1 : cp < 0xE0 ? 2 : cp < 0xF0 ? 3 : 4;
            if (n > 1)
                cp &= 0x3F >> (n - 1);
            for (int k = 1; k < n; k++)
                cp = (cp << 6) | ((unsigned char)p[k] & 0x3F);
            p += n;
            assert_non_null(line);
            char *xs = strstr(line, " x=\""), *ys = strstr(line, " y=\"");
            assert_non_null(xs);
            assert_non_null(ys);
            double px = atof(xs + 4), py = atof(ys + 4);
            if (fabs(px - gx) > 0.1 || fabs(py - 200.27) > 0.05)
                fail_msg("glyph %d (U+%04X) at %.3f,%.3f, layout %.3f,200.27: %s", glyphs, (unsigned)cp, px,
                         py, gx, line);
            gx += fontset_advance(f->fs, it->face, cp) * it->size;
            glyphs++;
            line = strtok(NULL, "\n");
        }
    }
    assert_null(line);
    free(t);
    /* One move for the whole line: the run in each font and colour is
     * shown from where the one before ended. */
    char *s = expanded(f);
    int moves = 0;
    for (char *m = s; (m = strstr(m, " Td\n")); m++)
        moves++;
    assert_int_equal(moves, 1);
    free(s);
}

/* The layout gives a link piece by piece (each word, each piece of a broken
 * address): pieces of one link on one line, or right under one another,
 * become one annotation; links to the same address share one action. */
static void test_links_merged(void **state)
{
    struct fx *f = *state;
    struct page pg = {.width = 400, .height = 300};
    struct doc doc = {.pages = &pg, .page_count = 1, .info = {.title = "t"}};
    const char *a = "https://www.nhs.uk/", *b = "https://www.example.org/";
    const struct {
        double x, y, w, h;
        const char *uri;
    } links[] = {
        {20, 200, 30, 14, a}, {50, 200, 40, 14, a}, {93, 200, 20, 14, a}, /* one line, a space apart */
        {20, 186, 50, 14, a},                                           /* the next line */
        {200, 186, 50, 14, b},                                          /* another address */
        {20, 100, 300, 12, NULL}, {20, 88, 300, 12, NULL},              /* one entry, two slabs */
        {20, 60, 30, 14, a}, {200, 60, 30, 14, a},                      /* far apart: two */
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        struct page_item *it = page_item_new(f->a, PAGE_LINK);
        it->x = links[i].x, it->y = links[i].y, it->w = links[i].w, it->h = links[i].h;
        it->text = links[i].uri;
        it->dest_page = 0;
        it->dest_y = 250;
        page_append(&pg, it);
    }
    add_text(f, &pg, FACE_ATKINSON, 20, 203, 12, "Visit the NHS website");
    struct diag d = {0};
    assert_int_equal(pdf_write(&doc, f->fs, f->path, 2, &d), 0);
    char *t = run("mutool show '%s' pages/1/Annots | grep -o ' 0 R' | wc -l", f->path);
    assert_int_equal(atoi(t), 6);
    free(t);
    char *s = expanded(f);
    /* The first line's pieces: one rectangle from 20 to 113. */
    assert_non_null(strstr(s, "/Rect [\n    20\n    200\n    113\n    214\n  ]"));
    assert_non_null(strstr(s, "/Rect [\n    20\n    88\n    320\n    112\n  ]"));
    /* nhs.uk: four annotations, one action object, written once. */
    int uris = 0;
    for (char *m = s; (m = strstr(m, "/URI (https://www.nhs.uk/)")); m++)
        uris++;
    assert_int_equal(uris, 1);
    free(s);
}

/* A font whose subset ends with a composite glyph (é = e + acute, ā, ...).
 * libharu, measuring a glyph for the first time, walks its components in
 * the font it loaded when the font is to be embedded; the walk ends with a
 * seek to the end of the glyph, here the end of the font, and its memory
 * stream refuses a seek to its very end when the data fills its buffers
 * exactly: the error (HPDF_INVALID_OBJECT) stayed set and failed the page at
 * the next check ("page 2: PDF library error (libharu error 0x1033)", the
 * generated topic 0221's "*Renée*", the only italic text). Each string is
 * a whole document's text in its font; with Debian 12's DejaVu Sans and
 * HarfBuzz, each one's subset ends with such a glyph: simple WinAnsi fonts
 * (Café, Renée) and a Type0 font (ā). */
static void test_composite_glyph_last(void **state)
{
    struct fx *f = *state;
    const char *texts[] = {"Café", "Renée", "ā", "cafā"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct page pg = {.width = 300, .height = 300};
        struct doc doc = {.pages = &pg, .page_count = 1, .info = {.title = "t"}};
        add_text(f, &pg, FACE_DEJAVU, 20, 250, 12, texts[i]);
        struct diag d = {0};
        int r = pdf_write(&doc, f->fs, f->path, 2, &d);
        if (r != 0 || d.count) {
            diag_print(&d, stderr);
            fail_msg("\"%s\" in DejaVu Sans: not written", texts[i]);
        }
        diag_free(&d);
        char *t = run("pdftotext -enc UTF-8 '%s' -", f->path);
        if (!strstr(t, texts[i]))
            fail_msg("pdftotext lacks \"%s\" in:\n%s", texts[i], t);
        free(t);
        t = run("mutool trace '%s' | grep -c 'glyph=\"0\"'", f->path);
        assert_int_equal(atoi(t), 0);
        free(t);
    }
}

struct job {
    struct fx *f;
    char path[160];
    int result;
};

static void *write_job(void *arg)
{
    struct job *j = arg;
    struct diag d = {0};
    j->result = pdf_write(&j->f->doc, j->f->fs, j->path, 2, &d);
    if (d.count)
        j->result = -2;
    diag_free(&d);
    return NULL;
}

/* pdf_real writes what HPDF_FToA writes: every 1/16 pt and 1/1000 from
 * beyond one clamp to beyond the other, and a million other floats. */
static void expect_as_libharu(float v)
{
    char mine[32], theirs[32];
    *pdf_real(mine, v) = '\0';
    *HPDF_FToA(theirs, v, theirs + sizeof theirs - 1) = '\0';
    if (strcmp(mine, theirs) != 0)
        fail_msg("%.9g: pdf_real wrote %s, HPDF_FToA %s", (double)v, mine, theirs);
}

static void test_numbers_as_libharu(void **state)
{
    (void)state;
    for (int i = -600000; i <= 600000; i++) {
        expect_as_libharu((float)(i / 16.0));
        expect_as_libharu((float)(i / 1000.0));
    }
    uint32_t x = 12345;
    for (int i = 0; i < 1000000; i++) {
        x = x * 1664525u + 1013904223u;
        expect_as_libharu((float)((x / 4294967296.0 - 0.5) * 80000));
        expect_as_libharu((float)((x / 4294967296.0 - 0.5) * 2));
    }
    const float special[] = {0.0f, -0.0f, -0.000001f, 0.000004f, 0.000005f, 0.99999f, 0.999995f, 1e-30f,
                             32767.0f, 32767.5f, -32767.9f, 1e9f, -1e9f};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        expect_as_libharu(special[i]);
}

/* Outline titles and link addresses are written by pdf_put_text, not by
 * libharu: the bytes must be the ones libharu's HPDF_String_Write gives
 * (literal for printable ASCII, UTF-16 hex through its UTF-8 encoder). */
static void test_text_as_libharu(void **state)
{
    (void)state;
    HPDF_Doc pdf = HPDF_New(NULL, NULL);
    assert_non_null(pdf);
    HPDF_UseUTFEncodings(pdf);
    HPDF_Encoder utf8 = HPDF_GetEncoder(pdf, "UTF-8");
    const char *texts[] = {"Plain text", "(a) \\ 100% #1 [b] {c} <d> /e ~", "https://www.nhs.uk/a?b=c&d",
                           "Caf\u00e9 \u2265 38 \u00b0C", "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac",
                           "Crohn\u2019s (disease)", "\u20ac\uffef"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        int ascii = 1;
        for (const unsigned char *p = (const unsigned char *)texts[i]; *p; p++)
            ascii &= *p >= 0x20 && *p <= 0x7E;
        HPDF_Stream st = HPDF_MemStream_New(pdf->mmgr, 256);
        HPDF_String s = HPDF_String_New(pdf->mmgr, texts[i], ascii ? NULL : utf8);
        assert_int_equal(HPDF_String_Write(s, st, NULL), HPDF_OK);
        struct bytes theirs = {0}, mine = {0};
        pdf_mem_stream_append(&theirs, st, 0);
        pdf_put_text(&mine, texts[i]);
        if (mine.len != theirs.len || memcmp(mine.p, theirs.p, mine.len) != 0)
            fail_msg("%s: pdf_put_text wrote %.*s, libharu %.*s", texts[i], (int)mine.len, (char *)mine.p,
                     (int)theirs.len, (char *)theirs.p);
        free(mine.p);
        free(theirs.p);
        HPDF_Stream_Free(st);
        HPDF_String_Free(s);
    }
    HPDF_Free(pdf);
}

/* Stream data held outside libharu: found again by its dictionary in
 * whatever order it was given, replaced in place, copies and taken data
 * freed with the rest (ASan and valgrind check that). */
static void test_held_streams(void **state)
{
    (void)state;
    struct pdf_ctx c = {0};
    c.pdf = HPDF_New(NULL, NULL);
    assert_non_null(c.pdf);
    enum { N = 200 };
    HPDF_Dict d[N];
    for (int i = 0; i < N; i++)
        assert_non_null(d[i] = HPDF_DictStream_New(c.pdf->mmgr, c.pdf->xref));
    static const char borrowed[] = "borrowed";
    char text[N][8];
    for (int k = 0; k < N; k++) {
        int i = (k * 37) % N; /* every one, out of order */
        snprintf(text[i], sizeof text[i], "s%d", i);
        if (i % 3 == 0)
            assert_int_equal(pdf_stream_set(&c, d[i], text[i], strlen(text[i]), PDF_COPY), 0);
        else if (i % 3 == 1)
            assert_int_equal(pdf_stream_set(&c, d[i], strdup(text[i]), strlen(text[i]), PDF_TAKE), 0);
        else
            assert_int_equal(pdf_stream_set(&c, d[i], borrowed, 3, PDF_BORROW), 0);
    }
    assert_int_equal(c.nheld, N);
    assert_int_equal(pdf_stream_set(&c, d[4], strdup("again"), 5, PDF_TAKE), 0); /* replaces taken data */
    assert_int_equal(c.nheld, N);
    for (int i = 0; i < N; i++) {
        const unsigned char *p;
        size_t len;
        assert_true(pdf_stream_get(&c, d[i], &p, &len));
        const char *expect = i == 4 ? "again" : i % 3 == 2 ? "bor" : text[i];
        assert_int_equal(len, strlen(expect));
        assert_memory_equal(p, expect, len);
        if (i % 3 == 2)
            assert_ptr_equal(p, borrowed);
    }
    HPDF_Dict other = HPDF_DictStream_New(c.pdf->mmgr, c.pdf->xref);
    const unsigned char *p;
    size_t len;
    assert_false(pdf_stream_get(&c, other, &p, &len));
    pdf_streams_free(&c);
    HPDF_Free(c.pdf);
}

static void test_threads(void **state)
{
    struct fx *f = *state;
    enum { N = 6 };
    struct job jobs[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        jobs[i].f = f;
        snprintf(jobs[i].path, sizeof jobs[i].path, "%s/t%d.pdf", f->dir, i);
        assert_int_equal(pthread_create(&th[i], NULL, write_job, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    size_t n0;
    char *first = slurp(jobs[0].path, &n0);
    assert_non_null(first);
    for (int i = 0; i < N; i++) {
        assert_int_equal(jobs[i].result, 0);
        size_t n;
        char *s = slurp(jobs[i].path, &n);
        assert_int_equal(n, n0);
        assert_memory_equal(s, first, n0);
        free(s);
    }
    free(first);
}

int main(void)
{
    umask(022);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_as_libharu),
        cmocka_unit_test(test_text_as_libharu),
        cmocka_unit_test(test_held_streams),
        cmocka_unit_test_setup_teardown(test_page_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text_extracts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fonts_embedded_with_tounicode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tounicode_uses_bfrange, setup, teardown),
        cmocka_unit_test_setup_teardown(test_info_and_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_bytes_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_outline_labels_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_write_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_in_the_way, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replaces_existing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_images, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_font_name_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_simple_fonts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_glyphs_where_layout_put_them, setup, teardown),
        cmocka_unit_test_setup_teardown(test_links_merged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_composite_glyph_last, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
