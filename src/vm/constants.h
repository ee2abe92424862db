/*
 * constants.h - the built-in constants of the assembly language (SPEC 1, "Names as
 * values"): SYS_FORK, SIG_USR1, ERR_WOULDBLOCK, DEV_CLOCK, ...
 *
 * They are not listed anywhere by hand: each is made from a row of a table the machine
 * itself runs on (tables/syscalls.def, tables/signals.def, vm/errors.def,
 * tables/devices.def) by one spelling rule: the family prefix, then the row's name in
 * capitals, with an error name's "Exception" suffix dropped:
 *     fork -> SYS_FORK    share_m -> SYS_SHARE_M    USR1 -> SIG_USR1
 *     WouldBlock -> ERR_WOULDBLOCK    FileAccessException -> ERR_FILEACCESS
 *     clock -> DEV_CLOCK
 * A new row in a table is a new constant. Constants are case-sensitive, like labels.
 */
#ifndef MVM_CONSTANTS_H
#define MVM_CONSTANTS_H

#include <stddef.h>
#include <stdint.h>

typedef enum ConstFamily { CONST_SYS, CONST_SIG, CONST_ERR, CONST_DEV, CONST_FAMILIES } ConstFamily;

typedef struct Constant {
    char        name[48];   /* "SYS_FORK" */
    int64_t     value;      /* the number it stands for */
    ConstFamily family;
    const char *row;        /* the table's own name for it: "fork", "WouldBlock" */
} Constant;

/* "SYS_", "SIG_", "ERR_", "DEV_". */
const char *constant_prefix(ConstFamily f);
/* "system call", "signal", "error", "device". */
const char *constant_family_name(ConstFamily f);

/* Every constant, family by family in the order above, each family in table order. */
size_t          constant_count(void);
const Constant *constant_at(size_t i);
/* The constant spelt exactly `name` (case-sensitive), or NULL. */
const Constant *constant_find(const char *name, size_t len);
/* The constant closest to a misspelt name (case is a cheap edit), or NULL when none is
 * close. `sys_fork` gives SYS_FORK. */
const Constant *constant_nearest(const char *name, size_t len);

/* Write the constant name for row `row` of family f into out[cap] (the spelling rule
 * above); used to build the table and by the unit test that checks it. */
void constant_spell(ConstFamily f, const char *row, char *out, size_t cap);

#endif
