/* pdfpack: a classic PDF (one xref table, every object on its own, as
 * libharu 2.3 writes it) rewritten in PDF 1.5 form: the objects that are
 * not streams packed into compressed object streams, and the xref table
 * replaced by a compressed cross-reference stream (ISO 32000-1 §7.5.7-8).
 * Outline items, links, pages and stream lengths are small objects of
 * their own; packed, they cost a fraction of the bytes. */
#ifndef HANDOUT_PDFPACK_H
#define HANDOUT_PDFPACK_H
#include <stddef.h>

/* Packs in[0..n), deflating on up to `threads` threads. On success
 * returns 0 and a malloc'd result in *out, *out_len; on input it cannot
 * read returns -1 with a reason in err. */
int pdfpack(const unsigned char *in, size_t n, int threads, unsigned char **out, size_t *out_len, char *err,
            size_t errlen);

#endif
