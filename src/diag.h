/* diag: diagnostics collected by every stage and printed by the command
 * as "file:line:col: severity: message". */
#ifndef HANDOUT_DIAG_H
#define HANDOUT_DIAG_H
#include <stdio.h>

enum diag_severity { DIAG_WARNING, DIAG_ERROR };

struct diag_entry {
    enum diag_severity severity;
    char *file;     /* may be NULL */
    int line, col;  /* 0 when unknown */
    char *message;
};

struct diag {
    struct diag_entry *entries;
    int count, cap;
    int errors, warnings;
};

void diag_add(struct diag *d, enum diag_severity sev, const char *file,
              int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void diag_print(const struct diag *d, FILE *out);
/* Moves every entry of src to the end of dst. */
void diag_move(struct diag *dst, struct diag *src);
void diag_free(struct diag *d);

#endif
