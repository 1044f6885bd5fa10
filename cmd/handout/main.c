/* handout: the command. Options, the batch loop, progress, exit status. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "booklet.h"
#include "diag.h"
#include "fontset.h"
#include "heap.h"
#include "layout.h"
#include "layout_file.h"
#include "leaflet.h"
#include "manifest.h"
#include "pages.h"
#include "parallel.h"
#include "pdf.h"
#include "source.h"

#define HANDOUT_VERSION "0.2.0"

static const char usage_text[] =
    "Usage: handout build [options] FILE.md|FOLDER ...\n"
    "       handout booklet [options] FOLDER|MANIFEST.yaml|FILE.md ... -o BOOKLET.pdf\n"
    "       handout layouts\n"
    "       handout --help | --version\n"
    "\n"
    "build    one PDF per topic: each NAME.md becomes OUT/NAME.pdf. A FOLDER means\n"
    "         every .md file directly inside it. A topic with an error is reported\n"
    "         and skipped; the others are still built.\n"
    "booklet  one PDF of many topics: cover, contents with page numbers, each topic\n"
    "         from a new page, bookmarks and page labels. From a FOLDER, topics go\n"
    "         by their front matter 'order', then by file name; a MANIFEST.yaml\n"
    "         gives the title, subtitle, organisation, date, logo and topic list.\n"
    "layouts  list the layouts in layouts/: name, paper and description.\n"
    "\n"
    "Options:\n"
    "  -o, --output PATH         build: folder for the PDFs (default: out/);\n"
    "                            booklet: the PDF file (default: out/booklet.pdf)\n"
    "  -l, --layout NAME|FILE    a layout from layouts/ by name (a4, a5, letter,\n"
    "                            a4-two-column, trifold-dl, large-print, a5-booklet)\n"
    "                            or a layout file's path (default: a4)\n"
    "      --large-print         UK large print on any layout: 18 pt body, nothing\n"
    "                            under 16 pt, 1.5 line spacing, no italics, one column\n"
    "      --impose saddle       print two pages a side on sheets twice the size, in\n"
    "                            saddle-stitch order (for booklets; a layout may set it)\n"
    "      --no-impose           write the logical pages one to a sheet, even when\n"
    "                            the layout imposes (a proof to read on screen)\n"
    "      --creep LENGTH        with saddle imposition: move inner pages toward the\n"
    "                            fold by LENGTH per sheet (e.g. 0.2mm, 0.5pt)\n"
    "      --line-breaking MODE  optimal (default: even line lengths over the whole\n"
    "                            paragraph) or greedy (fill each line in turn)\n"
    "  -j, --jobs N              use N threads: topics built at once, and a booklet's\n"
    "                            topics set and pages drawn at once (default: the\n"
    "                            number of CPUs)\n"
    "      --dump-pages          print the laid-out page list as text instead of\n"
    "                            writing PDFs (for tests and debugging)\n"
    "  -q, --quiet               no progress lines, only warnings and errors\n"
    "  -h, --help                show this help and exit\n"
    "  -V, --version             show the version and exit\n"
    "\n"
    "Environment:\n"
    "  SOURCE_DATE_EPOCH         creation date written into every PDF (else the\n"
    "                            topic's 'published' date; else none)\n"
    "  HANDOUT_DATA              folder holding fonts/ and layouts/ (default: the\n"
    "                            folder above the program, e.g. the repository)\n"
    "\n"
    "Exit status: 0 all built, 1 an input had an error, 2 bad usage, 130\n"
    "interrupted (SIGINT/SIGTERM: the PDFs being written are finished, no more\n"
    "are started, and no partial file is left).\n";

struct options {
    const char *command, *output, *layout;
    bool large_print, dump_pages, quiet, impose_saddle;
    int jobs;
    struct leaflet_options leaflet;
    const char **args;
    int nargs;
};

/* SIGINT/SIGTERM/SIGHUP: finish the PDFs being written (milliseconds), start
 * no more, exit 130. A write is never cut off, so no temporary file or
 * half-written PDF is left behind. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

static void catch_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* a write in progress goes on, not fails with EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "handout: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'handout --help'.\n");
    return 2;
}

/* The folder that holds fonts/ and layouts/: $HANDOUT_DATA, else the
 * program's ../ (the repository for build/handout), relative to the current
 * folder when it lies inside it, so messages name "layouts/a5.yaml". */
static char *data_dir(void)
{
    const char *env = getenv("HANDOUT_DATA");
    if (env && *env)
        return strdup(env);
    char exe[PATH_MAX], dir[PATH_MAX], cwd[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return strdup(".");
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    snprintf(dir, sizeof dir, "%.*s/..", (int)(sizeof dir - 4), exe);
    if (!realpath(dir, exe))
        return strdup(dir);
    size_t len = getcwd(cwd, sizeof cwd) ? strlen(cwd) : 0;
    if (len && strcmp(exe, cwd) == 0)
        return strdup(".");
    if (len && strncmp(exe, cwd, len) == 0 && exe[len] == '/')
        return strdup(exe + len + 1);
    return strdup(exe);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct inputs {
    char **paths;
    int count, cap;
};

static void inputs_add(struct inputs *in, const char *path)
{
    if (in->count == in->cap) {
        int cap = in->cap ? in->cap * 2 : 16;
        char **grown = realloc(in->paths, (size_t)cap * sizeof *grown);
        if (!grown)
            return;
        in->paths = grown;
        in->cap = cap;
    }
    in->paths[in->count++] = strdup(path);
}

static void inputs_free(struct inputs *in)
{
    for (int i = 0; i < in->count; i++)
        free(in->paths[i]);
    free(in->paths);
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
        inputs_add(in, arg);
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
    char path[PATH_MAX];
    for (struct dirent *e; (e = readdir(dir));) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".md"))
            continue;
        snprintf(path, sizeof path, "%.*s/%s", (int)alen, arg, e->d_name);
        inputs_add(in, path); /* not a regular file: source_load says so */
    }
    closedir(dir);
    if (in->count == before)
        diag_add(d, DIAG_ERROR, arg, 0, 0, "folder has no .md files");
    else
        qsort(in->paths + before, (size_t)(in->count - before), sizeof *in->paths, compare_names);
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

static bool same_file(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

static void dump_pages(const struct doc *doc, const struct layout *l)
{
    const char *names[LAYOUT_FACE_COUNT];
    for (int i = 0; i < LAYOUT_FACE_COUNT; i++) {
        const char *slash = strrchr(l->face_path[i], '/');
        names[i] = slash ? slash + 1 : l->face_path[i];
    }
    pages_dump(doc, names, stdout);
}

/* ---- the shared set-up: data folder, layout, fonts ------------------- */

struct setup {
    char *data;
    struct arena *arena;
    struct layout layout;
    struct fontset *fonts;
};

static int setup_load(struct setup *s, const struct options *o)
{
    struct diag d = {0};
    s->data = data_dir();
    s->arena = arena_new();
    int status = layout_load(&s->layout, o->layout ? o->layout : "a4", s->data, s->arena, &d);
    if (status == 0) {
        if (o->large_print && !s->layout.large_print)
            layout_apply_large_print(&s->layout);
        if (o->impose_saddle && s->layout.impose == IMPOSE_NONE) {
            s->layout.impose = IMPOSE_SADDLE;
            s->layout.sheet_w = 2 * s->layout.paper_w;
            s->layout.sheet_h = s->layout.paper_h;
        }
        s->fonts = fontset_load(s->layout.face_path, LAYOUT_FACE_COUNT, &d);
        status = s->fonts ? 0 : -1;
    }
    diag_print(&d, stderr);
    diag_free(&d);
    return status;
}

static void setup_free(struct setup *s)
{
    fontset_free(s->fonts);
    arena_free(s->arena);
    free(s->data);
}

/* ---- build: one PDF per topic, in parallel ---------------------------- */

struct job {
    const char *path;
    struct diag diag;
    char *written;
    int pages;      /* -1: failed */
    bool done;
};

struct batch {
    const struct options *o;
    const struct setup *s;
    struct job *jobs;
    int count;
    int reported, built, failed; /* reports go out in input order */
    pthread_mutex_t lock;
};

static void build_one(struct batch *b, struct job *j)
{
    j->pages = -1;
    struct arena *a = arena_new();
    struct topic t;
    struct doc doc;
    const struct layout *l = &b->s->layout;
    int built = source_load(&t, j->path, a, &j->diag) == 0 &&
                leaflet_build(&t, l, b->s->fonts, &b->o->leaflet, a, &j->diag, &doc) == 0;
    source_free(&t); /* set: the PDF needs only the pages */
    if (built) {
        if (b->o->dump_pages) {
            j->pages = doc.page_count;
            dump_pages(&doc, l); /* one thread: in input order */
        } else {
            size_t n = strlen(b->o->output);
            while (n > 1 && b->o->output[n - 1] == '/')
                n--;
            const char *out = arena_printf(a, "%.*s/%s.pdf", (int)n, b->o->output, t.name);
            if (same_file(j->path, out))
                diag_add(&j->diag, DIAG_ERROR, j->path, 0, 0, "output %s would overwrite the input", out);
            else if (pdf_write(&doc, b->s->fonts, out, 1, &j->diag) == 0) { /* topics are the parallel work */
                j->pages = doc.page_count;
                j->written = strdup(out);
            }
        }
    }
    arena_free(a);
}

static void report(struct batch *b, struct job *j, int i)
{
    diag_print(&j->diag, stderr);
    diag_free(&j->diag);
    if (j->pages == -2)
        return; /* not started: interrupted */
    if (j->pages < 0) {
        b->failed++;
        return;
    }
    b->built++;
    if (!b->o->quiet && !b->o->dump_pages)
        fprintf(stderr, "[%d/%d] %s -> %s (%d page%s)\n", i + 1, b->count, j->path, j->written, j->pages,
                j->pages == 1 ? "" : "s");
    free(j->written);
}

/* Builds topic i, then reports every finished topic not yet reported, in
 * input order: the messages are the same whatever -j. */
static void build_and_report(void *ctx, int i, int worker)
{
    (void)worker;
    struct batch *b = ctx;
    if (interrupted)
        b->jobs[i].pages = -2;
    else
        build_one(b, &b->jobs[i]);
    pthread_mutex_lock(&b->lock);
    b->jobs[i].done = true;
    while (b->reported < b->count && b->jobs[b->reported].done) {
        report(b, &b->jobs[b->reported], b->reported);
        b->reported++;
    }
    pthread_mutex_unlock(&b->lock);
}

static int cmd_build(const struct options *o)
{
    struct inputs in = {0};
    struct diag d = {0};
    for (int i = 0; i < o->nargs; i++)
        collect_inputs(o->args[i], &in, &d);
    diag_print(&d, stderr);
    int failed = d.errors;
    diag_free(&d);
    struct setup s = {0};
    if (setup_load(&s, o) != 0 || (!o->dump_pages && in.count > 0 && make_dir(o->output, &d) != 0)) {
        diag_print(&d, stderr);
        diag_free(&d);
        setup_free(&s);
        inputs_free(&in);
        return 1;
    }
    struct batch b = {.o = o, .s = &s, .count = in.count};
    b.jobs = calloc((size_t)(in.count > 0 ? in.count : 1), sizeof *b.jobs);
    pthread_mutex_init(&b.lock, NULL);
    for (int i = 0; i < in.count; i++)
        b.jobs[i].path = in.paths[i];
    /* A dump goes to stdout in input order: build it on one thread. */
    parallel_for(in.count, o->dump_pages ? 1 : o->jobs, build_and_report, &b);
    failed += b.failed;
    if (interrupted)
        fprintf(stderr, "handout: interrupted: %d of %d topics built, the rest not started\n", b.built, in.count);
    else if (!o->quiet && in.count > 1)
        fprintf(stderr, "handout: %d of %d topics built%s\n", b.built, in.count, failed ? ", with errors" : "");
    free(b.jobs);
    pthread_mutex_destroy(&b.lock);
    setup_free(&s);
    inputs_free(&in);
    return interrupted ? 130 : failed ? 1 : 0;
}

/* ---- booklet ---------------------------------------------------------- */

/* Loading a booklet's topics: each is parsed and set on one thread, in
 * that thread's arena, while other threads do the same with others. One
 * arena a thread, not a topic: each arena leaves part of its last block
 * unused, and on huge pages (heap.h) unused is not free. */
struct loading {
    const struct inputs *in;
    const char *out;
    const struct setup *s;
    const struct leaflet_options *o;
    struct booklet_topic *topics;
    struct arena **arenas; /* one a worker */
    struct diag *diags;
    bool *ok;
};

static void load_one(void *ctx, int i, int worker)
{
    struct loading *l = ctx;
    const char *path = l->in->paths[i];
    struct booklet_topic *t = &l->topics[i];
    struct arena *a = l->arenas[worker];
    if (same_file(path, l->out))
        diag_add(&l->diags[i], DIAG_ERROR, path, 0, 0, "output %s would overwrite the input", l->out);
    else if (source_load(&t->topic, path, a, &l->diags[i]) == 0)
        l->ok[i] = booklet_set_topic(t, &l->s->layout, l->s->fonts, l->o, a, &l->diags[i]) == 0;
    source_free(&t->topic); /* set: its memory serves the next topic */
}

/* Loads and sets every input on `jobs` threads (into arenas adopted by a);
 * returns how many succeeded, first in topics, in input order, with the
 * diagnostics in input order. */
static int load_topics(const struct inputs *in, const char *out, const struct setup *s,
                       const struct leaflet_options *o, int jobs, struct booklet_topic *topics, struct arena *a,
                       struct diag *d)
{
    int n = in->count, loaded = 0, workers = parallel_workers(n, jobs);
    struct loading l = {in, out, s, o, calloc((size_t)n + 1, sizeof *l.topics),
                        calloc((size_t)workers, sizeof *l.arenas), calloc((size_t)n + 1, sizeof *l.diags),
                        calloc((size_t)n + 1, sizeof *l.ok)};
    bool ready = l.topics && l.arenas && l.diags && l.ok;
    for (int w = 0; ready && w < workers; w++) {
        if ((l.arenas[w] = arena_new()))
            arena_adopt(a, l.arenas[w]);
        else
            ready = false;
    }
    if (!ready) {
        diag_add(d, DIAG_ERROR, NULL, 0, 0, "out of memory");
        n = 0;
    }
    parallel_for(n, jobs, load_one, &l);
    for (int i = 0; i < n; i++) {
        diag_move(d, &l.diags[i]);
        if (l.ok[i])
            topics[loaded++] = l.topics[i];
        else
            source_free(&l.topics[i].topic);
    }
    free(l.topics);
    free(l.arenas);
    free(l.diags);
    free(l.ok);
    return loaded;
}

static int cmd_booklet(const struct options *o)
{
    struct diag d = {0};
    struct arena *a = arena_new();
    struct inputs in = {0};
    struct manifest m = {0};
    struct booklet_info info = {.title = "Patient information"};
    bool from_manifest = o->nargs == 1 && (ends_with(o->args[0], ".yaml") || ends_with(o->args[0], ".yml"));
    if (from_manifest) {
        if (manifest_load(&m, o->args[0], a, &d) == 0) {
            for (int i = 0; i < m.topic_count; i++)
                inputs_add(&in, m.topics[i]);
            info = (struct booklet_info){m.title ? m.title : info.title, m.subtitle, m.organisation, m.date,
                                         m.logo, m.path, m.logo_line};
        }
    } else {
        for (int i = 0; i < o->nargs; i++)
            collect_inputs(o->args[i], &in, &d);
    }
    const char *out = o->output ? o->output : "out/booklet.pdf";
    struct setup s = {0};
    int status = d.errors ? -1 : setup_load(&s, o);
    struct booklet_topic *topics = calloc((size_t)(in.count > 0 ? in.count : 1), sizeof *topics);
    int loaded = status == 0 && topics ? load_topics(&in, out, &s, &o->leaflet, o->jobs, topics, a, &d) : 0;
    if (d.errors)
        status = -1;
    if (status == 0) {
        if (!from_manifest) {
            /* From a folder: topics by 'order'; the cover names the first
             * topic's organisation. */
            booklet_sort(topics, loaded);
            if (loaded > 0)
                info.organisation = topics[0].topic.meta.author;
        }
        struct doc doc;
        status = booklet_build(topics, loaded, &info, &s.layout, s.fonts, &o->leaflet, a, &d, &doc);
        if (status == 0 && o->dump_pages) {
            dump_pages(&doc, &s.layout);
        } else if (status == 0) {
            char *dir = strdup(out), *slash = strrchr(dir, '/');
            if (slash) {
                *slash = '\0';
                status = make_dir(dir, &d);
            }
            free(dir);
            if (status == 0 && interrupted)
                status = -1;
            if (status == 0)
                status = pdf_write(&doc, s.fonts, out, o->jobs, &d);
            if (status == 0 && !o->quiet)
                fprintf(stderr, "booklet: %d topics -> %s (%d pages)\n", loaded, out, doc.page_count);
        }
    }
    diag_print(&d, stderr);
    diag_free(&d);
    for (int i = 0; i < loaded; i++)
        source_free(&topics[i].topic);
    free(topics);
    inputs_free(&in);
    setup_free(&s);
    arena_free(a);
    if (interrupted)
        fprintf(stderr, "handout: interrupted: booklet not written\n");
    return interrupted ? 130 : status == 0 ? 0 : 1;
}

static int cmd_layouts(void)
{
    struct diag d = {0};
    struct arena *a = arena_new();
    char *data = data_dir();
    int n = layout_list(data, stdout, a, &d);
    diag_print(&d, stderr);
    int status = n < 0 || d.errors ? 1 : 0;
    diag_free(&d);
    arena_free(a);
    free(data);
    return status;
}

/* ---- options ---------------------------------------------------------- */

/* Parses "0.2mm", "1pt", "0.01in" into points; -1 when malformed. */
static double parse_length(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0)
        return -1;
    if (strcmp(end, "mm") == 0)
        return v * 72 / 25.4;
    if (strcmp(end, "pt") == 0)
        return v;
    if (strcmp(end, "in") == 0)
        return v * 72;
    return -1;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    o->jobs = cpus > 0 ? (int)cpus : 1;
    o->args = calloc((size_t)argc + 1, sizeof *o->args);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        /* "--name=value" and "--name value" are the same. */
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        char name[64];
        snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
#define IS(s, l) (strcmp(name, s) == 0 || strcmp(name, l) == 0)
#define VALUE() (eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL))
        if (IS("-o", "--output")) {
            if (!(o->output = VALUE()))
                return usage_error("%s needs a path", name);
        } else if (IS("-l", "--layout")) {
            if (!(o->layout = VALUE()))
                return usage_error("%s needs a layout name or file", name);
        } else if (IS("-j", "--jobs")) {
            const char *v = VALUE();
            char *end;
            long n = v ? strtol(v, &end, 10) : 0;
            if (!v || *end || n < 1 || n > 256)
                return usage_error("--jobs takes a number from 1 to 256, not '%s'", v ? v : "");
            o->jobs = (int)n;
        } else if (IS("--large-print", "--large-print")) {
            o->large_print = true;
        } else if (IS("--dump-pages", "--dump-pages")) {
            o->dump_pages = true;
        } else if (IS("-q", "--quiet")) {
            o->quiet = true;
        } else if (IS("--impose", "--impose")) {
            const char *v = VALUE();
            if (!v || strcmp(v, "saddle") != 0)
                return usage_error("--impose takes 'saddle', not '%s'", v ? v : "");
            o->impose_saddle = true;
        } else if (IS("--no-impose", "--no-impose")) {
            o->leaflet.no_impose = true;
        } else if (IS("--creep", "--creep")) {
            const char *v = VALUE();
            double c = v ? parse_length(v) : -1;
            if (c < 0 || c > 10)
                return usage_error("--creep takes a small length such as 0.2mm, not '%s'", v ? v : "");
            o->leaflet.creep = c;
        } else if (IS("--line-breaking", "--line-breaking")) {
            const char *v = VALUE();
            if (v && strcmp(v, "optimal") == 0)
                o->leaflet.line_breaking = LINEBREAK_OPTIMAL;
            else if (v && strcmp(v, "greedy") == 0)
                o->leaflet.line_breaking = LINEBREAK_GREEDY;
            else
                return usage_error("--line-breaking takes 'optimal' or 'greedy', not '%s'", v ? v : "");
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option '%s'", a);
        } else {
            o->args[o->nargs++] = a;
        }
#undef IS
#undef VALUE
    }
    if (o->nargs == 0)
        return usage_error("%s needs at least one .md file or folder", o->command);
    if (o->leaflet.creep > 0 && !o->impose_saddle && !(o->layout && strstr(o->layout, "booklet")))
        fprintf(stderr, "handout: warning: --creep only applies to saddle imposition\n");
    return 0;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    catch_signals();
    source_init();
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "help") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("handout %s\n", HANDOUT_VERSION);
        return 0;
    }
    if (strcmp(cmd, "layouts") == 0)
        return argc == 2 ? cmd_layouts() : usage_error("%s takes no arguments", "layouts");
    if (strcmp(cmd, "build") != 0 && strcmp(cmd, "booklet") != 0)
        return usage_error("unknown command '%s' (try 'build', 'booklet' or 'layouts')", cmd);
    heap_use_huge_pages(strcmp(cmd, "booklet") == 0);
    struct options o = {.command = cmd, .leaflet = {.line_breaking = LINEBREAK_OPTIMAL}};
    int status = parse_options(argc - 2, argv + 2, &o);
    if (status == 0) {
        if (strcmp(cmd, "build") == 0) {
            if (!o.output)
                o.output = "out";
            status = cmd_build(&o);
        } else {
            status = cmd_booklet(&o);
        }
    }
    free(o.args);
    source_release();
    return status;
}
