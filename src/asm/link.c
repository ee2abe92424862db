/*
 * link.c - the library resolver hook (SPEC 7, 10).
 *
 * Resolution order for `CALL name`: a label of the calling unit (parser.c, before it
 * asks here), then a user module (`mylib.fn` -> mylib/fn.kar beside the calling file),
 * then the standard library. Neither is built yet, so every name is missing and the
 * parser reports `unknown function 'NAME' (MissingLibraryException, 26)`.
 *
 * To build it: find the module's text, assemble it with
 *     asm_unit(as, path, name, text, len, false)
 * (a new unit appended to Program.code, ending in OP_END with aux = 1, with its own
 * labels and line numbers), remember name -> unit so that each module is assembled once
 * (and a module calling itself resolves to the unit being built), and return
 * Program.units[unit].first. Units are appended while unit 0's fixups are resolved, so
 * hold indexes into Program.code, never pointers.
 */
#include "link.h"

bool link_function(Assembler *as, const char *name, size_t len, uint32_t caller,
                   uint32_t *entry, uint32_t *unit)
{
    (void)as, (void)name, (void)len, (void)caller, (void)entry, (void)unit;
    return false;
}

bool link_is_function(const Assembler *as, const char *name, size_t len)
{
    (void)as, (void)name, (void)len;
    return false;
}
