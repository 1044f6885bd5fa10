/* pdf_nav: what a reader uses to find its way: link annotations, the
 * outline (bookmarks), page labels and the document information.
 *
 * Link annotations and outline items are written here as bytes
 * (pdf_raw_new), not built from libharu objects: a libharu dictionary
 * costs 1-3 KB of memory. Their destinations are direct arrays
 * [page /XYZ 0 top null], which keep the reader's zoom (libharu's
 * HPDF_Destination_SetXYZ refuses zoom 0, and its destinations are objects
 * of their own); its link annotations would add /P and /Type too.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hpdf_annotation.h>

#include "diag.h"
#include "pages.h"
#include "pdf_internal.h"

enum { MAX_OUTLINE_DEPTH = 32 };

/* A link annotation: the page items of one link on one line, merged. */
struct pdf_link {
    int page;
    double x0, y0, x1, y1;
    const char *uri;        /* or NULL: a link inside the document */
    int dest_page;
    double dest_y;
};

/* A URI action, shared by the links to the same address. */
struct pdf_action {
    const char *uri;
    int uses;
    void *obj; /* its object, when shared */
};

/* ---- links ------------------------------------------------------------- */

/* A destination that keeps the reader's zoom, [page /XYZ 0 top null], as
 * a direct array (libharu's HPDF_Destination is an object of its own, and
 * its SetXYZ refuses zoom 0). The top is rounded up to a whole point. */
static void put_dest(struct bytes *b, struct pdf_ctx *c, int page, double top)
{
    double h = c->doc->pages[page].height;
    if (!(top >= 0))
        top = 0;
    if (top > h)
        top = h;
    bytes_put(b, "[ ", 2);
    pdf_put_ref(b, c->pages[page].obj);
    bytes_put(b, " /XYZ 0 ", 8);
    pdf_put_int(b, (int32_t)ceil(top));
    bytes_put(b, " null ]", 7);
}

/* URIs in a PDF are 7-bit ASCII: percent-encode everything else. */
static char *uri_ascii(const char *uri)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(uri);
    char *o = malloc(n * 3 + 1), *p = o;
    if (!o)
        return NULL;
    for (const unsigned char *s = (const unsigned char *)uri; *s; s++) {
        if (*s <= 0x20 || *s >= 0x7F || strchr("\"<>\\^`{|}", *s)) {
            *p++ = '%';
            *p++ = hex[*s >> 4];
            *p++ = hex[*s & 15];
        } else {
            *p++ = (char)*s;
        }
    }
    *p = '\0';
    return o;
}

/* Records a link item; the layout gives one per piece of a line (each word
 * of a link text, each piece of a broken address): pieces of the same link
 * on the same line become one annotation. */
int pdf_link_add(struct pdf_ctx *c, int pi, const struct page_item *it)
{
    struct pdf_link l = {pi, it->x, it->y, it->x + it->w, it->y + it->h, it->text, it->dest_page, it->dest_y};
    if (l.x0 > l.x1) {
        double t = l.x0;
        l.x0 = l.x1, l.x1 = t;
    }
    if (l.y0 > l.y1) {
        double t = l.y0;
        l.y0 = l.y1, l.y1 = t;
    }
    if (c->nlinks) {
        struct pdf_link *q = &c->links[c->nlinks - 1];
        int same = q->page == pi && (q->uri && l.uri ? q->uri == l.uri || strcmp(q->uri, l.uri) == 0
                                                     : !q->uri && !l.uri && q->dest_page == l.dest_page &&
                                                           q->dest_y == l.dest_y);
        /* On the same line at most half a line height apart (a space), or
         * the same width one right under the other. */
        double gap = (l.y1 - l.y0) / 2;
        int line = fabs(q->y0 - l.y0) < 0.01 && fabs(q->y1 - l.y1) < 0.01 && l.x0 <= q->x1 + gap &&
                   l.x1 >= q->x0 - gap;
        int stack = fabs(q->x0 - l.x0) < 0.01 && fabs(q->x1 - l.x1) < 0.01 && l.y0 <= q->y1 + 0.01 &&
                    l.y1 >= q->y0 - 0.01;
        if (same && (line || stack)) {
            q->x0 = fmin(q->x0, l.x0);
            q->x1 = fmax(q->x1, l.x1);
            q->y0 = fmin(q->y0, l.y0);
            q->y1 = fmax(q->y1, l.y1);
            return 0;
        }
    }
    if (c->nlinks == c->cap_links) {
        int cap = c->cap_links ? c->cap_links * 2 : 16;
        struct pdf_link *p = realloc(c->links, (size_t)cap * sizeof *p);
        if (!p)
            return pdf_fail(c, "out of memory");
        c->links = p;
        c->cap_links = cap;
    }
    c->links[c->nlinks++] = l;
    return 0;
}

static struct pdf_action *find_action(struct pdf_ctx *c, const char *uri)
{
    for (int i = 0; i < c->nactions; i++)
        if (strcmp(c->actions[i].uri, uri) == 0)
            return &c->actions[i];
    return NULL;
}

/* "/S /URI /URI (address)" */
static int put_uri_action(struct bytes *b, const char *uri)
{
    char *ascii = uri_ascii(uri);
    if (!ascii)
        return -1;
    bytes_puts(b, "<<\012/S /URI\012/URI ");
    pdf_put_text(b, ascii);
    bytes_put(b, "\012>>", 3);
    free(ascii);
    return 0;
}

/* Writes the link annotations: the rectangle on whole points, no border,
 * a direct destination, and the URI action shared by the links to the same
 * address. (libharu's own link annotations would add a destination object
 * each, /P and /Type.) */
int pdf_links_write(struct pdf_ctx *c)
{
    if (!c->nlinks)
        return 0;
    c->actions = calloc((size_t)c->nlinks, sizeof *c->actions);
    if (!c->actions)
        return pdf_fail(c, "out of memory");
    for (int i = 0; i < c->nlinks; i++) {
        const char *uri = c->links[i].uri;
        if (!uri)
            continue;
        struct pdf_action *a = find_action(c, uri);
        if (!a) {
            a = &c->actions[c->nactions++];
            a->uri = uri;
        }
        a->uses++;
    }
    struct bytes b = {0}, act = {0};
    int rc = 0;
    for (int i = 0; i < c->nlinks && rc == 0; i++) {
        const struct pdf_link *l = &c->links[i];
        void *annot = pdf_raw_new(c);
        if (!annot) {
            rc = pdf_check_or_fail(c, "links", "cannot make a link");
            break;
        }
        struct bytes *annots = &c->pages[l->page].annots;
        pdf_put_ref(annots, annot);
        bytes_put(annots, " ", 1);
        b.len = 0;
        bytes_puts(&b, "<<\012/Rect [ ");
        const double rect[] = {l->x0, l->y0, l->x1, l->y1};
        for (int k = 0; k < 4; k++) {
            pdf_put_real(&b, (float)floor(rect[k] + 0.5));
            bytes_put(&b, " ", 1);
        }
        bytes_puts(&b, "]\012/Subtype /Link\012/Border [ 0 0 0 ]\012");
        if (l->uri) {
            struct pdf_action *a = find_action(c, l->uri);
            if (!a->obj && a->uses > 1) { /* numbered after its first link, as libharu did */
                act.len = 0;
                if (!(a->obj = pdf_raw_new(c)) || put_uri_action(&act, l->uri) < 0) {
                    rc = pdf_check_or_fail(c, "links", "cannot make a link");
                    break;
                }
                pdf_raw_set(c, a->obj, &act);
            }
            bytes_put(&b, "/A ", 3);
            if (a->obj)
                pdf_put_ref(&b, a->obj);
            else if (put_uri_action(&b, l->uri) < 0)
                rc = pdf_fail(c, "out of memory");
        } else {
            if (l->dest_page < 0 || l->dest_page >= c->doc->page_count) {
                rc = pdf_fail(c, "page %d: link to page %d, but the document has %d", l->page + 1,
                              l->dest_page + 1, c->doc->page_count);
                break;
            }
            bytes_put(&b, "/Dest ", 6);
            put_dest(&b, c, l->dest_page, l->dest_y);
        }
        bytes_put(&b, "\012>>", 3);
        pdf_raw_set(c, annot, &b);
    }
    free(b.p);
    free(act.p);
    return rc;
}

/* ---- outline, page labels, document information ------------------------ */

/* The encoder for a text string outside the page: none for ASCII. */
static HPDF_Encoder encoder_for(struct pdf_ctx *c, const char *t)
{
    return pdf_plain_ascii(t) ? NULL : pdf_utf8_encoder(c);
}

/* An outline item (0: the root), linked as libharu links them. */
struct outline_item {
    void *obj;
    int parent, prev, next, first, last;
    int count;     /* items under it: all are open */
    size_t head;   /* its bytes up to /Dest, in the head buffer */
};

static void put_key_ref(struct bytes *b, const char *key, const struct outline_item *items, int i)
{
    bytes_puts(b, key);
    pdf_put_ref(b, items[i].obj);
    bytes_put(b, "\012", 1);
}

/* The rest of an item, once the whole outline is known: its children, next
 * sibling and count, in the order libharu adds them. */
static void put_outline_tail(struct bytes *b, const struct outline_item *items, int i)
{
    const struct outline_item *it = &items[i];
    if (it->first) {
        put_key_ref(b, "/First ", items, it->first);
        put_key_ref(b, "/Last ", items, it->last);
    }
    if (it->next)
        put_key_ref(b, "/Next ", items, it->next);
    if (it->count) {
        bytes_put(b, "/Count ", 7);
        pdf_put_int(b, it->count);
        bytes_put(b, "\012", 1);
    }
    bytes_put(b, ">>", 2);
}

/* The outline: an item for every mark, nested by level, open, each with
 * a destination that keeps the zoom. The objects are numbered in the order
 * libharu's HPDF_CreateOutline numbered them: the root, then the items. */
int pdf_outline_write(struct pdf_ctx *c)
{
    int n = 0;
    for (int pi = 0; pi < c->doc->page_count; pi++)
        for (const struct page_mark *m = c->doc->pages[pi].marks; m; m = m->next)
            n++;
    if (!n)
        return 0;
    struct outline_item *items = calloc((size_t)n + 1, sizeof *items);
    struct bytes heads = {0}, b = {0};
    int rc = 0;
    if (!items || !(items[0].obj = pdf_raw_new(c)) ||
        pdf_hpdf_failed(c, HPDF_Dict_Add(c->pdf->catalog, "Outlines", items[0].obj))) {
        free(items);
        return items ? pdf_check_or_fail(c, "outline", "cannot make the outline") : pdf_fail(c, "out of memory");
    }
    int stack[MAX_OUTLINE_DEPTH], levels[MAX_OUTLINE_DEPTH];
    int depth = 0, k = 0;
    for (int pi = 0; pi < c->doc->page_count && rc == 0; pi++) {
        for (const struct page_mark *m = c->doc->pages[pi].marks; m && rc == 0; m = m->next) {
            while (depth > 0 && levels[depth - 1] >= m->level)
                depth--;
            const char *t = pdf_clean_text(c, m->title ? m->title : "");
            struct outline_item *it = &items[++k], *parent = &items[it->parent = depth ? stack[depth - 1] : 0];
            if (!t || !(it->obj = pdf_raw_new(c))) {
                rc = t ? pdf_check_or_fail(c, "outline", "cannot make the outline") : pdf_fail(c, "out of memory");
                break;
            }
            if (!parent->first)
                parent->first = k;
            if (parent->last) {
                items[parent->last].next = k;
                it->prev = parent->last;
            }
            parent->last = k;
            it->head = heads.len;
            bytes_put(&heads, "<<\012/Title ", 10);
            pdf_put_text(&heads, t);
            bytes_put(&heads, "\012", 1);
            if (it->prev)
                put_key_ref(&heads, "/Prev ", items, it->prev);
            put_key_ref(&heads, "/Parent ", items, it->parent);
            bytes_put(&heads, "/Dest ", 6);
            put_dest(&heads, c, pi, m->y);
            bytes_put(&heads, "\012", 1);
            if (depth == MAX_OUTLINE_DEPTH)
                depth--;
            stack[depth] = k;
            levels[depth++] = m->level;
        }
    }
    if (rc == 0) {
        /* Children come after their parent: counts add up from the end. */
        for (int i = n; i > 0; i--)
            items[items[i].parent].count += 1 + items[i].count;
        bytes_puts(&b, "<<\012/Type /Outlines\012");
        put_outline_tail(&b, items, 0);
        pdf_raw_set(c, items[0].obj, &b);
        for (int i = 1; i <= n; i++) {
            b.len = 0;
            bytes_put(&b, heads.p + items[i].head, (i < n ? items[i + 1].head : heads.len) - items[i].head);
            put_outline_tail(&b, items, i);
            pdf_raw_set(c, items[i].obj, &b);
        }
        c->raw.oom |= heads.oom;
        HPDF_SetPageMode(c->pdf, HPDF_PAGE_MODE_USE_OUTLINE);
        rc = pdf_check(c, "outline");
    }
    free(items);
    free(heads.p);
    free(b.p);
    return rc;
}

int pdf_labels_write(struct pdf_ctx *c)
{
    const struct doc *doc = c->doc;
    int prev = -1;
    for (int i = 0; i < doc->label_count; i++) {
        const struct page_label *l = &doc->labels[i];
        if (l->first <= prev || l->first >= doc->page_count)
            return pdf_fail(c, "page label %d starts at page %d: labels must be in page order, within %d pages",
                            i + 1, l->first + 1, doc->page_count);
        /* The number tree must start at page 0. */
        if (i == 0 && l->first > 0)
            HPDF_AddPageLabel(c->pdf, 0, HPDF_PAGE_NUM_STYLE_DECIMAL, 1, NULL);
        HPDF_AddPageLabel(c->pdf, (HPDF_UINT)l->first,
                          l->style == LABEL_ROMAN_LOWER ? HPDF_PAGE_NUM_STYLE_LOWER_ROMAN
                                                        : HPDF_PAGE_NUM_STYLE_DECIMAL,
                          (HPDF_UINT)(l->start > 0 ? l->start : 1), NULL);
        prev = l->first;
    }
    return pdf_check(c, "page labels");
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

/* The document date: SOURCE_DATE_EPOCH (UTC) wins, then info.date at
 * midnight UTC. Returns 1 and fills *out, 0 for none, -1 on error. */
static int doc_date(struct pdf_ctx *c, HPDF_Date *out)
{
    memset(out, 0, sizeof *out);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde) {
        char *end;
        errno = 0;
        long long v = strtoll(sde, &end, 10);
        if (errno || *end || v < 0 || v > 253402300799LL || sde[0] == '-' || sde[0] == '+' || sde[0] == ' ')
            return pdf_fail(c, "SOURCE_DATE_EPOCH=\"%s\" is not a number of seconds since 1970", sde);
        time_t t = (time_t)v;
        struct tm tm;
        if (!gmtime_r(&t, &tm))
            return pdf_fail(c, "SOURCE_DATE_EPOCH=\"%s\" is out of range", sde);
        *out = (HPDF_Date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                           tm.tm_sec, 'Z', 0, 0};
        return 1;
    }
    const char *s = c->doc->info.date;
    if (!s || !*s)
        return 0;
    int y, m, d, n = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || s[4] != '-' ||
        y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
        diag_add(c->d, DIAG_WARNING, c->path, 0, 0, "date \"%s\" is not YYYY-MM-DD; the PDF has no date", s);
        return 0;
    }
    *out = (HPDF_Date){y, m, d, 0, 0, 0, 'Z', 0, 0};
    return 1;
}

int pdf_info_write(struct pdf_ctx *c)
{
    const struct doc_info *in = &c->doc->info;
    const struct {
        HPDF_InfoType type;
        const char *value;
    } attrs[] = {
        {HPDF_INFO_TITLE, in->title},
        {HPDF_INFO_AUTHOR, in->author},
        {HPDF_INFO_SUBJECT, in->subject},
        {HPDF_INFO_KEYWORDS, in->keywords},
        {HPDF_INFO_PRODUCER, "handout"}, /* not libharu's long name; no Creator */
    };
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        if (!attrs[i].value || !*attrs[i].value)
            continue;
        const char *t = pdf_clean_text(c, attrs[i].value);
        if (!t)
            return pdf_fail(c, "out of memory");
        /* HPDF_SetInfoAttr encodes with the current encoder. */
        c->pdf->cur_encoder = encoder_for(c, t);
        HPDF_SetInfoAttr(c->pdf, attrs[i].type, t);
        c->pdf->cur_encoder = NULL;
    }
    HPDF_Date date;
    int has = doc_date(c, &date);
    if (has < 0)
        return -1;
    if (has) /* a ModDate would only repeat it */
        HPDF_SetInfoDateAttr(c->pdf, HPDF_INFO_CREATION_DATE, date);

    HPDF_Dict cat = c->pdf->catalog;
    if (in->lang && *in->lang) {
        int ok = strlen(in->lang) < 64;
        for (const char *p = in->lang; ok && *p; p++)
            ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-';
        if (ok)
            HPDF_Dict_Add(cat, "Lang", HPDF_String_New(c->pdf->mmgr, in->lang, NULL));
        else
            diag_add(c->d, DIAG_WARNING, c->path, 0, 0, "language \"%s\" is not a language tag; left out",
                     in->lang);
    }
    HPDF_Dict vp = HPDF_Dict_New(c->pdf->mmgr);
    if (vp) {
        HPDF_Dict_AddBoolean(vp, "DisplayDocTitle", HPDF_TRUE);
        HPDF_Dict_Add(cat, "ViewerPreferences", vp);
    }
    return pdf_check(c, "document information");
}
