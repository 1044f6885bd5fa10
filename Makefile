# handout: Markdown to print-ready PDF handouts.
# `make handouts` installs missing Debian packages, builds, and writes out/*.pdf.
# `make test` runs the unit and end-to-end tests.

BUILD    ?= build
CC       ?= cc
PKGS      = libcmark-gfm yaml-0.1
CFLAGS   ?= -O2 -g

.DEFAULT_GOAL := all
include third_party/libs.mk

DEP_CFLAGS = $(TP_CFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ALL_CFLAGS = $(CFLAGS) -std=c11 -D_XOPEN_SOURCE=700 -Wall -Wextra -Wpedantic -Werror -Isrc $(DEP_CFLAGS)
# Every library is linked in, and handout itself links statically
# (LINK_STATIC): a shared library costs each run its mapping, relocations
# and page faults (the leaflet: 405 -> 265 page faults, 10.7 -> 7.0 ms).
# The sanitizer and valgrind builds link libc dynamically, as they must.
LIBS      = $(TP_LIBS) -lcmark-gfm-extensions -lcmark-gfm -lyaml -lhyphen -ldeflate -lpng -lz
SYS_LIBS  = -lm -lpthread
LDLIBS   += -Wl,-Bstatic $(LIBS) -Wl,-Bdynamic $(SYS_LIBS)
LINK_STATIC ?= yes
HANDOUT_LDLIBS = $(if $(LINK_STATIC),-static $(LIBS) $(SYS_LIBS),$(LDLIBS))

# Debian 12 packages needed to build, test and check the output.
DEB_BUILD = build-essential pkg-config xz-utils libcmark-gfm-dev \
            libcmark-gfm-extensions-dev libyaml-dev libpng-dev zlib1g-dev libdeflate-dev libhyphen-dev hyphen-en-gb hyphen-en-us
DEB_TEST  = libcmocka-dev qpdf poppler-utils mupdf-tools cmark-gfm python3 valgrind time util-linux \
            clang libclang-rt-14-dev

SRC      := $(wildcard src/*.c)
OBJ      := $(SRC:src/%.c=$(BUILD)/obj/%.o)
UNIT     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all handouts deps test unit e2e golden golden-check bad-input fuzz sanitize tsan valgrind clean bench \
        bench-typeset

all: $(BUILD)/handout

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)/obj $(TP_LIBS)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libhandout.a: $(OBJ)
	ar rcs $@ $^

$(BUILD)/handout: cmd/handout/main.c $(BUILD)/libhandout.a $(TP_LIBS)
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/libhandout.a $(LDFLAGS) $(HANDOUT_LDLIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libhandout.a | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/libhandout.a $(LDFLAGS) $(LDLIBS) -lcmocka -o $@

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

# Installs only what is missing, so a second run is quick and needs no root.
deps:
	@missing=$$(for p in $(DEB_BUILD) $(DEB_TEST); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

handouts: deps
	$(MAKE) all
	$(BUILD)/handout build content/ -o out/
	$(BUILD)/handout booklet content/booklet.yaml -o out/booklet.pdf

unit: $(UNIT)
	@set -e; for t in $(UNIT); do echo "== $$t"; $$t; done

e2e: $(BUILD)/handout
	HANDOUT=$(BUILD)/handout tests/e2e/run.sh

# Golden page lists: `make golden` regenerates them after a deliberate change.
golden-check: $(BUILD)/handout
	HANDOUT=$(BUILD)/handout tests/golden/run.sh

golden: $(BUILD)/handout
	GOLDEN_UPDATE=1 HANDOUT=$(BUILD)/handout tests/golden/run.sh

# Bad input of every kind: a clear message, no partial output, the rest built.
bad-input: $(BUILD)/handout
	HANDOUT=$(BUILD)/handout tests/bad-input/run.sh

# libFuzzer targets (clang): each runs FUZZ_SECONDS.
FUZZ_SECONDS ?= 60
fuzz:
	tests/fuzz/run.sh $(FUZZ_SECONDS)

test: unit golden-check e2e bad-input

# Benchmarks (tests/bench/): `make bench` builds a synthetic corpus and reports
# time, instructions, memory and size, and line and page quality;
# `make bench-typeset` only the line and page quality.
$(BUILD)/bench/typeset_bench: tests/bench/typeset_bench.c $(BUILD)/libhandout.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $< $(BUILD)/libhandout.a $(LDFLAGS) $(LDLIBS) -o $@

bench: $(BUILD)/handout $(BUILD)/bench/typeset_bench
	HANDOUT=$(BUILD)/handout TYPESET_BENCH=$(BUILD)/bench/typeset_bench tests/bench/run.sh

bench-typeset: $(BUILD)/bench/typeset_bench
	TYPESET_BENCH=$(BUILD)/bench/typeset_bench tests/bench/run.sh --typeset-only

# The end-to-end tests with every handout run under valgrind: zero errors and
# zero leaks, or the checks fail.
# valgrind replaces malloc only in a binary that links libc dynamically.
valgrind:
	$(MAKE) BUILD=build-vg LINK_STATIC= build-vg/handout
	HANDOUT_BIN=$(CURDIR)/build-vg/handout HANDOUT=tests/e2e/valgrind-handout.sh tests/e2e/run.sh

# The whole suite under ASan + UBSan, then parallel builds under TSan.
sanitize:
	$(MAKE) BUILD=build-san LINK_STATIC= CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" test
	$(MAKE) tsan

tsan:
	$(MAKE) BUILD=build-tsan LINK_STATIC= CFLAGS="-O1 -g -fsanitize=thread" build-tsan/handout
	rm -rf build-tsan/out
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" build-tsan/handout build -q -j 4 content/ -o build-tsan/out
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" build-tsan/handout booklet -q -j 4 content/ -o build-tsan/out/booklet.pdf
	@echo "tsan: no data races in parallel builds"

clean:
	rm -rf build build-san build-tsan build-vg out
