/* pdfpack: a PDF 1.5 file made from its objects, given one by one: those
 * that are not streams go into compressed object streams, and a compressed
 * cross-reference stream replaces the xref table (ISO 32000-1 §7.5.7-8).
 * Outline items, links, pages and stream lengths are small objects of
 * their own; packed, they cost a fraction of the bytes. It knows nothing
 * of libharu: pdf_objects.c gives it libharu's objects. */
#ifndef HANDOUT_PDFPACK_H
#define HANDOUT_PDFPACK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pdfpack;

struct pdfpack *pdfpack_new(void);

/* Adds object num (generation 0), any number from 1 once, in the order of
 * the file: `value` is what goes between "num 0 obj" and "endobj". A
 * stream is written as it is; any other object goes into an object
 * stream. */
void pdfpack_add(struct pdfpack *p, uint32_t num, const void *value, size_t len, bool is_stream);

/* The whole file, whose catalog and document information are objects root
 * and info (info 0: none), deflating on up to `threads` threads. Numbers
 * never added are free objects. Returns 0 and a malloc'd file in *out,
 * *out_len; or -1 with a reason in err. Frees p either way. */
int pdfpack_finish(struct pdfpack *p, uint32_t root, uint32_t info, int threads, unsigned char **out,
                   size_t *out_len, char *err, size_t errlen);

#endif
