# HarfBuzz (with hb-subset) and libharu, built from Debian 12's own source
# packages as static archives: Debian ships neither as one, and their shared
# libraries cost every run more than the leaflet's typesetting does. The
# loader maps 14 libraries for them (HarfBuzz brings GLib, FreeType,
# Graphite, Brotli and PCRE, none used here), relocates them and faults
# their pages in: 3 to 5 ms before main(), about a third of a leaflet.
# Same versions as Debian's packages, so the same output bytes.
#
# Downloaded once with apt's own helper (hash checked) into third_party/dl,
# built once into third_party/build, shared by every build folder.

TP       := third_party
TP_DL    := $(TP)/dl
TP_BUILD := $(TP)/build
DEBIAN_POOL ?= http://deb.debian.org/debian/pool/main

HB_DIR   := $(TP_BUILD)/harfbuzz-6.0.0
HB_TAR   := harfbuzz_6.0.0+dfsg.orig.tar.xz
HB_SHA   := 89266cb363e49b6aa999eda04ca25b0d234a69ad9304679631371f4697652368
HPDF_DIR := $(TP_BUILD)/libharu-RELEASE_2_3_0
HPDF_TAR := libharu_2.3.0+dfsg.orig.tar.xz
HPDF_SHA := 87e8269d4b1b333a6e44168b4209bc6442ae3a11557cc8dc386fed65400bd34e

TP_CFLAGS := -I$(HB_DIR)/src -I$(HPDF_DIR)/include -I$(TP)
TP_LIBS   := $(TP_BUILD)/libhpdf.a $(TP_BUILD)/libharfbuzz-subset.a

# What HarfBuzz's meson finds on Debian 12, less GLib, FreeType and the
# rest: pthread mutexes (not std::mutex, which would need libstdc++) and
# fonts read through mmap.
HB_DEFS := -DHAVE_PTHREAD -DHAVE_MMAP -DHAVE_SYS_MMAN_H -DHAVE_UNISTD_H -DHAVE_SYSCONF -DHAVE_MPROTECT \
           -DHAVE_GETPAGESIZE -DHAVE_ATEXIT -DHAVE_USELOCALE -DHAVE_NEWLOCALE -DHAVE_ISATTY
HB_CXXFLAGS := -O2 -fno-exceptions -fno-rtti -fno-threadsafe-statics -fvisibility-inlines-hidden

.PHONY: third-party distclean

third-party: $(TP_LIBS)

# $(call fetch,POOL-FOLDER,SHA256): the target, from Debian's archive.
fetch = @mkdir -p $(@D) && /usr/lib/apt/apt-helper download-file $(DEBIAN_POOL)/$(1)/$(@F) \
          $(CURDIR)/$@.part SHA256:$(2) && mv $@.part $@

$(TP_DL)/$(HB_TAR):
	$(call fetch,h/harfbuzz,$(HB_SHA))

$(TP_DL)/$(HPDF_TAR):
	$(call fetch,libh/libharu,$(HPDF_SHA))

$(HB_DIR)/src/hb.h: $(TP_DL)/$(HB_TAR)
	@mkdir -p $(TP_BUILD)
	tar -xJf $< -C $(TP_BUILD) $(notdir $(HB_DIR))/src
	touch $@

$(HPDF_DIR)/include/hpdf.h: $(TP_DL)/$(HPDF_TAR)
	@mkdir -p $(TP_BUILD)
	tar -xJf $< -C $(TP_BUILD) $(notdir $(HPDF_DIR))/src $(notdir $(HPDF_DIR))/include
	rm -f $(HPDF_DIR)/include/hpdf_config.h # ours, in third_party/
	touch $@

# One translation unit: harfbuzz-subset.cc includes all of HarfBuzz.
$(TP_BUILD)/libharfbuzz-subset.a: $(HB_DIR)/src/hb.h
	$(CXX) $(HB_CXXFLAGS) $(HB_DEFS) -c $(HB_DIR)/src/harfbuzz-subset.cc -o $(TP_BUILD)/harfbuzz-subset.o
	ar rcs $@ $(TP_BUILD)/harfbuzz-subset.o

$(TP_BUILD)/libhpdf.a: $(HPDF_DIR)/include/hpdf.h $(TP)/hpdf_config.h
	cd $(HPDF_DIR)/src && for f in *.c; do $(CC) -O2 -w -I../include -I$(CURDIR)/$(TP) -c $$f || exit 1; done
	ar rcs $@ $(HPDF_DIR)/src/*.o

distclean: clean
	rm -rf $(TP_DL) $(TP_BUILD)
