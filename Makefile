# SPDX-License-Identifier: GPL-2.0-only
# perf-prof: build, test and install.
#
#   make                 build ./perf-prof
#   make check           build and run unit + live tests
#   make check SANITIZE=1  the same under ASan + UBSan
#   make bench           benchmarks against peers (bench/)
#   make soak            ten minutes under a syscall storm (bench/soak)
#   make soak-prom       the same, scraped by Prometheus or not (bench/soak-prom)
#   make install PREFIX=/usr/local DESTDIR=   binary, man pages, bash completion

# CROSS_COMPILE=aarch64-linux-gnu- builds for another architecture into
# build-<target> (pkg-config then reads that architecture's .pc files), so
# the host build is never mixed with it: the ARM64 VM suite runs such a build.
CROSS_COMPILE ?=
ifneq ($(CROSS_COMPILE),)
  CC := $(CROSS_COMPILE)gcc
  AR := $(CROSS_COMPILE)ar
  TARGET := $(shell $(CC) -dumpmachine 2>/dev/null)
  PKG_CONFIG_LIBDIR ?= /usr/lib/$(TARGET)/pkgconfig:/usr/share/pkgconfig
  export PKG_CONFIG_LIBDIR
endif
CC      ?= gcc
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(PREFIX)/bin
MANDIR  := $(PREFIX)/share/man/man1
COMPDIR := $(PREFIX)/share/bash-completion/completions

PKGS       := libtraceevent libelf libdw libseccomp libmicrohttpd libzstd ncursesw
# trace-cmd's trace.dat is read with libtracecmd where it is installed (Debian's
# libtracecmd-dev is not multi-arch: a cross build may go without it, and
# then says so when given a trace.dat)
ifeq ($(shell $(if $(PKG_CONFIG_LIBDIR),PKG_CONFIG_LIBDIR=$(PKG_CONFIG_LIBDIR)) pkg-config --exists libtracecmd 2>/dev/null && echo y),y)
  PKGS     += libtracecmd
else
  CFLAGS_TRACECMD := -DPP_NO_TRACECMD
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libmicrohttpd is loaded when --prometheus listens (include/perf-prof/mhd.h): not linked
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libmicrohttpd,$(PKGS)) 2>/dev/null) -ldl
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow \
	   -Wstrict-prototypes -Wmissing-prototypes -Iinclude $(PKG_CFLAGS) \
	   -D_GNU_SOURCE -MMD -MP $(CFLAGS_TRACECMD)
LDLIBS  += $(PKG_LIBS) -lm -pthread

BUILD   := build
ifneq ($(CROSS_COMPILE),)
  BUILD := build-$(TARGET)
endif
ifeq ($(SANITIZE),1)
  CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDFLAGS += -fsanitize=address,undefined
  # libtraceevent's own leaks (src/base/lsan.c): no one references it, -u links it
  LDFLAGS += -Wl,-u,__lsan_default_suppressions
  BUILD   := $(BUILD)-san
endif

# src/<layer>/*.c, see docs/architecture.md; main.c alone is not in the library
SRCS     := $(sort $(shell find src -name '*.c'))
LIB_SRCS := $(filter-out src/cli/main.c,$(SRCS))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libperfprof.a

UNIT_SRCS := $(wildcard tests/unit/*.c)
LIVE_SRCS := $(wildcard tests/live/*.c) tests/unit/runner.c tests/unit/textutil.c
TOOL_SRCS := $(wildcard tests/tools/*.c)
# tools written to one architecture's KVM API build only for it
ifeq ($(TARGET),)
  TARGET := $(shell $(CC) -dumpmachine 2>/dev/null)
endif
X86_TOOLS   := tests/tools/vmm.c
ARM64_TOOLS := tests/tools/vmm-arm64.c
ifneq ($(filter aarch64%,$(TARGET)),)
  TOOL_SRCS := $(filter-out $(X86_TOOLS),$(TOOL_SRCS))
else
  TOOL_SRCS := $(filter-out $(ARM64_TOOLS),$(TOOL_SRCS))
endif
TOOLS     := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tests/tools/%)
TEST_CFLAGS := $(CHECK_CFLAGS) -Itests/unit -DTEST_DATA_DIR=\"$(CURDIR)/tests/data\" \
	       -DTOOLS_DIR=\"$(CURDIR)/$(BUILD)/tests/tools\" \
	       -DPERF_PROF_BIN=\"$(CURDIR)/$(BUILD)/perf-prof\"

ifeq ($(CROSS_COMPILE),)
all: perf-prof
else
all: $(BUILD)/perf-prof
endif

# a clear word instead of a wall of missing-header errors (make run and
# make check install what is missing first, then build in a second make)
ifneq ($(filter-out clean check run,$(MAKECMDGOALS) all),)
ifneq ($(shell pkg-config --exists $(PKGS) && echo ok),ok)
$(error missing build dependencies ($(PKGS)): 'make check' or '.ci/deps' as root installs them (Debian/Ubuntu))
endif
endif

# ./perf-prof is a copy of the build product so the README's commands work
perf-prof: $(BUILD)/perf-prof
	cp $< $@.tmp && mv $@.tmp $@

$(BUILD)/perf-prof: $(BUILD)/src/cli/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

$(BUILD)/tests/live/%.o: tests/live/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

$(BUILD)/tests/unit-runner: $(UNIT_SRCS:%.c=$(BUILD)/%.o) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

$(BUILD)/tests/live-runner: $(LIVE_SRCS:%.c=$(BUILD)/%.o) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

# test helper programs are plain C, not sanitized: they are the workload
$(BUILD)/tests/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Iinclude $(PKG_CFLAGS) -D_GNU_SOURCE -o $@ $< $(LIB) $(PKG_LIBS) -lm -lpthread

# the --tui screen's harness tests the module: built as the module is (sanitized too)
$(BUILD)/tests/tools/tui-demo: tests/tools/tui-demo.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# the tiny VMM's guest: real-mode code at 0x1000, an ELF that keeps its symbols
GUEST_ELF := $(BUILD)/tests/tools/vmm-guest-x86.elf
$(GUEST_ELF): tests/tools/vmm-guest-x86.S
	@mkdir -p $(dir $@)
	$(CC) -m32 -c -o $@.o $<
	$(LD) -m elf_i386 -N --no-warn-rwx-segments -Ttext=0x1000 -e start -o $@ $@.o

# BIOS images for a real qemu in the VM suite: 1000 and 2000 loops
BIOSES := $(BUILD)/tests/tools/bios-1000.bin $(BUILD)/tests/tools/bios-2000.bin
$(BUILD)/tests/tools/bios-%.bin: tests/tools/bios-x86.S
	@mkdir -p $(dir $@)
	$(CC) -m32 -DLOOPS=$* -c -o $@.o $<
	$(LD) -m elf_i386 -N --no-warn-rwx-segments -Ttext=0 -e start -o $@.elf $@.o
	objcopy -O binary $@.elf $@

# the ARM64 tiny VMM's guest: code at 0x1000, an ELF that keeps its symbols
ARM64_GUEST := $(BUILD)/tests/tools/vmm-guest-arm64.elf
$(ARM64_GUEST): tests/tools/vmm-guest-arm64.S
	@mkdir -p $(dir $@)
	$(CC) -nostdlib -static -Wl,-N,--build-id=none,--no-warn-rwx-segments,-Ttext=0x1000,-e,start -o $@ $<

# what the ARM64 VM suite runs inside its VM (make CROSS_COMPILE=aarch64-linux-gnu- vm-arm64)
ifneq ($(filter aarch64%,$(TARGET)),)
vm-arm64: $(BUILD)/perf-prof $(BUILD)/tests/tools/vmm-arm64 $(ARM64_GUEST)
else
vm-arm64:
	@echo "vm-arm64 is an arm64 build: make CROSS_COMPILE=aarch64-linux-gnu- vm-arm64" >&2; exit 2
endif

tests: $(BUILD)/perf-prof $(BUILD)/tests/unit-runner $(BUILD)/tests/live-runner $(TOOLS) $(GUEST_ELF) \
	$(BIOSES) examples

# What the README's examples read beyond tests/data: a recording of a
# randomized guest kernel with its vmlinux (and DWARF lines) and kallsyms,
# and a recording of kvm_exit alone, in build/examples
EXAMPLES := $(BUILD)/examples
examples: $(EXAMPLES)/hot.data $(EXAMPLES)/vmlinux $(EXAMPLES)/exits.data $(GUEST_ELF)
$(EXAMPLES)/hot.data: $(BUILD)/tests/tools/gen-perfdata
	@mkdir -p $(dir $@)
	$< -R 4 -k 1e200000 -o $@ > /dev/null
$(EXAMPLES)/exits.data: $(BUILD)/tests/tools/gen-perfdata
	@mkdir -p $(dir $@)
	$< --exit-only -l 2 -n 20000 -o $@ > /dev/null
$(EXAMPLES)/vmlinux: tests/tools/guest-vmlinux.sh
	$< $(EXAMPLES) 1e200000

# .ci/deps first: as root it installs what is missing (and says what), else
# it names the missing packages in one line; the build then runs in a second
# make, which sees the flags of the libraries just installed
check:
	@bash .ci/deps
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) bash tests/run-all

# The main job (tests/run-main): trace the VMs running here for ten
# seconds, one table a second; with no VM here, boot the VM suite's KVM
# host (tests/vm) and show perf-prof tracing a tiny guest live there;
# without qemu, analyse a real recording made in that VM.  Like check, it
# installs what it misses first (.ci/deps run).
run:
	@bash .ci/deps run
	@$(MAKE) --no-print-directory perf-prof $(BUILD)/perf-prof $(BUILD)/tests/tools/vmm $(GUEST_ELF)
	@BUILD=$(BUILD) bash tests/run-main

bench: perf-prof $(TOOLS)
	@BUILD=$(BUILD) sh bench/run

# ten minutes of a syscall storm under -C 0-1 -i 1000: RSS flat, counts
# consistent (not in check; SOAK_SECS=60 for a short one)
soak: perf-prof $(TOOLS)
	@BUILD=$(BUILD) bash bench/soak

# two readers side by side over one storm, one of them scraped every
# second by a real Prometheus server: RSS and losses (not in check)
soak-prom: perf-prof $(TOOLS)
	@BUILD=$(BUILD) bash bench/soak-prom

install: perf-prof
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(COMPDIR)
	install -m 0755 perf-prof $(DESTDIR)$(BINDIR)/perf-prof
	install -m 0644 docs/*.1 $(DESTDIR)$(MANDIR)/
	install -m 0644 src/cli/perf-prof.bash $(DESTDIR)$(COMPDIR)/perf-prof

# the libraries and defines the program builds with, for what builds it
# otherwise (tests/fuzz/smoke's whole-run harness)
print-pkgs:
	@echo $(PKGS) $(CFLAGS_TRACECMD)

clean:
	rm -rf build build-san build-*-linux-gnu* perf-prof

.PHONY: print-pkgs all check tests examples vm-arm64 bench soak soak-prom run install clean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
