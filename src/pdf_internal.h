/* pdf_internal: what the pdf*.c files share and nothing else uses: the
 * state of one pdf_write call and the helpers each file gives the others.
 * With the pdf*.c files, the only place that includes hpdf.h. Everything
 * here is named pdf_ (or is a type), so it cannot clash at link time with
 * another module.
 *
 *   pdf.c        pdf_write: the steps in order, errors, text, the page tree
 *   pdf_font.c   fonts: subset, loaded, their widths and maps, embedded
 *   pdf_image.c  PNG and JPEG images
 *   pdf_draw.c   a page's content stream
 *   pdf_nav.c    links, outline, page labels, document information
 *   pdf_objects.c  the objects written out; those made here, not by libharu
 *   pdf_save.c   streams deflated, the file packed and written
 */
#ifndef HANDOUT_PDF_INTERNAL_H
#define HANDOUT_PDF_INTERNAL_H
#include <hpdf.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

struct diag;
struct doc;
struct fontset;
struct hb_blob_t;
struct page_item;

/* Text is drawn from the Basic Multilingual Plane only. */
enum { BMP = 0x10000 };
/* Code points whose PDF widths a slot keeps ready: Latin-1 and Latin
 * Extended-A, nearly all the text of a leaflet. */
enum { SLOT_WIDTHS = 0x180 };

/* One font file used by text, whatever faces name it. */
struct font_slot {
    const char *path;       /* fontset_path, borrowed */
    int face;               /* first face that uses it */
    uint8_t cps[BMP / 8];   /* code points drawn with it */
    int missing;            /* code points the face has no glyph for */
    uint32_t first_missing;
    uint32_t max_cp;        /* highest code point drawn */
    HPDF_Font font;
    struct hb_blob_t *program; /* the font program embedded (FontFile2) */
    int simple;             /* a TrueType font with WinAnsiEncoding, not Type0 */
    int width[SLOT_WIDTHS]; /* in 1/1000 em, by code point */
    const char *name;       /* in the shared resources ("F1"), once drawn with */
};

struct pdf_held {
    uint32_t num; /* the stream's object number */
    int own;
    const unsigned char *p;
    size_t len;
};

/* A page: its objects, written by pdf_pages_write (pdf_raw_new). */
struct pdf_page {
    void *obj, *contents, *length;
    int deflated;        /* its content stream's data */
    struct bytes annots; /* "12 0 R 13 0 R ", its link annotations */
};

struct pdf_ctx {
    HPDF_Doc pdf;
    struct arena *hpdf_arena; /* all of libharu's memory for pdf (pdf.c) */
    HPDF_STATUS err, detail; /* first libharu error, 0 if none */
    int reported;            /* an error is already in d */
    const char *path;
    struct diag *d;
    const struct doc *doc;
    const struct fontset *fs;
    int threads;             /* pages are drawn on up to this many */
    int *face_slot;          /* per face: slot index or -1 */
    struct font_slot *slots;
    int nslots;
    struct pdf_image_slot *images; /* pdf_image.c's */
    int nimages, cap_images;
    struct pdf_page *pages;
    HPDF_Dict font_res, xobject_res; /* the page tree's shared resources */
    int own_media_box;       /* pages of different sizes: each has its own */
    HPDF_Encoder utf8;
    struct pdf_link *links;  /* pdf_nav.c's */
    int nlinks, cap_links;
    struct pdf_action *actions;
    int nactions;
    struct bytes raw;        /* the values of pdf_raw_new's objects */
    struct pdf_held *held;   /* streams' data (pdf_stream_set), by number */
    int nheld, cap_held;
    char *scratch;           /* cleaned UTF-8 text */
    size_t scratch_cap;
    int bad_text;            /* characters left out */
    uint32_t first_bad;
};

/* ---- pdf.c: errors, text, libharu objects ---- */

/* Reports an error (the first one only) into c->d; returns -1. */
int pdf_fail(struct pdf_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns -1 (and reports) if libharu has flagged an error since the start. */
int pdf_check(struct pdf_ctx *c, const char *what);
/* Reports libharu's error as pdf_check does if there is one, else fmt;
 * returns -1. */
int pdf_check_or_fail(struct pdf_ctx *c, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Whether a libharu call that returns a status failed: the status of
 * libharu's internal calls, which set the error without calling the
 * handler. Records the error in c. */
int pdf_hpdf_failed(struct pdf_ctx *c, HPDF_STATUS r);
const char *pdf_hpdf_error_text(HPDF_STATUS e);

/* Writes v as libharu's HPDF_FToA does (at most five decimals, no trailing
 * zeros, clamped to +-32767), without its per-call buffer work; returns
 * the end. At most 12 bytes. */
char *pdf_real(char *s, float v);

/* Decodes one UTF-8 sequence; returns its length and sets *cp, or returns
 * the number of bytes to skip with *cp = UINT32_MAX if it is malformed.
 * ASCII, most of every text, is decoded inline. */
int pdf_utf8_decode(const unsigned char *s, uint32_t *cp);
static inline int pdf_utf8_next(const unsigned char *s, uint32_t *cp)
{
    if (*s < 0x80) {
        *cp = *s;
        return 1;
    }
    return pdf_utf8_decode(s, cp);
}
/* Whether a code point can be drawn (UINT32_MAX, for malformed UTF-8,
 * cannot): BMP only, as a Type0 font's two-byte codes are the code point
 * itself; no C0 controls. */
static inline int pdf_drawable(uint32_t cp)
{
    return cp >= 0x20 && cp < BMP;
}
/* s as drawable text only, in *buf (grown as needed; overwritten by the
 * next call); what is left out is counted in *bad, the first in
 * *first_bad, for a warning. NULL on OOM. */
char *pdf_clean_text_into(const char *s, char **buf, size_t *cap, int *bad, uint32_t *first_bad);
/* The same, in c->scratch, counted in c. */
char *pdf_clean_text(struct pdf_ctx *c, const char *s);
/* Whether s is printable ASCII, the same in PDFDocEncoding: a text string
 * written as a short literal instead of UTF-16 hex. */
int pdf_plain_ascii(const char *s);
/* libharu's UTF-8 encoder, made on first use; NULL on failure. */
HPDF_Encoder pdf_utf8_encoder(struct pdf_ctx *c);

/* The name of obj (a font, an image) in res, the shared resources: given
 * as libharu's pages would ("F1", "X1", in order of first use). NULL on
 * failure, reported. */
const char *pdf_resource_name(struct pdf_ctx *c, HPDF_Dict res, char prefix, void *obj);
/* Removes key from dict if it is there. */
void pdf_dict_remove(HPDF_Dict dict, const char *key);
/* A stream's data, kept here rather than copied into libharu's stream
 * (into 4 KB buffers, for a page of 1.5 KB): written out when the
 * document is saved, in place of what libharu's stream holds. The data is
 * PDF_COPY: copied now; PDF_TAKE: malloc'd, freed with the document;
 * PDF_BORROW: kept by the caller until then. Returns -1 (reported) when
 * out of memory, data freed if taken. */
enum pdf_hold { PDF_COPY, PDF_TAKE, PDF_BORROW };
int pdf_stream_set(struct pdf_ctx *c, const void *obj, const void *data, size_t len, enum pdf_hold how);
/* Whether obj's data is held (pdf_stream_set), and where. */
int pdf_stream_get(const struct pdf_ctx *c, const void *obj, const unsigned char **data, size_t *len);
void pdf_streams_free(struct pdf_ctx *c);
/* Appends bytes [from, end) of a libharu memory stream to b. */
void pdf_mem_stream_append(struct bytes *b, HPDF_Stream st, size_t from);

/* ---- pdf_font.c ---- */

/* Finds the slot of every face used by text and the code points each draws. */
int pdf_fonts_collect(struct pdf_ctx *c);
/* Makes the fonts of all slots with something to draw. */
int pdf_fonts_load(struct pdf_ctx *c);
/* Readies cleaned text for a slot's font: returns its width in the PDF, in
 * 1/1000 em, and rewrites it in place into WinAnsi bytes for a simple font
 * (a Type0 font's text stays UTF-8; pdf_draw.c writes its codes). */
long pdf_font_encode(const struct pdf_ctx *c, const struct font_slot *s, char *t);
/* Releases what the fonts hold outside libharu. */
void pdf_fonts_free(struct pdf_ctx *c);

/* ---- pdf_image.c ---- */

/* Loads the image in a PNG or JPEG file (once per document) and names it
 * in the shared resources; returns its name, or NULL with an error
 * reported. */
const char *pdf_image_add(struct pdf_ctx *c, const char *path);
/* The name of an image pdf_image_add has added (safe from any thread). */
const char *pdf_image_name(const struct pdf_ctx *c, const char *path);

/* ---- pdf_draw.c ---- */

/* Draws every page's items into its content stream, deflated, on up to
 * `threads` threads; links go to pdf_link_add. While the other threads
 * draw, the caller runs meanwhile(c), which must not change what drawing
 * reads: the pages' items, fonts and images. */
int pdf_pages_draw(struct pdf_ctx *c, int threads, int (*meanwhile)(struct pdf_ctx *c));
/* Writes every page's object, once drawn and linked. */
void pdf_pages_write(struct pdf_ctx *c);

/* ---- pdf_nav.c ---- */

/* Records a link item of page pi; pdf_links_write writes them all, once
 * every page exists (a link may point at a later page). */
int pdf_link_add(struct pdf_ctx *c, int pi, const struct page_item *it);
int pdf_links_write(struct pdf_ctx *c);
/* The outline from the pages' marks, the page labels, and the document
 * information (title, author, ..., date, language). */
int pdf_outline_write(struct pdf_ctx *c);
int pdf_labels_write(struct pdf_ctx *c);
int pdf_info_write(struct pdf_ctx *c);

/* ---- pdf_save.c ---- */

/* Deflates every stream not deflated yet: fonts, images; the pages' are
 * empty until drawn, and deflated as they are. */
int pdf_streams_deflate(struct pdf_ctx *c);

/* ---- pdf_objects.c ---- */

/* Every object of the document, added to p. */
struct pdfpack;
int pdf_objects_write(struct pdf_ctx *c, struct pdfpack *p);
/* An object of the document whose value is written here, not made of
 * libharu objects (outline items, links): numbered now, so that libharu
 * objects can refer to it, with its value given by pdf_raw_set before the
 * document is saved. NULL on failure (libharu's error is set). */
void *pdf_raw_new(struct pdf_ctx *c);
void pdf_raw_set(struct pdf_ctx *c, void *obj, const struct bytes *value);
/* The same for a stream: value is its dictionary, "<< ... >>", and its
 * data is held (pdf_stream_set). */
void pdf_raw_set_stream(struct pdf_ctx *c, void *obj, const struct bytes *dict);
/* Values as libharu writes them: an integer, a real (pdf_real), a
 * reference to an object of its own ("12 0 R"), a text string (cleaned
 * text: a literal if printable ASCII, else UTF-16BE hex). */
void pdf_put_int(struct bytes *b, int32_t v);
void pdf_put_real(struct bytes *b, float v);
void pdf_put_ref(struct bytes *b, const void *obj);
void pdf_put_text(struct bytes *b, const char *t);
/* Saves the document, packed, to c->path, atomically. */
int pdf_save(struct pdf_ctx *c);

#endif
