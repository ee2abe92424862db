/*
 * test_config.c - config.json loading and validation (SPEC 9 "config.json", SPEC 10
 * "Command line" and "Config"): every error and warning path.
 *
 * Each test writes its files into a fresh temporary directory and captures the
 * diagnostics with open_memstream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/config.h"
#include "param.h"

static char dir[256];           /* this test's temporary directory */
static char path[PATH_MAX];     /* the file written last */
static char *diag_text;         /* what the last load or validate printed */
static size_t diag_len;

static int remove_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove(p);
}

static int make_dir(void **state)
{
    const char *tmp = getenv("TMPDIR");
    assert_true(snprintf(dir, sizeof dir, "%s/mvm-config-XXXXXX", tmp ? tmp : "/tmp") < (int)sizeof dir);
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int remove_dir(void **state)
{
    nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    free(diag_text);
    diag_text = NULL;
    return 0;
}

/* Write len bytes of text to DIR/name; path names it afterwards. */
static void write_bytes(const char *name, const char *text, size_t len)
{
    assert_true(snprintf(path, sizeof path, "%s/%s", dir, name) < (int)sizeof path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void write_text(const char *name, const char *text)
{
    write_bytes(name, text, strlen(text));
}

static FILE *open_diag(void)
{
    free(diag_text);
    diag_text = NULL;
    FILE *f = open_memstream(&diag_text, &diag_len);
    assert_non_null(f);
    return f;
}

/* Load text as DIR/config.json into c (defaults first); returns the status. */
static int load_text(Config *c, const char *text)
{
    write_text("config.json", text);
    config_defaults(c);
    FILE *d = open_diag();
    int st = config_load_file(c, path, d);
    fclose(d);
    return st;
}

static int validate(const Config *c)
{
    FILE *d = open_diag();
    int st = config_validate(c, d);
    fclose(d);
    return st;
}

static void assert_diag_contains(const char *want)
{
    if (!strstr(diag_text, want))
        fail_msg("diagnostics lack \"%s\"; they were:\n%s", want, diag_text);
}

/* The error names the file: "mvm: PATH: error: ...". */
static void assert_error_names_file(void)
{
    char prefix[PATH_MAX + 32];
    snprintf(prefix, sizeof prefix, "mvm: %s: error: ", path);
    assert_diag_contains(prefix);
}

/* Load text, expect status 2 and a message containing want. */
static void expect_error(const char *text, const char *want)
{
    Config c;
    assert_int_equal(load_text(&c, text), 2);
    assert_error_names_file();
    assert_diag_contains(want);
    config_free(&c);
}

/* ---- defaults and good files ---- */

static void defaults_come_from_param_h(void **state)
{
    Config c;
    config_defaults(&c);
    assert_int_equal(c.stack_size, DEFAULT_STACK_SIZE);
    assert_int_equal(c.memory_size, DEFAULT_MEMORY_SIZE);
    assert_int_equal(c.heap_start, DEFAULT_HEAP_START);
    assert_int_equal(c.quantum, DEFAULT_QUANTUM);
    assert_int_equal(c.hertz, 0);
    assert_int_equal(c.call_depth, DEFAULT_CALL_DEPTH);
    assert_int_equal(c.max_processes, DEFAULT_MAX_PROCESSES);
    assert_int_equal(c.mailbox_capacity, DEFAULT_MAILBOX_CAP);
    assert_int_equal(c.max_semaphores, DEFAULT_MAX_SEMAPHORES);
    assert_null(c.loc_stdlib);
    assert_null(c.loc_help_info);
    assert_null(c.loc_debug);
    assert_null(c.loc_vfs);
    assert_int_equal(c.seed_set, 0);
    assert_int_equal(validate(&c), 0);
    config_free(&c);
}

/* A stdlib directory holding one MODULE/FUNCTION.kar file, named into lib[cap]. */
static void make_library(char *lib, size_t cap)
{
    char module[PATH_MAX + 8];
    assert_true(snprintf(lib, cap, "%s/lib", dir) < (int)cap);
    snprintf(module, sizeof module, "%s/m", lib);
    assert_int_equal(mkdir(lib, 0777), 0);
    assert_int_equal(mkdir(module, 0777), 0);
    write_text("lib/m/f.kar", "NOP\n");
}

static void every_key_is_read(void **state)
{
    Config c;
    char lib[PATH_MAX], text[PATH_MAX + 1024];
    make_library(lib, sizeof lib);
    snprintf(text, sizeof text,
        "{\n"
        "  \"stackSize\": 2048, \"memorySize\": 65536, \"heapStart\": 512,\n"
        "  \"quantum\": 10, \"hertz\": 100, \"callDepth\": 64,\n"
        "  \"maxProcesses\": 100, \"mailboxCapacity\": 8,\n"
        "  \"locations\": [\n"
        "    { \"requirement\": \"stdlib\",   \"path\": \"%s\" },\n"
        "    { \"requirement\": \"helpInfo\", \"path\": \"help.txt\" },\n"
        "    { \"requirement\": \"debug\",    \"path\": \"debug.json\" },\n"
        "    { \"requirement\": \"vfs\",      \"path\": \"disk.fs\" }\n"
        "  ]\n"
        "}\n", lib);
    assert_int_equal(load_text(&c, text), 0);
    /* helpInfo is read and said to be ignored; debug is read and used by mvm run, which
     * checks the file with the program (docs/configuration.md). */
    assert_non_null(strstr(diag_text, "warning: 'locations' helpInfo is ignored"));
    assert_null(strstr(diag_text, "debug"));
    assert_null(strstr(diag_text, "stdlib"));
    assert_int_equal(c.stack_size, 2048);
    assert_int_equal(c.memory_size, 65536);
    assert_int_equal(c.heap_start, 512);
    assert_int_equal(c.quantum, 10);
    assert_int_equal(c.hertz, 100);
    assert_int_equal(c.call_depth, 64);
    assert_int_equal(c.max_processes, 100);
    assert_int_equal(c.mailbox_capacity, 8);
    assert_string_equal(c.loc_stdlib, lib);
    assert_string_equal(c.loc_help_info, "help.txt");
    assert_string_equal(c.loc_debug, "debug.json");
    assert_string_equal(c.loc_vfs, "disk.fs");
    assert_int_equal(validate(&c), 0);
    config_free(&c);
    assert_null(c.loc_vfs);
}

/* A stdlib location with no MODULE/FUNCTION.kar file would break every library call:
 * warned about (with a word on .lib files) and dropped, so the built-in library is used. */
static void unusable_stdlib_is_warned_and_dropped(void **state)
{
    Config c;
    assert_int_equal(load_text(&c, "{ \"locations\": [ { \"requirement\": \"stdlib\", "
                                   "\"path\": \"/nonexistent/mvm-lib\" } ] }"), 0);
    assert_non_null(strstr(diag_text, "'/nonexistent/mvm-lib' does not exist; the built-in library is used"));
    assert_null(c.loc_stdlib);
    char text[PATH_MAX + 200];
    snprintf(text, sizeof text, "{ \"locations\": [ { \"requirement\": \"stdlib\", \"path\": \"%s\" } ] }", dir);
    write_text("strings.lib", "old MVM library");
    assert_int_equal(load_text(&c, text), 0);
    assert_non_null(strstr(diag_text, "holds no MODULE/FUNCTION.kar files (the .lib files of the original MVM are not read"));
    assert_null(c.loc_stdlib);
    config_free(&c);
}

static void absent_keys_keep_their_values(void **state)
{
    Config c;
    assert_int_equal(load_text(&c, "{ \"quantum\": 3 }"), 0);
    assert_int_equal(c.quantum, 3);
    assert_int_equal(c.stack_size, DEFAULT_STACK_SIZE);
    assert_null(c.loc_vfs);
    config_free(&c);
    assert_int_equal(load_text(&c, "{}"), 0);
    assert_int_equal(diag_len, 0);
    assert_int_equal(load_text(&c, "{ \"locations\": [] }"), 0);
    assert_int_equal(diag_len, 0);
}

static void integral_numbers_in_any_notation(void **state)
{
    Config c;
    assert_int_equal(load_text(&c, "{ \"quantum\": 1e3, \"hertz\": 5.0, \"stackSize\": -7 }"), 0);
    assert_int_equal(c.quantum, 1000);
    assert_int_equal(c.hertz, 5);
    assert_int_equal(c.stack_size, -7);             /* loads; validation refuses it */
    assert_int_equal(validate(&c), 2);
}

static void byte_order_mark_is_allowed(void **state)
{
    Config c;
    assert_int_equal(load_text(&c, "\xEF\xBB\xBF{ \"quantum\": 4 }"), 0);
    assert_int_equal(c.quantum, 4);
}

/* A second file replaces a location without leaking the first (checked under ASan). */
static void loading_twice_replaces_locations(void **state)
{
    Config c;
    assert_int_equal(load_text(&c, "{ \"locations\": [{ \"requirement\": \"vfs\", \"path\": \"a.fs\" }] }"), 0);
    write_text("second.json", "{ \"locations\": [{ \"requirement\": \"vfs\", \"path\": \"b.fs\" }] }");
    assert_int_equal(config_load_file(&c, path, NULL), 0);
    assert_string_equal(c.loc_vfs, "b.fs");
    config_free(&c);
    config_free(&c);                                /* idempotent */
}

/* ---- wrong value types ---- */

static void fraction_is_an_error(void **state)
{
    expect_error("{ \"quantum\": 1.5 }", "'quantum' must be a whole number, got 1.5");
}

static void string_is_an_error(void **state)
{
    expect_error("{ \"stackSize\": \"1024\" }", "'stackSize' must be a whole number, got a string");
}

static void bool_and_null_are_errors(void **state)
{
    expect_error("{ \"hertz\": true }", "'hertz' must be a whole number, got true");
    expect_error("{ \"hertz\": false }", "'hertz' must be a whole number, got false");
    expect_error("{ \"callDepth\": null }", "'callDepth' must be a whole number, got null");
}

static void list_and_object_are_errors(void **state)
{
    expect_error("{ \"memorySize\": [1] }", "'memorySize' must be a whole number, got a list");
    expect_error("{ \"maxProcesses\": {} }", "'maxProcesses' must be a whole number, got an object");
}

static void number_beyond_64_bits_is_an_error(void **state)
{
    expect_error("{ \"mailboxCapacity\": 1e300 }", "'mailboxCapacity' is too large for a whole number");
    expect_error("{ \"heapStart\": 9223372036854775808 }", "'heapStart' is too large");
    expect_error("{ \"heapStart\": -1e19 }", "'heapStart' is too large");
}

/* ---- unknown keys: warnings only ---- */

static void unknown_key_is_a_warning(void **state)
{
    Config c;
    assert_int_equal(load_text(&c, "{ \"foo\": 1, \"quantum\": 2 }"), 0);
    assert_int_equal(c.quantum, 2);
    char want[PATH_MAX + 64];
    snprintf(want, sizeof want, "mvm: %s: warning: unknown key 'foo'\n", path);
    assert_string_equal(diag_text, want);
}

static void near_miss_key_gets_a_suggestion(void **state)
{
    Config c;
    assert_int_equal(load_text(&c, "{ \"StackSize\": 5, \"quantm\": 2, \"location\": [] }"), 0);
    assert_int_equal(c.stack_size, DEFAULT_STACK_SIZE);     /* keys are case-sensitive */
    assert_diag_contains("warning: unknown key 'StackSize' (did you mean 'stackSize'?)");
    assert_diag_contains("warning: unknown key 'quantm' (did you mean 'quantum'?)");
    assert_diag_contains("warning: unknown key 'location' (did you mean 'locations'?)");
}

static void duplicate_key_warns_and_last_wins(void **state)
{
    Config c;
    assert_int_equal(load_text(&c, "{ \"quantum\": 2, \"quantum\": 3 }"), 0);
    assert_int_equal(c.quantum, 3);
    assert_diag_contains("warning: key 'quantum' appears more than once; the last value wins");
}

/* ---- malformed files ---- */

static void syntax_error_gives_line_and_column(void **state)
{
    expect_error("{\n  \"quantum\": 5,\n  \"stackSize\" 10\n}\n",
                 "malformed JSON at line 3, column 15, near '10'");
}

static void trailing_comma_is_an_error(void **state)
{
    expect_error("{ \"quantum\": 5, }", "malformed JSON at line 1");
}

static void unexpected_end_of_file(void **state)
{
    expect_error("{\n  \"quantum\": 5,\n", "malformed JSON at line 3, column 1: unexpected end of file");
    expect_error("{ \"quantum", "malformed JSON at line 1, column 4");     /* cJSON: the string's start */
}

static void empty_file_is_an_error(void **state)
{
    expect_error("", "the file is empty");
    expect_error("  \n", "unexpected end of file");
}

static void trailing_garbage_is_an_error(void **state)
{
    expect_error("{} x", "malformed JSON at line 1, column 4, near 'x'");
    expect_error("{}{}", "malformed JSON at line 1, column 3");
}

static void top_level_must_be_an_object(void **state)
{
    expect_error("[1, 2]", "must be a JSON object");
    expect_error("42", "must be a JSON object");
    expect_error("\"quantum\"", "must be a JSON object");
    expect_error("null", "must be a JSON object");
}

static void nul_byte_is_an_error(void **state)
{
    Config c;
    write_bytes("config.json", "{\n \"quantum\": 1\0}", 17);
    config_defaults(&c);
    FILE *d = open_diag();
    assert_int_equal(config_load_file(&c, path, d), 2);
    fclose(d);
    assert_diag_contains("not a text file (a NUL byte at line 2, column 14)");
}

static void deep_nesting_does_not_crash(void **state)
{
    size_t n = 100000;
    char *text = malloc(2 * n + 16);
    assert_non_null(text);
    strcpy(text, "{\"x\":");
    size_t len = strlen(text);
    memset(text + len, '[', n);
    memset(text + len + n, ']', n);
    strcpy(text + len + 2 * n, "}");
    Config c;
    assert_int_equal(load_text(&c, text), 2);
    free(text);
}

/* ---- file problems ---- */

static void file_over_one_mib_is_an_error(void **state)
{
    size_t n = (1u << 20) + 1;
    char *text = malloc(n + 1);
    assert_non_null(text);
    memset(text, ' ', n);
    text[0] = '{';
    text[n - 1] = '}';
    text[n] = '\0';
    expect_error(text, "too large");
    /* Exactly 1 MiB is still accepted. */
    text[n - 1] = ' ';
    text[n - 2] = '}';
    Config c;
    write_bytes("config.json", text, n - 1);
    config_defaults(&c);
    assert_int_equal(config_load_file(&c, path, NULL), 0);
    free(text);
}

static void missing_file_is_an_error_when_named(void **state)
{
    Config c;
    config_defaults(&c);
    assert_true(snprintf(path, sizeof path, "%s/nope.json", dir) < (int)sizeof path);
    FILE *d = open_diag();
    assert_int_equal(config_load_file(&c, path, d), 2);
    fclose(d);
    assert_error_names_file();
    assert_diag_contains("No such file or directory");
}

static void unreadable_file_is_an_error(void **state)
{
    if (geteuid() == 0)
        skip();                 /* root reads anything */
    write_text("config.json", "{}");
    assert_int_equal(chmod(path, 0), 0);
    Config c;
    config_defaults(&c);
    FILE *d = open_diag();
    assert_int_equal(config_load_file(&c, path, d), 2);
    fclose(d);
    assert_diag_contains("Permission denied");
}

static void directory_is_an_error(void **state)
{
    Config c;
    config_defaults(&c);
    snprintf(path, sizeof path, "%s", dir);
    FILE *d = open_diag();
    assert_int_equal(config_load_file(&c, path, d), 2);
    fclose(d);
    assert_diag_contains("is a directory");
}

/* config_load_default reads ./config.json: missing is fine, present is loaded. */
static void default_file_in_current_directory(void **state)
{
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    Config c;
    config_defaults(&c);
    FILE *d = open_diag();
    assert_int_equal(config_load_default(&c, d), 0);    /* no config.json yet */
    fclose(d);
    assert_int_equal(diag_len, 0);

    write_text("config.json", "{ \"quantum\": 7 }");
    assert_int_equal(config_load_default(&c, NULL), 0);
    assert_int_equal(c.quantum, 7);

    write_text("config.json", "{ \"quantum\": 7.5 }");
    d = open_diag();
    assert_int_equal(config_load_default(&c, d), 2);
    fclose(d);
    assert_diag_contains("mvm: config.json: error: 'quantum' must be a whole number");
    assert_int_equal(chdir(cwd), 0);
}

/* ---- locations ---- */

static void locations_must_be_a_list(void **state)
{
    expect_error("{ \"locations\": {} }", "'locations' must be a list");
    expect_error("{ \"locations\": \"vfs\" }", "'locations' must be a list");
}

static void location_entry_must_be_an_object(void **state)
{
    expect_error("{ \"locations\": [1] }", "'locations' entry 1 must be an object");
    expect_error("{ \"locations\": [{ \"requirement\": \"vfs\", \"path\": \"a\" }, [] ] }",
                 "'locations' entry 2 must be an object");
}

static void location_entry_needs_both_strings(void **state)
{
    expect_error("{ \"locations\": [{ \"path\": \"a\" }] }", "'locations' entry 1 has no \"requirement\"");
    expect_error("{ \"locations\": [{ \"requirement\": \"vfs\" }] }", "'locations' entry 1 has no \"path\"");
    expect_error("{ \"locations\": [{ \"requirement\": 1, \"path\": \"a\" }] }",
                 "\"requirement\" must be a string, got 1");
    expect_error("{ \"locations\": [{ \"requirement\": \"vfs\", \"path\": null }] }",
                 "\"path\" must be a string, got null");
    expect_error("{ \"locations\": [{ \"requirement\": \"vfs\", \"path\": \"\" }] }", "\"path\" is empty");
}

static void unknown_requirement_is_an_error(void **state)
{
    expect_error("{ \"locations\": [{ \"requirement\": \"libs\", \"path\": \"a\" }] }",
                 "unknown requirement 'libs' (expected stdlib, helpInfo, debug or vfs)");
    expect_error("{ \"locations\": [{ \"requirement\": \"VFS\", \"path\": \"a\" }] }",
                 "unknown requirement 'VFS'");
}

static void location_extras_are_warnings(void **state)
{
    Config c;
    assert_int_equal(load_text(&c,
        "{ \"locations\": [ { \"requirement\": \"vfs\", \"path\": \"a.fs\", \"mode\": 1 },"
        "                   { \"requirement\": \"vfs\", \"path\": \"b.fs\" } ] }"), 0);
    assert_string_equal(c.loc_vfs, "b.fs");
    assert_diag_contains("warning: 'locations' entry 1: unknown key 'mode'");
    assert_diag_contains("warning: 'locations' names 'vfs' more than once; the last entry wins");
    config_free(&c);
}

/* ---- validation ---- */

/* Set one field of a default configuration and check what validate says. */
static void expect_invalid(size_t offset, int64_t value, const char *want)
{
    Config c;
    config_defaults(&c);
    *(int64_t *)((char *)&c + offset) = value;
    assert_int_equal(validate(&c), 2);
    assert_diag_contains("mvm: bad configuration: ");
    assert_diag_contains(want);
}

static void expect_valid(size_t offset, int64_t value)
{
    Config c;
    config_defaults(&c);
    *(int64_t *)((char *)&c + offset) = value;
    assert_int_equal(validate(&c), 0);
    assert_int_equal(diag_len, 0);
}

static void validate_lower_bounds(void **state)
{
    expect_invalid(offsetof(Config, quantum), 0, "'quantum' must be between 1 and");
    expect_invalid(offsetof(Config, quantum), -5, "got -5 (set it in config.json or with --quantum)");
    expect_invalid(offsetof(Config, stack_size), 0, "'stackSize' must be between 1 and");
    expect_invalid(offsetof(Config, heap_start), 0, "'heapStart' must be between 1 and");
    expect_invalid(offsetof(Config, call_depth), 0, "'callDepth' must be between 1 and");
    expect_invalid(offsetof(Config, max_processes), 0, "'maxProcesses' must be between 1 and");
    expect_invalid(offsetof(Config, mailbox_capacity), 0, "'mailboxCapacity' must be between 1 and");
    expect_invalid(offsetof(Config, hertz), -1, "'hertz' must be at least 0, got -1");
    expect_invalid(offsetof(Config, max_semaphores), -1, "'maxSemaphores' must be between 0 and");
    expect_invalid(offsetof(Config, memory_size), -1, "'memorySize' must be between 2 and");
    expect_valid(offsetof(Config, quantum), 1);
    expect_valid(offsetof(Config, hertz), 0);
    expect_valid(offsetof(Config, heap_start), 1);
    expect_valid(offsetof(Config, max_semaphores), 0);   /* no semaphores at all (SPEC 11.1) */
}

static void validate_hard_limits(void **state)
{
    expect_invalid(offsetof(Config, quantum), (int64_t)MAX_QUANTUM + 1, "'quantum'");
    expect_invalid(offsetof(Config, stack_size), (int64_t)MAX_STACK_SIZE + 1, "'stackSize'");
    expect_invalid(offsetof(Config, call_depth), (int64_t)MAX_CALL_DEPTH + 1, "'callDepth'");
    expect_invalid(offsetof(Config, max_processes), (int64_t)MAX_PROCESSES + 1, "'maxProcesses'");
    expect_invalid(offsetof(Config, memory_size), (int64_t)MAX_MEMORY_SIZE + 1, "'memorySize'");
    expect_invalid(offsetof(Config, mailbox_capacity), INT64_MAX, "'mailboxCapacity'");
    expect_invalid(offsetof(Config, max_semaphores), (int64_t)MAX_SEMAPHORES + 1, "'maxSemaphores'");
    expect_valid(offsetof(Config, max_semaphores), (int64_t)MAX_SEMAPHORES);
    expect_valid(offsetof(Config, quantum), (int64_t)MAX_QUANTUM);
    expect_valid(offsetof(Config, stack_size), (int64_t)MAX_STACK_SIZE);
    expect_valid(offsetof(Config, call_depth), (int64_t)MAX_CALL_DEPTH);
    expect_valid(offsetof(Config, max_processes), (int64_t)MAX_PROCESSES);
    expect_valid(offsetof(Config, memory_size), (int64_t)MAX_MEMORY_SIZE);
    expect_valid(offsetof(Config, hertz), INT64_MAX);
}

static void memory_must_exceed_heap_start(void **state)
{
    Config c;
    config_defaults(&c);
    c.memory_size = c.heap_start;
    assert_int_equal(validate(&c), 2);
    assert_diag_contains("'memorySize' (1024) must be greater than 'heapStart' (1024)");
    c.memory_size = c.heap_start + 1;
    assert_int_equal(validate(&c), 0);
    c.memory_size = 2;
    c.heap_start = 1;
    assert_int_equal(validate(&c), 0);
    assert_int_equal(config_validate(&c, NULL), 0);
    c.heap_start = 5;
    assert_int_equal(config_validate(&c, NULL), 2);     /* no diagnostics stream: quiet */
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, make_dir, remove_dir)
    const struct CMUnitTest tests[] = {
        T(defaults_come_from_param_h),
        T(every_key_is_read),
        T(unusable_stdlib_is_warned_and_dropped),
        T(absent_keys_keep_their_values),
        T(integral_numbers_in_any_notation),
        T(byte_order_mark_is_allowed),
        T(loading_twice_replaces_locations),
        T(fraction_is_an_error),
        T(string_is_an_error),
        T(bool_and_null_are_errors),
        T(list_and_object_are_errors),
        T(number_beyond_64_bits_is_an_error),
        T(unknown_key_is_a_warning),
        T(near_miss_key_gets_a_suggestion),
        T(duplicate_key_warns_and_last_wins),
        T(syntax_error_gives_line_and_column),
        T(trailing_comma_is_an_error),
        T(unexpected_end_of_file),
        T(empty_file_is_an_error),
        T(trailing_garbage_is_an_error),
        T(top_level_must_be_an_object),
        T(nul_byte_is_an_error),
        T(deep_nesting_does_not_crash),
        T(file_over_one_mib_is_an_error),
        T(missing_file_is_an_error_when_named),
        T(unreadable_file_is_an_error),
        T(directory_is_an_error),
        T(default_file_in_current_directory),
        T(locations_must_be_a_list),
        T(location_entry_must_be_an_object),
        T(location_entry_needs_both_strings),
        T(unknown_requirement_is_an_error),
        T(location_extras_are_warnings),
        T(validate_lower_bounds),
        T(validate_hard_limits),
        T(memory_must_exceed_heap_start),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
