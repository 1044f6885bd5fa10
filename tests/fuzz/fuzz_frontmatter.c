/* libFuzzer target: bytes -> source_parse only (UTF-8 check, front matter
 * split, libyaml event parsing of the front matter, cmark-gfm parse).
 * Checks that a failed parse always explains itself with an error, and that
 * a successful one always has a title. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "diag.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new();
    struct diag d = {0};
    struct topic t;
    int r = source_parse(&t, "dir/fuzz.md", (const char *)data, size, a, &d);
    if (r != 0 && d.errors == 0) {
        fprintf(stderr, "fuzz_frontmatter: source_parse failed without an error\n");
        abort();
    }
    if (r == 0 && (!t.meta.title || !*t.meta.title || !t.doc)) {
        fprintf(stderr, "fuzz_frontmatter: source_parse succeeded without a title or tree\n");
        abort();
    }
    if (r == 0)
        for (int i = 0; i < t.meta.keyword_count; i++)
            if (!t.meta.keywords[i]) {
                fprintf(stderr, "fuzz_frontmatter: keyword %d is NULL\n", i);
                abort();
            }
    FILE *null = fopen("/dev/null", "w");
    if (null) {
        diag_print(&d, null);
        fclose(null);
    }
    source_free(&t);
    diag_free(&d);
    arena_free(a);
    return 0;
}
