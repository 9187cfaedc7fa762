	.section .ksyms, "a"
	.globl ksym_count, ksym_table
ksym_count: .long 0
ksym_table:
