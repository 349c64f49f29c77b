// A vector table whose every entry executes UDF: the first exception re-enters the synchronous
// vector forever (an exception storm), with ESR/ELR rewritten on each entry.
    .section .text.storm, "ax"
    .balign 0x800
    .global storm_vectors
storm_vectors:
    .rept 16
    .balign 0x80
    udf     #0x5707
    b       .                       // never reached: UDF raises before this
    .endr
