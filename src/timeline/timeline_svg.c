/* timeline_svg.c - the .svg timeline (being written: refuses for now). */
#include <errno.h>

#include "timeline.h"

int timeline_svg(FILE *f, const VM *vm)
{
    (void)f;
    (void)vm;
    return ENOSYS;
}
