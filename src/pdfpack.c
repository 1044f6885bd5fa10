/* pdfpack: classic PDF in, PDF 1.5 with object and xref streams out.
 *
 * The input is read through its xref table only: each object is found at
 * its offset, its value skipped with a small tokenizer (strings, names,
 * dictionaries, arrays, references), and stream objects copied byte for
 * byte, so the stream data is never interpreted. Object numbers do not
 * change; the object streams and the xref stream take the next ones. */
#include "pdfpack.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "flate.h"
#include "parallel.h"

enum {
    PER_STREAM = 200,   /* objects an object stream holds (qpdf: 100) */
    MAX_NESTING = 64,   /* arrays and dictionaries inside one another */
};

struct obj {
    size_t off, end;        /* "N 0 obj ... endobj" in the input */
    size_t body, body_end;  /* its value, for a packed object */
    int packed;             /* goes into an object stream */
    uint32_t stream, index; /* which object stream, and where in it */
    size_t new_off;         /* offset in the output, when not packed */
};

struct pack {
    const unsigned char *s;
    size_t n;
    char *err;
    size_t errlen;
};

static int failf(struct pack *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int failf(struct pack *k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k->err, k->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- the tokenizer (ISO 32000-1 §7.2-7.3) ------------------------------ */

/* Character classes (§7.2.2), looked up: the tokenizer runs over every
 * byte of every object that is not a stream. */
enum { REGULAR, SPACE, DELIM };
static const unsigned char char_class[256] = {
    [0] = SPACE, [' '] = SPACE, ['\n'] = SPACE, ['\r'] = SPACE, ['\t'] = SPACE, ['\f'] = SPACE,
    ['('] = DELIM, [')'] = DELIM, ['<'] = DELIM, ['>'] = DELIM, ['['] = DELIM, [']'] = DELIM,
    ['{'] = DELIM, ['}'] = DELIM, ['/'] = DELIM, ['%'] = DELIM,
};

static int is_space(unsigned char c)
{
    return char_class[c] == SPACE;
}

static int is_regular(unsigned char c)
{
    return char_class[c] == REGULAR;
}

static size_t skip_space(const struct pack *k, size_t i)
{
    while (i < k->n) {
        if (k->s[i] == '%')
            while (i < k->n && k->s[i] != '\n' && k->s[i] != '\r')
                i++;
        else if (is_space(k->s[i]))
            i++;
        else
            break;
    }
    return i;
}

static size_t skip_regular(const struct pack *k, size_t i)
{
    while (i < k->n && is_regular(k->s[i]))
        i++;
    return i;
}

static int is_word(const struct pack *k, size_t i, const char *w)
{
    size_t len = strlen(w);
    return i + len <= k->n && memcmp(k->s + i, w, len) == 0 && (i + len == k->n || !is_regular(k->s[i + len]));
}

static int is_integer(const struct pack *k, size_t i, size_t end)
{
    if (i == end)
        return 0;
    for (; i < end; i++)
        if (k->s[i] < '0' || k->s[i] > '9')
            return 0;
    return 1;
}

/* The end of the value that starts at (or after blanks from) i, or 0 when
 * there is none. "12 0 R" is one value. */
static size_t skip_value(const struct pack *k, size_t i, int depth)
{
    i = skip_space(k, i);
    if (i >= k->n || depth > MAX_NESTING)
        return 0;
    const unsigned char *s = k->s;
    switch (s[i]) {
    case '(': {
        int nest = 0;
        for (; i < k->n; i++) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '(')
                nest++;
            else if (s[i] == ')' && --nest == 0)
                return i + 1;
        }
        return 0;
    }
    case '<':
        if (i + 1 < k->n && s[i + 1] == '<') {
            for (i += 2;;) {
                i = skip_space(k, i);
                if (i + 1 < k->n && s[i] == '>' && s[i + 1] == '>')
                    return i + 2;
                if (i >= k->n || s[i] != '/')
                    return 0;
                if (!(i = skip_value(k, i, depth + 1)) || !(i = skip_value(k, i, depth + 1)))
                    return 0;
            }
        }
        for (; i < k->n; i++)
            if (s[i] == '>')
                return i + 1;
        return 0;
    case '[':
        for (i++;;) {
            i = skip_space(k, i);
            if (i < k->n && s[i] == ']')
                return i + 1;
            if (!(i = skip_value(k, i, depth + 1)))
                return 0;
        }
    case '/':
        return skip_regular(k, i + 1);
    default:
        if (!is_regular(s[i]))
            return 0;
        size_t end = skip_regular(k, i);
        if (is_integer(k, i, end)) { /* a reference? "num gen R" */
            size_t g = skip_space(k, end), g_end = skip_regular(k, g);
            size_t r = skip_space(k, g_end);
            if (is_integer(k, g, g_end) && is_word(k, r, "R"))
                return r + 1;
        }
        return end;
    }
}

/* Reads an unsigned decimal at i; the index after it, or 0. */
static size_t read_number(const struct pack *k, size_t i, uint64_t *v)
{
    i = skip_space(k, i);
    size_t end = skip_regular(k, i);
    if (!is_integer(k, i, end) || end - i > 15)
        return 0;
    *v = 0;
    for (; i < end; i++)
        *v = *v * 10 + (uint64_t)(k->s[i] - '0');
    return end;
}

/* ---- reading the classic file ------------------------------------------ */

struct slice {
    size_t at, len;
};

struct trailer {
    struct slice root, info, id;
};

/* Reads the xref table at `at` into objs (calloc'd, *count entries; free
 * objects have off 0), and the trailer entries kept. */
static int read_xref(struct pack *k, size_t at, struct obj **objs, uint32_t *count, struct trailer *t)
{
    if (!is_word(k, at, "xref"))
        return failf(k, "no xref table at offset %zu", at);
    size_t i = at + 4;
    *objs = NULL;
    *count = 0;
    for (;;) {
        i = skip_space(k, i);
        if (is_word(k, i, "trailer"))
            break;
        uint64_t first, n;
        if (!(i = read_number(k, i, &first)) || !(i = read_number(k, i, &n)) || first + n > 8388607)
            return failf(k, "bad xref subsection");
        if (first + n > *count) {
            struct obj *p = realloc(*objs, (size_t)(first + n) * sizeof *p);
            if (!p)
                return failf(k, "out of memory");
            memset(p + *count, 0, (size_t)(first + n - *count) * sizeof *p);
            *objs = p;
            *count = (uint32_t)(first + n);
        }
        for (uint64_t e = first; e < first + n; e++) {
            uint64_t off, gen;
            if (!(i = read_number(k, i, &off)) || !(i = read_number(k, i, &gen)))
                return failf(k, "bad xref entry for object %llu", (unsigned long long)e);
            i = skip_space(k, i);
            if (i >= k->n || (k->s[i] != 'n' && k->s[i] != 'f'))
                return failf(k, "bad xref entry for object %llu", (unsigned long long)e);
            if (k->s[i] == 'n') {
                if (off == 0 || off >= at)
                    return failf(k, "object %llu is outside the file", (unsigned long long)e);
                (*objs)[e].off = (size_t)off;
            }
            i++;
        }
    }
    i = skip_space(k, i + strlen("trailer"));
    if (i + 1 >= k->n || k->s[i] != '<' || k->s[i + 1] != '<')
        return failf(k, "no trailer dictionary");
    memset(t, 0, sizeof *t);
    for (i += 2;;) {
        i = skip_space(k, i);
        if (i + 1 < k->n && k->s[i] == '>' && k->s[i + 1] == '>')
            break;
        size_t key = i, key_end = skip_value(k, i, 0);
        size_t val = key_end ? skip_space(k, key_end) : 0, val_end = key_end ? skip_value(k, val, 0) : 0;
        if (!key_end || k->s[key] != '/' || !val_end)
            return failf(k, "bad trailer dictionary");
        struct slice v = {val, val_end - val};
        if (is_word(k, key, "/Root"))
            t->root = v;
        else if (is_word(k, key, "/Info"))
            t->info = v;
        else if (is_word(k, key, "/ID"))
            t->id = v;
        else if (is_word(k, key, "/Encrypt") || is_word(k, key, "/Prev"))
            return failf(k, "encrypted or updated files are not supported");
        i = val_end;
    }
    if (!t->root.len)
        return failf(k, "the trailer has no /Root");
    return 0;
}

/* Finds each object's extent and whether it can be packed. order receives
 * the numbers of the objects in use, by offset; returns how many. */
static long read_objects(struct pack *k, struct obj *objs, uint32_t count, size_t xref_at, uint32_t *order)
{
    uint32_t used = 0;
    for (uint32_t num = 0; num < count; num++)
        if (objs[num].off)
            order[used++] = num;
    for (uint32_t a = 1; a < used; a++) { /* insertion sort: libharu writes in order */
        uint32_t v = order[a], b = a;
        while (b > 0 && objs[order[b - 1]].off > objs[v].off) {
            order[b] = order[b - 1];
            b--;
        }
        order[b] = v;
    }
    for (uint32_t a = 0; a < used; a++) {
        struct obj *o = &objs[order[a]];
        o->end = a + 1 < used ? objs[order[a + 1]].off : xref_at;
        uint64_t num, gen;
        size_t i = read_number(k, o->off, &num);
        if (!i || num != order[a] || !(i = read_number(k, i, &gen)) || !is_word(k, skip_space(k, i), "obj"))
            return failf(k, "object %u is not at its xref offset", order[a]);
        o->body = skip_space(k, skip_space(k, i) + 3);
        o->body_end = skip_value(k, o->body, 0);
        if (!o->body_end || o->body_end > o->end)
            return failf(k, "object %u cannot be read", order[a]);
        size_t after = skip_space(k, o->body_end);
        if (is_word(k, after, "stream"))
            continue; /* copied as it is */
        if (!is_word(k, after, "endobj"))
            return failf(k, "object %u has no endobj", order[a]);
        o->packed = gen == 0;
    }
    return used;
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

static void deflate_one(void *ctx, int i)
{
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

/* The data of object stream `num`: objects [from, to) of `packed` (their
 * numbers), which it records in their entries. */
static void make_object_stream(struct pack *k, struct made_stream *m, uint32_t num, struct obj *objs,
                               const uint32_t *packed, uint32_t from, uint32_t to)
{
    struct bytes head = {0}, body = {0};
    for (uint32_t a = from; a < to; a++) {
        struct obj *o = &objs[packed[a]];
        o->stream = num;
        o->index = a - from;
        bytes_printf(&head, "%u %zu ", packed[a], body.len);
        bytes_put(&body, k->s + o->body, o->body_end - o->body);
        bytes_put(&body, "\n", 1);
    }
    bytes_put(&m->data, head.p, head.len);
    bytes_put(&m->data, body.p, body.len);
    m->data.oom |= head.oom || body.oom;
    snprintf(m->dict, sizeof m->dict, "/Type/ObjStm/N %u/First %zu", to - from, head.len);
    free(head.p);
    free(body.p);
}

/* The xref stream, with the PNG Up predictor: consecutive entries differ
 * little, so the rows compress to almost nothing. */
static void put_xref_stream(struct pack *k, struct bytes *out, const struct obj *objs, uint32_t count,
                            const size_t *stm_off, uint32_t nstm, const struct trailer *t)
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
        else if (!objs[num].off)
            type = 0;
        else if (objs[num].packed)
            type = 2, f2 = objs[num].stream, f3 = objs[num].index;
        else
            f2 = objs[num].new_off;
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
    int n = snprintf(dict, sizeof dict, "/Type/XRef/Size %u/W[1 %d %d]/DecodeParms<</Columns %d/Predictor 12>>/Root %.*s",
                     size, w2, w3, row, (int)t->root.len, (const char *)k->s + t->root.at);
    if (t->info.len && n > 0 && (size_t)n < sizeof dict)
        n += snprintf(dict + n, sizeof dict - (size_t)n, "/Info %.*s", (int)t->info.len, (const char *)k->s + t->info.at);
    if (t->id.len && n > 0 && (size_t)n < sizeof dict)
        n += snprintf(dict + n, sizeof dict - (size_t)n, "/ID%.*s", (int)t->id.len, (const char *)k->s + t->id.at);
    struct made_stream m = {.data = data};
    if (data.oom || n < 0 || (size_t)n >= sizeof dict) {
        out->oom = 1;
    } else {
        memcpy(m.dict, dict, (size_t)n + 1);
        deflate_one(&m, 0);
        put_stream(out, self, &m);
    }
    free(m.z);
    bytes_printf(out, "startxref\n%zu\n%%%%EOF\n", self_off);
    free(prev);
    free(cur);
    free(data.p);
}

int pdfpack(const unsigned char *in, size_t n, int threads, unsigned char **out_p, size_t *out_len, char *err,
            size_t errlen)
{
    struct pack k = {in, n, err, errlen};
    *out_p = NULL;
    *out_len = 0;
    if (n < 32 || memcmp(in, "%PDF-1.", 7) != 0)
        return failf(&k, "not a PDF");
    /* startxref, in the last bytes */
    size_t tail = n > 1024 ? n - 1024 : 0, sx = 0;
    for (size_t i = n - 9; i > tail && !sx; i--)
        if (memcmp(in + i, "startxref", 9) == 0)
            sx = i;
    uint64_t xref_at;
    if (!sx || !read_number(&k, sx + 9, &xref_at) || xref_at >= sx)
        return failf(&k, "no startxref");

    struct obj *objs = NULL;
    uint32_t count = 0, *order = NULL, *packed = NULL;
    size_t *stm_off = NULL;
    struct made_stream *stms = NULL;
    uint32_t npacked = 0, nstm = 0;
    struct trailer t;
    struct bytes out = {0};
    int rc = -1;
    if (read_xref(&k, (size_t)xref_at, &objs, &count, &t) < 0)
        goto done;
    order = malloc((count + 1) * sizeof *order);
    packed = malloc((count + 1) * sizeof *packed);
    if (!order || !packed) {
        failf(&k, "out of memory");
        goto done;
    }
    long used = read_objects(&k, objs, count, (size_t)xref_at, order);
    if (used < 0)
        goto done;

    /* Streams (and the rare object of another generation) as they are,
     * in their order; then the object streams; then the xref stream. */
    bytes_put(&out, "%PDF-1.5\n%\xb7\xbe\xad\xaa\n", 15);
    for (long a = 0; a < used; a++) {
        struct obj *o = &objs[order[a]];
        if (o->packed) {
            packed[npacked++] = order[a];
            continue;
        }
        o->new_off = out.len;
        bytes_put(&out, in + o->off, o->end - o->off);
    }
    nstm = (npacked + PER_STREAM - 1) / PER_STREAM;
    stm_off = malloc((nstm + 1) * sizeof *stm_off);
    stms = calloc(nstm + 1, sizeof *stms);
    if (!stm_off || !stms) {
        failf(&k, "out of memory");
        goto done;
    }
    for (uint32_t s = 0; s < nstm; s++) {
        uint32_t from = s * PER_STREAM, to = from + PER_STREAM < npacked ? from + PER_STREAM : npacked;
        make_object_stream(&k, &stms[s], count + s, objs, packed, from, to);
        out.oom |= stms[s].data.oom;
    }
    parallel_for((int)nstm, threads, deflate_one, stms);
    for (uint32_t s = 0; s < nstm; s++) {
        stm_off[s] = out.len;
        put_stream(&out, count + s, &stms[s]);
    }
    put_xref_stream(&k, &out, objs, count, stm_off, nstm, &t);
    if (out.oom) {
        failf(&k, "out of memory");
        goto done;
    }
    *out_p = out.p;
    *out_len = out.len;
    out.p = NULL;
    rc = 0;
done:
    free(out.p);
    free(objs);
    free(order);
    free(packed);
    free(stm_off);
    for (uint32_t s = 0; stms && s < nstm; s++) {
        free(stms[s].data.p);
        free(stms[s].z);
    }
    free(stms);
    return rc;
}
