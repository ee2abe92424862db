#!/bin/sh
# gen-instructions-doc.sh [DOCDIR] - regenerate the reference tables in the docs from the
# tables the implementation is built from, so the docs cannot drift from them:
#   src/vm/opcodes.def     -> DOCDIR/instructions.md  (marker: opcodes)
#   src/tables/syscalls.def -> DOCDIR/syscalls.md     (marker: syscalls)
#   src/vm/errors.def      -> DOCDIR/errors.md        (marker: errors)
#   all four tables of constants (syscalls, signals, errors, devices.def)
#                          -> DOCDIR/assembly.md      (marker: constants)
# Each table replaces the lines between `<!-- BEGIN GENERATED: NAME -->` and
# `<!-- END GENERATED -->`. DOCDIR defaults to the repository's docs/ directory.
# tests/run-docgen.sh runs this into a temporary copy and fails when docs are stale.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
docdir=${1:-$root/docs}

# fields FILE MACRO: print one line per MACRO(...) row, fields separated by a tab;
# string literals lose their quotes and C escapes (\" and \\); `|` is escaped for tables.
fields() {
    awk -v macro="$2" '
    index($0, macro "(") == 1 {
        s = substr($0, length(macro) + 2)
        n = 0; f = ""; inq = 0
        for (i = 1; i <= length(s); i++) {
            c = substr(s, i, 1)
            if (inq) {
                if (c == "\\") { i++; f = f substr(s, i, 1); continue }
                if (c == "\"") { inq = 0; continue }
                if (c == "|") { f = f "\\|"; continue }
                f = f c; continue
            }
            if (c == "\"") { inq = 1; continue }
            if (c == "," || c == ")") {
                gsub(/^[ \t]+|[ \t]+$/, "", f)
                out = (n == 0) ? f : out "\t" f
                n++; f = ""
                if (c == ")") break
                continue
            }
            f = f c
        }
        print out
    }' "$1"
}

# splice FILE NAME TABLEFILE: replace the generated region NAME in FILE.
splice() {
    if ! grep -q "^<!-- BEGIN GENERATED: $2 -->\$" "$1"; then
        echo "gen-instructions-doc: $1 has no '<!-- BEGIN GENERATED: $2 -->' marker" >&2
        exit 1
    fi
    awk -v name="$2" -v table="$3" '
        $0 == "<!-- BEGIN GENERATED: " name " -->" {
            print; while ((getline l < table) > 0) print l; close(table); skip = 1; next
        }
        skip && $0 == "<!-- END GENERATED -->" { skip = 0 }
        !skip { print }
    ' "$1" > "$1.tmp"
    mv "$1.tmp" "$1"
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# Instructions: mnemonic, synopsis, operand kinds, default result register, effect.
fields "$root/src/vm/opcodes.def" OP | awk -F '\t' '
    BEGIN {
        print "| instruction | synopsis | default dst | effect |"
        print "|---|---|---|---|"
    }
    {
        dst = ($4 == "REG_NONE") ? "" : substr($4, 5)
        printf "| [`%s`](#%s) | `%s` | %s | %s |\n", $2, tolower($2), $5, dst, $6
    }' > "$tmp"
splice "$docdir/instructions.md" opcodes "$tmp"

# System calls: number, name, constant, S2, S3, S4, result.
fields "$root/src/tables/syscalls.def" SYS | awk -F '\t' '
    BEGIN {
        print "| S1 | name | constant | S2 | S3 | S4 | result and notes |"
        print "|---|---|---|---|---|---|---|"
    }
    { printf "| %s | [`%s`](#%s-%s) | `SYS_%s` | %s | %s | %s | %s |\n", $2, $3, $2, tolower($3), toupper($3), $5, $6, $7, $8 }' > "$tmp"
splice "$docdir/syscalls.md" syscalls "$tmp"

# Errors: code, name, constant, signal a runtime fault raises, meaning.
fields "$root/src/vm/errors.def" ERR | awk -F '\t' '
    BEGIN {
        print "| code | name | constant | fault raises | meaning |"
        print "|---|---|---|---|---|"
    }
    { c = $3; sub(/Exception$/, "", c)
      printf "| %s | `%s` | `ERR_%s` | %s | %s |\n", $2, $3, toupper(c), substr($4, 5), $5 }' > "$tmp"
splice "$docdir/errors.md" errors "$tmp"

# Built-in constants (SPEC 1, the rule of src/vm/constants.h): every row of the system
# call, signal, error and device tables, one line each, in that order.
{
    echo "| constant | value | stands for |"
    echo "|---|---|---|"
    fields "$root/src/tables/syscalls.def" SYS | awk -F '\t' '{ printf "| `SYS_%s` | %s | system call `%s` |\n", toupper($3), $2, $3 }'
    fields "$root/src/tables/signals.def" SIG | awk -F '\t' '{ printf "| `SIG_%s` | %s | signal %s |\n", toupper($3), $2, $3 }'
    fields "$root/src/vm/errors.def" ERR | awk -F '\t' '{ c = $3; sub(/Exception$/, "", c); printf "| `ERR_%s` | %s | error `%s` |\n", toupper(c), $2, $3 }'
    fields "$root/src/tables/devices.def" DEV | awk -F '\t' '{ printf "| `DEV_%s` | %s | the %s device |\n", toupper($3), $2, $3 }'
} > "$tmp"
splice "$docdir/assembly.md" constants "$tmp"
