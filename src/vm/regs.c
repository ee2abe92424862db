/*
 * regs.c - register and type names.
 */
#include "regs.h"

#include <string.h>
#include <strings.h>

const char *const type_names[TYPE_COUNT] = { "Byte", "Short", "Int", "Long", "Float", "Double" };

static const struct { char letter; int base; int count; } banks[] = {
#define BANK(letter, base, count, purpose) { letter, base, count },
#include "registers.def"
#undef BANK
};

int reg_lookup(const char *name, int len)
{
    if (len < 2 || len > 3)
        return -1;
    int n = 0;
    for (int i = 1; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        n = n * 10 + (name[i] - '0');
    }
    if (name[1] == '0')   /* "G01" is not a register */
        return -1;
    char c = (char)(name[0] & ~0x20);
    for (size_t b = 0; b < sizeof banks / sizeof banks[0]; b++)
        if (banks[b].letter == c && n >= 1 && n <= banks[b].count)
            return banks[b].base + n - 1;
    return -1;
}

static const char *const names[REG_ZERO] = {
    "G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "G9", "G10",
    "S1", "S2", "S3", "S4", "R1", "R2", "R3", "R4", "R5", "R6",
    "R7", "R8", "R9", "R10", "F1", "F2", "F3", "F4", "F5", "F6",
    "F7", "F8", "F9", "F10", "X1", "X2", "X3", "X4", "X5", "X6",
    "X7", "X8", "X9", "X10", "I1", "I2", "I3", "I4", "I5", "I6",
    "I7", "I8", "I9", "I10",
};

const char *reg_name(int reg)
{
    return reg >= 0 && reg < REG_ZERO ? names[reg] : "?";
}

const char *reg_flag_name(int reg)
{
    static const char *const flags[] = {
#define FLAG(n, name, meaning) [n - 1] = name,
#include "registers.def"
#undef FLAG
    };
    return reg >= REG_I1 && reg < REG_I1 + (int)(sizeof flags / sizeof *flags) ? flags[reg - REG_I1] : NULL;
}

int type_lookup(const char *name, int len)
{
    for (int t = 0; t < TYPE_COUNT; t++)
        if ((int)strlen(type_names[t]) == len && strncasecmp(type_names[t], name, len) == 0)
            return t;
    return -1;
}

DataType reg_default_type(int reg)
{
    return (reg >= REG_X1 && reg < REG_X1 + 10) || reg == REG_R5 ? TYPE_DOUBLE : TYPE_LONG;
}
