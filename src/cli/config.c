/*
 * config.c - defaults, config.json and the checks on the final configuration.
 *
 * config.json is a JSON object (docs/configuration.md):
 *   { "stackSize": 1024, "memorySize": 1048576, "heapStart": 1024, "quantum": 1,
 *     "hertz": 0, "callDepth": 1024, "maxProcesses": 4096, "mailboxCapacity": 256,
 *     "maxSemaphores": 1024,
 *     "locations": [ { "requirement": "vfs", "path": "my.fs" }, ... ] }
 * Every key is optional. Loading checks the shape (whole numbers, known requirements);
 * config_validate checks the ranges once the command line has had its say, so that an
 * option can overrule a value in the file.
 *
 * Errors are printed as "mvm: PATH: error: ..." and make the caller exit with status 2;
 * unknown keys are only warned about ("mvm: PATH: warning: unknown key 'foo'").
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../host/hostfile.h"
#include "../host/safetext.h"
#include "../kernel/sched.h"
#include "../param.h"

#define CONFIG_STATUS_ERROR 2             /* the exit status for bad configuration */
#define CONFIG_MAX_BYTES    (1u << 20)    /* a configuration is a few lines; refuse huge files */
#define CONFIG_DEFAULT_PATH "config.json"

#ifndef MAX_MAILBOX_CAP
#define MAX_MAILBOX_CAP (1u << 20)        /* messages per direction; bounds a mailbox's memory */
#endif

/* The integer keys: where each goes, the option that overrides it, and its range. */
typedef struct IntKey {
    const char *name;
    size_t      offset;
    const char *option;         /* command-line option, or NULL */
    int64_t     min, max;
} IntKey;

static const IntKey int_keys[] = {
    { "stackSize",       offsetof(Config, stack_size),       "--stack",         1, MAX_STACK_SIZE },
    { "memorySize",      offsetof(Config, memory_size),      "--memory",        2, (int64_t)MAX_MEMORY_SIZE },
    { "heapStart",       offsetof(Config, heap_start),       NULL,              1, (int64_t)MAX_MEMORY_SIZE - 1 },
    { "quantum",         offsetof(Config, quantum),          "--quantum",       1, MAX_QUANTUM },
    { "hertz",           offsetof(Config, hertz),            NULL,              0, INT64_MAX },
    { "callDepth",       offsetof(Config, call_depth),       NULL,              1, MAX_CALL_DEPTH },
    { "maxProcesses",    offsetof(Config, max_processes),    "--max-processes", 1, MAX_PROCESSES },
    { "mailboxCapacity", offsetof(Config, mailbox_capacity), NULL,              1, MAX_MAILBOX_CAP },
    { "agingInterval",   offsetof(Config, aging_interval),   NULL,              0, INT64_MAX },
    { "boostInterval",   offsetof(Config, boost_interval),   NULL,              1, INT64_MAX },
    { "maxSemaphores",   offsetof(Config, max_semaphores),   NULL,              0, MAX_SEMAPHORES },
};
#define N_INT_KEYS (sizeof int_keys / sizeof int_keys[0])

/* The requirements a "locations" entry may name. */
typedef struct Location { const char *name; size_t offset; } Location;
static const Location locations[] = {
    { "stdlib",   offsetof(Config, loc_stdlib) },
    { "helpInfo", offsetof(Config, loc_help_info) },
    { "debug",    offsetof(Config, loc_debug) },
    { "vfs",      offsetof(Config, loc_vfs) },
};
#define N_LOCATIONS (sizeof locations / sizeof locations[0])

static int64_t *int_field(Config *c, const IntKey *k)
{
    return (int64_t *)((char *)c + k->offset);
}

static char **location_field(Config *c, const Location *l)
{
    return (char **)((char *)c + l->offset);
}

/* Print "mvm: WHERE: KIND: MESSAGE" on diag (nothing when diag is NULL). */
static void __attribute__((format(printf, 4, 5)))
report(FILE *diag, const char *where, const char *kind, const char *fmt, ...)
{
    if (!diag)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(diag, "mvm: %s: %s: ", where, kind);
    vfprintf(diag, fmt, ap);
    fputc('\n', diag);
    va_end(ap);
}

void config_defaults(Config *c)
{
    *c = (Config){
        .stack_size = DEFAULT_STACK_SIZE,
        .memory_size = DEFAULT_MEMORY_SIZE,
        .heap_start = DEFAULT_HEAP_START,
        .quantum = DEFAULT_QUANTUM,
        .hertz = 0,
        .call_depth = DEFAULT_CALL_DEPTH,
        .max_processes = DEFAULT_MAX_PROCESSES,
        .mailbox_capacity = DEFAULT_MAILBOX_CAP,
        .aging_interval = DEFAULT_AGING_INTERVAL,
        .boost_interval = DEFAULT_BOOST_INTERVAL,
        .scheduler = &sched_rr,
        .max_semaphores = DEFAULT_MAX_SEMAPHORES,
    };
}

void config_free(Config *c)
{
    for (size_t i = 0; i < N_LOCATIONS; i++) {
        char **field = location_field(c, &locations[i]);
        free(*field);
        *field = NULL;
    }
}

/* ---- reading the file ---- */

/* Read the whole file into a new NUL-terminated buffer. Returns NULL after reporting,
 * or quietly with *missing set when the file does not exist and missing_ok. */
static char *read_config_file(const char *path, size_t *len, bool missing_ok, bool *missing, FILE *diag)
{
    char *buf;
    int e = host_read_file(path, CONFIG_MAX_BYTES, &buf, len);   /* a FIFO is refused, never waited on */
    *missing = e == ENOENT && missing_ok;
    if (e == 0 || *missing)
        return e ? NULL : buf;
    if (e == EISDIR)
        report(diag, path, "error", "is a directory, not a configuration file");
    else if (e == HOST_TOO_LARGE)
        report(diag, path, "error", "the file is too large for a configuration (over %u bytes)", CONFIG_MAX_BYTES);
    else if (e == ENOMEM)
        report(diag, path, "error", "out of memory");
    else
        report(diag, path, "error", "cannot open the configuration file: %s", host_error_text(e));
    return NULL;
}

/* Line and column (1-based, columns in bytes) of offset pos in text. */
static void line_and_column(const char *text, size_t pos, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* Report a JSON syntax error at offset pos, with a short excerpt of what stands there. */
static void report_syntax_error(FILE *diag, const char *path, const char *text, size_t len, size_t pos)
{
    int line, col;
    if (pos > len)
        pos = len;
    line_and_column(text, pos, &line, &col);
    if (len == 0) {
        report(diag, path, "error", "malformed JSON: the file is empty (write {} for no settings)");
        return;
    }
    if (pos == len) {
        report(diag, path, "error", "malformed JSON at line %d, column %d: unexpected end of file "
               "(a missing '}', ']' or '\"'?)", line, col);
        return;
    }
    char near[24];
    size_t n = 0;
    for (size_t i = pos; i < len && text[i] != '\n' && n < 16; i++)
        near[n++] = isprint((unsigned char)text[i]) ? text[i] : '?';
    near[n] = '\0';
    report(diag, path, "error", "malformed JSON at line %d, column %d, near '%s'", line, col, near);
}

/* ---- checking values ---- */

/* A short description of a JSON value for messages: "a string", "true", "1.5", ... */
static const char *describe(const cJSON *v, char *buf, size_t cap)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsTrue(v))
        return "true";
    if (cJSON_IsFalse(v))
        return "false";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "a list";
    if (cJSON_IsObject(v))
        return "an object";
    if (cJSON_IsNumber(v)) {
        snprintf(buf, cap, "%.15g", v->valuedouble);
        return buf;
    }
    return "an invalid value";
}

/* The integer value of v, which must be a JSON number with no fractional part that fits
 * in 64 bits. Returns false after reporting. */
static bool get_integer(const cJSON *v, const char *key, int64_t *out, const char *path, FILE *diag)
{
    char tmp[40];
    if (!cJSON_IsNumber(v)) {
        report(diag, path, "error", "'%s' must be a whole number, got %s", key, describe(v, tmp, sizeof tmp));
        return false;
    }
    double d = v->valuedouble;
    /* 2^63 is exact as a double; the negated test also catches NaN. */
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
        report(diag, path, "error", "'%s' is too large for a whole number, got %s", key, describe(v, tmp, sizeof tmp));
        return false;
    }
    int64_t i = (int64_t)d;
    if ((double)i != d) {
        report(diag, path, "error", "'%s' must be a whole number, got %s", key, describe(v, tmp, sizeof tmp));
        return false;
    }
    *out = i;
    return true;
}

/* Levenshtein distance of two short strings, case-insensitive; large for long ones. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 31 || lb > 31)
        return SIZE_MAX;
    size_t row[32];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* The known top-level key closest to name, or NULL when none is close. */
static const char *suggest_key(const char *name)
{
    const char *best = NULL;
    size_t best_d = 3;          /* at most two edits away */
    for (size_t i = 0; i <= N_INT_KEYS + 1; i++) {
        const char *k = i < N_INT_KEYS ? int_keys[i].name : i == N_INT_KEYS ? "locations" : "scheduler";
        size_t d = edit_distance(name, k);
        if (d < best_d) {
            best_d = d;
            best = k;
        }
    }
    return best;
}

/* Keys and values are echoed escaped (safetext.h): a key holding terminal escape codes
 * must not drive the terminal that shows the warning. */
static void warn_unknown_key(FILE *diag, const char *path, const char *name)
{
    char shown[200];
    const char *hint = suggest_key(name);
    safe_text(shown, sizeof shown, name);
    if (hint)
        report(diag, path, "warning", "unknown key '%s' (did you mean '%s'?)", shown, hint);
    else
        report(diag, path, "warning", "unknown key '%s'", shown);
}

/* The string member key of a locations entry; false after reporting. */
static bool entry_string(const cJSON *entry, const char *key, int index, const char **out,
                         const char *path, FILE *diag)
{
    char tmp[40];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(entry, key);
    if (!v) {
        report(diag, path, "error", "'locations' entry %d has no \"%s\"", index, key);
        return false;
    }
    if (!cJSON_IsString(v) || !v->valuestring) {
        report(diag, path, "error", "'locations' entry %d: \"%s\" must be a string, got %s",
               index, key, describe(v, tmp, sizeof tmp));
        return false;
    }
    if (v->valuestring[0] == '\0') {
        report(diag, path, "error", "'locations' entry %d: \"%s\" is empty", index, key);
        return false;
    }
    *out = v->valuestring;
    return true;
}

/* Apply one {"requirement": R, "path": P} entry (index counts from 1). */
static bool load_location(Config *c, const cJSON *entry, int index, bool seen[], const char *path, FILE *diag)
{
    char tmp[40];
    if (!cJSON_IsObject(entry)) {
        report(diag, path, "error", "'locations' entry %d must be an object "
               "{\"requirement\": R, \"path\": P}, got %s", index, describe(entry, tmp, sizeof tmp));
        return false;
    }
    const char *req, *where;
    if (!entry_string(entry, "requirement", index, &req, path, diag) ||
        !entry_string(entry, "path", index, &where, path, diag))
        return false;
    size_t i = 0;
    while (i < N_LOCATIONS && strcmp(locations[i].name, req) != 0)
        i++;
    char shown[200];
    if (i == N_LOCATIONS) {
        report(diag, path, "error", "'locations' entry %d: unknown requirement '%s' "
               "(expected stdlib, helpInfo, debug or vfs)", index, safe_text(shown, sizeof shown, req));
        return false;
    }
    const cJSON *member;
    cJSON_ArrayForEach(member, entry)
        if (strcmp(member->string, "requirement") != 0 && strcmp(member->string, "path") != 0)
            report(diag, path, "warning", "'locations' entry %d: unknown key '%s'", index,
                   safe_text(shown, sizeof shown, member->string));
    if (seen[i])
        report(diag, path, "warning", "'locations' names '%s' more than once; the last entry wins", req);
    seen[i] = true;
    char *copy = strdup(where);
    if (!copy) {
        report(diag, path, "error", "out of memory");
        return false;
    }
    char **field = location_field(c, &locations[i]);
    free(*field);
    *field = copy;
    return true;
}

static bool load_locations(Config *c, const cJSON *list, const char *path, FILE *diag)
{
    char tmp[40];
    if (!cJSON_IsArray(list)) {
        report(diag, path, "error", "'locations' must be a list of {\"requirement\": R, \"path\": P} "
               "objects, got %s", describe(list, tmp, sizeof tmp));
        return false;
    }
    bool seen[N_LOCATIONS] = { false };
    int index = 1;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, list)
        if (!load_location(c, entry, index++, seen, path, diag))
            return false;
    return true;
}

/* "scheduler": the name of a policy (kernel/sched.h). */
static bool load_scheduler(Config *c, const cJSON *v, const char *path, FILE *diag)
{
    char tmp[40], shown[200];
    if (!cJSON_IsString(v) || !v->valuestring) {
        report(diag, path, "error", "'scheduler' must be a string (%s), got %s", sched_policy_names(),
               describe(v, tmp, sizeof tmp));
        return false;
    }
    const SchedPolicy *s = sched_policy_find(v->valuestring);
    if (!s) {
        report(diag, path, "error", "'scheduler': unknown policy '%s' (expected %s)",
               safe_text(shown, sizeof shown, v->valuestring), sched_policy_names());
        return false;
    }
    c->scheduler = s;
    return true;
}

/* Apply every member of the top-level object. Returns false after reporting an error. */
static bool apply_object(Config *c, const cJSON *root, const char *path, FILE *diag)
{
    bool seen[N_INT_KEYS + 1] = { false };      /* the last slot is "locations" */
    const cJSON *member;
    cJSON_ArrayForEach(member, root) {
        const char *name = member->string;
        if (strcmp(name, "scheduler") == 0) {
            if (!load_scheduler(c, member, path, diag))
                return false;
            continue;
        }
        size_t i = 0;
        while (i < N_INT_KEYS && strcmp(int_keys[i].name, name) != 0)
            i++;
        if (i == N_INT_KEYS && strcmp(name, "locations") != 0) {
            warn_unknown_key(diag, path, name);
            continue;
        }
        if (seen[i])
            report(diag, path, "warning", "key '%s' appears more than once; the last value wins", name);
        seen[i] = true;
        if (i == N_INT_KEYS) {
            if (!load_locations(c, member, path, diag))
                return false;
        } else if (!get_integer(member, name, int_field(c, &int_keys[i]), path, diag)) {
            return false;
        }
    }
    return true;
}

/* ---- locations that are read but not (yet) used ---- */

/* What a stdlib directory holds: MODULE/FUNCTION.kar files, and the .lib files of the
 * original MVM (which this mvm does not read). */
static void count_library_files(const char *dir, int *kar, int *lib)
{
    *kar = *lib = 0;
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) && *kar == 0;) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.')
            continue;
        if (n > 4 && strcmp(e->d_name + n - 4, ".lib") == 0)
            (*lib)++;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        DIR *m = opendir(sub);
        for (struct dirent *f; m && (f = readdir(m));) {
            size_t k = strlen(f->d_name);
            if (f->d_name[0] != '.' && k > 4 && strcmp(f->d_name + k - 4, ".kar") == 0)
                (*kar)++;
        }
        if (m)
            closedir(m);
    }
    closedir(d);
}

/* A stdlib location replaces the whole built-in library, so one that does not exist or
 * holds no MODULE/FUNCTION.kar file would make every library call an assembly error
 * (an original-MVM configuration points at a folder of .lib files): warn, and use the
 * built-in library instead. */
static void check_stdlib_location(Config *c, const char *path, FILE *diag)
{
    char shown[300];
    struct stat sb;
    int kar = 0, lib = 0;
    bool found = stat(c->loc_stdlib, &sb) == 0;
    safe_text(shown, sizeof shown, c->loc_stdlib);
    if (!found || !S_ISDIR(sb.st_mode)) {
        report(diag, path, "warning", "'locations' stdlib: '%s' %s; the built-in library is used",
               shown, found ? "is not a directory" : "does not exist");
    } else {
        count_library_files(c->loc_stdlib, &kar, &lib);
        if (kar > 0)
            return;
        report(diag, path, "warning", "'locations' stdlib: '%s' holds no MODULE/FUNCTION.kar files%s; "
               "the built-in library is used", shown, lib ? " (the .lib files of the original MVM "
               "are not read: this mvm's library is MVM assembly, one .kar file per function)" : "");
    }
    free(c->loc_stdlib);
    c->loc_stdlib = NULL;
}

/* helpInfo is accepted for original-MVM configurations, but nothing reads it: say so
 * rather than let the user believe it works (docs/configuration.md). A debug location
 * is read by `mvm run` (--debug wins over it) and checked there, with the program. */
static void check_unused_locations(Config *c, const char *path, FILE *diag)
{
    if (c->loc_help_info)
        report(diag, path, "warning", "'locations' helpInfo is ignored: help is built into mvm "
               "(mvm help TOPIC)");
    if (c->loc_stdlib)
        check_stdlib_location(c, path, diag);
}

/* Load path; with missing_ok a file that does not exist is not an error. */
static int load(Config *c, const char *path, bool missing_ok, FILE *diag)
{
    size_t len = 0;
    bool missing;
    char *text = read_config_file(path, &len, missing_ok, &missing, diag);
    if (!text)
        return missing ? 0 : CONFIG_STATUS_ERROR;

    const char *nul = memchr(text, '\0', len);
    if (nul) {
        int line, col;
        line_and_column(text, (size_t)(nul - text), &line, &col);
        report(diag, path, "error", "not a text file (a NUL byte at line %d, column %d)", line, col);
        free(text);
        return CONFIG_STATUS_ERROR;
    }
    /* Editors on some systems start UTF-8 files with a byte-order mark: allow it. */
    size_t skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text + skip, &end, 1);
    int status = 0;
    if (!root) {
        size_t pos = end && end >= text + skip && end <= text + len ? (size_t)(end - text) : skip;
        report_syntax_error(diag, path, text, len, pos);
        status = CONFIG_STATUS_ERROR;
    } else if (!cJSON_IsObject(root)) {
        char tmp[40];
        report(diag, path, "error", "the configuration must be a JSON object ({ \"key\": value, ... }), "
               "got %s", describe(root, tmp, sizeof tmp));
        status = CONFIG_STATUS_ERROR;
    } else if (!apply_object(c, root, path, diag)) {
        status = CONFIG_STATUS_ERROR;
    } else {
        check_unused_locations(c, path, diag);
    }
    cJSON_Delete(root);
    free(text);
    return status;
}

int config_load_file(Config *c, const char *path, FILE *diag)
{
    return load(c, path, false, diag);
}

int config_load_default(Config *c, FILE *diag)
{
    return load(c, CONFIG_DEFAULT_PATH, true, diag);
}

/* ---- the final check ---- */

int config_validate(const Config *c, FILE *diag)
{
    for (size_t i = 0; i < N_INT_KEYS; i++) {
        const IntKey *k = &int_keys[i];
        int64_t v = *int_field((Config *)c, k);
        if (v >= k->min && v <= k->max)
            continue;
        if (diag) {
            fprintf(diag, "mvm: bad configuration: '%s' must be ", k->name);
            if (k->max == INT64_MAX)
                fprintf(diag, "at least %" PRId64, k->min);
            else
                fprintf(diag, "between %" PRId64 " and %" PRId64, k->min, k->max);
            fprintf(diag, ", got %" PRId64 " (set it in config.json%s%s)\n", v,
                    k->option ? " or with " : "", k->option ? k->option : "");
        }
        return CONFIG_STATUS_ERROR;
    }
    if (c->memory_size <= c->heap_start) {
        if (diag)
            fprintf(diag, "mvm: bad configuration: 'memorySize' (%" PRId64 ") must be greater than "
                    "'heapStart' (%" PRId64 "): the heap lies between them (set them in config.json, "
                    "memorySize also with --memory)\n", c->memory_size, c->heap_start);
        return CONFIG_STATUS_ERROR;
    }
    return 0;
}
