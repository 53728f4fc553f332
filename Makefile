# trawl: make, make check, make bench, make demo, make install.
#
# Objects go to $(O) and executables to $(BINDIR), so a sanitizer build
# (make check-san, into build-san/) never mixes with the plain one.

PREFIX    ?= /usr/local
MANPREFIX ?= $(PREFIX)/share/man
DESTDIR   ?=

CC       ?= cc
OPT      ?= -O2
CFLAGS   ?= -std=c11 $(OPT) -g -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CPPFLAGS ?= -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64
LDFLAGS  ?=
O        ?= build
BINDIR   ?= bin

# $(O)/config.mk installs the missing build packages (scripts/deps) and
# records which optional inflate libraries are present: ISA-L's igzip
# streams gzip at about three times zlib's speed in bounded memory,
# libdeflate helps files of small members, zlib is always the fallback.
# libzstd (zstd input) is always needed.
# make remakes an included makefile first and then reads everything again,
# so even the first build on a fresh machine sees what scripts/deps
# installed.
# The config rule below comes first in this file: without this, a bare
# `make` would only remake the config.
.DEFAULT_GOAL := all
ifeq ($(filter clean uninstall,$(MAKECMDGOALS)),)
-include $(O)/config.mk
endif
$(O)/config.mk: scripts/deps
	@mkdir -p $(@D)
	@scripts/deps build
	@{ if test -e /usr/include/libdeflate.h; then \
		echo 'CPPFLAGS += -DHAVE_LIBDEFLATE'; echo 'DEFLATE_LIB += -ldeflate'; fi; \
	   if test -e /usr/include/isa-l/igzip_lib.h; then \
		echo 'CPPFLAGS += -DHAVE_ISAL'; echo 'DEFLATE_LIB += -lisal'; fi; } > $@.tmp
	@mv $@.tmp $@

ifdef SAN
CFLAGS  += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
# ThreadSanitizer (make check-tsan, into build-tsan/).
ifdef TSAN
CFLAGS  += -O1 -fno-omit-frame-pointer -fsanitize=thread
LDFLAGS += -fsanitize=thread
endif
# The fuzz build (make fuzz): libFuzzer instruments the library too.
ifdef FUZZ
CFLAGS  += -fsanitize=fuzzer-no-link
endif
ifdef WERROR
CFLAGS += -Werror
endif

LDLIBS = -ljq -lonig -lmaxminddb $(DEFLATE_LIB) -lzstd -lz -lpthread -lm

TOOLS   = $(sort $(basename $(notdir $(wildcard bin/*.c))))
LIBSRC  = $(sort $(wildcard lib/*.c))
LIBOBJ  = $(LIBSRC:lib/%.c=$(O)/lib/%.o)
PROGS   = $(TOOLS:%=$(BINDIR)/%)
MANS    = $(wildcard man/*.1 man/*.7)

all: $(PROGS)

$(O)/lib/%.o: lib/%.c $(O)/config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(O)/tools/%.o: bin/%.c $(O)/config.mk
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(O)/libtrawl.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

# A static pattern rule, so that make does not take the tools' objects for
# intermediate files of a chain and delete them after the first build (the
# next build, which then knows them from their .d files, would compile and
# link every tool again, and make demo would rerun every report).
$(PROGS): $(BINDIR)/%: $(O)/tools/%.o $(O)/libtrawl.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(O)/libtrawl.a $(LDLIBS)

# Test helpers written in C (differential field tests, generators).
TESTPROGS = $(patsubst tests/%.c,$(O)/tests/%,$(wildcard tests/*.c))
$(O)/tests/%: tests/%.c $(O)/libtrawl.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -MMD -MP -Ilib -o $@ $< $(O)/libtrawl.a $(LDLIBS)

# Benchmark data generators.
BENCHPROGS = $(patsubst bench/%.c,$(O)/bench/%,$(wildcard bench/*.c))
$(O)/bench/%: bench/%.c $(O)/libtrawl.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -Ilib -o $@ $< $(O)/libtrawl.a $(LDLIBS)

# Seeded generators of the demo's synthetic data (examples/gen).
GENPROGS = $(patsubst examples/gen/%.c,$(O)/gen/%,$(wildcard examples/gen/*.c))
$(O)/gen/%: examples/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -MMD -MP -o $@ $<

# genwebreq also serves actorsig's tests, so it lives in tests/.
gen-programs: $(GENPROGS) $(O)/tests/genwebreq

-include $(LIBOBJ:.o=.d) $(TOOLS:%=$(O)/tools/%.d) $(GENPROGS:=.d) $(TESTPROGS:=.d)

BATS = bats
# tests/shards.bats runs the data generators of bench/ and examples/gen/.
check: all $(TESTPROGS) $(BENCHPROGS) $(GENPROGS) lint
	@scripts/deps check
	TRAWL_BIN=$(abspath $(BINDIR)) TRAWL_TESTBIN=$(abspath $(O)/tests) $(BATS) tests
	$(MAKE) check-scalar
	$(MAKE) check-san
	$(MAKE) check-tsan

# The suites that work the JSON scanner hardest, again with the scalar
# scanner alone (TRAWL_SIMD=0): what a CPU without AVX2 runs, and the
# reference the SIMD kernels are held to.
SCALAR_SUITES = tests/field.bats tests/scan.bats
check-scalar: all $(O)/tests-built
	TRAWL_SIMD=0 TRAWL_BIN=$(abspath $(BINDIR)) TRAWL_TESTBIN=$(abspath $(O)/tests) \
	$(BATS) $(SCALAR_SUITES)

# The same suites against an ASan+UBSan build in its own directory.  ASan
# also looks for pointers kept to a returned function's locals, which an
# optimised build may never trip over (iptable's reader once kept one).
# TRAWL_EXACT_LINES=1 gives every line in a buffer of exactly its length
# (lib/input.h): lines are not NUL-terminated, and a read past one is a
# bug ASan then reports.
check-san:
	$(MAKE) O=build-san BINDIR=build-san/bin SAN=1 all build-san/tests-built
	TRAWL_EXACT_LINES=1 \
	TRAWL_BIN=$(abspath build-san/bin) TRAWL_TESTBIN=$(abspath build-san/tests) \
	ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1:abort_on_error=0 \
	LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(BATS) tests

# The suites that run threads (--threads, the input's reading thread)
# against a ThreadSanitizer build: any report fails them (its exit status
# and its words on stderr).  libjq and Oniguruma are not instrumented:
# see lib/loop.c for what was read of them instead.
TSAN_SUITES = tests/threads.bats tests/input.bats
check-tsan:
	$(MAKE) O=build-tsan BINDIR=build-tsan/bin TSAN=1 all build-tsan/tests-built
	TRAWL_BIN=$(abspath build-tsan/bin) TRAWL_TESTBIN=$(abspath build-tsan/tests) \
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 $(BATS) $(TSAN_SUITES)

$(O)/tests-built: $(TESTPROGS) $(BENCHPROGS) $(GENPROGS)
	@touch $@

# libFuzzer harnesses (fuzz/*.c), one per parser, each run for
# FUZZ_SECONDS on a corpus seeded from tests/fixtures and examples/data
# (scripts/fuzz-seeds).  Corpora and crash inputs stay in build-fuzz/.
# FUZZ_RUNS=N with FUZZ_SEED=S runs a fixed number of inputs from a fixed
# seed instead: the same inputs on every machine, which is what CI wants
# (a landing must not fail on whatever a faster machine reached first).
FUZZ_SECONDS ?= 60
FUZZ_SEED    ?= 0
FUZZ_TARGETS  = $(sort $(basename $(notdir $(wildcard fuzz/*.c))))
# A harness that does far more per input (jqdiff compiles libjq programs,
# some 20 ms each, more under ASan) runs FUZZ_RUNS divided by its
# FUZZ_DIVIDE_name.  (rparen: a ')' that make takes inside $(...).)
FUZZ_DIVIDE_jqdiff = 200
rparen        := )
FUZZ_LIMIT    = $(if $(FUZZ_RUNS),-runs=$$(( $(FUZZ_RUNS) / div )),-max_total_time=$(FUZZ_SECONDS))
FUZZ_FLAGS    = $(FUZZ_LIMIT) -seed=$(FUZZ_SEED) -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1
fuzz:
	@scripts/deps fuzz
	$(MAKE) O=build-fuzz BINDIR=build-fuzz/bin CC=clang SAN=1 FUZZ=1 $(FUZZ_TARGETS:%=build-fuzz/fuzz/%)
	scripts/fuzz-seeds build-fuzz/corpus
	@set -e; for t in $(FUZZ_TARGETS); do \
		case $$t in $(foreach t,$(FUZZ_TARGETS),$(if $(FUZZ_DIVIDE_$(t)),$(t)$(rparen) div=$(FUZZ_DIVIDE_$(t));;)) *$(rparen) div=1;; esac; \
		echo "fuzz: $$t ($(FUZZ_LIMIT))"; \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
		LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
		build-fuzz/fuzz/$$t $(FUZZ_FLAGS) -artifact_prefix=build-fuzz/crash-$$t- \
			build-fuzz/corpus/$$t; \
	done

build-fuzz/fuzz/%: fuzz/%.c build-fuzz/libtrawl.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -MMD -MP -Ilib -o $@ $< build-fuzz/libtrawl.a $(LDLIBS)
-include $(wildcard build-fuzz/fuzz/*.d)

lint:
	@scripts/deps check
	mandoc -Tlint -Wwarning $(MANS)
	scripts/funclen -m 120 bin/*.c lib/*.c lib/*.h

bench: all $(BENCHPROGS)
	@scripts/deps bench
	bench/run

demo: all gen-programs
	@scripts/deps demo
	$(MAKE) -C examples BINDIR=$(BINDIR) O=$(O)

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(MANPREFIX)/man7
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANPREFIX)/man1/
	install -m 644 $(wildcard man/*.7) $(DESTDIR)$(MANPREFIX)/man7/

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(PREFIX)/bin/%)
	rm -f $(patsubst man/%,$(DESTDIR)$(MANPREFIX)/man1/%,$(wildcard man/*.1))
	rm -f $(patsubst man/%,$(DESTDIR)$(MANPREFIX)/man7/%,$(wildcard man/*.7))

clean:
	rm -rf build build-san build-tsan build-fuzz $(PROGS)

.PHONY: all check check-scalar check-san check-tsan fuzz lint bench demo gen-programs install uninstall clean
.DELETE_ON_ERROR:
