# MVM - Micro Virtual Machine.
#
#   make            build ./mvm (release: -O2), and the README's picture when it is stale
#   make run        build, then run examples/demo.kar
#   make test       build and run every test suite (unit, golden programs, docs)
#   make test-asan  the same suites under AddressSanitizer + UBSan (clang)
#   make bench      run the benchmarks in bench/
#   make fuzz       run every fuzz harness FUZZ_SECONDS (60) each, after replaying findings
#   make install    install to $(PREFIX)/bin (PREFIX=/usr/local)
#   make deps       install missing Debian packages (done automatically, once)
#
# Switches: MODE=debug (-O0 -g), CC=clang, DISPATCH=switch (force the portable switch
# dispatch instead of computed goto; the test suite runs both).

CC      ?= cc
MODE    ?= release
PREFIX  ?= /usr/local
BUILD   ?= build/$(MODE)$(if $(DISPATCH),-$(DISPATCH))$(if $(SAN),-san)

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CSTD    := -std=gnu17
ifeq ($(MODE),debug)
OPT     := -O0 -g3
else
OPT     := -O2 -g
endif
ifeq ($(DISPATCH),switch)
OPT     += -DMVM_USE_SWITCH=1
endif
ifneq ($(SAN),)
OPT     += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDSAN   := -fsanitize=address,undefined
endif

CFLAGS  ?=
CFLAGS  += $(CSTD) $(WARN) $(OPT) -MMD -MP -D_GNU_SOURCE -Isrc
# SQLite and libedit (with the libraries libedit needs) are linked statically: every shared
# library costs each mvm command a mapping, relocations and page faults at start-up, and
# start-up is most of a small `mvm crun` (bench/run.sh compares it with `lua -e ''`:
# 6.3 ms linked dynamically, 5.0 ms statically, lua 5.0 ms, 300 runs each on this
# machine). Debian's cJSON has no static library.
LDLIBS  := -lcjson -Wl,-Bstatic -lsqlite3 -ledit -ltinfo -lbsd -lmd -Wl,-Bdynamic -lm

# Debian packages the build and the tests need; `make deps` installs the missing ones.
# libclang-rt-dev: the sanitizer and libFuzzer runtimes (clang only recommends them);
# libncurses-dev, libbsd-dev, libmd-dev: the static libraries libedit.a needs.
# libxml2-utils (xmllint), librsvg2-bin (rsvg-convert): tests/run-timeline.sh checks that
# the .svg timeline is well-formed and renders; python3-jsonschema: tests/run-stats.sh
# checks --stats-json against docs/stats.schema.json.
DEB_PKGS  := libcjson-dev libcmocka-dev libsqlite3-dev libedit-dev libncurses-dev libbsd-dev \
             libmd-dev clang libclang-rt-dev libxml2-utils librsvg2-bin python3-jsonschema
DEPS_STAMP := build/.deps-ok

SRC_DIRS := src/host src/asm src/tables src/vm src/kernel src/vfs src/stdlib src/debug src/timeline src/cli
SRCS     := $(wildcard $(addsuffix /*.c,$(SRC_DIRS)))
# The standard library (MVM assembly) is embedded in the binary as a generated C file.
STDLIB_KAR := $(sort $(wildcard src/stdlib/*/*.kar))
STDLIB_GEN := $(BUILD)/gen/stdlib_files.c
OBJS     := $(SRCS:%.c=$(BUILD)/%.o) $(BUILD)/gen/stdlib_files.o
LIB_OBJS := $(filter-out $(BUILD)/src/cli/main.o,$(OBJS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

MVM := $(BUILD)/mvm
DEMO_SVG := docs/img/demo-timeline.svg
# The same interpreter built with the portable switch dispatch (tests run both).
SWITCH_MVM := build/$(MODE)-switch$(if $(SAN),-san)/mvm

.PHONY: all run test test-unit test-golden test-asan bench install deps clean switch-mvm
all: mvm $(DEMO_SVG)

# ./mvm points at the last normal build (sanitizer builds leave it alone).
mvm: $(DEPS_STAMP) $(MVM)
	@[ -n "$(SAN)" ] || ln -sf $(MVM) mvm

$(MVM): $(OBJS)
	$(CC) $(OPT) $(LDSAN) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(STDLIB_GEN): $(STDLIB_KAR) tools/embed-stdlib.sh
	@mkdir -p $(dir $@)
	sh tools/embed-stdlib.sh $@ $(STDLIB_KAR)

$(BUILD)/gen/stdlib_files.o: $(STDLIB_GEN) | $(DEPS_STAMP)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDSAN) $(LDLIBS) -lcmocka

# The README's picture: the timeline of examples/demo.kar (SPEC 11.4), made again whenever
# mvm or the demo changes. It is committed; tests/run-readme-picture.sh makes it the same
# way and checks that the committed file is current (keep the two commands in step).
$(DEMO_SVG): $(MVM) examples/demo.kar
	@mkdir -p $(dir $@)
	$(MVM) run --timeline $@ examples/demo.kar >/dev/null

# Install what is missing, once: the stamp records success.
$(DEPS_STAMP):
	@./tools/install-deps.sh $(DEB_PKGS)
	@mkdir -p build && touch $@
deps: $(DEPS_STAMP)

run: mvm
	./mvm run examples/demo.kar

test: mvm $(UNIT_BINS) switch-mvm
	@./tests/run-all.sh $(BUILD) $(SWITCH_MVM)

# After the stamp, so a parallel make never runs two apt-gets at once.
switch-mvm: $(DEPS_STAMP)
	@$(MAKE) --no-print-directory DISPATCH=switch $(SWITCH_MVM)

test-unit: $(UNIT_BINS)
	@./tests/run-unit.sh $(BUILD)

test-golden: mvm
	@./tests/run-golden.sh ./mvm

test-asan: $(DEPS_STAMP)
	$(MAKE) CC=clang SAN=1 MODE=debug test

# The benchmark anchors (Erlang/OTP, Lua) and /usr/bin/time, installed when missing.
BENCH_PKGS := erlang-base lua5.4 luajit time
bench: mvm
	@./tools/install-deps.sh $(BENCH_PKGS)
	@./bench/run.sh ./mvm

install: mvm
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(MVM) $(DESTDIR)$(PREFIX)/bin/mvm

clean:
	rm -rf build mvm

-include $(OBJS:.o=.d) $(UNIT_BINS:%=%.d)

# The VFS crash test in full: 200 runs killed with SIGKILL (make test runs 20).
.PHONY: crashtest
crashtest: mvm
	@./tests/run-crash.sh ./mvm 200

# Every fuzz harness in turn, FUZZ_SECONDS each (default 60), after replaying every saved
# finding (tests/fuzz/run.sh; needs clang with libFuzzer: make deps installs it).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := asm snapshot config vfsimage debugjson debugcmd crun bytecode engines
.PHONY: fuzz
fuzz: mvm $(DEPS_STAMP)
	@for t in $(FUZZ_TARGETS); do ./tests/fuzz/run.sh --target $$t $(FUZZ_SECONDS) || exit 1; done
