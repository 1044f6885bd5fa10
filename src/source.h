/* source: one Markdown topic file -> front matter + cmark-gfm tree. */
#ifndef HANDOUT_SOURCE_H
#define HANDOUT_SOURCE_H
#include <stdbool.h>
#include <stddef.h>

struct arena;
struct diag;
struct cmark_node;

struct topic_meta {
    const char *title, *subtitle, *id, *version, *published, *review;
    const char *author, *lang, *contact;
    const char **keywords;
    int keyword_count;
    int order;          /* place in a booklet; 0 when not given */
    bool has_order;
};

struct topic {
    const char *path;   /* as given; used in diagnostics */
    const char *name;   /* file name without folder and .md */
    const char *dir;    /* folder of the file: images are relative to it */
    struct topic_meta meta;
    /* In an arena of its own (tree), until source_free. Read-only: a change
     * would allocate from the heap, and nothing would free that. Nothing
     * made from the topic may point into it: typesetting copies what it
     * keeps. */
    struct cmark_node *doc;
    struct arena *tree;
    int line_offset;    /* file line = cmark line + line_offset */
};

/* Registers the cmark-gfm extensions (not thread-safe in cmark-gfm): call
 * once before topics are parsed on several threads. source_parse calls it
 * too, for single-threaded use. */
void source_init(void);

/* Reads and parses a file. Returns 0, or -1 with errors in d. */
int source_load(struct topic *t, const char *path, struct arena *a, struct diag *d);
/* The same for text already in memory (len bytes; need not end in NUL). */
int source_parse(struct topic *t, const char *path, const char *text, size_t len,
                 struct arena *a, struct diag *d);
/* Frees the tree (doc); the rest of the topic is in the arena given to
 * source_parse. Call it as soon as the topic is set: a booklet's trees
 * would otherwise all be in memory at once. Safe to call twice. */
void source_free(struct topic *t);
/* Frees the memory this thread keeps for the next tree (other threads'
 * goes when they end): for a leak checker at exit. */
void source_release(void);
/* Line in the file of a node of t->doc. */
int source_line(const struct topic *t, struct cmark_node *n);

#endif
