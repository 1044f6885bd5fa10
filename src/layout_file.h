/* layout_file: layouts read from YAML files in DATA/layouts (or any path),
 * validated field by field, with every error reported at its line:col.
 * The format is documented in layouts/README.md. */
#ifndef HANDOUT_LAYOUT_FILE_H
#define HANDOUT_LAYOUT_FILE_H
#include <stdio.h>

struct layout;
struct arena;
struct diag;

/* Loads a layout by name ("a5" -> DATA/layouts/a5.yaml) or by path (anything
 * containing '/' or ending in .yaml or .yml). Starts from
 * layout_default(l, DATA/fonts, a), applies the file it `extends:` first
 * (recursively: at most 8 extends in a chain, and a cycle is an error), then
 * the file itself; when the result has `large_print: true`, ends with
 * layout_apply_large_print. Strings in *l live in a. Returns 0, or -1 with
 * errors "layouts/x.yaml:LINE:COL: error: ..." in d (file = the path as
 * opened); warnings (e.g. a margin within 5 mm of the edge) do not fail. */
int layout_load(struct layout *l, const char *name_or_path, const char *data_dir, struct arena *a,
                struct diag *d);

/* Lists the layouts in DATA/layouts, sorted by name: name, paper and
 * description, one per line, to out. A layout that fails to load is listed
 * as such and its errors go to d. Returns the count, or -1 when the folder
 * cannot be read. */
int layout_list(const char *data_dir, FILE *out, struct arena *a, struct diag *d);

/* "A4", "A5 landscape", "DL", "Letter", or "210 x 99 mm": the name of a
 * page size in pt, written to buf. Returns buf. */
const char *layout_paper_name(double w, double h, char *buf, size_t size);

#endif
