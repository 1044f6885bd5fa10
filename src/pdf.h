/* pdf: draws a page list (pages.h) into a PDF file with libharu.
 * The only module that includes hpdf.h. */
#ifndef HANDOUT_PDF_H
#define HANDOUT_PDF_H

struct doc;
struct fontset;
struct diag;

/* Writes the document to `path` atomically: a temporary file in the same
 * folder, renamed into place; on error nothing is left behind. Fonts used by
 * text are subset (HarfBuzz) and embedded; the same input gives the same
 * bytes (dates come from SOURCE_DATE_EPOCH or doc->info.date only).
 * Returns 0, or -1 with an error in d (file = path). Warnings (a code point
 * a face lacks, a malformed date) may be added on success.
 * Pages are drawn and deflated on up to `threads` threads (counting the
 * caller; 1 in a batch whose documents are already built in parallel).
 * Thread-safe: no global state; call it from several threads on different
 * docs at once. */
int pdf_write(const struct doc *doc, const struct fontset *fs, const char *path, int threads, struct diag *d);

#endif
