/* libFuzzer target: bytes -> a layout YAML file -> layout_load. The file is
 * written to a private temporary folder (layout_load reads files, and
 * follows `extends:` to the layouts in DATA/layouts). Checks that a failed
 * load always reports an error and that a loaded layout is sane enough for
 * typeset (positive paper, a column at least 1 pt wide, sizes > 0). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "layout.h"
#include "layout_file.h"

#ifndef FUZZ_DATA_DIR
#define FUZZ_DATA_DIR "."
#endif

static char root[64], file[96];
static const char *data_dir;

static void cleanup(void)
{
    unlink(file);
    rmdir(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    data_dir = getenv("HANDOUT_DATA");
    if (!data_dir || !*data_dir)
        data_dir = FUZZ_DATA_DIR;
    snprintf(root, sizeof root, "%s/handout-fuzz-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(root)) {
        perror("fuzz_layout: mkdtemp");
        abort();
    }
    snprintf(file, sizeof file, "%s/fuzz.yaml", root);
    atexit(cleanup);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(file, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror("fuzz_layout: write");
        abort();
    }
    struct arena *a = arena_new();
    struct diag d = {0};
    struct layout l;
    int r = layout_load(&l, file, data_dir, a, &d);
    if (r != 0 && d.errors == 0) {
        fprintf(stderr, "fuzz_layout: layout_load failed without an error\n");
        abort();
    }
    if (r == 0) {
        double cw = layout_column_width(&l);
        bool ok = l.paper_w > 0 && l.paper_h > 0 && l.columns >= 1 && cw >= 1 &&
                  l.paper_h - l.margin_top - l.margin_bottom >= 1;
        for (int i = 0; ok && i < EL_COUNT; i++)
            ok = l.style[i].size > 0 && l.style[i].leading > 0;
        for (int i = 0; ok && i < LAYOUT_FACE_COUNT; i++)
            ok = l.face_path[i] != NULL;
        if (!ok) {
            fprintf(stderr, "fuzz_layout: loaded an unusable layout: paper %gx%g, %d columns of %g pt\n",
                    l.paper_w, l.paper_h, l.columns, cw);
            abort();
        }
    }
    FILE *null = fopen("/dev/null", "w");
    if (null) {
        diag_print(&d, null);
        fclose(null);
    }
    diag_free(&d);
    arena_free(a);
    return 0;
}
