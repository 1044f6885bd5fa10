/* pdfpack: a PDF 1.5 file from its objects (pdfpack.h). The objects that
 * are not streams wait in one buffer until the end, when they are cut into
 * object streams of PER_STREAM objects, deflated on several threads. Object
 * numbers do not change; the object streams and the xref stream take the
 * next ones. */
#include "pdfpack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "flate.h"
#include "parallel.h"

enum {
    PER_STREAM = 200,      /* objects an object stream holds (qpdf: 100) */
    MAX_OBJECTS = 8388607, /* ISO 32000-1 Annex C */
};

/* A row of the xref stream: type 0 free, 1 at offset f2 in the file, 2 in
 * object stream f2 at index f3. */
struct entry {
    unsigned char type;
    uint64_t f2;
    uint32_t f3;
};

/* A packed object: its number, and its value in pdfpack.values. */
struct packed {
    uint32_t num;
    size_t at, len;
};

struct pdfpack {
    struct bytes out;    /* the file so far: the header, then the streams */
    struct bytes values; /* the packed objects' values, one after another */
    struct packed *packed;
    size_t npacked, packed_cap;
    struct entry *entries; /* by object number; count = highest + 1 */
    uint32_t count, entries_cap;
    const char *failed; /* the first reason it cannot finish */
};

struct pdfpack *pdfpack_new(void)
{
    struct pdfpack *p = calloc(1, sizeof *p);
    if (p)
        bytes_put(&p->out, "%PDF-1.5\n%\xb7\xbe\xad\xaa\n", 15);
    return p;
}

/* The entry of object num, growing the table; NULL on failure. */
static struct entry *entry_of(struct pdfpack *p, uint32_t num)
{
    if (num == 0 || num > MAX_OBJECTS) {
        p->failed = "an object number out of range";
        return NULL;
    }
    if (num >= p->entries_cap) {
        uint32_t cap = p->entries_cap ? p->entries_cap : 1024;
        while (cap <= num)
            cap *= 2;
        struct entry *e = realloc(p->entries, cap * sizeof *e);
        if (!e) {
            p->failed = "out of memory";
            return NULL;
        }
        memset(e + p->entries_cap, 0, (cap - p->entries_cap) * sizeof *e);
        p->entries = e;
        p->entries_cap = cap;
    }
    if (num >= p->count)
        p->count = num + 1;
    struct entry *e = &p->entries[num];
    if (e->type) {
        p->failed = "an object added twice";
        return NULL;
    }
    return e;
}

void pdfpack_add(struct pdfpack *p, uint32_t num, const void *value, size_t len, bool is_stream)
{
    struct entry *e = p->failed ? NULL : entry_of(p, num);
    if (!e)
        return;
    if (is_stream) {
        *e = (struct entry){1, p->out.len, 0};
        bytes_printf(&p->out, "%u 0 obj\n", num);
        bytes_put(&p->out, value, len);
        bytes_put(&p->out, "\nendobj\n", 8);
        return;
    }
    if (p->npacked == p->packed_cap) {
        size_t cap = p->packed_cap ? 2 * p->packed_cap : 256;
        struct packed *q = realloc(p->packed, cap * sizeof *q);
        if (!q) {
            p->failed = "out of memory";
            return;
        }
        p->packed = q;
        p->packed_cap = cap;
    }
    e->type = 2; /* its stream and index are known at the end */
    p->packed[p->npacked++] = (struct packed){num, p->values.len, len};
    bytes_put(&p->values, value, len);
}

/* ---- writing ------------------------------------------------------------ */

static int bytes_for(uint64_t v)
{
    int n = 1;
    while (v >>= 8)
        n++;
    return n;
}

static void put_be(unsigned char *p, uint64_t v, int width)
{
    for (int b = width - 1; b >= 0; b--, v >>= 8)
        p[b] = (unsigned char)v;
}

/* A stream object to be written: its dictionary and data, deflated. */
struct made_stream {
    char dict[512];
    struct bytes data;
    unsigned char *z;
    size_t zn;
};

static void deflate_one(void *ctx, int i, int worker)
{
    (void)worker;
    struct made_stream *m = (struct made_stream *)ctx + i;
    m->z = malloc(flate_bound(m->data.len));
    m->zn = m->z ? flate_compress(m->data.p, m->data.len, m->z, FLATE_FAST) : 0;
}

/* "N 0 obj <<dict /Length L>> stream ... endstream endobj". */
static void put_stream(struct bytes *out, uint32_t num, const struct made_stream *m)
{
    if (!m->zn) {
        out->oom = 1;
        return;
    }
    bytes_printf(out, "%u 0 obj\n<<%s/Filter/FlateDecode/Length %zu>>\nstream\n", num, m->dict, m->zn);
    bytes_put(out, m->z, m->zn);
    bytes_printf(out, "\nendstream\nendobj\n");
}

/* The data of object stream `num`: the packed objects [from, to), whose
 * entries it fills in. */
static void make_object_stream(struct pdfpack *p, struct made_stream *m, uint32_t num, size_t from, size_t to)
{
    struct bytes head = {0}, body = {0};
    for (size_t a = from; a < to; a++) {
        const struct packed *o = &p->packed[a];
        p->entries[o->num] = (struct entry){2, num, (uint32_t)(a - from)};
        bytes_printf(&head, "%u %zu ", o->num, body.len);
        bytes_put(&body, p->values.p + o->at, o->len);
        bytes_put(&body, "\n", 1);
    }
    bytes_put(&m->data, head.p, head.len);
    bytes_put(&m->data, body.p, body.len);
    m->data.oom |= head.oom || body.oom;
    snprintf(m->dict, sizeof m->dict, "/Type/ObjStm/N %zu/First %zu", to - from, head.len);
    free(head.p);
    free(body.p);
}

/* The xref stream, with the PNG Up predictor: consecutive entries differ
 * little, so the rows compress to almost nothing. */
static void put_xref_stream(struct bytes *out, const struct entry *entries, uint32_t count, const size_t *stm_off,
                            uint32_t nstm, uint32_t root, uint32_t info)
{
    uint32_t self = count + nstm, size = self + 1;
    size_t self_off = out->len;
    int w2 = bytes_for(self_off > count + nstm ? self_off : count + nstm), w3 = bytes_for(PER_STREAM);
    int row = 1 + w2 + w3;
    unsigned char *prev = calloc(1, (size_t)row), *cur = malloc((size_t)row);
    struct bytes data = {0};
    for (uint32_t num = 0; num < size && prev && cur; num++) {
        uint64_t type = 1, f2 = 0, f3 = 0;
        if (num == self)
            f2 = self_off;
        else if (num >= count)
            f2 = stm_off[num - count];
        else
            type = entries[num].type, f2 = entries[num].f2, f3 = entries[num].f3;
        cur[0] = (unsigned char)type;
        put_be(cur + 1, f2, w2);
        put_be(cur + 1 + w2, f3, w3);
        unsigned char up[64];
        up[0] = 2; /* PNG "Up" */
        for (int b = 0; b < row; b++)
            up[b + 1] = (unsigned char)(cur[b] - prev[b]);
        bytes_put(&data, up, (size_t)row + 1);
        memcpy(prev, cur, (size_t)row);
    }
    if (!prev || !cur)
        data.oom = 1;
    char dict[512];
    int n = snprintf(dict, sizeof dict, "/Type/XRef/Size %u/W[1 %d %d]/DecodeParms<</Columns %d/Predictor 12>>/Root %u 0 R",
                     size, w2, w3, row, root);
    if (info && n > 0 && (size_t)n < sizeof dict)
        n += snprintf(dict + n, sizeof dict - (size_t)n, "/Info %u 0 R", info);
    struct made_stream m = {.data = data};
    if (data.oom || n < 0 || (size_t)n >= sizeof dict) {
        out->oom = 1;
    } else {
        memcpy(m.dict, dict, (size_t)n + 1);
        deflate_one(&m, 0, 0);
        put_stream(out, self, &m);
    }
    free(m.z);
    bytes_printf(out, "startxref\n%zu\n%%%%EOF\n", self_off);
    free(prev);
    free(cur);
    free(data.p);
}

int pdfpack_finish(struct pdfpack *p, uint32_t root, uint32_t info, int threads, unsigned char **out,
                   size_t *out_len, char *err, size_t errlen)
{
    *out = NULL;
    *out_len = 0;
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    uint32_t count = p->count ? p->count : 1;
    uint32_t nstm = (uint32_t)((p->npacked + PER_STREAM - 1) / PER_STREAM);
    size_t *stm_off = malloc((nstm + 1) * sizeof *stm_off);
    struct made_stream *stms = calloc(nstm + 1, sizeof *stms);
    if (!p->failed && (root == 0 || root >= count || p->entries[root].type == 0 ||
                       (info && (info >= count || p->entries[info].type == 0))))
        p->failed = "no catalog or document information object";
    if (!p->failed && (!stm_off || !stms))
        p->failed = "out of memory";
    if (!p->failed) {
        for (uint32_t s = 0; s < nstm; s++) {
            size_t from = (size_t)s * PER_STREAM, to = from + PER_STREAM < p->npacked ? from + PER_STREAM : p->npacked;
            make_object_stream(p, &stms[s], count + s, from, to);
            p->out.oom |= stms[s].data.oom;
        }
        parallel_for((int)nstm, threads, deflate_one, stms);
        for (uint32_t s = 0; s < nstm; s++) {
            stm_off[s] = p->out.len;
            put_stream(&p->out, count + s, &stms[s]);
        }
        put_xref_stream(&p->out, p->entries, count, stm_off, nstm, root, info);
        if (p->out.oom || p->values.oom)
            p->failed = "out of memory";
    }
    int rc = -1;
    if (p->failed) {
        snprintf(err, errlen, "%s", p->failed);
    } else {
        *out = p->out.p;
        *out_len = p->out.len;
        p->out.p = NULL;
        rc = 0;
    }
    for (uint32_t s = 0; stms && s < nstm; s++) {
        free(stms[s].data.p);
        free(stms[s].z);
    }
    free(stms);
    free(stm_off);
    free(p->out.p);
    free(p->values.p);
    free(p->packed);
    free(p->entries);
    free(p);
    return rc;
}
