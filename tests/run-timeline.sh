#!/usr/bin/env bash
# run-timeline.sh MVM - --timeline FILE (SPEC 11.4; docs/timeline.md) in its four formats.
#
#   three     tests/timeline/three.kar (3 processes: fork, sleep, pause and continue,
#             a signal, a retried wait, exits) recorded exactly: the .svg is well-formed
#             XML (xmllint), renders to a non-empty PNG (rsvg-convert), has a label per
#             PID, the legend, bands for ready/sleeping/paused and a tick of each kind that
#             happened; the .html embeds the chart and its script and refers to nothing
#             outside (no address but the SVG namespace); the .txt fits in 100 columns
#   names     a program whose name holds & < > " ' and a byte that is not UTF-8: the .svg
#             is still well-formed
#   spans     tests/timeline/busy.kar (about 300,000 stretches at quantum 1) is recorded in
#             spans ("exact": false, at most 2,000 spans); its .svg says so and renders
#   same      the same run gives the same bytes, exact and in spans
#   procs     bench/procs.kar (1,000 processes, 300 M instructions, some seconds): its .svg
#             is under 2 MB, well-formed, renders, and labels only some rows
# Needs xmllint (libxml2-utils) and rsvg-convert (librsvg2-bin): `make deps` installs them.
# Prints `timeline: N passed, N failed`.
set -u
. "$(dirname "$0")/lib/suite.sh" timeline "$@"
cd "$root" || exit 2
progs=$root/tests/timeline

for tool in xmllint rsvg-convert python3; do
    if ! command -v "$tool" >/dev/null; then
        echo "run-timeline: $tool is missing (make deps installs it)"
        echo "timeline: 0 passed, 1 failed"
        exit 1
    fi
done

# record PROG FILE [OPTIONS...]: run PROG with --timeline FILE (in the current directory).
record() {
    local prog=$1 file=$2
    shift 2
    "$mvm" run "$@" --timeline "$file" "$prog" >out 2>err || problem "run of $prog for $file failed: $(head -c 300 err)"
    [ -s "$file" ] || problem "$file was not written"
}

# svg_ok FILE: well-formed, and renders to a PNG with something in it.
svg_ok() {
    xmllint --noout "$1" 2>xml.err || problem "$1 is not well-formed XML: $(head -c 300 xml.err)"
    rsvg-convert "$1" -o "$1.png" 2>rsvg.err || problem "rsvg-convert $1 failed: $(head -c 300 rsvg.err)"
    [ "$(head -c 8 "$1.png" | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ] || problem "$1.png is not a PNG"
    [ "$(wc -c < "$1.png")" -gt 2000 ] || problem "$1.png is almost empty"
}

# has FILE TEXT WHAT: FILE contains TEXT.
has() {
    grep -qF -- "$2" "$1" || problem "$1 lacks $3 ($2)"
}

# txt_ok FILE: no line longer than 100 columns.
txt_ok() {
    local longest
    longest=$(awk '{ if (length($0) > n) n = length($0) } END { print n + 0 }' "$1")
    [ "$longest" -le 100 ] || problem "$1 has a line of $longest columns"
}

# json_get FILE EXPR: a Python expression over the .json timeline (d).
json_get() {
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# ---------------------------------------------------------------- three processes
begin three
record "$progs/three.kar" t.svg
record "$progs/three.kar" t.json
record "$progs/three.kar" t.html
record "$progs/three.kar" t.txt
svg_ok t.svg
[ "$(json_get t.json 'd["exact"]')" = True ] || problem "three.kar was not recorded exactly"
for pid in $(json_get t.json '" ".join(str(p["pid"]) for p in d["processes"])'); do
    has t.svg ">PID $pid three.kar</text>" "the row label of PID $pid"
done
[ "$(json_get t.json 'len(d["processes"])')" = 3 ] || problem "three.kar did not record 3 processes"
has t.svg 'id="tl-legend"' "the legend"
for word in ready sleeping paused ended fork spawn exit signal WouldBlock; do
    has t.svg ">$word" "the legend's entry '$word'"
done
has t.svg "MVM timeline: rr, quantum 1, instructions 0 to" "the title line"
has t.svg 'class="bR"' "a ready band"
has t.svg 'class="bS"' "a sleeping band"
has t.svg 'class="bP"' "a paused band"
has t.svg 'class="end"' "an end cap"
has t.svg '<path class="mF"' "a fork tick"
has t.svg '<path class="mE"' "an exit tick"
has t.svg '<path class="mG"' "a signal tick"
has t.svg '<path class="mW"' "a WouldBlock tick"
has t.svg ', from line ' "a run's title naming its line"
# The page: the chart inline, its script, and nothing fetched.
has t.html '<svg xmlns="http://www.w3.org/2000/svg" id="tl"' "the chart"
has t.html '<script>' "its script"
has t.html '</html>' "its end"
others=$(grep -oE 'https?://[^"< ]*' t.html | grep -vFx 'http://www.w3.org/2000/svg')
[ -z "$others" ] || problem "t.html refers to $others"
grep -qE '<(link|img|iframe)|src=|href=|@import|url\(http' t.html && problem "t.html loads something"
if command -v node >/dev/null; then   # the script at least parses
    sed -n '/^<script>$/,/^<\/script>$/p' t.html | sed '1d;$d' > page.js
    node --check page.js 2>js.err || problem "the page's script does not parse: $(head -c 300 js.err)"
fi
txt_ok t.txt

# ---------------------------------------------------------------- names to escape
begin names
name=$(printf 'a&b<c>"q'"'"'\xff.kar')
cp "$progs/three.kar" "$name"
record "$name" n.svg
record "$name" n.html
svg_ok n.svg
has n.svg 'PID 1 a&amp;b&lt;c&gt;&quot;q&#39;?.kar' "the escaped name"
grep -qF '<c>' n.html && problem "n.html holds the name unescaped"

# ---------------------------------------------------------------- spans
begin spans
record "$progs/busy.kar" b.json
record "$progs/busy.kar" b.svg
record "$progs/busy.kar" b.txt
[ "$(json_get b.json 'd["exact"]')" = False ] || problem "busy.kar was recorded exactly (expected spans)"
[ "$(json_get b.json 'd.get("spans", 99999) <= 2000')" = True ] || problem "more than 2,000 spans"
svg_ok b.svg
has b.svg "; aggregated into " "the title's note on spans"
has b.svg ">PID 2 busy.kar</text>" "the row label of PID 2"
has b.svg "share of the core in a span" "the legend of shares"
txt_ok b.txt

# ---------------------------------------------------------------- the same bytes
begin same
for q in 1 1000; do   # in spans, and exact
    for ext in svg html; do
        record "$progs/busy.kar" "one.$ext" --quantum $q
        record "$progs/busy.kar" "two.$ext" --quantum $q
        cmp -s "one.$ext" "two.$ext" || problem "two runs at quantum $q gave different .$ext files"
    done
done

# ---------------------------------------------------------------- 1,000 processes
begin procs
record "$root/bench/procs.kar" p.svg
size=$(wc -c < p.svg)
[ "$size" -lt 2000000 ] || problem "bench/procs.kar's SVG is $size bytes (at most 2 MB)"
svg_ok p.svg
has p.svg ">PID 1 procs.kar</text>" "PID 1's label"
has p.svg ">PID 1000 procs.kar</text>" "PID 1000's label"
grep -qF '>PID 999 procs.kar</text>' p.svg && problem "every row is labelled (1,000 rows: only every Nth)"
echo "timeline: bench/procs.kar's SVG: $size bytes"

summary
