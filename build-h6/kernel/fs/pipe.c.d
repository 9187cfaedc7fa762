build-h6/kernel/fs/pipe.c.o: kernel/fs/pipe.c kernel/fs/pipe.h \
 kernel/fs/file.h kernel/mm/frame.h kernel/mm/layout.h lib/abi.h \
 lib/syscall_list.h kernel/mm/vm.h kernel/proc/proc.h kernel/proc/kctx.h \
 kernel/cpu/fpu.h kernel/cpu/trapframe.h kernel/cpu/x86.h \
 kernel/proc/sched.h kernel/cpu/preempt.h kernel/debug/panic.h lib/lab.h \
 kernel/console/console.h
kernel/fs/pipe.h:
kernel/fs/file.h:
kernel/mm/frame.h:
kernel/mm/layout.h:
lib/abi.h:
lib/syscall_list.h:
kernel/mm/vm.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
kernel/cpu/trapframe.h:
kernel/cpu/x86.h:
kernel/proc/sched.h:
kernel/cpu/preempt.h:
kernel/debug/panic.h:
lib/lab.h:
kernel/console/console.h:
