/* timeline_html.c - the .html timeline (being written: refuses for now). */
#include <errno.h>

#include "timeline.h"

int timeline_html(FILE *f, const VM *vm)
{
    (void)f;
    (void)vm;
    return ENOSYS;
}
