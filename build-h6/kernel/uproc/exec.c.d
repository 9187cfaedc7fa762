build-h6/kernel/uproc/exec.c.o: kernel/uproc/exec.c kernel/uproc/exec.h \
 lib/abi.h lib/syscall_list.h kernel/proc/proc.h kernel/proc/kctx.h \
 kernel/cpu/fpu.h kernel/cpu/trapframe.h kernel/cpu/x86.h \
 kernel/proc/proc_fpu.h kernel/fs/image.h kernel/dom/dom.h \
 kernel/dom/cap.h kernel/mm/layout.h kernel/console/console.h lib/lab.h \
 kernel/fs/ramdisk.h kernel/mm/paging.h kernel/mm/vm.h kernel/cpu/gdt.h \
 lib/string.h
kernel/uproc/exec.h:
lib/abi.h:
lib/syscall_list.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
kernel/cpu/x86.h:
kernel/proc/proc_fpu.h:
kernel/fs/image.h:
kernel/dom/dom.h:
kernel/dom/cap.h:
kernel/mm/layout.h:
kernel/console/console.h:
lib/lab.h:
kernel/fs/ramdisk.h:
kernel/mm/paging.h:
kernel/mm/vm.h:
kernel/cpu/gdt.h:
lib/string.h:
