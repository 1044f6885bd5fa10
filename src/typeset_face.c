/* typeset_face: which font face sets each character. A style picks a face;
 * a character that face lacks falls back to the fallback and code faces, and
 * one no face has is reported once and printed as '?'. */
#include <stddef.h>

#include "diag.h"
#include "fontset.h"
#include "source.h"
#include "typeset_internal.h"

double ts_width(struct ts *ts, int face, const char *s, int len, double size)
{
    return fontset_width(ts->fs, face, s, len) * size;
}

struct istyle ts_style_of(struct ts *ts, enum layout_element el)
{
    const struct layout_style *s = &ts->l->style[el];
    return (struct istyle){.family = s->family, .bold = s->bold, .italic = s->italic,
                           .size = s->size, .color = s->color};
}

/* The face that has this character: the style's own, then the fallbacks. */
int ts_face_lookup(struct ts *ts, int face, uint32_t cp)
{
    if (cp < 0x10000 && fontset_has(ts->fs, face, cp))
        return face;
    int variant = face % VARIANT_COUNT;
    const int fallbacks[] = {LAYOUT_FACE(FAMILY_FALLBACK, variant), LAYOUT_FACE(FAMILY_FALLBACK, VARIANT_REGULAR),
                             LAYOUT_FACE(FAMILY_CODE, VARIANT_REGULAR)};
    for (size_t i = 0; i < sizeof fallbacks / sizeof fallbacks[0]; i++)
        if (cp < 0x10000 && fontset_has(ts->fs, fallbacks[i], cp))
            return fallbacks[i];
    return -1;
}

void ts_warn_missing(struct ts *ts, uint32_t cp)
{
    for (int i = 0; i < ts->warned_count; i++)
        if (ts->warned_cp[i] == cp)
            return;
    if (ts->warned_count < 64)
        ts->warned_cp[ts->warned_count++] = cp;
    diag_add(ts->d, DIAG_WARNING, ts->topic->path, ts->line, 1,
             "no font has the character U+%04X; it is printed as '?'", (unsigned)cp);
}
