build-h6/kernel/boot/main.c.o: kernel/boot/main.c kernel/cpu/multiboot.h \
 kernel/boot/cmdline.h kernel/console/console.h kernel/fs/tty.h \
 kernel/trap/pic.h kernel/cpu/x86.h kernel/cpu/cpu.h kernel/cpu/gdt.h \
 kernel/debug/power.h kernel/boot/kmon.h kernel/debug/panic.h \
 kernel/mm/frame.h kernel/mm/paging.h kernel/uproc/exec.h lib/abi.h \
 lib/syscall_list.h kernel/proc/kthread.h kernel/proc/sched.h \
 kernel/cpu/preempt.h kernel/proc/proc.h kernel/proc/kctx.h \
 kernel/cpu/fpu.h kernel/cpu/trapframe.h lib/lab.h \
 kernel/uproc/procdump.h kernel/proc/proc_fpu.h kernel/uproc/uproc.h \
 kernel/syscall/syscall.h kernel/trap/trap.h kernel/boot/ktest.h \
 kernel/proc/timer.h lib/string.h
kernel/cpu/multiboot.h:
kernel/boot/cmdline.h:
kernel/console/console.h:
kernel/fs/tty.h:
kernel/trap/pic.h:
kernel/cpu/x86.h:
kernel/cpu/cpu.h:
kernel/cpu/gdt.h:
kernel/debug/power.h:
kernel/boot/kmon.h:
kernel/debug/panic.h:
kernel/mm/frame.h:
kernel/mm/paging.h:
kernel/uproc/exec.h:
lib/abi.h:
lib/syscall_list.h:
kernel/proc/kthread.h:
kernel/proc/sched.h:
kernel/cpu/preempt.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
lib/lab.h:
kernel/uproc/procdump.h:
kernel/proc/proc_fpu.h:
kernel/uproc/uproc.h:
kernel/syscall/syscall.h:
kernel/trap/trap.h:
kernel/boot/ktest.h:
kernel/proc/timer.h:
lib/string.h:
