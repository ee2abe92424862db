/*
 * fuzz_config.c - libFuzzer target: arbitrary bytes -> config.json, read the way `mvm`
 * reads it (cli/config.h): config_defaults, config_load_file, config_validate, then the
 * check `mvm` makes on the "locations" vfs entry before opening it.
 *
 * Build and run with `tests/fuzz/run.sh --target config [SECONDS]`; the corpus is seeded
 * with every config.json-like file under tests/ and the examples of docs/configuration.md
 * (run.sh). Regression inputs are tests/fuzz/regressions/NAME.cfg.json.
 *
 * config.c reads only from a path (host_read_file: one size limit and read loop for every
 * host file), so each input is written to one temporary file, made at start-up and
 * rewritten for every input; diagnostics go to /dev/null. A "locations" stdlib entry
 * makes config.c look at that host directory (one level, read-only): harmless. Every
 * input must leave the Config valid for config_free, whatever the status.
 * AddressSanitizer, UBSan and LeakSanitizer judge.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/config.h"
#include "vfs/vfs.h"

static FILE *devnull;
static char path[] = "/tmp/fuzz_config.XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void remove_file(void)
{
    unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    devnull = fopen("/dev/null", "w");
    int fd = mkstemp(path);
    if (!devnull || fd < 0)
        abort();
    close(fd);
    atexit(remove_file);
    return 0;
}

/* Replace the temporary file's content with the input. */
static void write_input(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    write_input(data, size);
    Config c;
    config_defaults(&c);
    if (config_load_file(&c, path, devnull) == 0 && config_validate(&c, devnull) == 0 && c.loc_vfs) {
        char err[512];
        (void)vfs_check_image_path(c.loc_vfs, err, sizeof err);
    }
    config_free(&c);
    return 0;
}
