/* libFuzzer target: bytes -> pdfpack. Its real input is libharu's output
 * (the pipeline target covers that); here it must refuse anything else with
 * a reason, never read outside the input, and on success write a PDF 1.5
 * file that ends with its startxref. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdfpack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *out = NULL;
    size_t len = 0;
    char err[256] = "";
    if (pdfpack(data, size, 1, &out, &len, err, sizeof err) != 0) {
        if (!*err || out) {
            fprintf(stderr, "fuzz_pdfpack: a refusal without a reason, or with output\n");
            abort();
        }
        return 0;
    }
    if (len < 20 || memcmp(out, "%PDF-1.5\n", 9) != 0 || memcmp(out + len - 6, "%%EOF\n", 6) != 0) {
        fprintf(stderr, "fuzz_pdfpack: output is not a whole PDF 1.5 file\n");
        abort();
    }
    free(out);
    return 0;
}
