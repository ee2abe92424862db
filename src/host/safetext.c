/*
 * safetext.c - escaping text from files before it reaches a terminal (safetext.h).
 *
 * Why every byte >= 0x80 too: besides the C0 controls (ESC starts the sequences that
 * recolour, retitle or even answer back on a terminal) there are the C1 controls, which
 * some terminals obey as raw bytes 0x80-0x9F and others as their UTF-8 encodings
 * (0xC2 0x80-0x9F). Telling safe UTF-8 from those would take a decoder; a configuration
 * key or an SQLite message has no business holding either, so all of it is shown as hex.
 */
#include "safetext.h"

#include <stdio.h>
#include <string.h>

char *safe_text(char *dst, size_t cap, const char *src)
{
    size_t n = 0;
    for (const unsigned char *s = (const unsigned char *)src; *s; s++) {
        char piece[5];
        if (*s == '\n' || *s == '\t' || *s == '\r')
            strcpy(piece, " ");
        else if (*s == '\\')
            strcpy(piece, "\\\\");
        else if (*s < 0x20 || *s >= 0x7F)
            snprintf(piece, sizeof piece, "\\x%02X", *s);
        else
            piece[0] = (char)*s, piece[1] = '\0';
        size_t k = strlen(piece);
        if (n + k >= cap)
            break;
        memcpy(dst + n, piece, k);
        n += k;
    }
    dst[n] = '\0';
    return dst;
}
