// Boot stub shared by all guests. QEMU (and Persona) enter at _start at EL1h with the MMU off and
// DAIF masked; only CPU 0 runs until PSCI CPU_ON starts another one at secondary_entry.
    .equ MAX_CPUS_S, 4              // keep in step with virt.ld
    .equ STACK_SIZE_S, 0x4000

    .section .text.boot, "ax"
    .global _start
_start:
    mrs     x19, mpidr_el1
    and     x19, x19, #0xff
    bl      set_stack               // sp = top of this CPU's stack (x19 = cpu id)
    // Zero .bss ourselves: a loader that only copies file bytes must still give C zeroed globals.
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  bl      main
    bl      psci_system_off         // main returned: power off (never returns)

// PSCI CPU_ON entry: x0 = context id. Runs at EL1h with the MMU off on the new CPU.
    .global secondary_entry
secondary_entry:
    mov     x20, x0
    mrs     x19, mpidr_el1
    and     x19, x19, #0xff
    bl      set_stack
    mov     x0, x20
    bl      secondary_main
3:  wfi
    b       3b

// sp = __stacks_start + (cpu + 1) * STACK_SIZE; cpu ids past MAX_CPUS park forever.
set_stack:
    cmp     x19, #MAX_CPUS_S
    b.hs    3b
    ldr     x1, =__stacks_start
    add     x2, x19, #1
    mov     x3, #STACK_SIZE_S
    madd    x1, x2, x3, x1
    mov     sp, x1
    ret

    .weak secondary_main
secondary_main:
    b       3b
