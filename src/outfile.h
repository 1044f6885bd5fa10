/* outfile: a finished file written whole or not at all. */
#ifndef HANDOUT_OUTFILE_H
#define HANDOUT_OUTFILE_H
#include <stddef.h>

/* Writes data to a temporary file next to path, fsyncs it and renames it
 * into place, so a reader never sees half a file and a failure leaves the
 * old one (or none). Returns 0, or -1 with a message in err. Thread-safe. */
int outfile_write(const char *path, const void *data, size_t len, char *err, size_t errlen);

#endif
