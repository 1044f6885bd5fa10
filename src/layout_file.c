/* layout_file: reads layout YAML with libyaml's event parser into a small
 * tree (scalars, mappings, sequences, each with its line:col), then applies
 * that tree to a struct layout key by key. Every error names the exact
 * line:col of the offending key or value; errors are collected (up to a
 * limit), not thrown one at a time. Aliases are refused outright, so a YAML
 * "billion laughs" bomb fails at its first '*'. */
#include "layout_file.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>

#include "arena.h"
#include "diag.h"
#include "layout.h"

#define MM(x) ((x) * 72.0 / 25.4)
#define TO_MM(pt) ((pt) * 25.4 / 72.0)

enum {
    MAX_FILE_BYTES = 1024 * 1024, /* a layout is a page of text; refuse anything huge */
    MAX_EXTENDS = 8,              /* extends hops in one chain */
    MAX_NEST = 32,                /* YAML nesting; a layout needs 4 */
    MAX_ERRORS = 20,              /* per load; then one "too many errors" */
};
#define MAX_LENGTH_PT 14400.0     /* PDF's largest page side (200 in) */
#define MIN_COLUMN_PT MM(20)      /* narrower than this cannot hold words */
#define EDGE_PT MM(5)             /* printers cannot print within 5 mm of the edge */
#define FOOTER_MIN_BASELINE MM(8) /* paginate_footers never puts the baseline lower */

/* ---- the YAML tree ---------------------------------------------------- */

enum ykind { Y_SCALAR, Y_MAP, Y_SEQ };

struct ynode {
    enum ykind kind;
    bool plain;          /* an unquoted scalar (so "" and "~" mean null) */
    const char *text;    /* scalar value, NUL-terminated */
    size_t len;
    int line, col;       /* 1-based */
    struct ynode *first, *last, *next; /* children; a mapping alternates key, value */
};

#define FOR_EACH_PAIR(map, k, v)                                                    \
    for (const struct ynode *k = (map)->first, *v = k ? k->next : NULL; k && v;     \
         k = v->next, v = k ? k->next : NULL)

struct where {
    const char *file;
    int line, col;
};

struct loader {
    struct layout *l;
    const char *data_dir, *fonts_dir;
    struct arena *a;   /* the caller's: strings kept in the layout */
    struct diag *d;
    int errors, reported;
    /* the file being read */
    const char *file;  /* path as opened (in a) */
    /* the chain of files being read, outermost first */
    char *real[MAX_EXTENDS + 1];
    const char *shown[MAX_EXTENDS + 1];
    int depth;
    /* state kept across the chain, settled once at the end */
    enum { O_UNSET, O_PORTRAIT, O_LANDSCAPE } orientation, sheet_orientation;
    bool sheet_set, large_print;
    struct where paper_at, margins_at, columns_at, gutter_at, impose_at, sheet_at,
        max_pages_at, footer_gap_at;
};

static void report(struct loader *L, enum diag_severity sev, const char *file, int line, int col,
                   const char *fmt, va_list ap)
{
    if (sev == DIAG_ERROR)
        L->errors++;
    if (L->reported == MAX_ERRORS) {
        L->reported++;
        diag_add(L->d, DIAG_ERROR, file, line, col, "too many errors in this layout; stopping here");
        return;
    }
    if (L->reported > MAX_ERRORS)
        return;
    L->reported++;
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    diag_add(L->d, sev, file, line, col, "%s", buf);
}

__attribute__((format(printf, 3, 4))) static void err(struct loader *L, const struct ynode *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(L, DIAG_ERROR, L->file, n ? n->line : 0, n ? n->col : 0, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 4, 5))) static void err_at(struct loader *L, enum diag_severity sev,
                                                         const struct where *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(L, sev, w->file ? w->file : L->file, w->line, w->col, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 3, 4))) static void err_file(struct loader *L, const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(L, DIAG_ERROR, file, 0, 0, fmt, ap);
    va_end(ap);
}

static struct where where_of(const struct loader *L, const struct ynode *n)
{
    return (struct where){L->file, n->line, n->col};
}

static const char *kind_name(const struct ynode *n)
{
    return n->kind == Y_MAP ? "a mapping" : n->kind == Y_SEQ ? "a list" : "a single value";
}

static void yaml_syntax_error(struct loader *L, const yaml_parser_t *p)
{
    const char *problem = p->problem ? p->problem : "invalid YAML";
    struct ynode at = {.line = (int)p->problem_mark.line + 1, .col = (int)p->problem_mark.column + 1};
    if (p->error == YAML_MEMORY_ERROR)
        err(L, NULL, "out of memory reading YAML");
    else if (p->context)
        err(L, &at, "YAML syntax: %s %s (from line %d)", problem, p->context, (int)p->context_mark.line + 1);
    else
        err(L, &at, "YAML syntax: %s", problem);
}

static struct ynode *new_node(struct arena *t, enum ykind kind, yaml_mark_t m)
{
    struct ynode *n = arena_alloc(t, sizeof *n);
    n->kind = kind;
    n->line = (int)m.line + 1;
    n->col = (int)m.column + 1;
    return n;
}

/* Parses text into a tree in arena t. Returns the root (NULL for an empty
 * file) and sets *ok; on an error, reports it and sets *ok = false. */
static struct ynode *parse_tree(struct loader *L, const char *text, size_t len, struct arena *t, bool *ok)
{
    yaml_parser_t p;
    *ok = false;
    if (!yaml_parser_initialize(&p)) {
        err(L, NULL, "out of memory reading YAML");
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    struct ynode *stack[MAX_NEST], *root = NULL;
    int sp = 0, docs = 0;
    bool done = false, failed = false;
    while (!done && !failed) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            yaml_syntax_error(L, &p);
            failed = true;
            break;
        }
        struct ynode *n = NULL;
        struct ynode at = {.line = (int)ev.start_mark.line + 1, .col = (int)ev.start_mark.column + 1};
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                err(L, &at, "a layout file holds one YAML document; remove this second '---'");
                failed = true;
            }
            break;
        case YAML_ALIAS_EVENT:
            err(L, &at, "YAML aliases (*%s) are not allowed in a layout; write the value out",
                (const char *)ev.data.alias.anchor);
            failed = true;
            break;
        case YAML_SCALAR_EVENT:
            n = new_node(t, Y_SCALAR, ev.start_mark);
            n->text = arena_strndup(t, (const char *)ev.data.scalar.value, ev.data.scalar.length);
            n->len = ev.data.scalar.length;
            n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            n = new_node(t, ev.type == YAML_MAPPING_START_EVENT ? Y_MAP : Y_SEQ, ev.start_mark);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (sp > 0)
                sp--;
            break;
        default:
            break;
        }
        if (n) {
            if (sp > 0) {
                struct ynode *parent = stack[sp - 1];
                if (parent->last)
                    parent->last->next = n;
                else
                    parent->first = n;
                parent->last = n;
            } else {
                root = n;
            }
            if (n->kind != Y_SCALAR) {
                if (sp == MAX_NEST) {
                    err(L, n, "YAML nested more than %d levels deep", MAX_NEST);
                    failed = true;
                } else {
                    stack[sp++] = n;
                }
            }
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (arena_failed(t)) {
        err(L, NULL, "out of memory reading YAML");
        failed = true;
    }
    *ok = !failed;
    return failed ? NULL : root;
}

/* ---- small helpers ---------------------------------------------------- */

static bool is_null(const struct ynode *n)
{
    return n->kind == Y_SCALAR && n->plain &&
           (n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
            strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0);
}

/* The scalar text of n, or NULL after reporting that it is not a scalar. */
static const char *scalar(struct loader *L, const struct ynode *n, const char *ctx)
{
    if (n->kind != Y_SCALAR) {
        err(L, n, "%s must be a single value, not %s", ctx, kind_name(n));
        return NULL;
    }
    if (strlen(n->text) != n->len) {
        err(L, n, "%s contains a NUL character", ctx);
        return NULL;
    }
    return n->text;
}

static bool want_map(struct loader *L, const struct ynode *n, const char *ctx, const char *what)
{
    if (n->kind == Y_MAP)
        return true;
    if (is_null(n))
        err(L, n, "%s is empty; it must be a mapping of %s", ctx, what);
    else
        err(L, n, "%s must be a mapping of %s, not %s", ctx, what, kind_name(n));
    return false;
}

static char *join(struct arena *a, const char *dir, const char *name)
{
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    if (!dir || !*dir || strcmp(dir, ".") == 0)
        return arena_strdup(a, name);
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return arena_printf(a, "%.*s/%s", (int)n, dir, name);
}

static char *dir_of(struct arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return arena_strdup(a, ".");
    if (slash == path)
        return arena_strdup(a, "/");
    return arena_strndup(a, path, (size_t)(slash - path));
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool is_path(const char *name)
{
    return strchr(name, '/') || ends_with(name, ".yaml") || ends_with(name, ".yml");
}

/* "layouts/a5.yaml" -> "a5" */
static char *stem_of(struct arena *a, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (ends_with(base, ".yaml"))
        n -= 5;
    else if (ends_with(base, ".yml"))
        n -= 4;
    return arena_strndup(a, base, n);
}

static int edit_distance(const char *s, const char *t)
{
    size_t n = strlen(s), m = strlen(t);
    if (n > 40 || m > 40)
        return 99;
    int row[41];
    for (size_t j = 0; j <= m; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= m; j++) {
            int up = row[j];
            int cost = s[i - 1] == t[j - 1] ? 0 : 1;
            int best = diag + cost;
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[m];
}

/* The closest of words to s, when close enough to be a likely typo. */
static const char *suggest(const char *s, const char *const *words, int n)
{
    const char *best = NULL;
    int best_d = 3;
    for (int i = 0; i < n; i++) {
        int d = edit_distance(s, words[i]);
        if (d < best_d && d * 3 <= (int)strlen(words[i])) {
            best_d = d;
            best = words[i];
        }
    }
    return best;
}

static void word_list(char *buf, size_t size, const char *const *words, int n, const char *last_sep)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i == 0 ? "" : i == n - 1 ? last_sep : ", ",
                                words[i]);
}

/* ---- keys ------------------------------------------------------------- */

struct keyset {
    const char *where; /* "at the top level", "in styles.h1" */
    const char *const *keys;
    int n;
    const struct ynode *seen[32];
};

/* Index of key in ks, or -1 after reporting an unknown, duplicate or
 * non-scalar key. */
static int key_index(struct loader *L, struct keyset *ks, const struct ynode *key)
{
    if (key->kind != Y_SCALAR) {
        err(L, key, "keys %s must be plain words, not %s", ks->where, kind_name(key));
        return -1;
    }
    for (int i = 0; i < ks->n; i++) {
        if (strcmp(key->text, ks->keys[i]) != 0)
            continue;
        if (ks->seen[i]) {
            err(L, key, "duplicate key '%s' %s (first given at line %d)", key->text, ks->where, ks->seen[i]->line);
            return -1;
        }
        ks->seen[i] = key;
        return i;
    }
    char allowed[700], hint[80] = "";
    word_list(allowed, sizeof allowed, ks->keys, ks->n, ", ");
    const char *s = suggest(key->text, ks->keys, ks->n);
    if (s)
        snprintf(hint, sizeof hint, " (did you mean '%s'?)", s);
    err(L, key, "unknown key '%.60s' %s%s; allowed: %s", key->text, ks->where, hint, allowed);
    return -1;
}

/* ---- values ----------------------------------------------------------- */

/* Parses "12.5" (optionally signed) at *s; advances *s. */
static bool parse_number(const char **s, double *out)
{
    const char *p = *s;
    bool neg = false;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    double v = 0, scale = 1;
    int digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (v < 1e12)
            v = v * 10 + (*p - '0');
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            scale /= 10;
            v += (*p - '0') * scale;
            p++;
            digits++;
        }
    }
    if (digits == 0)
        return false;
    *out = neg ? -v : v;
    *s = p;
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Parses a length in s[0..len) into pt. Returns NULL, or a message. */
static const char *length_error(const char *s, size_t len, bool bare_pt, double *out, char *msg, size_t size)
{
    char buf[64];
    while (len > 0 && is_space(*s))
        s++, len--;
    while (len > 0 && is_space(s[len - 1]))
        len--;
    if (len == 0)
        return "is empty; give a length such as 12mm";
    if (len >= sizeof buf) {
        snprintf(msg, size, "'%.20s...' is not a length; use a number and a unit: mm, cm, pt or in", s);
        return msg;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    const char *p = buf;
    double v;
    if (!parse_number(&p, &v)) {
        snprintf(msg, size, "'%s' is not a length; use a number and a unit: mm, cm, pt or in (e.g. 12mm)", buf);
        return msg;
    }
    while (is_space(*p))
        p++;
    static const struct { const char *unit; double pt; } units[] = {
        {"mm", 72.0 / 25.4}, {"cm", 72.0 / 2.54}, {"pt", 1}, {"in", 72},
    };
    double factor = 0;
    if (*p == '\0') {
        if (!bare_pt) {
            snprintf(msg, size, "'%s' needs a unit: mm, cm, pt or in (e.g. %smm)", buf, buf);
            return msg;
        }
        factor = 1;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0] && factor == 0; i++)
        if (strcasecmp(p, units[i].unit) == 0)
            factor = units[i].pt;
    if (factor == 0) {
        snprintf(msg, size, "'%s': unknown unit '%s'; use mm, cm, pt or in", buf, p);
        return msg;
    }
    if (v < 0) {
        snprintf(msg, size, "'%s' must not be negative", buf);
        return msg;
    }
    if (v * factor > MAX_LENGTH_PT) {
        snprintf(msg, size, "'%s' is larger than any page (at most 200 in)", buf);
        return msg;
    }
    *out = v * factor;
    return NULL;
}

static bool get_length(struct loader *L, const struct ynode *n, const char *ctx, bool bare_pt, double *out)
{
    const char *s = scalar(L, n, ctx);
    if (!s)
        return false;
    char msg[256];
    const char *e = length_error(s, n->len, bare_pt, out, msg, sizeof msg);
    if (e) {
        err(L, n, "%s: %s", ctx, e);
        return false;
    }
    return true;
}

static bool get_number(struct loader *L, const struct ynode *n, const char *ctx, double lo, double hi,
                       const char *unit, double *out)
{
    const char *s = scalar(L, n, ctx);
    if (!s)
        return false;
    const char *p = s;
    double v;
    if (!parse_number(&p, &v) || *p) {
        err(L, n, "%s must be a number from %g to %g%s, not '%.40s'", ctx, lo, hi, unit, s);
        return false;
    }
    if (v < lo || v > hi) {
        err(L, n, "%s must be from %g to %g%s, not %g", ctx, lo, hi, unit, v);
        return false;
    }
    *out = v;
    return true;
}

static bool get_int(struct loader *L, const struct ynode *n, const char *ctx, int lo, int hi, int *out)
{
    const char *s = scalar(L, n, ctx);
    if (!s)
        return false;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || !((*s >= '0' && *s <= '9') || *s == '-' || *s == '+') || v < lo || v > hi) {
        err(L, n, "%s must be a whole number from %d to %d, not '%.40s'", ctx, lo, hi, s);
        return false;
    }
    *out = (int)v;
    return true;
}

static bool get_bool(struct loader *L, const struct ynode *n, const char *ctx, bool *out)
{
    const char *s = scalar(L, n, ctx);
    if (!s)
        return false;
    static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};
    for (int i = 0; i < 3; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    err(L, n, "%s must be true or false, not '%.40s'", ctx, s);
    return false;
}

/* One of words, by index; or -1 after an error. */
static int get_choice(struct loader *L, const struct ynode *n, const char *ctx, const char *const *words, int count)
{
    const char *s = scalar(L, n, ctx);
    if (!s)
        return -1;
    for (int i = 0; i < count; i++)
        if (strcasecmp(s, words[i]) == 0)
            return i;
    char list[256];
    word_list(list, sizeof list, words, count, " or ");
    err(L, n, "%s must be %s, not '%.40s'", ctx, list, s);
    return -1;
}

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool get_color(struct loader *L, const struct ynode *n, const char *ctx, uint32_t *out)
{
    if (is_null(n)) {
        err(L, n, "%s is empty; write the colour in quotes, e.g. \"#16365C\" (an unquoted # starts a YAML comment)",
            ctx);
        return false;
    }
    const char *s = scalar(L, n, ctx);
    if (!s)
        return false;
    uint32_t v = 0;
    bool ok = n->len == 7 && s[0] == '#';
    for (int i = 1; ok && i < 7; i++) {
        int h = hex(s[i]);
        ok = h >= 0;
        v = v << 4 | (uint32_t)(h < 0 ? 0 : h);
    }
    if (!ok) {
        err(L, n, "%s: bad colour '%.40s'; use \"#RRGGBB\" with six hex digits, in quotes", ctx, s);
        return false;
    }
    *out = v;
    return true;
}

static const char *get_string(struct loader *L, const struct ynode *n, const char *ctx)
{
    if (is_null(n))
        return "";
    const char *s = scalar(L, n, ctx);
    return s ? arena_strdup(L->a, s) : NULL;
}

/* ---- paper ------------------------------------------------------------ */

static const struct paper {
    const char *name;
    double w, h; /* pt, portrait */
} papers[] = {
    {"A3", MM(297), MM(420)}, {"A4", MM(210), MM(297)}, {"A5", MM(148), MM(210)},
    {"Letter", 612, 792},     {"Legal", 612, 1008},     {"DL", MM(99), MM(210)},
};
enum { PAPER_COUNT = (int)(sizeof papers / sizeof papers[0]) };

static bool get_paper(struct loader *L, const struct ynode *n, const char *ctx, double *w, double *h)
{
    const char *s = scalar(L, n, ctx);
    if (!s)
        return false;
    for (int i = 0; i < PAPER_COUNT; i++)
        if (strcasecmp(s, papers[i].name) == 0) {
            *w = papers[i].w;
            *h = papers[i].h;
            return true;
        }
    /* "210mm x 99mm": split at an 'x' or '×' that has a digit or unit before it */
    const char *x = NULL;
    size_t xlen = 1;
    for (const char *p = s; *p; p++) {
        if ((*p == 'x' || *p == 'X') && p > s) {
            x = p;
            break;
        }
        if (strncmp(p, "\xC3\x97", 2) == 0 && p > s) {
            x = p;
            xlen = 2;
            break;
        }
    }
    bool has_digit = strpbrk(s, "0123456789") != NULL;
    if (!x || !has_digit) {
        char names[128];
        const char *list[PAPER_COUNT];
        for (int i = 0; i < PAPER_COUNT; i++)
            list[i] = papers[i].name;
        word_list(names, sizeof names, list, PAPER_COUNT, ", ");
        err(L, n, "%s: unknown paper '%.40s'; use %s, or a size such as \"210mm x 99mm\"", ctx, s, names);
        return false;
    }
    char msg[256];
    const char *side = "width";
    const char *e = length_error(s, (size_t)(x - s), false, w, msg, sizeof msg);
    if (!e) {
        side = "height";
        e = length_error(x + xlen, strlen(x + xlen), false, h, msg, sizeof msg);
    }
    if (e) {
        err(L, n, "%s: '%.40s': the %s %s", ctx, s, side, e);
        return false;
    }
    if (*w < 1 || *h < 1) {
        err(L, n, "%s: '%s' has a side of zero", ctx, s);
        return false;
    }
    return true;
}

static bool near(double a, double b)
{
    return a > b - 0.5 && a < b + 0.5;
}

const char *layout_paper_name(double w, double h, char *buf, size_t size)
{
    for (int i = 0; i < PAPER_COUNT; i++) {
        if (near(w, papers[i].w) && near(h, papers[i].h)) {
            snprintf(buf, size, "%s", papers[i].name);
            return buf;
        }
        if (near(w, papers[i].h) && near(h, papers[i].w)) {
            snprintf(buf, size, "%s landscape", papers[i].name);
            return buf;
        }
    }
    snprintf(buf, size, "%.4g x %.4g mm", TO_MM(w), TO_MM(h));
    return buf;
}

/* ---- sections --------------------------------------------------------- */

static void apply_margins(struct loader *L, const struct ynode *n)
{
    struct layout *l = L->l;
    L->margins_at = where_of(L, n);
    if (n->kind == Y_SCALAR) {
        double v;
        if (get_length(L, n, "margins", false, &v))
            l->margin_top = l->margin_right = l->margin_bottom = l->margin_left = v;
        return;
    }
    if (n->kind != Y_MAP) {
        err(L, n, "margins must be one length (\"20mm\") or a mapping of top/right/bottom/left, not %s",
            kind_name(n));
        return;
    }
    static const char *const keys[] = {"top", "right", "bottom", "left"};
    double *fields[] = {&l->margin_top, &l->margin_right, &l->margin_bottom, &l->margin_left};
    struct keyset ks = {"in margins", keys, 4, {0}};
    FOR_EACH_PAIR(n, k, v) {
        int i = key_index(L, &ks, k);
        if (i < 0)
            continue;
        char ctx[32];
        snprintf(ctx, sizeof ctx, "margins.%s", keys[i]);
        get_length(L, v, ctx, false, fields[i]);
    }
}

static const char *const family_names[FAMILY_COUNT] = {"body", "heading", "code", "fallback"};
static const char *const variant_names[VARIANT_COUNT] = {"regular", "bold", "italic", "bold_italic"};

/* Resolves a font value and checks that it is a TrueType file. */
static void apply_font(struct loader *L, const struct ynode *n, const char *ctx, const char **slot)
{
    const char *s = scalar(L, n, ctx);
    if (!s)
        return;
    if (!*s) {
        err(L, n, "%s is empty; give a .ttf file name", ctx);
        return;
    }
    char *path;
    if (s[0] == '/')
        path = arena_strdup(L->a, s);
    else if (strchr(s, '/'))
        path = join(L->a, dir_of(L->a, L->file), s);
    else
        path = join(L->a, L->fonts_dir, s);
    struct stat st;
    if (stat(path, &st) != 0) {
        err(L, n, "%s: font file '%s' does not exist (looked for %s)", ctx, s, path);
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        err(L, n, "%s: '%s' is not a file", ctx, path);
        return;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        err(L, n, "%s: cannot read font file %s: %s", ctx, path, strerror(errno));
        return;
    }
    unsigned char sig[4] = {0};
    size_t got = fread(sig, 1, 4, f);
    fclose(f);
    if (got == 4 && ((sig[0] == 0 && sig[1] == 1 && sig[2] == 0 && sig[3] == 0) || memcmp(sig, "true", 4) == 0)) {
        *slot = path;
        return;
    }
    if (got == 4 && memcmp(sig, "OTTO", 4) == 0)
        err(L, n, "%s: %s has CFF (PostScript) outlines; handout embeds TrueType outlines only (.ttf)", ctx, path);
    else if (got == 4 && memcmp(sig, "ttcf", 4) == 0)
        err(L, n, "%s: %s is a font collection (.ttc); give a single .ttf face", ctx, path);
    else if (got == 4 && (memcmp(sig, "wOFF", 4) == 0 || memcmp(sig, "wOF2", 4) == 0))
        err(L, n, "%s: %s is a web font (WOFF); convert it to .ttf", ctx, path);
    else
        err(L, n, "%s: %s is not a TrueType font file", ctx, path);
}

static void apply_fonts(struct loader *L, const struct ynode *n)
{
    if (!want_map(L, n, "fonts", "families (body, heading, code, fallback)"))
        return;
    struct keyset fks = {"in fonts", family_names, FAMILY_COUNT, {0}};
    FOR_EACH_PAIR(n, fk, fv) {
        int f = key_index(L, &fks, fk);
        if (f < 0)
            continue;
        char ctx[64];
        snprintf(ctx, sizeof ctx, "fonts.%s", family_names[f]);
        if (!want_map(L, fv, ctx, "variants (regular, bold, italic, bold_italic) to font files"))
            continue;
        char where[64];
        snprintf(where, sizeof where, "in fonts.%s", family_names[f]);
        struct keyset vks = {where, variant_names, VARIANT_COUNT, {0}};
        FOR_EACH_PAIR(fv, vk, vv) {
            int v = key_index(L, &vks, vk);
            if (v < 0)
                continue;
            snprintf(ctx, sizeof ctx, "fonts.%s.%s", family_names[f], variant_names[v]);
            apply_font(L, vv, ctx, &L->l->face_path[LAYOUT_FACE(f, v)]);
        }
    }
}

static const char *const element_names[EL_COUNT] = {
    "body", "h1", "h2", "h3", "h4", "h5", "h6", "title", "subtitle", "meta", "code",
    "table", "table_header", "footnote", "footer", "alert_label",
};

static void apply_style(struct loader *L, const struct ynode *n, int e)
{
    char ctx[64], where[64];
    snprintf(ctx, sizeof ctx, "styles.%s", element_names[e]);
    if (!want_map(L, n, ctx, "size, leading, bold, italic, color, space_before, space_after, family"))
        return;
    static const char *const keys[] = {"size", "leading", "bold", "italic", "color", "space_before", "space_after",
                                       "family"};
    snprintf(where, sizeof where, "in styles.%s", element_names[e]);
    struct keyset ks = {where, keys, 8, {0}};
    struct layout_style *s = &L->l->style[e];
    FOR_EACH_PAIR(n, k, v) {
        int i = key_index(L, &ks, k);
        if (i < 0)
            continue;
        snprintf(ctx, sizeof ctx, "styles.%s.%s", element_names[e], keys[i]);
        double x;
        switch (i) {
        case 0:
            if (get_length(L, v, ctx, true, &x)) {
                if (x < 4 || x > 200)
                    err(L, v, "%s must be from 4 to 200 pt, not %g pt", ctx, x);
                else
                    s->size = x;
            }
            break;
        case 1:
            get_number(L, v, ctx, 0.8, 4, " (a multiple of the size)", &s->leading);
            break;
        case 2:
            get_bool(L, v, ctx, &s->bold);
            break;
        case 3:
            get_bool(L, v, ctx, &s->italic);
            break;
        case 4:
            get_color(L, v, ctx, &s->color);
            break;
        case 5:
            get_length(L, v, ctx, false, &s->space_before);
            break;
        case 6:
            get_length(L, v, ctx, false, &s->space_after);
            break;
        case 7: {
            int f = get_choice(L, v, ctx, family_names, FAMILY_COUNT);
            if (f >= 0)
                s->family = (enum layout_family)f;
            break;
        }
        }
    }
}

static void apply_styles(struct loader *L, const struct ynode *n)
{
    if (!want_map(L, n, "styles", "elements (body, h1, ...) to styles"))
        return;
    struct keyset ks = {"in styles", element_names, EL_COUNT, {0}};
    FOR_EACH_PAIR(n, k, v) {
        int e = key_index(L, &ks, k);
        if (e >= 0)
            apply_style(L, v, e);
    }
}

static void apply_colors(struct loader *L, const struct ynode *n)
{
    struct layout *l = L->l;
    if (!want_map(L, n, "colors", "names to \"#RRGGBB\""))
        return;
    static const char *const keys[] = {
        "link", "rule", "quote_bar", "code_background", "table_border", "table_header_background",
        "alert_note", "alert_tip", "alert_important", "alert_warning", "alert_caution",
    };
    uint32_t *plain[] = {&l->link_color,         &l->rule_color,         &l->quote_bar_color,
                         &l->code_background,    &l->table_border_color, &l->table_header_background};
    struct keyset ks = {"in colors", keys, 11, {0}};
    FOR_EACH_PAIR(n, k, v) {
        int i = key_index(L, &ks, k);
        if (i < 0)
            continue;
        char ctx[64];
        snprintf(ctx, sizeof ctx, "colors.%s", keys[i]);
        if (i < 6) {
            get_color(L, v, ctx, plain[i]);
            continue;
        }
        int alert = i - 6;
        if (!want_map(L, v, ctx, "tint and accent colours"))
            continue;
        static const char *const parts[] = {"tint", "accent"};
        char where[64];
        snprintf(where, sizeof where, "in colors.%s", keys[i]);
        struct keyset pks = {where, parts, 2, {0}};
        FOR_EACH_PAIR(v, pk, pv) {
            int p = key_index(L, &pks, pk);
            if (p < 0)
                continue;
            snprintf(ctx, sizeof ctx, "colors.%s.%s", keys[i], parts[p]);
            get_color(L, pv, ctx, p == 0 ? &l->alert_tint[alert] : &l->alert_accent[alert]);
        }
    }
}

/* Checks a footer template against what paginate's expand() understands. */
static const char *template_error(const char *s, char *msg, size_t size)
{
    static const char *const fields[] = {"title", "id", "version", "review", "page", "pages"};
    const char *fields_text = "{title} {id} {version} {review} {page} {pages}";
    if (strlen(s) > 200)
        return "is longer than 200 bytes";
    bool group = false;
    for (const char *p = s; *p; p++) {
        if (*p == '[') {
            if (group)
                return "has '[' inside a [...] group; groups do not nest";
            group = true;
        } else if (*p == ']') {
            if (!group)
                return "has ']' without a '['";
            group = false;
        } else if (*p == '}') {
            return "has '}' without a '{'";
        } else if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close)
                return "has '{' without a '}'";
            size_t n = (size_t)(close - p - 1);
            bool known = false;
            for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
                known |= strlen(fields[i]) == n && strncmp(fields[i], p + 1, n) == 0;
            if (!known) {
                snprintf(msg, size, "has an unknown field {%.*s}; fields are %s", (int)(n > 40 ? 40 : n), p + 1,
                         fields_text);
                return msg;
            }
            p = close;
        }
    }
    return group ? "has '[' without a ']'" : NULL;
}

static void apply_footer(struct loader *L, const struct ynode *n)
{
    if (!want_map(L, n, "footer", "left and right templates"))
        return;
    static const char *const keys[] = {"left", "right"};
    struct keyset ks = {"in footer", keys, 2, {0}};
    FOR_EACH_PAIR(n, k, v) {
        int i = key_index(L, &ks, k);
        if (i < 0)
            continue;
        char ctx[32], msg[160];
        snprintf(ctx, sizeof ctx, "footer.%s", keys[i]);
        const char *s = get_string(L, v, ctx);
        if (!s)
            continue;
        const char *e = template_error(s, msg, sizeof msg);
        if (e)
            err(L, v, "%s %s", ctx, e);
        else if (i == 0)
            L->l->footer_left = s;
        else
            L->l->footer_right = s;
    }
}

/* ---- files ------------------------------------------------------------ */

static const char *const top_keys[] = {
    "name", "description", "extends", "paper", "orientation", "margins", "columns", "gutter", "impose", "sheet",
    "sheet_orientation", "cover_page", "back_page", "max_pages", "double_sided", "fonts", "styles", "list_indent",
    "block_indent", "paragraph_space", "colors", "footer", "footer_gap", "show_title_block", "large_print", "widows",
    "orphans", "hyphenate",
};
enum {
    K_NAME, K_DESCRIPTION, K_EXTENDS, K_PAPER, K_ORIENTATION, K_MARGINS, K_COLUMNS, K_GUTTER, K_IMPOSE, K_SHEET,
    K_SHEET_ORIENTATION, K_COVER_PAGE, K_BACK_PAGE, K_MAX_PAGES, K_DOUBLE_SIDED, K_FONTS, K_STYLES, K_LIST_INDENT,
    K_BLOCK_INDENT, K_PARAGRAPH_SPACE, K_COLORS, K_FOOTER, K_FOOTER_GAP, K_SHOW_TITLE_BLOCK, K_LARGE_PRINT, K_WIDOWS,
    K_ORPHANS, K_HYPHENATE, K_COUNT
};
_Static_assert(sizeof top_keys / sizeof top_keys[0] == K_COUNT, "top_keys and K_ match");

static const char *const orientations[] = {"portrait", "landscape"};
static const char *const impositions[] = {"none", "trifold", "saddle"};

static void apply_key(struct loader *L, int key, const struct ynode *v)
{
    struct layout *l = L->l;
    const char *name = top_keys[key];
    int i;
    switch (key) {
    case K_NAME: {
        const char *s = get_string(L, v, name);
        if (s && !*s)
            err(L, v, "name is empty");
        else if (s)
            l->name = s;
        break;
    }
    case K_DESCRIPTION: {
        const char *s = get_string(L, v, name);
        if (s)
            l->description = s;
        break;
    }
    case K_EXTENDS:
        break; /* done before the other keys */
    case K_PAPER:
        L->paper_at = where_of(L, v);
        get_paper(L, v, name, &l->paper_w, &l->paper_h);
        break;
    case K_ORIENTATION:
        if ((i = get_choice(L, v, name, orientations, 2)) >= 0)
            L->orientation = i == 0 ? O_PORTRAIT : O_LANDSCAPE;
        break;
    case K_SHEET_ORIENTATION:
        if ((i = get_choice(L, v, name, orientations, 2)) >= 0)
            L->sheet_orientation = i == 0 ? O_PORTRAIT : O_LANDSCAPE;
        break;
    case K_MARGINS:
        apply_margins(L, v);
        break;
    case K_COLUMNS:
        L->columns_at = where_of(L, v);
        get_int(L, v, name, 1, 4, &l->columns);
        break;
    case K_GUTTER:
        L->gutter_at = where_of(L, v);
        get_length(L, v, name, false, &l->gutter);
        break;
    case K_IMPOSE:
        L->impose_at = where_of(L, v);
        if ((i = get_choice(L, v, name, impositions, 3)) >= 0)
            l->impose = (enum layout_impose)i;
        break;
    case K_SHEET:
        L->sheet_at = where_of(L, v);
        if (get_paper(L, v, name, &l->sheet_w, &l->sheet_h))
            L->sheet_set = true;
        break;
    case K_COVER_PAGE:
        get_bool(L, v, name, &l->cover_page);
        break;
    case K_BACK_PAGE:
        get_bool(L, v, name, &l->back_page);
        break;
    case K_MAX_PAGES:
        L->max_pages_at = where_of(L, v);
        get_int(L, v, name, 0, 10000, &l->max_pages);
        break;
    case K_DOUBLE_SIDED:
        get_bool(L, v, name, &l->double_sided);
        break;
    case K_FONTS:
        apply_fonts(L, v);
        break;
    case K_STYLES:
        apply_styles(L, v);
        break;
    case K_LIST_INDENT:
        get_length(L, v, name, false, &l->list_indent);
        break;
    case K_BLOCK_INDENT:
        get_length(L, v, name, false, &l->block_indent);
        break;
    case K_PARAGRAPH_SPACE:
        get_length(L, v, name, false, &l->paragraph_space);
        break;
    case K_COLORS:
        apply_colors(L, v);
        break;
    case K_FOOTER:
        apply_footer(L, v);
        break;
    case K_FOOTER_GAP:
        L->footer_gap_at = where_of(L, v);
        get_length(L, v, name, false, &l->footer_gap);
        break;
    case K_SHOW_TITLE_BLOCK:
        get_bool(L, v, name, &l->show_title_block);
        break;
    case K_LARGE_PRINT:
        get_bool(L, v, name, &L->large_print);
        break;
    case K_WIDOWS:
        get_int(L, v, name, 1, 5, &l->widows);
        break;
    case K_ORPHANS:
        get_int(L, v, name, 1, 5, &l->orphans);
        break;
    case K_HYPHENATE:
        get_bool(L, v, name, &l->hyphenate);
        break;
    }
}

/* "a4, a5, letter": the layouts in DATA/layouts, for error messages. */
static const char *available(struct loader *L)
{
    DIR *dir = opendir(join(L->a, L->data_dir, "layouts"));
    if (!dir)
        return "none";
    const char *names[64];
    int n = 0;
    for (struct dirent *e; (e = readdir(dir)) && n < 64;)
        if (e->d_name[0] != '.' && ends_with(e->d_name, ".yaml"))
            names[n++] = stem_of(L->a, e->d_name);
    closedir(dir);
    for (int i = 1; i < n; i++) /* a handful of names: insertion sort */
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    char buf[1024];
    word_list(buf, sizeof buf, names, n, ", ");
    return n ? arena_strdup(L->a, buf) : "none";
}

/* Where a layout name or path leads: a name is DATA/layouts/NAME.yaml; a
 * path is relative to rel_dir (the extending file's folder), or as given. */
static char *resolve(struct loader *L, const char *name, const char *rel_dir)
{
    if (!is_path(name))
        return join(L->a, join(L->a, L->data_dir, "layouts"), arena_printf(L->a, "%s.yaml", name));
    if (name[0] == '/' || !rel_dir)
        return arena_strdup(L->a, name);
    return join(L->a, rel_dir, name);
}

static void load_file(struct loader *L, const char *path, const struct ynode *from, const char *from_name);

/* Loads and applies what an `extends:` value names. */
static void apply_extends(struct loader *L, const struct ynode *v)
{
    const char *s = scalar(L, v, "extends");
    if (!s)
        return;
    if (!*s) {
        err(L, v, "extends is empty; give a layout name such as a4");
        return;
    }
    load_file(L, resolve(L, s, dir_of(L->a, L->file)), v, s);
}

static void apply_root(struct loader *L, const struct ynode *root, const char *path)
{
    struct layout *l = L->l;
    if (root && !is_null(root) && root->kind != Y_MAP) {
        err(L, root, "a layout is a mapping of keys (paper: A4, ...), not %s", kind_name(root));
        return;
    }
    if (root && root->kind == Y_MAP)
        FOR_EACH_PAIR(root, k, v) {
            if (k->kind == Y_SCALAR && strcmp(k->text, "extends") == 0) {
                apply_extends(L, v);
                break;
            }
        }
    l->name = stem_of(L->a, path);
    if (!root || root->kind != Y_MAP)
        return;
    struct keyset ks = {"at the top level", top_keys, K_COUNT, {0}};
    FOR_EACH_PAIR(root, k, v) {
        int key = key_index(L, &ks, k);
        if (key >= 0)
            apply_key(L, key, v);
    }
}

/* Reads path and applies it (its parent first). from is the `extends`
 * value that named it (NULL for the outermost file), from_name its text. */
static void load_file(struct loader *L, const char *path, const struct ynode *from, const char *from_name)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        if (from && e == ENOENT && !is_path(from_name))
            err(L, from, "extends '%s': no such layout (looked for %s); available: %s", from_name, path,
                available(L));
        else if (from)
            err(L, from, "extends '%s': cannot open %s: %s", from_name, path, strerror(e));
        else if (e == ENOENT && !is_path(from_name))
            err_file(L, NULL, "no layout named '%s' (looked for %s); available: %s", from_name, path, available(L));
        else
            err_file(L, path, "cannot open layout: %s", strerror(e));
        return;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        if (from)
            err(L, from, "extends '%s': %s is not a file", from_name, path);
        else
            err_file(L, path, "not a layout file");
        return;
    }
    if (st.st_size > MAX_FILE_BYTES) {
        fclose(f);
        err_file(L, path, "layout file is %lld bytes; a layout may be at most 1 MB", (long long)st.st_size);
        return;
    }
    char *real = realpath(path, NULL);
    if (!real) {
        fclose(f);
        err_file(L, path, "cannot resolve path: %s", strerror(errno));
        return;
    }
    for (int i = 0; i < L->depth; i++) {
        if (strcmp(L->real[i], real) != 0)
            continue;
        char chain[600];
        size_t n = 0;
        chain[0] = '\0';
        for (int j = i; j < L->depth && n < sizeof chain; j++)
            n += (size_t)snprintf(chain + n, sizeof chain - n, "%s -> ", L->shown[j]);
        if (n < sizeof chain)
            snprintf(chain + n, sizeof chain - n, "%s", path);
        err(L, from, "extends '%s' forms a cycle: %s", from_name, chain);
        free(real);
        fclose(f);
        return;
    }
    if (L->depth > MAX_EXTENDS) {
        err(L, from, "extends '%s': more than %d layouts extend one another", from_name, MAX_EXTENDS);
        free(real);
        fclose(f);
        return;
    }
    char *text = malloc((size_t)MAX_FILE_BYTES + 1);
    size_t len = text ? fread(text, 1, (size_t)MAX_FILE_BYTES + 1, f) : 0;
    bool read_error = !text || ferror(f);
    fclose(f);
    if (read_error || len > MAX_FILE_BYTES) {
        if (read_error)
            err_file(L, path, "cannot read layout: %s", text ? strerror(errno) : "out of memory");
        else
            err_file(L, path, "layout file is over 1 MB; a layout may be at most 1 MB");
        free(text);
        free(real);
        return;
    }

    const char *outer_file = L->file;
    L->file = arena_strdup(L->a, path);
    L->real[L->depth] = real;
    L->shown[L->depth] = L->file;
    L->depth++;
    struct arena *tree = arena_new();
    bool ok = false;
    struct ynode *root = tree ? parse_tree(L, text, len, tree, &ok) : NULL;
    if (!tree)
        err_file(L, path, "out of memory");
    free(text);
    if (ok)
        apply_root(L, root, path);
    arena_free(tree);
    L->depth--;
    free(real);
    L->file = outer_file;
}

/* Settles what depends on the whole chain: orientation, the sheet, and the
 * checks that need the final paper and margins. */
static void finish(struct loader *L)
{
    struct layout *l = L->l;
    double t;
    if ((L->orientation == O_LANDSCAPE && l->paper_w < l->paper_h) ||
        (L->orientation == O_PORTRAIT && l->paper_w > l->paper_h))
        t = l->paper_w, l->paper_w = l->paper_h, l->paper_h = t;

    if (l->impose == IMPOSE_NONE) {
        if (L->sheet_set)
            err_at(L, DIAG_WARNING, &L->sheet_at, "sheet has no effect without impose: trifold or saddle");
        l->sheet_w = l->paper_w;
        l->sheet_h = l->paper_h;
    } else {
        int across = l->impose == IMPOSE_TRIFOLD ? 3 : 2;
        if (!L->sheet_set) {
            l->sheet_w = across * l->paper_w;
            l->sheet_h = l->paper_h;
        }
        if ((L->sheet_orientation == O_LANDSCAPE && l->sheet_w < l->sheet_h) ||
            (L->sheet_orientation == O_PORTRAIT && l->sheet_w > l->sheet_h))
            t = l->sheet_w, l->sheet_w = l->sheet_h, l->sheet_h = t;
        if (across * l->paper_w > l->sheet_w + 0.5 || l->paper_h > l->sheet_h + 0.5) {
            char page[64], sheet[64];
            layout_paper_name(l->paper_w, l->paper_h, page, sizeof page);
            layout_paper_name(l->sheet_w, l->sheet_h, sheet, sizeof sheet);
            bool rotated_fits = across * l->paper_w <= l->sheet_h + 0.5 && l->paper_h <= l->sheet_w + 0.5;
            err_at(L, DIAG_ERROR, L->sheet_at.line ? &L->sheet_at : &L->impose_at,
                   "impose: %s puts %d pages of %s side by side (%.4g x %.4g mm), which do not fit on a sheet "
                   "of %s%s",
                   impositions[l->impose], across, page, TO_MM(across * l->paper_w), TO_MM(l->paper_h), sheet,
                   rotated_fits ? "; add sheet_orientation: landscape" : "");
        }
        if (l->impose == IMPOSE_TRIFOLD) {
            if (l->max_pages == 0)
                l->max_pages = 6;
            else if (l->max_pages > 6)
                err_at(L, DIAG_ERROR, &L->max_pages_at, "a tri-fold has 6 panels; max_pages must be at most 6, not %d",
                       l->max_pages);
        }
    }

    /* Reported at the margins when a file set them, else at the paper. */
    const struct where *m = L->margins_at.line ? &L->margins_at : &L->paper_at;
    double w = l->paper_w, h = l->paper_h;
    bool room = true;
    if (l->margin_left + l->margin_right >= w) {
        err_at(L, DIAG_ERROR, m,
               "margins are larger than the paper: left %.4g mm + right %.4g mm leave no room on paper %.4g mm wide",
               TO_MM(l->margin_left), TO_MM(l->margin_right), TO_MM(w));
        room = false;
    }
    if (l->margin_top + l->margin_bottom >= h) {
        err_at(L, DIAG_ERROR, m,
               "margins are larger than the paper: top %.4g mm + bottom %.4g mm leave no room on paper %.4g mm high",
               TO_MM(l->margin_top), TO_MM(l->margin_bottom), TO_MM(h));
        room = false;
    }
    int columns = L->large_print ? 1 : l->columns;
    double inner = w - l->margin_left - l->margin_right;
    double col = (inner - (columns - 1) * l->gutter) / columns;
    if (room && col < MIN_COLUMN_PT - 0.01) {
        const struct where *c = L->columns_at.line ? &L->columns_at : L->gutter_at.line ? &L->gutter_at : m;
        if (columns == 1)
            err_at(L, DIAG_ERROR, m, "the margins leave %.4g mm for text; a column needs at least %.4g mm",
                   TO_MM(col), TO_MM(MIN_COLUMN_PT));
        else
            err_at(L, DIAG_ERROR, c,
                   "%d columns with gutters of %.4g mm are %.4g mm wide; a column needs at least %.4g mm",
                   columns, TO_MM(l->gutter), TO_MM(col), TO_MM(MIN_COLUMN_PT));
    }
    if (L->margins_at.line) {
        double least = l->margin_top;
        if (l->margin_right < least)
            least = l->margin_right;
        if (l->margin_bottom < least)
            least = l->margin_bottom;
        if (l->margin_left < least)
            least = l->margin_left;
        if (least < EDGE_PT - 0.01)
            err_at(L, DIAG_WARNING, &L->margins_at,
                   "a margin of %.4g mm puts text within 5 mm of the paper edge, where most printers cannot print",
                   TO_MM(least));
    }
    bool has_footer = (l->footer_left && *l->footer_left) || (l->footer_right && *l->footer_right);
    if (room && has_footer) {
        double base = l->margin_bottom - l->footer_gap;
        if (base < FOOTER_MIN_BASELINE)
            base = FOOTER_MIN_BASELINE;
        double size = l->style[EL_FOOTER].size;
        if (L->large_print && size < 16)
            size = 16;
        if (base + size > l->margin_bottom + 0.01) {
            const struct where *at = L->footer_gap_at.line ? &L->footer_gap_at : m;
            err_at(L, DIAG_WARNING, at,
                   "the footer (%.4g pt, baseline %.4g mm from the edge) runs into the text above it; make the "
                   "bottom margin at least %.4g mm, or set footer: {left: \"\", right: \"\"}",
                   size, TO_MM(base), TO_MM(base + size) + 1);
        }
    }
    if (L->large_print)
        layout_apply_large_print(l);
}

int layout_load(struct layout *l, const char *name_or_path, const char *data_dir, struct arena *a, struct diag *d)
{
    if (!data_dir || !*data_dir)
        data_dir = ".";
    struct loader L = {.l = l, .data_dir = data_dir, .a = a, .d = d};
    L.fonts_dir = join(a, data_dir, "fonts");
    layout_default(l, L.fonts_dir, a);
    if (!name_or_path || !*name_or_path) {
        err_file(&L, NULL, "no layout given; use a name such as a4 or a path to a .yaml file");
        return -1;
    }
    const char *path = resolve(&L, name_or_path, NULL);
    load_file(&L, path, NULL, name_or_path);
    if (L.errors == 0) {
        L.file = arena_strdup(a, path);
        l->file = L.file;
        finish(&L);
    }
    if (arena_failed(a) && L.errors == 0)
        err_file(&L, NULL, "out of memory loading layout %s", name_or_path);
    return L.errors ? -1 : 0;
}

static int by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

int layout_list(const char *data_dir, FILE *out, struct arena *a, struct diag *d)
{
    if (!data_dir || !*data_dir)
        data_dir = ".";
    const char *folder = join(a, data_dir, "layouts");
    DIR *dir = opendir(folder);
    if (!dir) {
        diag_add(d, DIAG_ERROR, folder, 0, 0, "cannot list layouts: %s", strerror(errno));
        return -1;
    }
    char **names = NULL;
    int n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        if (e->d_name[0] == '.' || !ends_with(e->d_name, ".yaml"))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(names, (size_t)cap * sizeof *names);
            if (!grown)
                break;
            names = grown;
        }
        names[n++] = stem_of(a, e->d_name);
    }
    closedir(dir);
    if (n > 0)
        qsort(names, (size_t)n, sizeof *names, by_name);
    const char **paper = arena_alloc(a, sizeof *paper * (size_t)(n + 1));
    const char **desc = arena_alloc(a, sizeof *desc * (size_t)(n + 1));
    int name_w = 4, paper_w = 5;
    for (int i = 0; i < n; i++) {
        struct layout l;
        struct diag ld = {0};
        char buf[64], sheet[64];
        if (layout_load(&l, join(a, folder, arena_printf(a, "%s.yaml", names[i])), data_dir, a, &ld) == 0) {
            layout_paper_name(l.paper_w, l.paper_h, buf, sizeof buf);
            if (l.impose != IMPOSE_NONE)
                paper[i] = arena_printf(a, "%s on %s", buf,
                                        layout_paper_name(l.sheet_w, l.sheet_h, sheet, sizeof sheet));
            else
                paper[i] = arena_strdup(a, buf);
            desc[i] = l.description ? l.description : "";
        } else {
            paper[i] = "?";
            desc[i] = "(has errors: see below)";
        }
        diag_move(d, &ld);
        if ((int)strlen(names[i]) > name_w)
            name_w = (int)strlen(names[i]);
        if ((int)strlen(paper[i]) > paper_w)
            paper_w = (int)strlen(paper[i]);
    }
    for (int i = 0; i < n; i++)
        fprintf(out, "%-*s  %-*s  %s\n", name_w, names[i], paper_w, paper[i], desc[i]);
    free(names);
    return n;
}
