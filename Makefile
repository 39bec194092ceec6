# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# vnet: the libbpf-bootstrap pipeline.
#   bpf/*.bpf.c --clang--> .output/*.bpf.o --bpftool gen skeleton--> .output/*.skel.h
#   user/*.c + skeletons --cc + libbpf--> user/vnetctl
#   tests/prog/*.c + skeletons          --> tests/prog/vnet_prog_test
#   tests/tools/*.c                     --> tests/tools/* (one binary each)
#   bench/*.c + skeletons               --> bench/* (one binary each)
#   kmod/                               --> kmod/vnet.ko (when kernel headers are there)
#   man/*.scd --scdoc--> .output/man/*.[48]; systemd/vnet@.service.in --> .output/
#   make deb: debian/ --dpkg-buildpackage--> .output/deb/vnet_*.deb, vnet-dkms_*.deb
#
# `make V=1` shows the full commands.

PREFIX	?= /usr/local
DESTDIR	?=
MANDIR	?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# Debian 12 keeps units in /lib; systemd also reads /usr/local/lib/systemd/system.
UNITDIR	?= $(if $(filter /usr,$(PREFIX)),/lib,$(PREFIX)/lib)/systemd/system
# The one version: debian/changelog's, which the packages use too.
VERSION	:= $(shell sed -n '1s/^vnet (\([^)-]*\).*/\1/p' debian/changelog)
OUTPUT	:= .output
CLANG	?= clang
CC	?= cc
BPFTOOL	?= bpftool
ARCH	:= $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')

# Debian 12's libbpf (1.1) by default; LIBBPF_PREFIX=DIR builds against
# another one unpacked there (scripts/libbpf-bpo.sh fetches bookworm-
# backports' 1.4 without installing it; tests/45-libbpf-bpo.t builds with it).
ifneq ($(LIBBPF_PREFIX),)
LIBBPF_LIBDIR	:= $(LIBBPF_PREFIX)/lib/$(shell $(CC) -print-multiarch)
LIBBPF_CFLAGS	:= -I$(LIBBPF_PREFIX)/include
LIBBPF_LIBS	:= -L$(LIBBPF_LIBDIR) -Wl,-rpath,$(LIBBPF_LIBDIR) -lbpf -lelf -lz
else
LIBBPF_CFLAGS	:= $(shell pkg-config --cflags libbpf 2>/dev/null)
LIBBPF_LIBS	:= $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf -lelf -lz)
endif

BPF_CFLAGS	:= -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
		   -I. -Ibpf $(LIBBPF_CFLAGS)
CFLAGS		?= -g -O2
CFLAGS		+= -Wall -Wextra -Werror -std=gnu11 -I$(OUTPUT) -Ibpf -Iuser \
		   $(LIBBPF_CFLAGS) -DVNET_LIBDIR='"$(PREFIX)/lib/vnet"'

LDLIBS		+= $(LIBBPF_LIBS) -lm
# vnetctl attach --multiprog: libxdp's dispatcher (Debian's libxdp-dev; required,
# as libbpf is: every Debian 12 has it, and find.c must see inside a dispatcher).
XDP_CFLAGS	:= $(shell pkg-config --cflags libxdp 2>/dev/null)
XDP_LIBS	:= $(shell pkg-config --libs libxdp 2>/dev/null || echo -lxdp)
# vnetctl exporter's HTTP server.
MHD_CFLAGS	:= $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
MHD_LIBS	:= $(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)
# rtnetlink messages (user/lib/netlink.c): Debian's libmnl-dev.
MNL_CFLAGS	:= $(shell pkg-config --cflags libmnl 2>/dev/null)
MNL_LIBS	:= $(shell pkg-config --libs libmnl 2>/dev/null || echo -lmnl)

BPF_SRCS	:= $(wildcard bpf/*.bpf.c)
BPF_OBJS	:= $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(BPF_SRCS))
SKELS		:= $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
BPF_HDRS	:= $(wildcard bpf/*.h) vmlinux.h

# user/ and its layers' folders (user/README-style rules at the top of each).
USER_SRCS	:= $(wildcard user/*.c user/*/*.c)
USER_OBJS	:= $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_SRCS))
USER_HDRS	:= $(wildcard user/*.h user/*/*.h) bpf/vnet.shared.h

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
.PHONY: all bpf kmod deps demo test bench install uninstall clean man unit deb

all: bpf user/vnetctl $(PROG_TEST) $(TOOLS) $(BENCH_BINS) kmod man unit

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
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(OUTPUT)/user/vnetctl.o: CFLAGS += -DVNET_VERSION='"$(VERSION)"'
$(OUTPUT)/user/vnetctl.o: debian/changelog
$(OUTPUT)/user/cmd/exporter.o: CFLAGS += $(MHD_CFLAGS)
$(OUTPUT)/user/core/hook.o: CFLAGS += $(XDP_CFLAGS)
$(OUTPUT)/user/lib/netlink.o: CFLAGS += $(MNL_CFLAGS)

user/vnetctl: $(USER_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDFLAGS) $(XDP_LIBS) $(LDLIBS) $(MHD_LIBS) $(MNL_LIBS) -o $@

# Man pages: scdoc sources, roff in .output/man (never committed).
MAN_SRCS	:= $(wildcard man/*.scd)
MAN_PAGES	:= $(patsubst man/%.scd,$(OUTPUT)/man/%,$(MAN_SRCS))
man: $(MAN_PAGES)

$(OUTPUT)/man/%: man/%.scd | $(OUTPUT)
	$(call msg,SCDOC,$@)
	$(Q)mkdir -p $(OUTPUT)/man
	$(Q)scdoc < $< > $@

unit: $(OUTPUT)/vnet@.service

$(OUTPUT)/vnet@.service: systemd/vnet@.service.in Makefile | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)sed 's|@SBINDIR@|$(PREFIX)/sbin|g' $< > $@

# Both Debian packages, built from a copy of the tracked files in
# .output/deb (dpkg-buildpackage writes next to its source tree), then
# lintian, whose errors fail the target.
deb:
	$(Q)scripts/mkdeb.sh

tests/prog/vnet_prog_test: $(PROG_TEST_SRCS) $(PROG_TEST_HDRS) $(SKELS) bpf/vnet.shared.h
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/prog $(PROG_TEST_SRCS) $(LDFLAGS) $(LDLIBS) -o $@

tests/tools/%: tests/tools/%.c
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LDFLAGS) -o $@

bench/%: bench/%.c $(SKELS) bpf/vnet.shared.h
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LDFLAGS) $(LDLIBS) -o $@

# micro writes its JSON, and both read their options and numbers, as vnetctl does.
MICRO_LIBS	:= user/lib/json.c user/lib/parse.c user/lib/csum.c user/lib/opt.c user/lib/log.c
bench/micro: bench/micro.c $(MICRO_LIBS) $(MICRO_LIBS:.c=.h) $(SKELS) bpf/vnet.shared.h
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $< $(MICRO_LIBS) $(LDFLAGS) $(LDLIBS) -o $@

ANSWERS_LIBS	:= user/lib/parse.c user/lib/opt.c user/lib/log.c
bench/answers: bench/answers.c $(ANSWERS_LIBS) $(ANSWERS_LIBS:.c=.h) $(SKELS) bpf/vnet.shared.h
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $< $(ANSWERS_LIBS) $(LDFLAGS) $(LDLIBS) -o $@

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

# What a system needs to run vnet; the module is installed by dkms
# (make deb's vnet-dkms, or kmod/dkms.conf).
INSTALL_FILES	:= sbin/vnetctl lib/vnet/vnet.bpf.o lib/vnet/xdp_pass.bpf.o \
		   share/doc/vnet/README.md share/doc/vnet/examples/vnet0.conf

install: user/vnetctl bpf man unit
	install -D -m 0755 user/vnetctl $(DESTDIR)$(PREFIX)/sbin/vnetctl
	install -D -m 0644 $(OUTPUT)/vnet.bpf.o $(DESTDIR)$(PREFIX)/lib/vnet/vnet.bpf.o
	install -D -m 0644 $(OUTPUT)/xdp_pass.bpf.o $(DESTDIR)$(PREFIX)/lib/vnet/xdp_pass.bpf.o
	install -D -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/vnet/README.md
	install -D -m 0644 examples/vnet0.conf $(DESTDIR)$(PREFIX)/share/doc/vnet/examples/vnet0.conf
	install -D -m 0644 $(OUTPUT)/man/vnetctl.8 $(DESTDIR)$(MANDIR)/man8/vnetctl.8
	install -D -m 0644 $(OUTPUT)/man/vnet.4 $(DESTDIR)$(MANDIR)/man4/vnet.4
	install -D -m 0644 completion/vnetctl.bash $(DESTDIR)$(BASHCOMPDIR)/vnetctl
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' systemd/vnet@.service.in > $(DESTDIR)$(UNITDIR)/vnet@.service

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/,$(INSTALL_FILES)) \
	      $(DESTDIR)$(MANDIR)/man8/vnetctl.8 $(DESTDIR)$(MANDIR)/man4/vnet.4 \
	      $(DESTDIR)$(BASHCOMPDIR)/vnetctl $(DESTDIR)$(UNITDIR)/vnet@.service
	-rmdir $(DESTDIR)$(PREFIX)/lib/vnet $(DESTDIR)$(PREFIX)/share/doc/vnet/examples \
	       $(DESTDIR)$(PREFIX)/share/doc/vnet 2>/dev/null

clean:
	$(call msg,CLEAN,)
	$(Q)rm -rf $(OUTPUT) user/vnetctl tests/prog/vnet_prog_test $(TOOLS) $(BENCH_BINS)
	$(Q)if [ -f kmod/Makefile ]; then $(MAKE) -s -C kmod clean; fi
