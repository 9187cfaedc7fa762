build-h6/kernel/fs/file.c.o: kernel/fs/file.c kernel/fs/file.h \
 kernel/fs/pipe.h kernel/console/console.h kernel/fs/tty.h \
 kernel/cpu/nopreempt.h kernel/debug/panic.h kernel/mm/vm.h \
 kernel/proc/proc.h kernel/proc/kctx.h kernel/cpu/fpu.h \
 kernel/cpu/trapframe.h kernel/cpu/x86.h lib/abi.h lib/syscall_list.h \
 kernel/proc/sched.h kernel/cpu/preempt.h lib/lab.h
kernel/fs/file.h:
kernel/fs/pipe.h:
kernel/console/console.h:
kernel/fs/tty.h:
kernel/cpu/nopreempt.h:
kernel/debug/panic.h:
kernel/mm/vm.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
kernel/cpu/x86.h:
lib/abi.h:
lib/syscall_list.h:
kernel/proc/sched.h:
kernel/cpu/preempt.h:
lib/lab.h:
