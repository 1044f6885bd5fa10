/* pdf_save: the finished document: its streams deflated, its objects
 * written as PDF 1.5 (pdf_objects.c, pdfpack.h) and the file written whole
 * (outfile.h): libharu 2.3 writes PDF 1.4 with every object on its own,
 * and HPDF_SaveToFile can leave a partial file behind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "flate.h"
#include "outfile.h"
#include "parallel.h"
#include "pdf_internal.h"
#include "pdfpack.h"

/* Written in a stream dictionary that holds data deflated here. libharu
 * writes the Filter of a stream it deflates itself (as an array), and
 * drops any Filter entry of one it does not. */
static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream out)
{
    (void)dict;
    return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

/* One stream to deflate, on whichever thread gets it: data held here
 * (pdf_stream_set), or in libharu's stream (an image libharu loaded). */
struct deflate_job {
    HPDF_Dict dict;
    const unsigned char *data; /* NULL: in dict->stream */
    size_t n;
    unsigned char *z; /* its deflated data, zn bytes; zn = 0 on failure */
    size_t zn;
};

static void deflate_job(void *ctx, int i, int worker)
{
    (void)worker;
    struct deflate_job *j = (struct deflate_job *)ctx + i;
    struct bytes in = {0};
    if (!j->data) {
        pdf_mem_stream_append(&in, j->dict->stream, 0);
        if (in.oom || in.len != j->n) {
            free(in.p);
            return;
        }
    }
    if ((j->z = malloc(flate_bound(j->n))))
        j->zn = flate_compress(j->data ? j->data : in.p, j->n, j->z, FLATE_SMALLEST);
    free(in.p);
}

/* Deflates every stream not deflated yet (flate.c), on c->threads threads
 * (fonts and images take most of a leaflet's compressing), with a plain
 * /Filter name (libharu: a one-name array); one that would not get
 * smaller is left as it is, and JPEG data alone. */
int pdf_streams_deflate(struct pdf_ctx *c)
{
    HPDF_List entries = c->pdf->xref->entries;
    struct deflate_job *jobs = calloc(entries->count + 1, sizeof *jobs);
    if (!jobs)
        return pdf_fail(c, "out of memory");
    int n = 0, rc = 0;
    for (HPDF_UINT i = 0; i < entries->count; i++) {
        HPDF_XrefEntry e = HPDF_List_ItemAt(entries, i);
        HPDF_Obj_Header *h = e->obj;
        if (!h || (h->obj_class & HPDF_OCLASS_ANY) != HPDF_OCLASS_DICT)
            continue;
        HPDF_Dict d = e->obj;
        if (!d->stream || d->stream->type != HPDF_STREAM_MEMORY || d->write_fn ||
            (d->filter & ~HPDF_STREAM_FILTER_FLATE_DECODE))
            continue;
        struct deflate_job j = {.dict = d};
        if (!pdf_stream_get(c, d, &j.data, &j.n))
            j.n = HPDF_Stream_Size(d->stream);
        if (j.n == 0) { /* nothing to deflate (a page's, not drawn yet) */
            d->filter = HPDF_STREAM_FILTER_NONE;
            continue;
        }
        jobs[n++] = j;
    }
    parallel_for(n, c->threads, deflate_job, jobs);
    for (int i = 0; i < n && !rc; i++) {
        struct deflate_job *j = &jobs[i];
        if (!j->zn) {
            rc = pdf_fail(c, "cannot compress a stream");
            break;
        }
        j->dict->filter = HPDF_STREAM_FILTER_NONE;
        /* "/Filter /FlateDecode" costs 21 bytes. */
        if (j->zn + 21 < j->n) {
            rc = pdf_stream_set(c, j->dict, j->z, j->zn, PDF_TAKE);
            j->z = NULL;
            j->dict->write_fn = write_flate_filter;
        }
    }
    for (int i = 0; i < n; i++)
        free(jobs[i].z);
    free(jobs);
    return rc;
}

/* Writes the objects into a PDF 1.5 file (pdf_objects.c, pdfpack.h) and
 * the file whole (outfile.h). */
int pdf_save(struct pdf_ctx *c)
{
    struct pdfpack *p = pdfpack_new();
    if (!p)
        return pdf_fail(c, "out of memory");
    HPDF_Dict root = c->pdf->catalog, info = c->pdf->info;
    unsigned char *file = NULL;
    size_t len = 0;
    char err[256];
    int r = pdf_objects_write(c, p);
    if (pdfpack_finish(p, root->header.obj_id & 0x00FFFFFF, info ? info->header.obj_id & 0x00FFFFFF : 0, c->threads, &file,
                       &len, err, sizeof err) < 0) {
        if (r == 0)
            r = pdf_fail(c, "cannot make the PDF: %s", err);
    } else if (r == 0 && (r = outfile_write(c->path, file, len, err, sizeof err)) < 0) {
        pdf_fail(c, "%s", err);
    }
    free(file);
    return r;
}
