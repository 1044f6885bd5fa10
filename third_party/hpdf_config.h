/* libharu's configuration for the build in third_party/libs.mk. Its
 * sources read only LIBHPDF_HAVE_NOZLIB and LIBHPDF_HAVE_NOPNGLIB (and
 * the debug switches): neither is set, so zlib and libpng are used, as in
 * Debian's libhpdf. */
#ifndef _INCLUDE_HPDF_CONFIG_H
#define _INCLUDE_HPDF_CONFIG_H 1
#endif
