#include "manifest.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "arena.h"
#include "diag.h"

struct reader {
    yaml_parser_t yaml;
    const char *path;
    struct arena *a;
    struct diag *d;
    const char *dir;
};

static void error_at(struct reader *r, yaml_mark_t m, const char *fmt, const char *arg)
{
    diag_add(r->d, DIAG_ERROR, r->path, (int)m.line + 1, (int)m.column + 1, fmt, arg);
}

static int next(struct reader *r, yaml_event_t *ev)
{
    if (yaml_parser_parse(&r->yaml, ev)) {
        if (ev->type == YAML_ALIAS_EVENT) {
            error_at(r, ev->start_mark, "%s", "aliases (*name) are not allowed");
            yaml_event_delete(ev);
            return -1;
        }
        return 0;
    }
    error_at(r, r->yaml.problem_mark, "%s", r->yaml.problem ? r->yaml.problem : "invalid YAML");
    return -1;
}

static const char *resolve(struct reader *r, const char *p)
{
    return p[0] == '/' ? p : arena_printf(r->a, "%s/%s", r->dir, p);
}

static const char *scalar(struct reader *r, yaml_event_t *ev, const char *key)
{
    if (ev->type == YAML_SCALAR_EVENT)
        return arena_strndup(r->a, (const char *)ev->data.scalar.value, ev->data.scalar.length);
    error_at(r, ev->start_mark, "'%s' must be a single text value", key);
    return NULL;
}

static int topics(struct reader *r, yaml_event_t *ev, struct manifest *m)
{
    if (ev->type != YAML_SEQUENCE_START_EVENT) {
        error_at(r, ev->start_mark, "%s", "'topics' must be a list of .md files");
        return -1;
    }
    int cap = 16;
    m->topics = arena_alloc(r->a, (size_t)cap * sizeof *m->topics);
    m->topic_lines = arena_alloc(r->a, (size_t)cap * sizeof *m->topic_lines);
    for (;;) {
        yaml_event_t item;
        if (next(r, &item))
            return -1;
        if (item.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&item);
            return 0;
        }
        const char *s = scalar(r, &item, "topics");
        int line = (int)item.start_mark.line + 1;
        yaml_event_delete(&item);
        if (!s)
            return -1;
        if (m->topic_count == cap) {
            const char **t = arena_alloc(r->a, (size_t)cap * 2 * sizeof *t);
            int *l = arena_alloc(r->a, (size_t)cap * 2 * sizeof *l);
            memcpy(t, m->topics, (size_t)cap * sizeof *t);
            memcpy(l, m->topic_lines, (size_t)cap * sizeof *l);
            m->topics = t, m->topic_lines = l, cap *= 2;
        }
        m->topic_lines[m->topic_count] = line;
        m->topics[m->topic_count++] = resolve(r, s);
    }
}

int manifest_load(struct manifest *m, const char *path, struct arena *a, struct diag *d)
{
    memset(m, 0, sizeof *m);
    m->path = path;
    FILE *f = fopen(path, "rb");
    if (!f) {
        diag_add(d, DIAG_ERROR, path, 0, 0, "cannot open the booklet manifest");
        return -1;
    }
    const char *slash = strrchr(path, '/');
    struct reader r = {.path = path, .a = a, .d = d,
                       .dir = slash ? arena_strndup(a, path, (size_t)(slash - path)) : "."};
    yaml_parser_initialize(&r.yaml);
    yaml_parser_set_input_file(&r.yaml, f);
    int status = 0, depth = 0;
    bool done = false;
    while (!done && status == 0) {
        yaml_event_t ev;
        if (next(&r, &ev)) {
            status = -1;
            break;
        }
        if (ev.type == YAML_MAPPING_START_EVENT) {
            if (depth++ > 0) {
                error_at(&r, ev.start_mark, "%s", "a key must be a plain word");
                status = -1;
            }
        } else if (ev.type == YAML_SCALAR_EVENT && depth == 1) {
            const char *key = arena_strndup(a, (const char *)ev.data.scalar.value, ev.data.scalar.length);
            yaml_mark_t km = ev.start_mark;
            yaml_event_t val;
            if (next(&r, &val)) {
                status = -1;
            } else {
                const char **slot = strcmp(key, "title") == 0 ? &m->title
                                    : strcmp(key, "subtitle") == 0 ? &m->subtitle
                                    : strcmp(key, "organisation") == 0 ? &m->organisation
                                    : strcmp(key, "date") == 0 ? &m->date
                                    : strcmp(key, "logo") == 0 ? &m->logo : NULL;
                if (strcmp(key, "topics") == 0) {
                    status = topics(&r, &val, m);
                } else if (slot) {
                    *slot = scalar(&r, &val, key);
                    if (!*slot)
                        status = -1;
                    else if (slot == &m->logo) {
                        *slot = resolve(&r, *slot);
                        m->logo_line = (int)val.start_mark.line + 1;
                    }
                } else {
                    error_at(&r, km, "unknown key '%s' (known: title, subtitle, organisation, date, logo, topics)", key);
                    status = -1;
                }
                yaml_event_delete(&val);
            }
        } else if (ev.type == YAML_STREAM_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
            done = true;
        } else if (ev.type != YAML_STREAM_START_EVENT && ev.type != YAML_DOCUMENT_START_EVENT) {
            error_at(&r, ev.start_mark, "%s", "the manifest must be a list of 'key: value' lines");
            status = -1;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&r.yaml);
    fclose(f);
    if (status == 0 && m->topic_count == 0) {
        diag_add(d, DIAG_ERROR, path, 1, 1, "the manifest lists no topics (add 'topics:' with a list of .md files)");
        status = -1;
    }
    return status;
}
