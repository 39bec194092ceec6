# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# vnet: the libbpf-bootstrap pipeline.
#   bpf/*.bpf.c --clang--> .output/*.bpf.o --bpftool gen skeleton--> .output/*.skel.h
#   user/*.c + skeletons --cc + libbpf--> user/vnetctl
#   tests/prog/*.c + skeletons          --> tests/prog/vnet_prog_test
#   tests/tools/*.c                     --> tests/tools/* (one binary each)
#   bench/*.c + skeletons               --> bench/* (one binary each)
#   kmod/                               --> kmod/vnet.ko (when kernel headers are there)
#
# `make V=1` shows the full commands.

PREFIX	?= /usr/local
DESTDIR	?=
OUTPUT	:= .output
CLANG	?= clang
CC	?= cc
BPFTOOL	?= bpftool
ARCH	:= $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')

LIBBPF_CFLAGS	:= $(shell pkg-config --cflags libbpf 2>/dev/null)
LIBBPF_LIBS	:= $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)

BPF_CFLAGS	:= -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
		   -I. -Ibpf $(LIBBPF_CFLAGS)
CFLAGS		?= -g -O2
CFLAGS		+= -Wall -Wextra -Werror -std=gnu11 -I$(OUTPUT) -Ibpf -Iuser \
		   $(LIBBPF_CFLAGS) -DVNET_LIBDIR='"$(PREFIX)/lib/vnet"'

LDLIBS		+= $(LIBBPF_LIBS) -lm

BPF_SRCS	:= $(wildcard bpf/*.bpf.c)
BPF_OBJS	:= $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(BPF_SRCS))
SKELS		:= $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
BPF_HDRS	:= $(wildcard bpf/*.h) vmlinux.h

USER_SRCS	:= $(wildcard user/*.c)
USER_OBJS	:= $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_SRCS))
USER_HDRS	:= $(wildcard user/*.h) bpf/vnet.h

PROG_TEST_SRCS	:= $(wildcard tests/prog/*.c)
PROG_TEST_HDRS	:= $(wildcard tests/prog/*.h)
PROG_TEST	:= $(if $(PROG_TEST_SRCS),tests/prog/vnet_prog_test)

TOOL_SRCS	:= $(wildcard tests/tools/*.c)
TOOLS		:= $(patsubst %.c,%,$(TOOL_SRCS))

BENCH_SRCS	:= $(wildcard bench/*.c)
BENCH_BINS	:= $(patsubst %.c,%,$(BENCH_SRCS))

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.PHONY: all bpf kmod deps demo test bench install uninstall clean

all: bpf user/vnetctl $(PROG_TEST) $(TOOLS) $(BENCH_BINS) kmod

bpf: $(BPF_OBJS) $(SKELS)

$(OUTPUT) $(OUTPUT)/user:
	$(Q)mkdir -p $@

# Compile, then let bpftool link it: that strips DWARF and keeps BTF, as
# libbpf-bootstrap does, so the skeleton embeds a small object.
$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $(@:.bpf.o=.tmp.bpf.o)
	$(Q)$(BPFTOOL) gen object $@ $(@:.bpf.o=.tmp.bpf.o)

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

$(OUTPUT)/user/%.o: user/%.c $(USER_HDRS) $(SKELS) | $(OUTPUT)/user
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

user/vnetctl: $(USER_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDFLAGS) $(LDLIBS) -o $@

tests/prog/vnet_prog_test: $(PROG_TEST_SRCS) $(PROG_TEST_HDRS) $(SKELS) bpf/vnet.h
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/prog $(PROG_TEST_SRCS) $(LDFLAGS) $(LDLIBS) -o $@

tests/tools/%: tests/tools/%.c
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LDFLAGS) -o $@

bench/%: bench/%.c $(SKELS) bpf/vnet.h
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LDFLAGS) $(LDLIBS) -o $@

# The module builds only where kernel headers are installed; kmod/Makefile
# decides (KVER=..., KDIR=... pick the kernel).
kmod:
	$(Q)if [ -f kmod/Makefile ]; then $(MAKE) -s -C kmod auto; fi

# Committed; regenerated only when asked for by name.
vmlinux.h:
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@
ifneq ($(filter vmlinux.h,$(MAKECMDGOALS)),)
.PHONY: vmlinux.h
endif

deps:
	$(Q)scripts/deps.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo.sh

# Everything: program tests, end-to-end tests in namespaces, the kernel
# module in a QEMU guest. TAP throughout, so `prove` counts every case.
test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)prove --timer -v tests/*.t

# The comparison (issue: ping-flood benchmark): its own namespaces and veth,
# every responder against every generator; results under results/bench-*/.
bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bench/run.sh

install: all
	install -D -m 0755 user/vnetctl $(DESTDIR)$(PREFIX)/sbin/vnetctl
	install -D -m 0644 $(OUTPUT)/xdp_pass.bpf.o $(DESTDIR)$(PREFIX)/lib/vnet/xdp_pass.bpf.o
	install -D -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/vnet/README.md

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/vnetctl $(DESTDIR)$(PREFIX)/lib/vnet/xdp_pass.bpf.o \
	      $(DESTDIR)$(PREFIX)/share/doc/vnet/README.md
	-rmdir $(DESTDIR)$(PREFIX)/lib/vnet $(DESTDIR)$(PREFIX)/share/doc/vnet 2>/dev/null

clean:
	$(call msg,CLEAN,)
	$(Q)rm -rf $(OUTPUT) user/vnetctl tests/prog/vnet_prog_test $(TOOLS) $(BENCH_BINS)
	$(Q)if [ -f kmod/Makefile ]; then $(MAKE) -s -C kmod clean; fi
