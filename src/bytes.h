/* bytes: a growing byte buffer for writing files in memory. A failed
 * allocation sets oom and turns later writes into no-ops, so a writer
 * checks once, at the end. */
#ifndef HANDOUT_BYTES_H
#define HANDOUT_BYTES_H
#include <stddef.h>

struct bytes {
    unsigned char *p;
    size_t len, cap;
    int oom;
};

void bytes_put(struct bytes *b, const void *s, size_t n);
void bytes_puts(struct bytes *b, const char *s);
/* Formatted, up to 511 bytes (longer sets oom). */
void bytes_printf(struct bytes *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
