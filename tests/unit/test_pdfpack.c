/* pdfpack: a hand-written classic PDF packed, then read back through the
 * xref stream and object streams by a decoder written here, and checked by
 * qpdf; and the inputs it must refuse. Run from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "pdfpack.h"

/* Objects written into the classic file, by number (1..). The stream's
 * data holds "endobj" and unbalanced brackets, which only the xref
 * offsets, not a scan, can step over. */
static const char *const BODIES[] = {
    NULL,
    "<< /Type /Catalog /Pages 2 0 R /Outlines 5 0 R /Lang (en-GB) >>",
    "<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 200 200 ] /Contents 4 0 R /Resources << >> >>",
    NULL, /* the stream */
    "<< /Type /Outlines /First 6 0 R /Last 6 0 R /Count 1 >>",
    "<< /Title (A \\(tricky\\) title endobj (nested) \\\\) /Parent 5 0 R /Dest [ 3 0 R /XYZ 0 200 null ] >>",
    "<FEFF00410042>",
    "42",
    "<< /Producer (handout) /Title <FEFF0041> >>",
};
enum { NOBJ = 9, STREAM_OBJ = 4, INFO_OBJ = 9 };
static const char STREAM_DATA[] = "BT /F1 12 Tf (endobj >> ] stream) Tj ET\nendobj\n";

/* memmem is a GNU extension. */
static const void *find(const void *hay, size_t n, const void *needle, size_t m)
{
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp((const char *)hay + i, needle, m) == 0)
            return (const char *)hay + i;
    return NULL;
}

struct buf {
    char *p;
    size_t len;
};

static void add(struct buf *b, const void *s, size_t n)
{
    b->p = realloc(b->p, b->len + n + 1);
    assert_non_null(b->p);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void addf(struct buf *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    add(b, tmp, (size_t)n);
}

/* The classic file, laid out as libharu does; `trailer_extra` goes into the
 * trailer dictionary. */
static struct buf classic(const char *trailer_extra)
{
    struct buf b = {0};
    size_t off[NOBJ + 1];
    addf(&b, "%%PDF-1.4\n%%\xb7\xbe\xad\xaa\n");
    for (int i = 1; i <= NOBJ; i++) {
        off[i] = b.len;
        if (i == STREAM_OBJ) {
            addf(&b, "%d 0 obj\n<<\n/Length %zu\n>>\nstream\r\n", i, sizeof STREAM_DATA - 1);
            add(&b, STREAM_DATA, sizeof STREAM_DATA - 1);
            addf(&b, "\r\nendstream\nendobj\n");
        } else {
            addf(&b, "%d 0 obj\n%s\nendobj\n", i, BODIES[i]);
        }
    }
    size_t xref = b.len;
    addf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", NOBJ + 1);
    for (int i = 1; i <= NOBJ; i++)
        addf(&b, "%010zu 00000 n\r\n", off[i]);
    addf(&b, "trailer\n<<\n/Root 1 0 R\n/Info %d 0 R\n/Size %d\n%s>>\nstartxref\n%zu\n%%%%EOF\n", INFO_OBJ,
         NOBJ + 1, trailer_extra, xref);
    return b;
}

/* ---- a reader for the packed form --------------------------------------- */

static unsigned char *inflate_all(const unsigned char *z, size_t zn, size_t *n)
{
    size_t cap = 1 << 16;
    unsigned char *out = malloc(cap);
    assert_non_null(out);
    uLongf got = (uLongf)cap;
    assert_int_equal(uncompress(out, &got, z, (uLong)zn), Z_OK);
    *n = got;
    return out;
}

/* The decoded data of the stream object whose "N 0 obj" starts at p. */
static unsigned char *stream_of(const char *p, size_t *n, char *dict, size_t dictlen)
{
    const char *d = strstr(p, "<<"), *s = strstr(p, ">>\nstream\n");
    assert_non_null(d);
    assert_non_null(s);
    snprintf(dict, dictlen, "%.*s", (int)(s + 2 - d), d);
    const char *len = strstr(dict, "/Length ");
    assert_non_null(len);
    assert_non_null(strstr(dict, "/Filter/FlateDecode"));
    return inflate_all((const unsigned char *)s + strlen(">>\nstream\n"), strtoul(len + 8, NULL, 10), n);
}

static long dict_int(const char *dict, const char *key)
{
    const char *k = strstr(dict, key);
    assert_non_null(k);
    return strtol(k + strlen(key), NULL, 10);
}

static void test_packed_objects_read_back(void **state)
{
    (void)state;
    struct buf in = classic("");
    unsigned char *out = NULL;
    size_t out_len = 0;
    char err[128] = "";
    assert_int_equal(pdfpack((unsigned char *)in.p, in.len, 2, &out, &out_len, err, sizeof err), 0);
    char *pdf = malloc(out_len + 1);
    memcpy(pdf, out, out_len);
    pdf[out_len] = 0;
    assert_memory_equal(pdf, "%PDF-1.5\n", 9);
    assert_true(out_len < in.len); /* even this small file gets smaller */

    /* startxref -> the xref stream */
    const char *sx = find(pdf + out_len - 40, 40, "startxref\n", 10);
    assert_non_null(sx);
    size_t xref_at = strtoul(sx + 10, NULL, 10);
    char dict[512];
    size_t rows_len;
    unsigned char *rows = stream_of(pdf + xref_at, &rows_len, dict, sizeof dict);
    assert_non_null(strstr(dict, "/Type/XRef"));
    assert_non_null(strstr(dict, "/Root 1 0 R"));
    assert_non_null(strstr(dict, "/Info 9 0 R"));
    long size = dict_int(dict, "/Size "), w2 = dict_int(dict, "/W[1 "), w3 = strtol(strstr(dict, "/W[1 ") + 6, NULL, 10);
    int row = (int)(1 + w2 + w3);
    assert_int_equal((long)rows_len, size * (row + 1));
    assert_int_equal(size, NOBJ + 1 + 2); /* one object stream, the xref stream */

    /* undo the PNG Up predictor and check every entry */
    unsigned char prev[16] = {0}, cur[16];
    int packed = 0;
    for (long num = 0; num < size; num++) {
        const unsigned char *r = rows + num * (row + 1);
        assert_int_equal(r[0], 2);
        for (int b = 0; b < row; b++)
            cur[b] = (unsigned char)(r[b + 1] + prev[b]);
        memcpy(prev, cur, (size_t)row);
        uint64_t f2 = 0, f3 = 0;
        for (int b = 0; b < w2; b++)
            f2 = f2 << 8 | cur[1 + b];
        for (int b = 0; b < w3; b++)
            f3 = f3 << 8 | cur[1 + w2 + b];
        char head[32];
        snprintf(head, sizeof head, "%ld 0 obj", num);
        if (num == 0) {
            assert_int_equal(cur[0], 0);
        } else if (cur[0] == 1) { /* in the file: the stream, the object stream, the xref stream */
            assert_true(num == STREAM_OBJ || num > NOBJ);
            assert_memory_equal(pdf + f2, head, strlen(head));
            if (num == STREAM_OBJ)
                assert_non_null(find(pdf + f2, out_len - f2, STREAM_DATA, sizeof STREAM_DATA - 1));
        } else { /* in object stream f2, at index f3 */
            assert_int_equal(cur[0], 2);
            assert_int_equal(f2, NOBJ + 1);
            char sdict[256];
            size_t n;
            snprintf(head, sizeof head, "%llu 0 obj", (unsigned long long)f2);
            const char *stm = find(pdf, out_len, head, strlen(head));
            assert_non_null(stm);
            unsigned char *data = stream_of(stm, &n, sdict, sizeof sdict);
            long first = dict_int(sdict, "/First ");
            assert_int_equal(dict_int(sdict, "/N "), NOBJ - 1);
            /* the header: pairs "num offset" */
            const char *h = (const char *)data;
            long obj = 0, off = 0;
            for (uint64_t i = 0; i <= f3; i++) {
                char *e;
                obj = strtol(h, &e, 10);
                off = strtol(e, &e, 10);
                h = e;
            }
            assert_int_equal(obj, num);
            assert_memory_equal(data + first + off, BODIES[num], strlen(BODIES[num]));
            free(data);
            packed++;
        }
    }
    assert_int_equal(packed, NOBJ - 1);
    free(rows);

    /* and an independent reader agrees */
    char path[] = "/tmp/test_pdfpack.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, out, out_len), (ssize_t)out_len);
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "qpdf --check %s >/dev/null 2>&1", path);
    assert_int_equal(system(cmd), 0);
    unlink(path);
    free(pdf);
    free(out);
    free(in.p);
}

static void test_id_is_kept(void **state)
{
    (void)state;
    struct buf in = classic("/ID [<0123> <4567>]\n");
    unsigned char *out = NULL;
    size_t n = 0;
    char err[128];
    assert_int_equal(pdfpack((unsigned char *)in.p, in.len, 2, &out, &n, err, sizeof err), 0);
    assert_non_null(find(out, n, "/ID[<0123> <4567>]", 18));
    free(out);
    free(in.p);
}

static void expect_refusal(const char *in, size_t n, const char *why)
{
    unsigned char *out = (unsigned char *)"untouched";
    size_t len = 7;
    char err[128] = "";
    assert_int_equal(pdfpack((const unsigned char *)in, n, 2, &out, &len, err, sizeof err), -1);
    assert_null(out);
    assert_int_equal(len, 0);
    if (!strstr(err, why))
        fail_msg("expected \"%s\" in \"%s\"", why, err);
}

static void test_refuses_what_it_cannot_read(void **state)
{
    (void)state;
    expect_refusal("hello, this is not a PDF file at all.", 37, "not a PDF");
    struct buf in = classic("");

    /* no startxref */
    char *p = strdup(in.p);
    memcpy(strstr(p, "startxref"), "startXref", 9);
    expect_refusal(p, in.len, "no startxref");
    free(p);

    /* an xref offset one byte off */
    p = strdup(in.p);
    char *e = strstr(p, "0000000015 00000 n");
    assert_non_null(e);
    e[9] = '6';
    expect_refusal(p, in.len, "object 1 is not at its xref offset");
    free(p);

    /* an object whose value never ends */
    p = strdup(in.p);
    char *t = strstr(p, "/Title (A");
    t[7] = '<';
    t[8] = '<';
    expect_refusal(p, in.len, "object 6");
    free(p);

    /* an encrypted or incrementally updated file */
    free(in.p);
    in = classic("/Encrypt 8 0 R\n");
    expect_refusal(in.p, in.len, "not supported");
    free(in.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packed_objects_read_back),
        cmocka_unit_test(test_id_is_kept),
        cmocka_unit_test(test_refuses_what_it_cannot_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
