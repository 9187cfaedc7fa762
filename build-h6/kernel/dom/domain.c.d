build-h6/kernel/dom/domain.c.o: kernel/dom/domain.c kernel/dom/dom.h \
 kernel/dom/cap.h lib/abi.h lib/syscall_list.h kernel/mm/layout.h \
 kernel/proc/proc.h kernel/proc/kctx.h kernel/cpu/fpu.h \
 kernel/cpu/trapframe.h kernel/cpu/x86.h kernel/console/console.h \
 lib/lab.h kernel/fs/image.h kernel/fs/ramdisk.h kernel/mm/vm.h \
 kernel/proc/sched.h kernel/cpu/preempt.h kernel/debug/panic.h \
 kernel/cpu/gdt.h lib/string.h
kernel/dom/dom.h:
kernel/dom/cap.h:
lib/abi.h:
lib/syscall_list.h:
kernel/mm/layout.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
kernel/cpu/x86.h:
kernel/console/console.h:
lib/lab.h:
kernel/fs/image.h:
kernel/fs/ramdisk.h:
kernel/mm/vm.h:
kernel/proc/sched.h:
kernel/cpu/preempt.h:
kernel/debug/panic.h:
kernel/cpu/gdt.h:
lib/string.h:
