/*
 * regs.c - register and type names.
 */
#include "regs.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *const type_names[TYPE_COUNT] = { "Byte", "Short", "Int", "Long", "Float", "Double" };

static const struct { char letter; int base; int count; } banks[] = {
    { 'G', REG_G1, 10 }, { 'S', REG_S1, 4 }, { 'R', REG_R1, 10 },
    { 'F', REG_F1, 10 }, { 'X', REG_X1, 10 }, { 'I', REG_I1, 10 },
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

const char *reg_name(int reg)
{
    static char names[REG_COUNT][4];
    if (reg < 0 || reg >= REG_ZERO)
        return "?";
    if (!names[reg][0]) {
        for (size_t b = sizeof banks / sizeof banks[0]; b-- > 0;)
            if (reg >= banks[b].base) {
                snprintf(names[reg], sizeof names[reg], "%c%d", banks[b].letter, reg - banks[b].base + 1);
                break;
            }
    }
    return names[reg];
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
