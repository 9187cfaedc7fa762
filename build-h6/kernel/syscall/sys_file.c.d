build-h6/kernel/syscall/sys_file.c.o: kernel/syscall/sys_file.c \
 kernel/syscall/syscall.h kernel/trap/trap.h kernel/cpu/x86.h \
 kernel/cpu/trapframe.h lib/abi.h lib/syscall_list.h kernel/fs/file.h \
 kernel/fs/pipe.h kernel/mm/vm.h kernel/proc/proc.h kernel/proc/kctx.h \
 kernel/cpu/fpu.h
kernel/syscall/syscall.h:
kernel/trap/trap.h:
kernel/cpu/x86.h:
kernel/cpu/trapframe.h:
lib/abi.h:
lib/syscall_list.h:
kernel/fs/file.h:
kernel/fs/pipe.h:
kernel/mm/vm.h:
kernel/proc/proc.h:
kernel/proc/kctx.h:
kernel/cpu/fpu.h:
