#include "pages.h"

#include "arena.h"

struct page_item *page_item_new(struct arena *a, enum page_item_kind kind)
{
    struct page_item *it = arena_alloc(a, sizeof *it);
    it->kind = kind;
    it->fill = PAGE_NO_COLOR;
    it->stroke = PAGE_NO_COLOR;
    it->dest_page = -1;
    return it;
}

void page_items_append(struct page_item **head, struct page_item **tail, struct page_item *it)
{
    it->next = NULL;
    if (*tail)
        (*tail)->next = it;
    else
        *head = it;
    *tail = it;
}

void page_append(struct page *p, struct page_item *it)
{
    page_items_append(&p->items, &p->items_tail, it);
}

void page_add_mark(struct arena *a, struct page *p, int level, const char *title, double y)
{
    struct page_mark *m = arena_alloc(a, sizeof *m);
    m->level = level;
    m->title = title;
    m->y = y;
    if (p->marks_tail)
        p->marks_tail->next = m;
    else
        p->marks = m;
    p->marks_tail = m;
}

static void dump_color(FILE *out, const char *name, uint32_t c)
{
    if (c != PAGE_NO_COLOR)
        fprintf(out, " %s=#%06x", name, (unsigned)c);
}

void pages_dump(const struct doc *d, const char *const *face_names, FILE *out)
{
    fprintf(out, "doc title=\"%s\" pages=%d\n", d->info.title ? d->info.title : "", d->page_count);
    for (int i = 0; i < d->label_count; i++)
        fprintf(out, "label from=%d style=%s start=%d\n", d->labels[i].first + 1,
                d->labels[i].style == LABEL_ROMAN_LOWER ? "roman" : "decimal", d->labels[i].start);
    for (int i = 0; i < d->page_count; i++) {
        const struct page *p = &d->pages[i];
        fprintf(out, "page %d %.1fx%.1f\n", i + 1, p->width, p->height);
        for (const struct page_mark *m = p->marks; m; m = m->next)
            fprintf(out, "  mark %d y=%.1f \"%s\"\n", m->level, m->y, m->title);
        for (const struct page_item *it = p->items; it; it = it->next) {
            switch (it->kind) {
            case PAGE_TEXT:
                fprintf(out, "  text %.1f,%.1f w=%.1f %s %.1f", it->x, it->y, it->w,
                        face_names ? face_names[it->face] : "", it->size);
                dump_color(out, "color", it->fill);
                fprintf(out, " \"%s\"\n", it->text);
                break;
            case PAGE_RECT:
                fprintf(out, "  rect %.1f,%.1f %.1fx%.1f", it->x, it->y, it->w, it->h);
                dump_color(out, "fill", it->fill);
                dump_color(out, "stroke", it->stroke);
                fputc('\n', out);
                break;
            case PAGE_LINE:
                fprintf(out, "  line %.1f,%.1f to %.1f,%.1f width=%.2f", it->x, it->y, it->x + it->w,
                        it->y + it->h, it->line_width);
                dump_color(out, "stroke", it->stroke);
                fputc('\n', out);
                break;
            case PAGE_IMAGE:
                fprintf(out, "  image %.1f,%.1f %.1fx%.1f \"%s\"\n", it->x, it->y, it->w, it->h, it->text);
                break;
            case PAGE_LINK:
                if (it->text)
                    fprintf(out, "  link %.1f,%.1f %.1fx%.1f uri=\"%s\"\n", it->x, it->y, it->w, it->h, it->text);
                else
                    fprintf(out, "  link %.1f,%.1f %.1fx%.1f page=%d y=%.1f\n", it->x, it->y, it->w, it->h,
                            it->dest_page + 1, it->dest_y);
                break;
            }
        }
    }
}
