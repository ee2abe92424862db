/*
 * stdlib_index.h - the standard library's files and how call names map to them (SPEC 7).
 *
 * The library is MVM assembly, one function per file: src/stdlib/MODULE/FUNCTION.kar.
 * The build embeds every file in the binary (tools/embed-stdlib.sh writes stdlib_files[]
 * into the build directory), so an installed mvm needs nothing beside it; config.json
 * `locations` -> `stdlib` may name a directory laid out the same way instead.
 *
 * A call name is `module.function` or a bare `function` that names exactly one function.
 * `math` is an alias of `maths`; `conversion.findFirstString` is the file
 * strings/findFirstString.kar (one function under two names).
 */
#ifndef MVM_STDLIB_INDEX_H
#define MVM_STDLIB_INDEX_H

#include <stdbool.h>
#include <stddef.h>

typedef struct StdlibFile {
    const char *path;   /* below src/stdlib: "strings/strlen.kar" */
    const char *text;   /* the whole file */
} StdlibFile;

extern const StdlibFile stdlib_files[];
extern const size_t     stdlib_nfiles;

/* Map a call name (len bytes) to the file "module/function.kar" that defines it, in
 * rel[cap]: in the directory `dir`, or among the embedded files when dir is NULL.
 * False when no function has that name (or a bare name names several). */
bool stdlib_resolve(const char *dir, const char *name, size_t len, char *rel, size_t cap);

/* The embedded file at rel ("strings/strlen.kar"), or NULL. */
const StdlibFile *stdlib_embedded(const char *rel);

/* The call name of a file: "strings/strlen.kar" -> "strings.strlen", in out[cap]. */
void stdlib_call_name(const char *rel, char *out, size_t cap);

/* The embedded function whose call name is closest to a misspelt `name` ("strlem" ->
 * "strings.strlen"), in out[cap]; false when none is close. */
bool stdlib_suggest(const char *name, size_t len, char *out, size_t cap);

#endif
