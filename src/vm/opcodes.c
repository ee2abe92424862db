/*
 * opcodes.c - the instruction-set table (from opcodes.def) and mnemonic lookup.
 */
#include "opcodes.h"

#include <string.h>
#include <strings.h>

const OpInfo op_info[OP_COUNT] = {
#define OP(e, mn, ops, dst, syn, help, ex) [OP_##e] = { mn, ops, dst, syn, help, ex },
#include "opcodes.def"
#undef OP
    [OP_END] = { "(end)", "", REG_NONE, "", "end of program", "" },
};

const OpAlias op_aliases[] = { { "CPY", OP_MOV } };
const int op_alias_count = (int)(sizeof op_aliases / sizeof op_aliases[0]);

int op_lookup(const char *mnemonic, int len)
{
    for (int op = 0; op < OP_END; op++)
        if ((int)strlen(op_info[op].mnemonic) == len && strncasecmp(op_info[op].mnemonic, mnemonic, len) == 0)
            return op;
    for (int i = 0; i < op_alias_count; i++)
        if ((int)strlen(op_aliases[i].mnemonic) == len && strncasecmp(op_aliases[i].mnemonic, mnemonic, len) == 0)
            return op_aliases[i].op;
    return -1;
}
