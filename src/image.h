/* image: reads a PNG or JPEG header for its kind and pixel size, without
 * decoding it (so a huge or broken file is caught before anything allocates
 * for it). */
#ifndef HANDOUT_IMAGE_H
#define HANDOUT_IMAGE_H

enum image_kind { IMAGE_NONE, IMAGE_PNG, IMAGE_JPEG };

struct image_info {
    enum image_kind kind;
    int width, height;     /* pixels */
    const char *problem;   /* static text when kind == IMAGE_NONE */
};

struct image_info image_probe(const char *path);

#endif
