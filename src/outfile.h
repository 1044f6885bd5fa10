/* outfile: a finished file written whole or not at all. */
#ifndef HANDOUT_OUTFILE_H
#define HANDOUT_OUTFILE_H
#include <stddef.h>

/* Writes data to a temporary file next to path and puts it in path's
 * place in one step, so a reader never sees half a file and a failure (a
 * full disk, a signal) leaves the old one, or none. No fsync, and no
 * forced write-out on replacing: like a compiler's output, the file is as
 * durable as the file system makes it (after a power cut it may be empty;
 * build it again). An fsync per PDF took longer than building the leaflet,
 * and a batch pays it for every topic. Returns 0, or -1 with a message in
 * err. Thread-safe. */
int outfile_write(const char *path, const void *data, size_t len, char *err, size_t errlen);

#endif
