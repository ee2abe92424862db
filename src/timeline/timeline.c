/*
 * timeline.c - choosing a --timeline writer by extension, and writing the file whole or
 * not at all (see timeline.h).
 */
#include "timeline.h"

#include <errno.h>
#include <string.h>

#include "../host/hostfile.h"

static const struct { const char *ext; TimelineWriter write; } formats[] = {
    { ".svg", timeline_svg }, { ".html", timeline_html }, { ".json", timeline_json },
    { ".txt", timeline_txt },
};
const char timeline_formats[] = "svg, html, json or txt";

TimelineWriter timeline_writer_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(dot, formats[i].ext) == 0)
            return formats[i].write;
    return NULL;
}

typedef struct Job { TimelineWriter write; const VM *vm; } Job;

static int run_job(FILE *f, void *arg)
{
    const Job *j = arg;
    int e = j->write(f, j->vm);
    return e ? e : ferror(f) ? EIO : 0;
}

int timeline_write(const VM *vm, const char *path)
{
    Job j = { timeline_writer_for(path), vm };
    if (!j.write || !vm->rec)
        return EINVAL;
    return host_replace_file(path, run_job, &j);
}
