# beta86 - top-level Makefile.
#
#   make            build build/kernel.elf, with every user program in its ramdisk
#   make qemu       boot it (serial console in this terminal; Ctrl-A X quits)
#   make qemu-nox   the same, never opening a window
#   make qemu-gdb   boot halted, waiting for GDB (GDBPORT=N: on port N)
#   make gdb        attach GDB to it (in a second terminal)
#   make grade      the graded tests (LAB=N for one lab)
#   make test       every test: host unit tests, grader, handout checks
#   make bench      instruction counts under icount, as a table and JSON
#   make timeline   the schedule of a run (APPEND=...) as build/timeline.html
#   make handout LAB=N DEST=DIR   a student tree for lab N
# handout: drop-begin
#   make autograder [LAB=N]       course staff (docs/course-staff.md): Gradescope's zip,
#   make classroom LAB=N          GitHub Classroom's workflow,
#   make grade-batch DIR=D        every submission in folder D graded
# handout: drop-end
#   make clean
#
# Every build output goes under build/.

BUILD    := build
# gcc through ccache where it works here (tools/ccache-works.sh; make deps
# installs it): the grader builds the same sources in many trees - a
# handout per lab, a tree per planted bug, the autograder's - and a compile
# found in the cache costs a fraction of one. The same file in another
# tree is the same compile (CCACHE_NOHASHDIR), since -fdebug-prefix-map
# below keeps the tree's path out of the objects.
CCACHE_FOUND := $(shell sh tools/ccache-works.sh)
CC       := $(if $(CCACHE_FOUND),ccache gcc,gcc)
ifneq ($(CCACHE_FOUND),)
export CCACHE_DIR := $(CCACHE_FOUND)
endif
export CCACHE_NOHASHDIR := 1
LD       := ld
OBJCOPY  := objcopy
NM       := nm
QEMU     := qemu-system-i386
PYTHON   := /usr/bin/python3

# Command line for the booted kernel (make qemu APPEND="init=... hz=...").
APPEND   ?=
# The GDB stub's port. `make qemu-gdb` uses GDBPORT if you set it (make
# qemu-gdb GDBPORT=N), else the per-user DEFAULT_GDBPORT, so that two
# students on one machine do not collide, or a free port when that one is
# busy (tools/gdbport.py says so). It writes the port it chose to
# GDBPORT_FILE while QEMU runs; .gdbinit, and so `make gdb`, reads it.
GDBPORT         ?=
DEFAULT_GDBPORT := $(shell expr 26000 + `id -u` % 5000)
GDBPORT_FILE    := $(BUILD)/gdbport

# The grader passes -icount and -rtc itself; `make qemu` runs at full speed.
# The CPU model is the grader's (CPU_MODEL in grader/qemu.py): QEMU's
# default, qemu32, plus UMIP.
QEMUOPTS := -kernel $(BUILD)/kernel.elf -cpu qemu32,+umip -m 128M -no-reboot \
            -device isa-debug-exit,iobase=0xf4,iosize=0x04
# ICOUNT=1: the grader's machine exactly (grader/qemu.py's qemu_command):
# icount and the VM's clock, and its firmware, qboot (whose CPU has no
# local APIC; FIRMWARE=seabios for the tests that boot SeaBIOS), so a run
# repeats a test's instruction for instruction. The "to repeat it" line of
# a failed test says ICOUNT=1 (and FIRMWARE= when it is not qboot).
FIRMWARE ?= qboot
GRADER_MACHINE_qboot   := -cpu qemu32,+umip,-apic -bios qboot.rom
GRADER_MACHINE_seabios := -cpu qemu32,+umip
ifeq ($(ICOUNT),1)
QEMUOPTS := -kernel $(BUILD)/kernel.elf -m 128M -no-reboot \
            -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
            -icount shift=0,sleep=off -rtc clock=vm $(GRADER_MACHINE_$(FIRMWARE))
endif

GCC_INCLUDE := $(shell $(CC) -print-file-name=include)
CFLAGS := -m32 -std=gnu11 -ffreestanding -fno-pie -fno-stack-protector \
          -fno-omit-frame-pointer -fno-optimize-sibling-calls -fno-ipa-icf -O2 -g \
          -Wall -Wextra -nostdinc -isystem $(GCC_INCLUDE) \
          -mno-sse -mno-mmx -mno-80387 -mpreferred-stack-boundary=2 \
          -fno-asynchronous-unwind-tables -fdebug-prefix-map=$(CURDIR)= \
          -Werror=incompatible-pointer-types -Wno-unused-parameter \
          -MMD -MP
# -Wno-unused-parameter: a function keeps the signature its callers need even
# where its body needs fewer (a handler in a table, a lab's stub); Linux's
# W=1 builds pair -Wextra with it too.
# A handler of the wrong type in a table (trap_register, the system call
# table) is an error in every build, handouts included; the kernel has one
# calling convention, cdecl (docs/01-boot-and-console.md).
# handout: drop-begin
# Warnings are errors in CI (a newer compiler's new warning must not stop a
# student, so handouts drop this line).
ifeq ($(CI),true)
CFLAGS += -Werror
endif
# handout: drop-end
# The lab this tree is for. HANDOUT_LAB=N builds main as lab N's handout
# tree: lab N's and later labs' blocks compile as their stubs (lib/lab.h),
# and a boot without init= runs what lab N's tree boots (kernel/boot/main.c);
# use a BUILD= of its own. A handout tree's Makefile sets it to the tree's
# own lab (labs/handout.py writes the number here); on main it is empty:
# every lab is done.
HANDOUT_LAB ?=
KCFLAGS  := $(CFLAGS) -Ikernel -Ilib $(if $(HANDOUT_LAB),-DHANDOUT_LAB=$(HANDOUT_LAB))
ASFLAGS  := -m32 -g -fdebug-prefix-map=$(CURDIR)= -Ikernel -Ilib -MMD -MP -D__ASSEMBLER__ $(if $(HANDOUT_LAB),-DHANDOUT_LAB=$(HANDOUT_LAB))
LDFLAGS  := -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments

KERNEL_SRCS := $(shell find kernel -name '*.c' -o -name '*.S' | sort)
LIB_SRCS    := $(wildcard lib/*.c)
KERNEL_OBJS := $(patsubst %,$(BUILD)/%.o,$(KERNEL_SRCS) $(LIB_SRCS))

# ---- user programs and the ramdisk ------------------------------------------
# Every user/NAME.c is one program NAME: crt0 first, then user/NAME.c, then
# the user library (lib/user/*.c and *.S, lib/format.c, lib/string.c) as an
# archive, linked at UABI_USER_BASE by user/user.ld. The user library is
# compiled separately from the kernel's copies of lib/, under build/user/.
#   build/user/NAME.elf   the full ELF, for GDB
#   build/ramdisk/NAME    the same without debug information: what goes into
#                         the ramdisk (the kernel symbolizes user faults from
#                         its .symtab)
# tools/mkramdisk.sh turns build/ramdisk/* into build/ramdisk.S, whose table
# (ramdisk_files, ramdisk_count) is linked into both kernel passes.
# User programs may compute in floating point: each process has FPU
# registers of its own (kernel/proc/proc_fpu.c). The kernel stays without.
KERNEL_ONLY_CFLAGS := -mno-sse -mno-mmx -mno-80387
UCFLAGS   := $(filter-out $(KERNEL_ONLY_CFLAGS),$(CFLAGS)) -Ilib -Ilib/user $(if $(HANDOUT_LAB),-DHANDOUT_LAB=$(HANDOUT_LAB))
UASFLAGS  := -m32 -g -fdebug-prefix-map=$(CURDIR)= -Ilib -Ilib/user -MMD -MP -D__ASSEMBLER__ $(if $(HANDOUT_LAB),-DHANDOUT_LAB=$(HANDOUT_LAB))
ULDFLAGS  := -m elf_i386 -nostdlib -z noexecstack
AR        := ar

USER_PROGS := $(sort $(patsubst user/%.c,%,$(wildcard user/*.c)))
# Every user/domains/NAME.c is a domain image NAME (lab 6): the same, but
# started by lib/user/dom_crt0.S, which dom_call enters, instead of crt0.
DOM_PROGS  := $(sort $(patsubst user/domains/%.c,%,$(wildcard user/domains/*.c)))
# Every user/domains/NAME.S is a domain image NAME in assembly, linked
# alone (no dom_crt0, no ulib): its _start is the entry, and each call
# ends with its own int $50 (asmadder.S, the benchmark's callee).
DOM_ASM_PROGS := $(sort $(patsubst user/domains/%.S,%,$(wildcard user/domains/*.S)))
USER_ELFS  := $(patsubst %,$(BUILD)/user/%.elf,$(USER_PROGS) $(DOM_PROGS) $(DOM_ASM_PROGS))
# Malformed programs that exec must refuse with E_NOEXEC, made on the host
# from echo by tools/mkbadelf.py (one per variant it lists with --list):
# build/ramdisk/bad-VARIANT (usertests badelf execs them).
BAD_ELF_VARIANTS := sharepage overlap order below stack filesz
RAMDISK_NAMES := $(USER_PROGS) $(DOM_PROGS) $(DOM_ASM_PROGS) $(patsubst %,bad-%,$(BAD_ELF_VARIANTS))
RAMDISK_FILES := $(patsubst %,$(BUILD)/ramdisk/%,$(RAMDISK_NAMES))
UCRT0      := $(BUILD)/user/lib/user/crt0.S.o
UDOMCRT0   := $(BUILD)/user/lib/user/dom_crt0.S.o
ULIB_SRCS  := $(filter-out lib/user/crt0.S lib/user/dom_crt0.S,$(sort $(wildcard lib/user/*.c lib/user/*.S))) \
              lib/format.c lib/string.c
ULIB_OBJS  := $(patsubst %,$(BUILD)/user/%.o,$(ULIB_SRCS))
ULIB       := $(BUILD)/user/ulib.a

all: $(BUILD)/kernel.elf $(USER_ELFS)

$(BUILD)/%.c.o: %.c Makefile
	@mkdir -p $(@D)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/%.S.o: %.S Makefile
	@mkdir -p $(@D)
	$(CC) $(ASFLAGS) -c $< -o $@

# The kernel carries its own symbol table for backtraces. Pass 1 links with an
# empty table; its text symbols become the table linked into pass 2. The
# table lies after all text (kernel.ld), so no text address moves.
$(BUILD)/ksyms0.S:
	@mkdir -p $(@D)
	printf '\t.section .ksyms, "a"\n\t.globl ksym_count, ksym_table\nksym_count: .long 0\nksym_table:\n' > $@

$(BUILD)/kernel0.elf: $(KERNEL_OBJS) $(BUILD)/ramdisk.S.o $(BUILD)/ksyms0.S.o kernel/kernel.ld
	$(LD) $(LDFLAGS) -T kernel/kernel.ld -o $@ $(KERNEL_OBJS) $(BUILD)/ramdisk.S.o $(BUILD)/ksyms0.S.o

$(BUILD)/ksyms.S: $(BUILD)/kernel0.elf tools/mksyms.sh
	sh tools/mksyms.sh $< > $@

$(BUILD)/kernel.elf: $(KERNEL_OBJS) $(BUILD)/ramdisk.S.o $(BUILD)/ksyms.S.o kernel/kernel.ld
	$(LD) $(LDFLAGS) -T kernel/kernel.ld -o $@ $(KERNEL_OBJS) $(BUILD)/ramdisk.S.o $(BUILD)/ksyms.S.o
	sh tools/mksyms.sh $@ | cmp -s - $(BUILD)/ksyms.S || \
		{ echo "kernel.elf: symbol table moved between link passes"; rm -f $@; exit 1; }

$(BUILD)/%.S.o: $(BUILD)/%.S
	$(CC) $(ASFLAGS) -c $< -o $@

$(BUILD)/user/%.c.o: %.c Makefile
	@mkdir -p $(@D)
	$(CC) $(UCFLAGS) -c $< -o $@

$(BUILD)/user/%.S.o: %.S Makefile
	@mkdir -p $(@D)
	$(CC) $(UASFLAGS) -c $< -o $@

$(ULIB): $(ULIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/user/%.elf: $(UCRT0) $(BUILD)/user/user/%.c.o $(ULIB) user/user.ld
	$(LD) $(ULDFLAGS) -T user/user.ld -o $@ $(UCRT0) $(BUILD)/user/user/$*.c.o $(ULIB)

$(patsubst %,$(BUILD)/user/%.elf,$(DOM_PROGS)): $(BUILD)/user/%.elf: $(UDOMCRT0) $(BUILD)/user/user/domains/%.c.o $(ULIB) user/user.ld
	$(LD) $(ULDFLAGS) -T user/user.ld -o $@ $(UDOMCRT0) $(BUILD)/user/user/domains/$*.c.o $(ULIB)

$(patsubst %,$(BUILD)/user/%.elf,$(DOM_ASM_PROGS)): $(BUILD)/user/%.elf: $(BUILD)/user/user/domains/%.S.o user/user.ld
	$(LD) $(ULDFLAGS) -T user/user.ld -o $@ $(BUILD)/user/user/domains/$*.S.o

$(BUILD)/ramdisk/%: $(BUILD)/user/%.elf
	@mkdir -p $(@D)
	$(OBJCOPY) --strip-debug $< $@

$(BUILD)/ramdisk/bad-%: $(BUILD)/ramdisk/echo tools/mkbadelf.py
	$(PYTHON) tools/mkbadelf.py $* $< $@

# The list of programs, rewritten only when it changes, so that removing a
# program also remakes the ramdisk.
$(BUILD)/ramdisk.list: FORCE
	@mkdir -p $(@D)
	@echo '$(RAMDISK_NAMES)' | cmp -s - $@ || echo '$(RAMDISK_NAMES)' > $@

$(BUILD)/ramdisk.S: $(RAMDISK_FILES) $(BUILD)/ramdisk.list tools/mkramdisk.sh
	sh tools/mkramdisk.sh $(RAMDISK_FILES) > $@

# .incbin pulls the programs in; the compiler's dependency file misses them.
$(BUILD)/ramdisk.S.o: $(RAMDISK_FILES)

deps:
	@PYTHON=$(PYTHON) sh tools/install-deps.sh

# QEMU exits with 33 after the kernel's clean shutdown (cpu/power.h): that
# is success for make too; 35 (a failure shutdown) stays an error.
QEMU_CLEAN_EXIT := status=$$?; [ $$status -eq 0 ] || [ $$status -eq 33 ] || exit $$status

qemu: deps all
	@echo "beta86: serial console here; Ctrl-A X quits, Ctrl-A C toggles the QEMU monitor"
	$(QEMU) $(QEMUOPTS) $(if $(DISPLAY),,-display none) -serial mon:stdio -append "$(APPEND)"; $(QEMU_CLEAN_EXIT)

qemu-nox: deps all
	@echo "beta86: serial console here; Ctrl-A X quits, Ctrl-A C toggles the QEMU monitor"
	$(QEMU) $(QEMUOPTS) -display none -serial mon:stdio -append "$(APPEND)"; $(QEMU_CLEAN_EXIT)

# The port file lives as long as QEMU: it is removed when QEMU exits (or
# make is interrupted), so `make gdb` never reads a port nobody listens on.
qemu-gdb: deps all
	@port=`$(PYTHON) tools/gdbport.py $(if $(GDBPORT),--port $(GDBPORT),--prefer $(DEFAULT_GDBPORT))` || exit 1; \
	trap 'rm -f $(GDBPORT_FILE)' EXIT; trap 'exit 1' HUP INT TERM; \
	echo $$port > $(GDBPORT_FILE); \
	echo "beta86: halted at the first instruction, GDB stub on localhost:$$port."; \
	echo "        Run 'make gdb' in another terminal. Ctrl-A X quits."; \
	echo '$(QEMU) $(QEMUOPTS) -display none -serial mon:stdio -S -gdb tcp:localhost:'$$port' -append "$(APPEND)"'; \
	$(QEMU) $(QEMUOPTS) -display none -serial mon:stdio -S -gdb tcp:localhost:$$port -append "$(APPEND)"; $(QEMU_CLEAN_EXIT)

# GDBPORT=N connects to port N instead of the one in GDBPORT_FILE;
# GDBFLAGS adds options (GDBFLAGS=-q: no banner).
GDBFLAGS ?=
gdb: all
	$(if $(GDBPORT),BETA86_GDB_PORT=$(GDBPORT) )gdb -n $(GDBFLAGS) -x .gdbinit

# PYTEST_WORKERS: QEMU runs in parallel (measured on 2 cores: see README).
# --dist loadgroup: a worker takes one test at a time as it frees up (the
# slow handout and bug checks spread out instead of queueing on one
# worker at the end), and the tests of one built handout (xdist_group)
# stay together, so that each handout is built once.
# junit_family=xunit2: JUnit XML (--junitxml) that Jenkins' strict schema accepts.
PYTEST_WORKERS := 4
PYTEST_FLAGS := -p no:cacheprovider -n $(PYTEST_WORKERS) --dist loadgroup -o junit_family=xunit2
# LAB=N grades lab N alone; without it, a lab N handout grades labs 1 to N
# (its later labs are stubs, bound to fail) and main every lab.
GRADE_ARGS := $(if $(LAB),--lab $(LAB),$(if $(HANDOUT_LAB),--through-lab $(HANDOUT_LAB)))
# The grade as a student reads it (grader/conftest.py): no pytest header, no
# tracebacks (-q --tb=no -rN); every FAIL line with its reason, the details
# below the score. PYTEST_ARGS="--tb=short" brings pytest's tracebacks back.
GRADE_FLAGS := -q --tb=no -rN
grade: deps all
	$(PYTHON) -m pytest grader/test_lab*_*.py $(PYTEST_FLAGS) $(GRADE_FLAGS) $(GRADE_ARGS) $(PYTEST_ARGS)

# -v: one line per test, with its result, as it finishes.
test: deps all
	$(PYTHON) -m pytest grader $(PYTEST_FLAGS) -v $(PYTEST_ARGS)

handout:
	$(if $(LAB),,$(error make handout needs LAB=N, e.g. make handout LAB=2 DEST=../beta86-lab2))
	$(if $(DEST),,$(error make handout needs DEST=DIR, e.g. make handout LAB=$(LAB) DEST=../beta86-lab$(LAB)))
	$(PYTHON) labs/handout.py --lab $(LAB) --dest $(DEST)

bench: deps all
	$(PYTHON) tools/bench.py --kernel $(BUILD)/kernel.elf --json $(BUILD)/bench.json \
		$(if $(HANDOUT_LAB),--tree-lab $(HANDOUT_LAB),--readme README.md)

# The scheduling trace drawn (tools/timeline, kernel/proc/trace.h): boot
# with trace=2 under icount, write the page, print ASCII lanes.
timeline: deps all
	$(PYTHON) tools/timeline --kernel $(BUILD)/kernel.elf --append "$(APPEND)" \
		--html $(BUILD)/timeline.html --text
# The book's timeline picture (docs/02-contexts.md), from a real run.
DOCS_TIMELINE_APPEND := seed=7 hz=10000 quantum=2 init=schedtrace
docs-timeline: deps all
	$(PYTHON) tools/timeline --kernel $(BUILD)/kernel.elf --append "$(DOCS_TIMELINE_APPEND)" \
		--title "two spinners and a sleeper, quantum 2 ($(DOCS_TIMELINE_APPEND))" \
		--svg docs/figures/schedtrace.svg

# handout: drop-begin
# Course staff (docs/course-staff.md), not in a student's tree. Each
# grades with lab N's staff tree: its handout, from which only the files a
# student writes in lab N are replaced by a submission's (tools/autograde.py).
#   make autograder [LAB=N] [LEADERBOARD=1]   build/autograder/beta86-labN-autograder.zip
#       (every lab the grader knows without LAB) and the staff tree labN/
#   make classroom LAB=N [STAFF_REPO=OWNER/NAME] [STAFF_REF=REF]
#       build/classroom/labN.yml, the Classroom workflow
#   make grade-batch DIR=FOLDER [LAB=N] [JOBS=J]   tools/grade-batch
autograder:
	$(PYTHON) tools/autograde.py package --lab $(if $(LAB),$(LAB),all) --out $(BUILD)/autograder $(if $(LEADERBOARD),--leaderboard)

classroom:
	$(if $(LAB),,$(error make classroom needs LAB=N, e.g. make classroom LAB=1 STAFF_REPO=course/beta86-lab1-staff))
	@mkdir -p $(BUILD)/classroom
	$(PYTHON) tools/autograde.py workflow --lab $(LAB) $(if $(STAFF_REPO),--staff-repo $(STAFF_REPO)) $(if $(STAFF_REF),--staff-ref $(STAFF_REF)) > $(BUILD)/classroom/lab$(LAB).yml
	@echo "written: $(BUILD)/classroom/lab$(LAB).yml"

grade-batch:
	$(if $(DIR),,$(error make grade-batch needs DIR=FOLDER, a folder of submissions))
	$(PYTHON) tools/grade-batch $(DIR) $(if $(LAB),--lab $(LAB)) $(if $(JOBS),--jobs $(JOBS))

.PHONY: autograder classroom grade-batch
# handout: drop-end

clean:
	rm -rf $(BUILD)

.PHONY: all deps qemu qemu-nox qemu-gdb gdb grade test handout bench timeline docs-timeline clean FORCE
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
