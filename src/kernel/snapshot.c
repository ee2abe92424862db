/*
 * snapshot.c - TEMPORARY: replaced by the real serializer in this session's work.
 */
#include "snapshot.h"

int snapshot_save(VM *vm, const char *path)
{
    fprintf(vm->err, "mvm: snapshots are not available yet (%s not written)\n", path);
    return -1;
}

int snapshot_load(VM *vm, const char *path, const VmOptions *opt, FILE *err)
{
    (void)vm; (void)opt;
    fprintf(err, "mvm: %s: snapshots are not available yet\n", path);
    return -1;
}
