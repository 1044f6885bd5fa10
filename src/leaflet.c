#include "leaflet.h"

#include <string.h>

#include "arena.h"
#include "diag.h"
#include "impose.h"
#include "layout.h"
#include "paginate.h"
#include "source.h"
#include "typeset.h"

static int add_cover(struct doc *doc, const struct typeset_cover *c, const struct layout *l,
                     const struct fontset *fs, struct arena *a, struct diag *d)
{
    struct flow f;
    if (typeset_cover(c, l, fs, a, d, &f))
        return -1;
    paginate_flow(doc, &f, l, a);
    return 0;
}

int leaflet_impose(struct doc *doc, const struct layout *l, double creep, struct arena *a, struct diag *d,
                   const char *file)
{
    if (l->impose == IMPOSE_NONE)
        return 0;
    int cap = doc->page_count + 8;
    int *order = arena_alloc(a, (size_t)cap * sizeof *order);
    int per_side = l->impose == IMPOSE_TRIFOLD ? 3 : 2;
    int sides = l->impose == IMPOSE_TRIFOLD ? impose_trifold_order(doc->page_count, order, cap)
                                             : impose_saddle_order(doc->page_count, order, cap);
    if (sides == 0) {
        diag_add(d, DIAG_ERROR, file, 0, 0,
                 l->impose == IMPOSE_TRIFOLD ? "%d pages do not fold from one tri-fold sheet (6 panels at most); "
                                               "use --no-impose or another layout"
                                             : "cannot impose %d pages",
                 doc->page_count);
        return -1;
    }
    struct doc sheets;
    impose_doc(doc, &sheets, order, sides, per_side, l->sheet_w, l->sheet_h, creep, a);
    *doc = sheets;
    return 0;
}

int leaflet_build(const struct topic *t, const struct layout *l, const struct fontset *fs,
                  const struct leaflet_options *o, struct arena *a, struct diag *d, struct doc *out)
{
    const struct topic_meta *m = &t->meta;
    memset(out, 0, sizeof *out);
    struct typeset_options to = {o->line_breaking};
    struct flow body;
    if (typeset_topic(t, l, fs, &to, a, d, &body))
        return -1;
    if (l->cover_page) {
        struct typeset_cover c = {.title = m->title, .subtitle = m->subtitle, .organisation = m->author};
        if (add_cover(out, &c, l, fs, a, d))
            return -1;
    }
    int first = out->page_count;
    paginate_flow(out, &body, l, a);
    int last = out->page_count;
    if (l->back_page) {
        const char *lines[4];
        int n = 0;
        if (m->contact)
            lines[n++] = m->contact;
        if (m->id)
            lines[n++] = arena_printf(a, "Leaflet %s%s%s", m->id, m->version ? ", version " : "",
                                      m->version ? m->version : "");
        if (m->published)
            lines[n++] = arena_printf(a, "Published %s", typeset_human_date(a, m->published));
        if (m->review)
            lines[n++] = arena_printf(a, "Review by %s", typeset_human_date(a, m->review));
        int blanks = l->max_pages > 0 ? l->max_pages - 1 - out->page_count : 0;
        for (int i = 0; i < blanks; i++)
            paginate_blank(out, l, a); /* the back panel is always the last */
        struct typeset_cover back = {.organisation = m->author, .lines = lines, .line_count = n};
        if (add_cover(out, &back, l, fs, a, d))
            return -1;
    }
    if (l->max_pages > 0 && out->page_count > l->max_pages) {
        int free_pages = l->max_pages - (l->cover_page ? 1 : 0) - (l->back_page ? 1 : 0);
        diag_add(d, DIAG_ERROR, t->path, 0, 0,
                 "the content needs %d pages but layout '%s' has room for %d: %d page(s) too many; "
                 "shorten the text or use a larger layout such as 'a5'",
                 last - first, l->name, free_pages, last - first - free_pages);
        return -1;
    }
    struct paginate_fields f = paginate_topic_fields(m, first, last);
    paginate_footers(out, first, last, l, fs, &f, a, d);
    paginate_info(out, m, a);
    if (!o->no_impose && leaflet_impose(out, l, o->creep, a, d, t->path))
        return -1;
    return arena_failed(a) ? -1 : 0;
}
