/* pdfpack: objects given one by one, then read back through the xref
 * stream and object streams by a decoder written here, and checked by
 * qpdf; and the misuse it must refuse. */
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

/* Objects by number (1..). The stream's data holds "endobj" and unbalanced
 * brackets: it is copied, never scanned. */
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

/* BODIES[1..NOBJ] added in order (but `skip`), packed on two threads. */
static unsigned char *pack_bodies(uint32_t skip, size_t *out_len)
{
    struct pdfpack *p = pdfpack_new();
    assert_non_null(p);
    for (uint32_t i = 1; i <= NOBJ; i++) {
        if (i == skip)
            continue;
        if (i == STREAM_OBJ) {
            char stream[256];
            int n = snprintf(stream, sizeof stream, "<<\n/Length %zu\n>>\nstream\r\n%s\nendstream",
                             sizeof STREAM_DATA - 1, STREAM_DATA);
            pdfpack_add(p, i, stream, (size_t)n, true);
        } else {
            pdfpack_add(p, i, BODIES[i], strlen(BODIES[i]), false);
        }
    }
    unsigned char *out = NULL;
    char err[128] = "";
    assert_int_equal(pdfpack_finish(p, 1, INFO_OBJ, 2, &out, out_len, err, sizeof err), 0);
    return out;
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
    size_t out_len = 0;
    unsigned char *out = pack_bodies(7, &out_len); /* object 7 is free */
    char *pdf = malloc(out_len + 1);
    memcpy(pdf, out, out_len);
    pdf[out_len] = 0;
    assert_memory_equal(pdf, "%PDF-1.5\n", 9);

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
        if (num == 0 || num == 7) {
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
            assert_int_equal(dict_int(sdict, "/N "), NOBJ - 2);
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
    assert_int_equal(packed, NOBJ - 2);
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
}

/* Over PER_STREAM objects: several object streams, each deflated on its
 * own thread; qpdf reads every object back. */
static void test_many_objects(void **state)
{
    (void)state;
    struct pdfpack *p = pdfpack_new();
    assert_non_null(p);
    pdfpack_add(p, 1, "<< /Type /Catalog /Pages 2 0 R >>", 33, false);
    pdfpack_add(p, 2, "<< /Type /Pages /Kids [ ] /Count 0 >>", 37, false);
    for (uint32_t i = 3; i <= 1000; i++) {
        char v[32];
        int n = snprintf(v, sizeof v, "%u", i * 7);
        pdfpack_add(p, i, v, (size_t)n, false);
    }
    unsigned char *out = NULL;
    size_t n = 0;
    char err[128] = "";
    assert_int_equal(pdfpack_finish(p, 1, 0, 4, &out, &n, err, sizeof err), 0);
    assert_null(find(out, n, "/Info", 5));
    char path[] = "/tmp/test_pdfpack.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, out, n), (ssize_t)n);
    close(fd);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "qpdf --check %s >/dev/null 2>&1 && qpdf --show-object=999 %s", path, path);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    char line[64] = "";
    assert_non_null(fgets(line, sizeof line, f));
    assert_int_equal(pclose(f), 0);
    assert_string_equal(line, "6993\n");
    unlink(path);
    free(out);
}

static void expect_refusal(struct pdfpack *p, uint32_t root, const char *why)
{
    unsigned char *out = (unsigned char *)"untouched";
    size_t len = 7;
    char err[128] = "";
    assert_int_equal(pdfpack_finish(p, root, 0, 2, &out, &len, err, sizeof err), -1);
    assert_null(out);
    assert_int_equal(len, 0);
    if (!strstr(err, why))
        fail_msg("expected \"%s\" in \"%s\"", why, err);
}

static void test_refuses_misuse(void **state)
{
    (void)state;
    struct pdfpack *p = pdfpack_new();
    pdfpack_add(p, 1, "<< >>", 5, false);
    pdfpack_add(p, 1, "<< >>", 5, false);
    expect_refusal(p, 1, "added twice");

    p = pdfpack_new();
    pdfpack_add(p, 0, "null", 4, false);
    expect_refusal(p, 1, "out of range");

    p = pdfpack_new();
    pdfpack_add(p, 1, "<< >>", 5, false);
    expect_refusal(p, 2, "no catalog");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packed_objects_read_back),
        cmocka_unit_test(test_many_objects),
        cmocka_unit_test(test_refuses_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
