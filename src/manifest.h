/* manifest: a booklet's YAML description: title, subtitle, organisation,
 * date, logo and the ordered list of topic files. */
#ifndef HANDOUT_MANIFEST_H
#define HANDOUT_MANIFEST_H

struct arena;
struct diag;

struct manifest {
    const char *path;
    const char *title, *subtitle, *organisation, *date, *logo; /* logo: resolved path */
    int logo_line;
    const char **topics;   /* paths resolved against the manifest's folder */
    int *topic_lines;
    int topic_count;
};

/* Returns 0, or -1 with errors (file:line:col) in d. */
int manifest_load(struct manifest *m, const char *path, struct arena *a, struct diag *d);

#endif
