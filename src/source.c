#include "source.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "arena.h"
#include "diag.h"

/* Refuses anything that is not UTF-8, naming the line and the byte: a Word
 * file or a Latin-1 export must not turn into silent garbage. */
static int check_utf8(const char *path, const unsigned char *s, size_t len, struct diag *d)
{
    if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        diag_add(d, DIAG_ERROR, path, 1, 1, "file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8");
        return -1;
    }
    int line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < len;) {
        unsigned c = s[i];
        int col = (int)(i - line_start) + 1;
        if (c == '\n') {
            line++;
            line_start = ++i;
            continue;
        }
        if (c == 0) {
            diag_add(d, DIAG_ERROR, path, line, col, "NUL byte (0x00): this is not a text file");
            return -1;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
        uint32_t cp = n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
        bool ok = n > 0 && i + (size_t)n < len + 1 && i + (size_t)n <= len;
        for (int k = 1; ok && k <= n; k++) {
            if (i + (size_t)k >= len || (s[i + k] & 0xC0) != 0x80)
                ok = false;
            else
                cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
        if (ok && ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
                   (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF))
            ok = false;
        if (!ok) {
            diag_add(d, DIAG_ERROR, path, line, col,
                     "invalid UTF-8 byte 0x%02X; save the file as UTF-8", c);
            return -1;
        }
        i += (size_t)n + 1;
    }
    return 0;
}

static bool is_date(const char *s)
{
    int y, m, dd;
    char end;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &dd, &end) != 3 || s[4] != '-' || s[7] != '-')
        return false;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || dd < 1 || dd > days[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && dd == 29 && !leap);
}

struct fm_key {
    const char *name;
    size_t offset;   /* of a const char * in struct topic_meta */
    bool date;
};

static const struct fm_key fm_keys[] = {
    {"title", offsetof(struct topic_meta, title), false},
    {"subtitle", offsetof(struct topic_meta, subtitle), false},
    {"id", offsetof(struct topic_meta, id), false},
    {"version", offsetof(struct topic_meta, version), false},
    {"published", offsetof(struct topic_meta, published), true},
    {"review", offsetof(struct topic_meta, review), true},
    {"author", offsetof(struct topic_meta, author), false},
    {"lang", offsetof(struct topic_meta, lang), false},
    {"contact", offsetof(struct topic_meta, contact), false},
};

struct fm_parser {
    yaml_parser_t yaml;
    const char *path;
    int first_line; /* file line of the YAML text's first line */
    struct arena *a;
    struct diag *d;
};

static void fm_error(struct fm_parser *p, yaml_mark_t m, const char *msg, const char *arg)
{
    diag_add(p->d, DIAG_ERROR, p->path, (int)m.line + p->first_line, (int)m.column + 1, msg, arg);
}

static int fm_next(struct fm_parser *p, yaml_event_t *ev)
{
    if (yaml_parser_parse(&p->yaml, ev))
        return 0;
    const char *problem = p->yaml.problem ? p->yaml.problem : "invalid YAML";
    if (p->yaml.context)
        diag_add(p->d, DIAG_ERROR, p->path, (int)p->yaml.problem_mark.line + p->first_line,
                 (int)p->yaml.problem_mark.column + 1, "front matter: %s %s (from line %d)", problem,
                 p->yaml.context, (int)p->yaml.context_mark.line + p->first_line);
    else
        fm_error(p, p->yaml.problem_mark, "front matter: %s", problem);
    return -1;
}

/* Reads a value that must be a plain string. */
static const char *fm_scalar(struct fm_parser *p, yaml_event_t *ev, const char *key)
{
    if (ev->type == YAML_SCALAR_EVENT)
        return arena_strndup(p->a, (const char *)ev->data.scalar.value, ev->data.scalar.length);
    if (ev->type == YAML_ALIAS_EVENT)
        fm_error(p, ev->start_mark, "front matter: '%s': aliases (*name) are not allowed", key);
    else
        fm_error(p, ev->start_mark, "front matter: '%s' must be a single text value", key);
    return NULL;
}

static int fm_keywords(struct fm_parser *p, yaml_event_t *ev, struct topic_meta *m)
{
    if (ev->type == YAML_SCALAR_EVENT) { /* "a, b, c" is fine too */
        m->keywords = arena_alloc(p->a, sizeof *m->keywords);
        m->keywords[0] = fm_scalar(p, ev, "keywords");
        m->keyword_count = 1;
        return 0;
    }
    if (ev->type != YAML_SEQUENCE_START_EVENT) {
        fm_error(p, ev->start_mark, "front matter: '%s' must be a list of words", "keywords");
        return -1;
    }
    int cap = 8;
    m->keywords = arena_alloc(p->a, (size_t)cap * sizeof *m->keywords);
    for (;;) {
        yaml_event_t item;
        if (fm_next(p, &item))
            return -1;
        if (item.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&item);
            return 0;
        }
        const char *s = fm_scalar(p, &item, "keywords");
        yaml_event_delete(&item);
        if (!s)
            return -1;
        if (m->keyword_count == cap) {
            const char **grown = arena_alloc(p->a, (size_t)cap * 2 * sizeof *grown);
            memcpy(grown, m->keywords, (size_t)cap * sizeof *grown);
            m->keywords = grown;
            cap *= 2;
        }
        m->keywords[m->keyword_count++] = s;
    }
}

static int fm_value(struct fm_parser *p, const char *key, yaml_mark_t key_mark, yaml_event_t *ev,
                    struct topic_meta *m)
{
    if (strcmp(key, "keywords") == 0)
        return fm_keywords(p, ev, m);
    if (strcmp(key, "order") == 0) {
        const char *s = fm_scalar(p, ev, key);
        char *end;
        if (!s)
            return -1;
        long v = strtol(s, &end, 10);
        if (*s == '\0' || *end != '\0' || v < -1000000 || v > 1000000) {
            fm_error(p, ev->start_mark, "front matter: 'order' must be a whole number, not '%s'", s);
            return -1;
        }
        m->order = (int)v;
        m->has_order = true;
        return 0;
    }
    for (size_t i = 0; i < sizeof fm_keys / sizeof fm_keys[0]; i++) {
        if (strcmp(key, fm_keys[i].name) != 0)
            continue;
        const char *s = fm_scalar(p, ev, key);
        if (!s)
            return -1;
        if (fm_keys[i].date && !is_date(s)) {
            diag_add(p->d, DIAG_ERROR, p->path, (int)ev->start_mark.line + p->first_line,
                     (int)ev->start_mark.column + 1,
                     "front matter: '%s' must be a date written YYYY-MM-DD, not '%s'", key, s);
            return -1;
        }
        *(const char **)((char *)m + fm_keys[i].offset) = s;
        return 0;
    }
    /* Unknown key: warn, skip its value whatever its shape. */
    diag_add(p->d, DIAG_WARNING, p->path, (int)key_mark.line + p->first_line, (int)key_mark.column + 1,
             "front matter: unknown key '%s' ignored", key);
    int depth = 0;
    yaml_event_t skip = *ev;
    for (;;) {
        if (skip.type == YAML_ALIAS_EVENT) { /* refuse a "billion laughs" bomb here too */
            fm_error(p, skip.start_mark, "front matter: '%s': aliases (*name) are not allowed", key);
            if (skip.type != ev->type || skip.start_mark.index != ev->start_mark.index)
                yaml_event_delete(&skip);
            return -1;
        }
        if (skip.type == YAML_SEQUENCE_START_EVENT || skip.type == YAML_MAPPING_START_EVENT)
            depth++;
        if (skip.type == YAML_SEQUENCE_END_EVENT || skip.type == YAML_MAPPING_END_EVENT)
            depth--;
        if (skip.type != ev->type || skip.start_mark.index != ev->start_mark.index)
            yaml_event_delete(&skip);
        if (depth == 0)
            return 0;
        if (fm_next(p, &skip))
            return -1;
    }
}

static int fm_parse(struct fm_parser *p, struct topic_meta *m)
{
    yaml_event_t ev;
    int status = 0;
    const char *seen[64];
    int nseen = 0;
    bool in_map = false, done = false;
    while (!done && status == 0) {
        if (fm_next(p, &ev))
            return -1;
        switch (ev.type) {
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_START_EVENT:
            break;
        case YAML_MAPPING_START_EVENT:
            if (in_map) {
                fm_error(p, ev.start_mark, "front matter: %s", "a key must be a plain word");
                status = -1;
            }
            in_map = true;
            break;
        case YAML_MAPPING_END_EVENT:
        case YAML_STREAM_END_EVENT:
        case YAML_DOCUMENT_END_EVENT:
            done = true;
            break;
        case YAML_SCALAR_EVENT:
            if (!in_map) {
                fm_error(p, ev.start_mark, "front matter: %s", "must be a list of 'key: value' lines");
                status = -1;
                break;
            } else {
                const char *key = arena_strndup(p->a, (const char *)ev.data.scalar.value, ev.data.scalar.length);
                yaml_mark_t key_mark = ev.start_mark;
                for (int i = 0; i < nseen; i++)
                    if (strcmp(seen[i], key) == 0) {
                        fm_error(p, key_mark, "front matter: key '%s' is given twice", key);
                        status = -1;
                    }
                if (nseen < 64)
                    seen[nseen++] = key;
                yaml_event_t val;
                if (status == 0 && fm_next(p, &val) == 0) {
                    status = fm_value(p, key, key_mark, &val, m);
                    yaml_event_delete(&val);
                } else {
                    status = -1;
                }
            }
            break;
        case YAML_ALIAS_EVENT:
            fm_error(p, ev.start_mark, "front matter: %s", "aliases (*name) are not allowed");
            status = -1;
            break;
        default:
            fm_error(p, ev.start_mark, "front matter: %s", "must be a list of 'key: value' lines");
            status = -1;
            break;
        }
        yaml_event_delete(&ev);
    }
    return status;
}

/* Splits off the front matter: a first line "---" up to a line "---" or "...". */
static int split_front_matter(const char *text, size_t len, size_t *fm_start, size_t *fm_end,
                              size_t *body_start, int *body_line)
{
    *body_start = 0;
    *body_line = 0;
    if (len < 3 || strncmp(text, "---", 3) != 0)
        return 0;
    size_t i = 3;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
        i++;
    if (i < len && text[i] != '\n')
        return 0;
    *fm_start = i < len ? i + 1 : len;
    int line = 2;
    for (size_t s = *fm_start; s < len; line++) {
        const char *nl = memchr(text + s, '\n', len - s);
        size_t e = nl ? (size_t)(nl - text) : len;
        size_t n = e - s;
        while (n > 0 && (text[s + n - 1] == ' ' || text[s + n - 1] == '\t' || text[s + n - 1] == '\r'))
            n--;
        if (n == 3 && (strncmp(text + s, "---", 3) == 0 || strncmp(text + s, "...", 3) == 0)) {
            *fm_end = s;
            *body_start = nl ? e + 1 : len;
            *body_line = line;
            return 1;
        }
        s = nl ? e + 1 : len;
    }
    return -1;
}

static const char *base_name(struct arena *a, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    size_t n = strlen(b);
    if (n > 3 && strcmp(b + n - 3, ".md") == 0)
        n -= 3;
    return arena_strndup(a, b, n);
}

/* cmark-gfm keeps the extensions' special characters in one table for the
 * whole process, adding them when its inline pass starts and removing them
 * when it ends (github/cmark-gfm#221, process_inlines, which runs inside
 * cmark_parser_finish): two inline passes at once lose autolinks and
 * strikethrough at random. So one finish runs at a time; reading the blocks
 * (cmark_parser_feed) touches no such table and runs in parallel. The only
 * process-wide state in src/, for that reason (parse_arena below is the
 * thread's own). */
static pthread_mutex_t cmark_parse_lock = PTHREAD_MUTEX_INITIALIZER;

void source_init(void)
{
    cmark_gfm_core_extensions_ensure_registered();
}

/* cmark-gfm allocates the tree from the topic's arena: no malloc and free
 * for every node and string, and no walk over the tree to free it, since
 * it goes with the arena (50-topic booklet, -j 1: 289 M instructions in
 * all before, 279 M after; source_load 39.7 M -> 33.9 M, source_free
 * 3.2 M -> 0). cmark's callbacks get no context, so they use the arena
 * this thread is parsing into: each thread parses a topic of its own into
 * an arena of its own, and nothing else touches that arena meanwhile.
 * Outside a parse (cmark_iter_new while typesetting) they use the heap. A
 * header before each block records its size, for realloc, and where it
 * came from, for free. */
static _Thread_local struct arena *parse_arena;

struct cmark_block {
    alignas(max_align_t) size_t size;
    struct arena *arena; /* NULL: from the heap */
};

/* NULL when out of memory, which cmark does not survive with any allocator
 * (its own aborts). */
static void *mem_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / 2 / size)
        return NULL;
    struct arena *a = parse_arena;
    size_t total = sizeof(struct cmark_block) + n * size;
    struct cmark_block *b = a ? arena_alloc(a, total) : calloc(1, total);
    if (!b || (a && arena_failed(a)))
        return NULL;
    b->size = n * size;
    b->arena = a;
    return b + 1;
}

/* An arena block stays until the arena goes. What cmark frees while it
 * parses is not reused: mostly text nodes merged into their neighbour at
 * the end of cmark_parser_finish, ~40% of the bytes it allocates. Peak
 * memory of a booklet, whose topics are all loaded at once: 17.3 -> 18.5
 * MiB for 50 topics, 103 -> 115 MiB for 500. */
static void mem_free(void *p)
{
    struct cmark_block *b = p ? (struct cmark_block *)p - 1 : NULL;
    if (b && !b->arena)
        free(b);
}

/* cmark_strbuf grows by realloc, 1.5 times at a time; the arena's last
 * allocation grows in place, which is nearly always the case here. */
static void *mem_realloc(void *p, size_t size)
{
    struct cmark_block *b = p ? (struct cmark_block *)p - 1 : NULL;
    if (b && b->arena && b->arena == parse_arena && size < SIZE_MAX / 2) {
        b = arena_realloc(b->arena, b, sizeof *b + b->size, sizeof *b + size);
        if (arena_failed(parse_arena))
            return NULL;
        b->size = size;
        return b + 1;
    }
    void *q = mem_calloc(1, size); /* from the heap, or from another arena */
    if (q && b) {
        memcpy(q, p, b->size < size ? b->size : size);
        mem_free(p);
    }
    return q;
}

static cmark_mem arena_mem = {mem_calloc, mem_realloc, mem_free};

/* cmark copies a node's text into a string of its own the first time it is
 * asked for it: ask now, while the arena is this thread's, so that reading
 * the tree later allocates nothing. */
static void own_strings(cmark_node *root)
{
    for (cmark_node *n = root; n;) {
        cmark_node_get_literal(n);
        cmark_node_get_url(n);
        cmark_node_get_title(n);
        cmark_node_get_fence_info(n);
        if (cmark_node_first_child(n)) {
            n = cmark_node_first_child(n);
            continue;
        }
        while (n != root && !cmark_node_next(n))
            n = cmark_node_parent(n);
        n = n == root ? NULL : cmark_node_next(n);
    }
}

/* The tree has an arena of its own: it is needed only until the topic is
 * set. source_free keeps the arena of the last tree on each thread, emptied,
 * for the next topic parsed there: the memory is touched once per thread,
 * and the topics' own arenas, which stay, get fresh memory of which they
 * touch only what they use (50-topic booklet: 2,084 -> 1,900 page faults; a
 * fresh page costs ~10 us here). The spare goes when its thread ends. */
static pthread_key_t spare_key;
static int spare_key_ok;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_free(void *a)
{
    arena_free(a);
}

static void spare_key_make(void)
{
    spare_key_ok = pthread_key_create(&spare_key, spare_free) == 0;
}

static struct arena *tree_arena(void)
{
    pthread_once(&spare_once, spare_key_make);
    struct arena *a = spare_key_ok ? pthread_getspecific(spare_key) : NULL;
    if (a) {
        pthread_setspecific(spare_key, NULL);
        return a;
    }
    return arena_new();
}

int source_parse(struct topic *t, const char *path, const char *text, size_t len,
                 struct arena *a, struct diag *d)
{
    memset(t, 0, sizeof *t);
    t->path = arena_strdup(a, path);
    t->name = base_name(a, path);
    const char *slash = strrchr(path, '/');
    t->dir = slash ? arena_strndup(a, path, (size_t)(slash - path)) : ".";
    t->meta.lang = "en-GB";

    if (check_utf8(path, (const unsigned char *)text, len, d))
        return -1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) { /* a UTF-8 BOM is harmless */
        text += 3;
        len -= 3;
    }

    size_t fm_start = 0, fm_end = 0, body_start;
    int body_line;
    int has_fm = split_front_matter(text, len, &fm_start, &fm_end, &body_start, &body_line);
    if (has_fm < 0) {
        diag_add(d, DIAG_ERROR, path, 1, 1, "front matter starts with '---' but has no closing '---' line");
        return -1;
    }
    if (has_fm > 0) {
        struct fm_parser p = {.path = path, .first_line = 2, .a = a, .d = d};
        yaml_parser_initialize(&p.yaml);
        yaml_parser_set_input_string(&p.yaml, (const unsigned char *)text + fm_start, fm_end - fm_start);
        int status = fm_parse(&p, &t->meta);
        yaml_parser_delete(&p.yaml);
        if (status)
            return -1;
    }
    if (!t->meta.title || !*t->meta.title) {
        diag_add(d, DIAG_ERROR, path, 1, 1, "front matter: 'title' is required (add a line 'title: ...' between '---' lines at the top)");
        return -1;
    }

    source_init();
    if (!(t->tree = tree_arena())) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "out of memory parsing Markdown");
        return -1;
    }
    struct arena *outer = parse_arena;
    parse_arena = t->tree;
    cmark_parser *parser = cmark_parser_new_with_mem(CMARK_OPT_SMART | CMARK_OPT_FOOTNOTES, &arena_mem);
    static const char *const exts[] = {"table", "strikethrough", "autolink", "tasklist"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
        if (e)
            cmark_parser_attach_syntax_extension(parser, e);
    }
    cmark_parser_feed(parser, text + body_start, len - body_start);
    pthread_mutex_lock(&cmark_parse_lock);
    t->doc = cmark_parser_finish(parser);
    pthread_mutex_unlock(&cmark_parse_lock);
    cmark_parser_free(parser);
    if (t->doc)
        own_strings(t->doc);
    parse_arena = outer;
    t->line_offset = body_line;
    if (!t->doc) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "out of memory parsing Markdown");
        source_free(t);
        return -1;
    }
    return 0;
}

int source_load(struct topic *t, const char *path, struct arena *a, struct diag *d)
{
    memset(t, 0, sizeof *t);
    /* O_NONBLOCK: a FIFO named x.md must be refused, not waited on forever. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st = {0};
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "cannot open: %s",
                 S_ISDIR(st.st_mode) ? "it is a folder" : "not a regular file (a FIFO, socket or device)");
        close(fd);
        return -1;
    }
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "cannot open: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    for (size_t n; buf && (n = fread(buf + len, 1, cap - len, f)) > 0;) {
        len += n;
        if (len == cap) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown) {
                free(buf);
                buf = NULL;
            }
            buf = grown;
        }
    }
    int err = ferror(f) ? errno : 0;
    fclose(f);
    if (!buf || err) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "cannot read: %s", buf ? strerror(err) : "out of memory");
        free(buf);
        return -1;
    }
    int status = source_parse(t, path, buf, len, a, d);
    free(buf);
    return status;
}

void source_free(struct topic *t)
{
    if (t->tree) {
        pthread_once(&spare_once, spare_key_make);
        if (spare_key_ok && !pthread_getspecific(spare_key) && pthread_setspecific(spare_key, t->tree) == 0)
            arena_reset(t->tree);
        else
            arena_free(t->tree);
    }
    t->tree = NULL;
    t->doc = NULL;
}

void source_release(void)
{
    pthread_once(&spare_once, spare_key_make);
    if (spare_key_ok) {
        arena_free(pthread_getspecific(spare_key));
        pthread_setspecific(spare_key, NULL);
    }
}

int source_line(const struct topic *t, struct cmark_node *n)
{
    return cmark_node_get_start_line(n) + t->line_offset;
}
