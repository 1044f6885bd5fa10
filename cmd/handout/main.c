/* handout: the command. Options, the batch loop, progress, exit status. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
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

#define HANDOUT_VERSION "0.1.0"

static const char usage_text[] =
    "Usage: handout build [options] FILE.md|FOLDER ...\n"
    "       handout --help | --version\n"
    "\n"
    "Turns Markdown topics into print-ready PDF handouts, one PDF per topic.\n"
    "A FOLDER means every .md file directly inside it. Each NAME.md becomes\n"
    "OUT/NAME.pdf; a topic with an error is reported and skipped, the others\n"
    "are still built.\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR          folder for the PDFs (default: out/), created if needed\n"
    "      --large-print         UK large print: 18 pt body, nothing under 16 pt,\n"
    "                            1.5 line spacing, no italics, single column\n"
    "      --line-breaking MODE  optimal (default: even line lengths over the whole\n"
    "                            paragraph) or greedy (fill each line in turn)\n"
    "      --dump-pages          print the laid-out page list as text instead of\n"
    "                            writing PDFs (for tests and debugging)\n"
    "  -q, --quiet               no progress lines, only warnings and errors\n"
    "  -h, --help                show this help and exit\n"
    "  -V, --version             show the version and exit\n"
    "\n"
    "Environment:\n"
    "  SOURCE_DATE_EPOCH         creation date written into every PDF (else the\n"
    "                            topic's 'published' date; else none)\n"
    "  HANDOUT_DATA              folder holding fonts/ (default: next to the program)\n"
    "\n"
    "Exit status: 0 all built, 1 a topic or file had an error, 2 bad usage.\n";

struct options {
    const char *out_dir;
    bool large_print, dump_pages, quiet;
    struct typeset_options ts;
};

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "handout: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'handout --help'.\n");
    return 2;
}

/* The folder that holds fonts/: $HANDOUT_DATA, else the program's ../ (the
 * repository root for build/handout). */
static char *data_dir(void)
{
    const char *env = getenv("HANDOUT_DATA");
    if (env && *env)
        return strdup(env);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return strdup(".");
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    size_t len = strlen(exe) + 4;
    char *dir = malloc(len);
    if (dir)
        snprintf(dir, len, "%s/..", exe);
    return dir;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct inputs {
    char **paths;
    int count, cap;
};

static void inputs_add(struct inputs *in, char *path)
{
    if (in->count == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 16;
        char **grown = realloc(in->paths, (size_t)in->cap * sizeof *grown);
        if (!grown) {
            free(path);
            return;
        }
        in->paths = grown;
    }
    in->paths[in->count++] = path;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Expands folders to their .md files (sorted); reports missing paths. */
static void collect_inputs(const char *arg, struct inputs *in, struct diag *d)
{
    struct stat st;
    if (stat(arg, &st) != 0) {
        diag_add(d, DIAG_ERROR, arg, 0, 0, "%s", errno == ENOENT ? "no such file or folder" : strerror(errno));
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        inputs_add(in, strdup(arg));
        return;
    }
    DIR *dir = opendir(arg);
    if (!dir) {
        diag_add(d, DIAG_ERROR, arg, 0, 0, "cannot read folder: %s", strerror(errno));
        return;
    }
    int before = in->count;
    size_t alen = strlen(arg);
    while (alen > 1 && arg[alen - 1] == '/')
        alen--;
    for (struct dirent *e; (e = readdir(dir));) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".md"))
            continue;
        size_t len = alen + strlen(e->d_name) + 2;
        char *path = malloc(len);
        if (!path)
            continue;
        snprintf(path, len, "%.*s/%s", (int)alen, arg, e->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            inputs_add(in, path);
        else
            free(path);
    }
    closedir(dir);
    if (in->count == before)
        diag_add(d, DIAG_ERROR, arg, 0, 0, "folder has no .md files");
    else
        qsort(in->paths + before, (size_t)(in->count - before), sizeof *in->paths, compare_names);
}

static const char *output_path(struct arena *a, const char *out_dir, const struct topic *t)
{
    size_t n = strlen(out_dir);
    while (n > 1 && out_dir[n - 1] == '/')
        n--;
    return arena_printf(a, "%.*s/%s.pdf", (int)n, out_dir, t->name);
}

static int make_dir(const char *path, struct diag *d)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(buf, 0777);
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "cannot create output folder: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Builds one topic into one PDF (or a page dump). Returns pages, or -1. */
static int build_topic(const char *path, const struct layout *l, const struct fontset *fs,
                       const struct options *o, struct diag *d, const char **written)
{
    struct arena *a = arena_new();
    if (!a) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "out of memory");
        return -1;
    }
    struct topic t;
    int pages = -1;
    struct flow flow;
    struct doc doc = {0};
    if (source_load(&t, path, a, d) == 0 && typeset_topic(&t, l, fs, &o->ts, a, d, &flow) == 0) {
        paginate_flow(&doc, &flow, l, a);
        paginate_footers(&doc, 0, doc.page_count, l, fs, &t.meta, a, d);
        paginate_info(&doc, &t.meta, a);
        if (o->dump_pages) {
            const char *names[LAYOUT_FACE_COUNT];
            for (int i = 0; i < LAYOUT_FACE_COUNT; i++) {
                const char *slash = strrchr(l->face_path[i], '/');
                names[i] = slash ? slash + 1 : l->face_path[i];
            }
            pages_dump(&doc, names, stdout);
            pages = doc.page_count;
        } else {
            const char *out = output_path(a, o->out_dir, &t);
            char in_real[PATH_MAX], out_real[PATH_MAX];
            if (realpath(path, in_real) && realpath(out, out_real) && strcmp(in_real, out_real) == 0)
                diag_add(d, DIAG_ERROR, path, 0, 0, "output %s would overwrite the input", out);
            else if (pdf_write(&doc, fs, out, d) == 0) {
                pages = doc.page_count;
                *written = strdup(out);
            }
        }
    }
    source_free(&t);
    arena_free(a);
    return pages;
}

static int cmd_build(int argc, char **argv)
{
    struct options o = {.out_dir = "out", .ts = {LINEBREAK_OPTIMAL}};
    struct inputs in = {0};
    struct diag d = {0};
    const char **args = calloc((size_t)argc, sizeof *args);
    int nargs = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (++i == argc)
                return usage_error("%s needs a folder", a);
            o.out_dir = argv[i];
        } else if (strncmp(a, "--output=", 9) == 0) {
            o.out_dir = a + 9;
        } else if (strcmp(a, "--large-print") == 0) {
            o.large_print = true;
        } else if (strcmp(a, "--dump-pages") == 0) {
            o.dump_pages = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o.quiet = true;
        } else if (strcmp(a, "--line-breaking") == 0 || strncmp(a, "--line-breaking=", 16) == 0) {
            const char *v = a[15] == '=' ? a + 16 : (++i < argc ? argv[i] : NULL);
            if (v && strcmp(v, "optimal") == 0)
                o.ts.line_breaking = LINEBREAK_OPTIMAL;
            else if (v && strcmp(v, "greedy") == 0)
                o.ts.line_breaking = LINEBREAK_GREEDY;
            else
                return usage_error("--line-breaking takes 'optimal' or 'greedy', not '%s'", v ? v : "");
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option '%s'", a);
        } else {
            args[nargs++] = a;
        }
    }
    if (nargs == 0)
        return usage_error("%s", "build needs at least one .md file or folder");
    for (int i = 0; i < nargs; i++)
        collect_inputs(args[i], &in, &d);
    free(args);
    diag_print(&d, stderr);
    int failed = d.errors;
    diag_free(&d);

    struct arena *la = arena_new();
    char *data = data_dir();
    char *fonts = malloc(strlen(data) + 8);
    sprintf(fonts, "%s/fonts", data);
    struct layout l;
    layout_default(&l, fonts, la);
    if (o.large_print)
        layout_apply_large_print(&l);
    struct fontset *fs = fontset_load(l.face_path, LAYOUT_FACE_COUNT, &d);
    diag_print(&d, stderr);
    diag_free(&d);
    int built = 0;
    if (fs && (o.dump_pages || in.count == 0 || make_dir(o.out_dir, &d) == 0)) {
        for (int i = 0; i < in.count; i++) {
            const char *written = NULL;
            int pages = build_topic(in.paths[i], &l, fs, &o, &d, &written);
            diag_print(&d, stderr);
            if (pages < 0)
                failed++;
            else
                built++;
            if (pages >= 0 && !o.quiet && !o.dump_pages)
                fprintf(stderr, "[%d/%d] %s -> %s (%d page%s)\n", i + 1, in.count, in.paths[i], written, pages,
                        pages == 1 ? "" : "s");
            free((char *)written);
            diag_free(&d);
        }
    } else {
        diag_print(&d, stderr);
        diag_free(&d);
        failed++;
    }
    if (!o.quiet && in.count > 1)
        fprintf(stderr, "handout: %d of %d topics built%s\n", built, in.count, failed ? ", with errors" : "");
    fontset_free(fs);
    arena_free(la);
    free(fonts);
    free(data);
    for (int i = 0; i < in.count; i++)
        free(in.paths[i]);
    free(in.paths);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("handout %s\n", HANDOUT_VERSION);
        return 0;
    }
    if (strcmp(cmd, "build") == 0) {
        for (int i = 2; i < argc; i++)
            if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
                fputs(usage_text, stdout);
                return 0;
            }
        return cmd_build(argc - 2, argv + 2);
    }
    return usage_error("unknown command '%s' (try 'build')", cmd);
}
