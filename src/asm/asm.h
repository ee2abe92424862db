/*
 * asm.h - the assembler: .kar source text -> Program (program.h).
 *
 * The whole file is assembled before anything runs. Every error is reported, each as
 *     FILE:LINE:COL: error: MESSAGE
 *         <the source line>
 *         <spaces>^
 * (SPEC 1, 10). A statement with an error is skipped and assembly goes on with the next
 * line, so one mistake gives one message. Messages come in line order. At most 100 are
 * printed (diag.h); the rest are counted and summed up as
 *     FILE: note: N more errors not shown
 * Control bytes and invalid UTF-8 in the echoed line show as '?', and a line longer than
 * 160 columns is cut around the error with "...".
 */
#ifndef MVM_ASM_H
#define MVM_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../vm/program.h"

/* Where the user modules of one assembly come from (SPEC 7, 10 "Library": `CALL mylib.fn`
 * finds mylib/fn.kar beside the file holding the CALL). The assembler never turns a name
 * into a file itself: a program read from the host gets its modules through the host
 * provider below (confined to its directory), one read from the VFS through the kernel's
 * VFS provider (kernel/vfs_hook.c), so a guest's program never reaches a host file. */
enum { SOURCE_MISSING = 1, SOURCE_REFUSED = 2 };
typedef struct SourceProvider {
    void *ctx;
    /* The path of module file `rel` ("mylib/fn.kar") beside the unit whose path is
     * `caller`, written into path[cap]; false when it does not fit. No I/O: the path
     * also names the unit (diagnostics, traces, and assembling each module once). */
    bool (*locate)(void *ctx, const char *caller, const char *rel, char *path, size_t cap);
    /* Read that file: 0 with *text (malloc'd, NUL-terminated; the caller frees it) and
     * *len; SOURCE_MISSING when there is none (the standard library comes next); or
     * SOURCE_REFUSED with the reason in why[whycap] (reported as an assembly error). */
    int (*read)(void *ctx, const char *path, char **text, size_t *len, char *why, size_t whycap);
} SourceProvider;

/* A locate for providers whose modules sit beside the caller's file: the caller's
 * directory joined with rel, as text (both the host and the VFS provider use it). */
bool source_locate_beside(void *ctx, const char *caller, const char *rel, char *path, size_t cap);

/* The host provider: modules beside the caller, inside directory `base` once symbolic
 * links are resolved (hostfile.h). `refused` records that a module was refused, so that
 * spawn/exec can fail with 9 rather than 25. */
typedef struct HostModules {
    SourceProvider provider;
    const char    *base;
    bool           refused;
} HostModules;

/* Set h up for the directory base (kept by pointer: it must outlive the assembly). */
void asm_host_modules(HostModules *h, const char *base);

typedef struct AsmOptions {
    /* Library lookup (SPEC 7): a directory laid out like src/stdlib (MODULE/FUNCTION.kar)
     * used instead of the library embedded in mvm; NULL = the embedded one. */
    const char *stdlib_dir;
    /* User modules; NULL = none (only the standard library). */
    const SourceProvider *modules;
} AsmOptions;

/* Assemble the file at `path` (as given; used in messages). On success returns a new
 * Program with refs = 1. On failure prints every diagnostic to `diag`, stores the count
 * in *nerrors (if not NULL) and returns NULL. A file that cannot be read, or is not a
 * regular file (a FIFO is refused, never waited on), is one error
 * ("FILE: error: cannot read: REASON"). */
Program *asm_assemble_file(const char *path, const AsmOptions *opt, FILE *diag, int *nerrors);

/* The same for source text already in memory (`len` bytes, need not be NUL-terminated;
 * may contain any bytes). */
Program *asm_assemble_source(const char *path, const char *src, size_t len,
                             const AsmOptions *opt, FILE *diag, int *nerrors);

/* A program file of either kind (load.c): bytecode (.mar, by its magic number, verified)
 * or source (assembled as above). The same results and messages as those two. */
Program *asm_load_file(const char *path, const AsmOptions *opt, FILE *diag, int *nerrors);
/* Read a program file (any kind) into *buf (the caller frees it): 0, or -1 after
 * "PATH: error: cannot read: ..." on diag (*nerrors = 1). */
int asm_read_file(const char *path, FILE *diag, int *nerrors, char **buf, size_t *len);
Program *asm_load_bytes(const char *path, const char *data, size_t len, const AsmOptions *opt,
                        FILE *diag, int *nerrors);

/* `mvm tokenise`: one line per instruction: its line, mnemonic and each operand with its
 * kind (register, literal, label/target, string, type, topic). */
void asm_print_tokens(const Program *p, FILE *out);

/* `mvm disasm`: the main program again as source, line for line, labels restored, each
 * statement with its decoded form in a comment; it assembles back to the same program. */
void disasm_print(const Program *p, FILE *out);

/* The Levenshtein-closest mnemonic for a near miss, or NULL when none is close (and for
 * an exact mnemonic, which is no miss). Aliases (CPY) count; case is ignored; adjacent
 * swaps cost one edit. Up to 1 edit for words of 2-4 bytes, 2 for longer ones. */
const char *asm_suggest_mnemonic(const char *word, int len);

#endif
