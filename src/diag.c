#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

void diag_add(struct diag *d, enum diag_severity sev, const char *file,
              int line, int col, const char *fmt, ...)
{
    if (d->count == d->cap) {
        int cap = d->cap ? d->cap * 2 : 8;
        struct diag_entry *e = realloc(d->entries, (size_t)cap * sizeof *e);
        if (!e)
            return;
        d->entries = e;
        d->cap = cap;
    }
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    d->entries[d->count++] = (struct diag_entry){
        .severity = sev, .file = dup_or_null(file), .line = line, .col = col,
        .message = strdup(buf),
    };
    if (sev == DIAG_ERROR)
        d->errors++;
    else
        d->warnings++;
}

void diag_print(const struct diag *d, FILE *out)
{
    for (int i = 0; i < d->count; i++) {
        const struct diag_entry *e = &d->entries[i];
        const char *sev = e->severity == DIAG_ERROR ? "error" : "warning";
        if (e->file && e->line > 0)
            fprintf(out, "%s:%d:%d: %s: %s\n", e->file, e->line, e->col > 0 ? e->col : 1, sev, e->message);
        else if (e->file)
            fprintf(out, "%s: %s: %s\n", e->file, sev, e->message);
        else
            fprintf(out, "handout: %s: %s\n", sev, e->message);
    }
}

void diag_move(struct diag *dst, struct diag *src)
{
    for (int i = 0; i < src->count; i++) {
        struct diag_entry *e = &src->entries[i];
        diag_add(dst, e->severity, e->file, e->line, e->col, "%s", e->message);
    }
    diag_free(src);
}

void diag_free(struct diag *d)
{
    for (int i = 0; i < d->count; i++) {
        free(d->entries[i].file);
        free(d->entries[i].message);
    }
    free(d->entries);
    memset(d, 0, sizeof *d);
}
