#include "booklet.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "layout.h"
#include "leaflet.h"
#include "paginate.h"
#include "source.h"
#include "typeset.h"

static int compare_topics(const void *pa, const void *pb)
{
    const struct topic *a = &((const struct booklet_topic *)pa)->topic, *b = &((const struct booklet_topic *)pb)->topic;
    int oa = a->meta.has_order ? a->meta.order : INT_MAX, ob = b->meta.has_order ? b->meta.order : INT_MAX;
    if (oa != ob)
        return oa < ob ? -1 : 1;
    return strcmp(a->name, b->name);
}

void booklet_sort(struct booklet_topic *topics, int n)
{
    qsort(topics, (size_t)n, sizeof *topics, compare_topics);
}

/* Moves pages [from, to) of src to the end of dst. */
static void append_pages(struct doc *dst, const struct doc *src, struct arena *a)
{
    int n = dst->page_count + src->page_count;
    struct page *pages = arena_alloc(a, (size_t)(n > 0 ? n : 1) * sizeof *pages);
    if (dst->page_count)
        memcpy(pages, dst->pages, (size_t)dst->page_count * sizeof *pages);
    if (src->page_count)
        memcpy(pages + dst->page_count, src->pages, (size_t)src->page_count * sizeof *pages);
    dst->pages = pages;
    dst->page_count = dst->page_cap = n;
}

/* Every topic in a booklet opens with its title, whatever the layout does
 * for a leaflet on its own (a tri-fold puts it on the cover). */
static struct layout with_titles(const struct layout *l)
{
    struct layout t = *l;
    t.show_title_block = true;
    return t;
}

int booklet_set_topic(struct booklet_topic *t, const struct layout *l, const struct fontset *fs,
                      const struct leaflet_options *o, struct arena *a, struct diag *d)
{
    struct layout lt = with_titles(l);
    struct typeset_options to = {o->line_breaking};
    return typeset_topic(&t->topic, &lt, fs, &to, a, d, &t->flow);
}

static void prepend_mark(struct arena *a, struct page *p, int level, const char *title, double y)
{
    struct page_mark *m = arena_alloc(a, sizeof *m);
    *m = (struct page_mark){.level = level, .title = title, .y = y, .next = p->marks};
    p->marks = m;
    if (!p->marks_tail)
        p->marks_tail = m;
}

int booklet_build(struct booklet_topic *topics, int n, const struct booklet_info *info,
                  const struct layout *l, const struct fontset *fs, const struct leaflet_options *o,
                  struct arena *a, struct diag *d, struct doc *out)
{
    memset(out, 0, sizeof *out);
    struct layout lt = with_titles(l);
    l = &lt;
    const double top = l->paper_h - l->margin_top;

    /* The topics first: their page numbers (1, 2, ... after the front
     * matter) do not depend on how long the contents turn out to be. */
    struct doc body = {0};
    int *start = arena_alloc(a, (size_t)(n + 1) * sizeof *start);
    for (int i = 0; i < n; i++) {
        if (l->double_sided && body.page_count % 2 == 1)
            paginate_blank(&body, l, a); /* each topic starts on a right-hand page */
        start[i] = body.page_count;
        paginate_flow(&body, &topics[i].flow, l, a);
        for (int p = start[i]; p < body.page_count; p++)
            for (struct page_mark *m = body.pages[p].marks; m; m = m->next)
                m->level += 2; /* booklet -> topic -> headings */
        prepend_mark(a, &body.pages[start[i]], 2, topics[i].topic.meta.title, top);
        paginate_header(&body, start[i] + 1, body.page_count, l, fs, topics[i].topic.meta.title, a, d);
    }
    start[n] = body.page_count;
    for (int i = 0; i < n; i++) {
        struct paginate_fields f = paginate_topic_fields(&topics[i].topic.meta, start[i], start[i + 1]);
        f.first_number = start[i] + 1;
        f.total = body.page_count;
        paginate_footers(&body, start[i], start[i + 1], l, fs, &f, a, d);
    }

    /* Front matter: cover, contents; an even count when double-sided. */
    struct typeset_cover cover = {.title = info->title, .subtitle = info->subtitle,
                                  .organisation = info->organisation, .date = info->date,
                                  .logo = info->logo, .logo_file = info->logo_file, .logo_line = info->logo_line};
    struct flow flow;
    if (typeset_cover(&cover, l, fs, a, d, &flow))
        return -1;
    paginate_flow(out, &flow, l, a);
    prepend_mark(a, &out->pages[0], 1, info->title, top);
    int contents_first = out->page_count;
    struct typeset_contents_entry *entries = arena_alloc(a, (size_t)(n > 0 ? n : 1) * sizeof *entries);
    for (int i = 0; i < n; i++)
        entries[i] = (struct typeset_contents_entry){topics[i].topic.meta.title, start[i] + 1, start[i]};
    if (typeset_contents(entries, n, "Contents", l, fs, a, d, &flow))
        return -1;
    paginate_flow(out, &flow, l, a);
    if (l->double_sided && out->page_count % 2 == 1)
        paginate_blank(out, l, a);
    int front = out->page_count;
    struct paginate_fields ff = {.first_number = contents_first + 1, .total = front, .roman = true,
                                 .left = "", .right = "{page}"};
    paginate_footers(out, contents_first, front, l, fs, &ff, a, d);
    /* Contents links point into the topics: shift them past the front matter. */
    for (int p = contents_first; p < front; p++)
        for (struct page_item *it = out->pages[p].items; it; it = it->next)
            if (it->kind == PAGE_LINK && !it->text)
                it->dest_page += front;
    append_pages(out, &body, a);

    out->label_count = 2;
    out->labels = arena_alloc(a, 2 * sizeof *out->labels);
    out->labels[0] = (struct page_label){0, LABEL_ROMAN_LOWER, 1};
    out->labels[1] = (struct page_label){front, LABEL_DECIMAL, 1};
    out->info.title = info->title;
    out->info.author = info->organisation;
    out->info.subject = info->subtitle;
    out->info.date = info->date;
    out->info.lang = n > 0 ? topics[0].topic.meta.lang : "en-GB";
    if (!o->no_impose && leaflet_impose(out, l, o->creep, a, d, NULL))
        return -1;
    return arena_failed(a) ? -1 : 0;
}
