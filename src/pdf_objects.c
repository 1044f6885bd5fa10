/* pdf_objects: libharu's objects written out, one by one, into pdfpack
 * (pdfpack.h), in place of HPDF_SaveToStream.
 *
 * libharu's writer spent about 10,000 instructions an object (every piece
 * through its stream layer, names escaped byte by byte), and the classic
 * file it made then had to be read again to be packed: for the 50-topic
 * booklet, 18 M instructions on one thread. The bytes written here are the
 * ones libharu writes (ISO 32000-1 §7.3; hpdf_dict.c, hpdf_array.c, ...).
 * The rare values (strings, binary data, a dictionary's write callback, a
 * stream libharu filters itself) are still written by libharu, into a
 * scratch stream, and copied. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_conf.h>  /* HPDF_STREAM_BUF_SIZ */
#include <hpdf_utils.h> /* HPDF_IToA, HPDF_NEEDS_ESCAPE */

#include "bytes.h"
#include "pdf_internal.h"
#include "pdfpack.h"

struct writer {
    struct pdf_ctx *c;
    struct bytes b;      /* the object being written */
    HPDF_Stream scratch; /* libharu writes the rare values here, one after another */
    HPDF_STATUS err;     /* the first failure */
};

static void fail(struct writer *w, HPDF_STATUS r)
{
    if (!w->err)
        w->err = r ? r : HPDF_INVALID_OBJECT;
}

/* A value written by libharu itself. */
static void put_by_libharu(struct writer *w, void *obj)
{
    size_t from = w->scratch->size;
    HPDF_STATUS r = HPDF_Obj_WriteValue(obj, w->scratch, NULL);
    if (r != HPDF_OK)
        fail(w, r);
    pdf_mem_stream_append(&w->b, w->scratch, from);
}

static const char hex[] = "0123456789ABCDEF";

/* "/Name", escaped as HPDF_Stream_WriteEscapeName does, at most
 * HPDF_LIMIT_MAX_NAME_LEN bytes of it. */
static void put_name(struct bytes *b, const char *name)
{
    char out[HPDF_LIMIT_MAX_NAME_LEN * 3 + 2], *o = out;
    *o++ = '/';
    for (size_t i = 0; i < HPDF_LIMIT_MAX_NAME_LEN && name[i]; i++) {
        unsigned char c = (unsigned char)name[i];
        if (HPDF_NEEDS_ESCAPE(c)) {
            *o++ = '#';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        } else {
            *o++ = (char)c;
        }
    }
    bytes_put(b, out, (size_t)(o - out));
}

void pdf_put_int(struct bytes *b, int32_t v)
{
    char buf[HPDF_INT_LEN + 1];
    bytes_put(b, buf, (size_t)(HPDF_IToA(buf, v, buf + HPDF_INT_LEN) - buf));
}

void pdf_put_real(struct bytes *b, float v)
{
    char buf[16];
    bytes_put(b, buf, (size_t)(pdf_real(buf, v) - buf));
}

void pdf_put_ref(struct bytes *b, const void *obj)
{
    pdf_put_int(b, (int32_t)(((const HPDF_Obj_Header *)obj)->obj_id & 0x00FFFFFF));
    bytes_put(b, " 0 R", 4);
}

/* A text string as libharu writes an HPDF_String: printable ASCII as a
 * literal with \ooo escapes (HPDF_Stream_WriteEscapeText2), anything else
 * as UTF-16BE hex with a byte order mark (its UTF-8 encoder). */
void pdf_put_text(struct bytes *b, const char *t)
{
    const unsigned char *s = (const unsigned char *)t;
    if (pdf_plain_ascii(t)) {
        bytes_put(b, "(", 1);
        for (; *s; s++) {
            if (HPDF_NEEDS_ESCAPE(*s)) {
                char e[4] = {'\\', (char)('0' + (*s >> 6)), (char)('0' + ((*s >> 3) & 7)), (char)('0' + (*s & 7))};
                bytes_put(b, e, 4);
            } else {
                bytes_put(b, s, 1);
            }
        }
        bytes_put(b, ")", 1);
        return;
    }
    bytes_put(b, "<FEFF", 5);
    while (*s) {
        uint32_t cp;
        s += pdf_utf8_next(s, &cp);
        if (cp >= BMP) /* cleaned text has none */
            continue;
        char u[4] = {hex[cp >> 12], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15], hex[cp & 15]};
        bytes_put(b, u, 4);
    }
    bytes_put(b, ">", 1);
}

static void put_value(struct writer *w, void *obj);

/* A value inside an array or dictionary: a reference when it is an
 * object of its own (HPDF_Obj_Write). */
static void put_item(struct writer *w, void *obj)
{
    HPDF_Obj_Header *h = obj;
    if (h->obj_id & HPDF_OTYPE_HIDDEN)
        return;
    if (h->obj_class == HPDF_OCLASS_PROXY) {
        HPDF_Obj_Header *target = ((HPDF_Proxy)obj)->obj;
        pdf_put_int(&w->b, (HPDF_INT32)(target->obj_id & 0x00FFFFFF));
        bytes_put(&w->b, " ", 1);
        pdf_put_int(&w->b, target->gen_no);
        bytes_put(&w->b, " R", 2);
        return;
    }
    put_value(w, obj);
}

static void put_array(struct writer *w, HPDF_Array a)
{
    bytes_put(&w->b, "[ ", 2);
    for (HPDF_UINT i = 0; i < a->list->count; i++) {
        put_item(w, HPDF_List_ItemAt(a->list, i));
        bytes_put(&w->b, " ", 1);
    }
    bytes_put(&w->b, "]", 1);
}

/* A stream's data after its dictionary, framed as libharu frames it: the
 * data held for obj (pdf_stream_set), else what st holds. Returns the
 * data's length, or -1 when there is none (st NULL and nothing held). */
static long put_stream(struct bytes *b, const struct pdf_ctx *c, const void *obj, HPDF_Stream st)
{
    const unsigned char *held;
    size_t len = 0;
    int is_held = pdf_stream_get(c, obj, &held, &len);
    if (!is_held && !st)
        return -1;
    bytes_put(b, "\012stream\015\012", 9);
    size_t from = b->len;
    if (is_held)
        bytes_put(b, held, len);
    else
        pdf_mem_stream_append(b, st, 0);
    len = b->len - from;
    bytes_put(b, "\012endstream", 10);
    return (long)len;
}

/* HPDF_Dict_Write, for a dictionary whose stream, if any, is data in
 * memory with no filter of libharu's. */
static void put_dict(struct writer *w, HPDF_Dict d)
{
    bytes_put(&w->b, "<<\012", 3);
    HPDF_STATUS r;
    if (d->before_write_fn && (r = d->before_write_fn(d)) != HPDF_OK)
        fail(w, r);
    if (d->stream)
        pdf_dict_remove(d, "Filter");
    for (HPDF_UINT i = 0; i < d->list->count; i++) {
        HPDF_DictElement e = HPDF_List_ItemAt(d->list, i);
        if (!e->value) {
            fail(w, HPDF_INVALID_OBJECT);
            continue;
        }
        if (((HPDF_Obj_Header *)e->value)->obj_id & HPDF_OTYPE_HIDDEN)
            continue;
        put_name(&w->b, e->key);
        bytes_put(&w->b, " ", 1);
        put_item(w, e->value);
        bytes_put(&w->b, "\012", 1);
    }
    if (d->write_fn) {
        size_t from = w->scratch->size;
        if ((r = d->write_fn(d, w->scratch)) != HPDF_OK)
            fail(w, r);
        pdf_mem_stream_append(&w->b, w->scratch, from);
    }
    bytes_put(&w->b, ">>", 2);
    if (d->stream) {
        /* The length is an object of its own, written after this one. */
        HPDF_Number length = HPDF_Dict_GetItem(d, "Length", HPDF_OCLASS_NUMBER);
        if (!length || !(length->header.obj_id & HPDF_OTYPE_INDIRECT))
            fail(w, HPDF_DICT_STREAM_LENGTH_NOT_FOUND);
        long len = put_stream(&w->b, w->c, d, d->stream);
        if (length)
            HPDF_Number_SetValue(length, (HPDF_INT32)len);
    }
    if (d->after_write_fn && (r = d->after_write_fn(d)) != HPDF_OK)
        fail(w, r);
}

/* HPDF_Obj_WriteValue. */
static void put_value(struct writer *w, void *obj)
{
    HPDF_Obj_Header *h = obj;
    switch (h->obj_class & HPDF_OCLASS_ANY) {
    case HPDF_OCLASS_NAME:
        put_name(&w->b, ((HPDF_Name)obj)->value);
        break;
    case HPDF_OCLASS_NUMBER:
        pdf_put_int(&w->b, ((HPDF_Number)obj)->value);
        break;
    case HPDF_OCLASS_REAL:
        pdf_put_real(&w->b, ((HPDF_Real)obj)->value);
        break;
    case HPDF_OCLASS_BOOLEAN:
        bytes_puts(&w->b, ((HPDF_Boolean)obj)->value ? "true" : "false");
        break;
    case HPDF_OCLASS_NULL:
        bytes_put(&w->b, "null", 4);
        break;
    case HPDF_OCLASS_ARRAY:
        put_array(w, obj);
        break;
    case HPDF_OCLASS_DICT: {
        HPDF_Dict d = obj;
        if (d->stream && (d->stream->type != HPDF_STREAM_MEMORY || d->filter != HPDF_STREAM_FILTER_NONE))
            put_by_libharu(w, obj); /* libharu compresses or reads it as it writes */
        else
            put_dict(w, d);
        break;
    }
    default: /* strings (through their encoder), binary data */
        put_by_libharu(w, obj);
    }
}

/* ---- objects made here ---------------------------------------------- */

/* An object whose bytes are made here. libharu sees a null with a number:
 * its objects can refer to it, and it costs 32 bytes where a libharu
 * dictionary costs 1-3 KB (a 136-byte entry per key, lists grown by 20):
 * the 50-topic booklet's outline and links took 1.6 MB, all of it memory
 * touched for the first time. Its bytes are in c->raw. */
struct pdf_raw {
    HPDF_Obj_Header header; /* HPDF_OCLASS_NULL, indirect */
    size_t off, len;
    int set;
    int stream; /* value is the dictionary; the data is held (pdf_stream_set) */
};

void *pdf_raw_new(struct pdf_ctx *c)
{
    struct pdf_raw *r = HPDF_GetMem(c->pdf->mmgr, sizeof *r);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    r->header.obj_class = HPDF_OCLASS_NULL;
    return HPDF_Xref_Add(c->pdf->xref, r) == HPDF_OK ? r : NULL;
}

void pdf_raw_set(struct pdf_ctx *c, void *obj, const struct bytes *value)
{
    struct pdf_raw *r = obj;
    r->off = c->raw.len;
    r->len = value->len;
    r->set = 1;
    bytes_put(&c->raw, value->p, value->len);
    c->raw.oom |= value->oom;
}

void pdf_raw_set_stream(struct pdf_ctx *c, void *obj, const struct bytes *dict)
{
    pdf_raw_set(c, obj, dict);
    ((struct pdf_raw *)obj)->stream = 1;
}

int pdf_objects_write(struct pdf_ctx *c, struct pdfpack *p)
{
    HPDF_Xref xref = c->pdf->xref;
    if (xref->prev || xref->start_offset != 0)
        return pdf_fail(c, "cannot make the PDF: an updated document");
    struct writer w = {.c = c, .scratch = HPDF_MemStream_New(c->pdf->mmgr, HPDF_STREAM_BUF_SIZ)};
    if (!w.scratch)
        return pdf_check_or_fail(c, "cannot make the PDF", "out of memory");
    /* Entry 0 is the head of the free list. */
    for (HPDF_UINT i = 1; i < xref->entries->count && !w.err && !w.b.oom; i++) {
        HPDF_XrefEntry e = HPDF_List_ItemAt(xref->entries, i);
        HPDF_Obj_Header *h = e->obj;
        if (e->gen_no != 0) {
            fail(&w, HPDF_INVALID_OBJECT);
            break;
        }
        if ((h->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_NULL) { /* only pdf_raw_new makes indirect nulls */
            const struct pdf_raw *r = e->obj;
            if (!r->set)
                fail(&w, HPDF_INVALID_OBJECT);
            if (!r->stream) {
                pdfpack_add(p, i, c->raw.p + r->off, r->len, false);
                continue;
            }
            w.b.len = 0;
            bytes_put(&w.b, c->raw.p + r->off, r->len);
            if (put_stream(&w.b, c, r, NULL) < 0)
                fail(&w, HPDF_INVALID_OBJECT);
            pdfpack_add(p, i, w.b.p, w.b.len, true);
            continue;
        }
        w.b.len = 0;
        put_value(&w, e->obj);
        bool is_stream = (h->obj_class & HPDF_OCLASS_ANY) == HPDF_OCLASS_DICT && ((HPDF_Dict)e->obj)->stream;
        pdfpack_add(p, i, w.b.p, w.b.len, is_stream);
    }
    free(w.b.p);
    HPDF_Stream_Free(w.scratch);
    if (w.b.oom || c->raw.oom)
        return pdf_fail(c, "out of memory");
    if (w.err || c->err)
        return pdf_check_or_fail(c, "cannot make the PDF", "cannot make the PDF: libharu error %s",
                                 pdf_hpdf_error_text(w.err));
    return 0;
}
