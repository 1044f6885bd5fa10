/* fontset: the font files a layout names, loaded once per run and then
 * shared read-only by every topic (and thread). Gives metrics for typeset
 * and file paths for pdf. */
#ifndef HANDOUT_FONTSET_H
#define HANDOUT_FONTSET_H
#include <stdbool.h>
#include <stdint.h>

struct diag;
struct fontset;
struct hb_face_t;

/* Loads faces; face i is paths[i]. The same path loaded twice is shared.
 * Returns NULL (with diagnostics) if any file cannot be used. */
struct fontset *fontset_load(const char *const *paths, int count, struct diag *d);
void fontset_free(struct fontset *fs);

int fontset_count(const struct fontset *fs);
const char *fontset_path(const struct fontset *fs, int face);
/* True when the face has a real glyph for the code point. */
bool fontset_has(const struct fontset *fs, int face, uint32_t cp);
/* Advance width of the code point, in em (multiply by the size in pt). */
double fontset_advance(const struct fontset *fs, int face, uint32_t cp);
/* Width of a UTF-8 string in em; code points the face lacks count as 0. */
double fontset_width(const struct fontset *fs, int face, const char *s, int len);
/* The advances of the code points below FONTSET_LATIN (Latin-1 and Latin
 * Extended-A), in em; < 0 where the face lacks one. For callers that
 * measure text a character at a time as they read it. */
enum { FONTSET_LATIN = 0x180 };
const float *fontset_latin(const struct fontset *fs, int face);
double fontset_ascent(const struct fontset *fs, int face);   /* em, > 0 */
double fontset_descent(const struct fontset *fs, int face);  /* em, > 0 */
/* The face's file as parsed at load, borrowed: pdf subsets it once per
 * document without reading the file again. HarfBuzz faces are safe to use
 * from several threads at once; do not change it. */
struct hb_face_t *fontset_hb_face(const struct fontset *fs, int face);

#endif
