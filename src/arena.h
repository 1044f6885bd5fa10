/* arena: one allocation region per document build; nothing is freed piecemeal. */
#ifndef HANDOUT_ARENA_H
#define HANDOUT_ARENA_H
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
/* Zeroed memory, aligned for any type. Never returns NULL: on exhaustion
 * the arena falls back to a static zero block and arena_failed() is true. */
void *arena_alloc(struct arena *a, size_t size);
/* Resizes p, an allocation of old_size bytes: in place when p is the last
 * allocation and its block has room (a buffer that grows again and again
 * then costs no copies and wastes nothing), else as a copy. Bytes past
 * old_size are unspecified, as with realloc; exhaustion as arena_alloc. */
void *arena_realloc(struct arena *a, void *p, size_t old_size, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int arena_failed(const struct arena *a);
/* Empties a (which must have adopted no arena): what was allocated is
 * gone, and its blocks serve the next allocations, their memory already
 * touched. */
void arena_reset(struct arena *a);
/* Makes child part of parent: freed with it. Work done on another thread
 * uses an arena of its own (arenas are not shared between threads), then
 * hands it over. */
void arena_adopt(struct arena *parent, struct arena *child);
size_t arena_used(const struct arena *a);

#endif
