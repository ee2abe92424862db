/*
 * safetext.h - text that came from outside mvm (a configuration file, an image, SQLite's
 * messages about a damaged image) made safe to print on a terminal.
 */
#ifndef MVM_SAFETEXT_H
#define MVM_SAFETEXT_H

#include <stddef.h>

/* Copy the C string src into dst[cap] (cap >= 1; always NUL-terminated, cut short when it
 * does not fit) with every byte outside printable ASCII written as \xHH, a backslash as
 * \\, and a newline or tab as one space (messages are one line). Returns dst, so it can
 * stand as a printf argument. */
char *safe_text(char *dst, size_t cap, const char *src);

#endif
