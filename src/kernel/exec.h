/*
 * exec.h - loading programs for spawn and exec, and building argument arrays.
 */
#ifndef MVM_EXEC_H
#define MVM_EXEC_H

#include "kernel.h"

/* Assemble the program named by the string at path_addr in caller's memory. Looked up in
 * the VFS first, then on the host relative to the directory of PID 1's program file
 * (SPEC 5, 10). Returns 0 and a new Program (refs = 1), or an error code: 14/2 for a bad
 * address, 9 for a missing program or a forbidden host path, 25 when it has assembly
 * errors (the diagnostics go to standard error). */
int exec_load(VM *vm, Proc *caller, int64_t path_addr, Program **out);

/* Read the array of strings at addr in p's memory (0 = none) into host strings.
 * Returns 0 or an error code (14/2 for a bad address, 11 out of host memory). */
int exec_read_args(Proc *p, int64_t addr, char ***argv, int *argc);
void exec_free_args(char **argv, int argc);

/* Put the argument strings into p's heap as an array of strings; F1 = its address. */
int exec_install_args(Proc *p, char **argv, int argc);

/* Replace p's program (exec): fresh registers, stacks and memory, handlers reset,
 * pending signals and mailboxes kept. Takes a reference to prog. */
int exec_replace(VM *vm, Proc *p, Program *prog, char **argv, int argc);

#endif
