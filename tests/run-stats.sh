#!/usr/bin/env bash
# run-stats.sh MVM - --stats, --stats-json and the timeline's switch to spans (SPEC 11.4).
#
#   tests/stats/NAME.kar   run as `MVM run --stats --stats-json J [ARGS] NAME.kar`, ARGS
#                          from its `; args:` line; its "stats:" lines (less the host's:
#                          peak memory, time, speed) must equal NAME.stats, and J must
#                          satisfy docs/stats.schema.json and say what the table says.
# Then: a resumed run's table, the refusals, and the timeline holding a run exactly up to
# 100,000 stretches and in spans from 100,001 on.
# Prints `stats: N passed, N failed`.
set -u
mvm=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL stats: $*"; }

table() { grep '^stats:' | grep -v '^stats: \(peak memory\|time\|speed\) '; }

# The JSON against the schema, and against the table it came with ($2).
check_json() {
    python3 - "$1" "$2" docs/stats.schema.json <<'EOF'
import json, sys, jsonschema
doc = json.load(open(sys.argv[1]))
jsonschema.validate(doc, json.load(open(sys.argv[3])))
lines = [l.split()[1:] for l in open(sys.argv[2]) if l.startswith("stats:")]
head = " ".join(lines[0]).replace("first run", "first_run").split()
rows = [l for l in lines[1:] if l and l[0].isdigit()]
assert len(rows) == len(doc["processes"]), "a row per process"
for row, p in zip(rows, doc["processes"]):
    for key, cell in zip(head, row):
        want = p[key.lower() if key != "PID" else "pid"]
        got = None if cell == "-" else (cell if key == "program" else int(cell))
        assert want == got, f"PID {p['pid']} {key}: table {got}, json {want}"
    if p["ended"] is not None and p["created"] is not None:
        assert p["turnaround"] == p["ended"] - p["created"]
    if p["first_run"] is not None and p["created"] is not None:
        assert p["response"] == p["first_run"] - p["created"]
assert sum(p["instructions"] for p in doc["processes"]) == doc["instructions"] or doc["begin"] > 0
EOF
}

for f in tests/stats/*.kar; do
    name=${f%.kar}
    args=$(sed -n 's/^; args: //p' "$f")
    # shellcheck disable=SC2086
    timeout 10 "$mvm" run --stats --stats-json "$tmp/s.json" $args "$f" </dev/null >/dev/null 2>"$tmp/err"
    table <"$tmp/err" >"$tmp/table"
    if ! cmp -s "$tmp/table" "$name.stats"; then
        bad "$f: the table differs: $(diff "$name.stats" "$tmp/table" | head -6 | tr '\n' ' ')"
    elif ! err=$(check_json "$tmp/s.json" "$tmp/table" 2>&1); then
        bad "$f: --stats-json: $(echo "$err" | tail -1)"
    else
        ok
    fi
done

# A resumed run: processes made before the snapshot have no created time ("-"); each
# process's instructions still count from its start, so they match the whole run's.
f=tests/stats/rr_wait_q3.kar
"$mvm" run --stats --quantum 3 "$f" 2>&1 >/dev/null </dev/null | table >"$tmp/whole"
"$mvm" run --quantum 3 --snapshot-every 30 --max-steps 35 --snapshot "$tmp/s.snap" "$f" >/dev/null 2>&1 </dev/null
"$mvm" resume --stats --stats-json "$tmp/r.json" "$tmp/s.snap" 2>&1 >/dev/null </dev/null | table >"$tmp/resumed"
if python3 - "$tmp/whole" "$tmp/resumed" "$tmp/r.json" <<'EOF'
import json, sys
def rows(path):
    return {l.split()[1]: l.split() for l in open(path) if l.split()[1].isdigit()}
whole, resumed, doc = rows(sys.argv[1]), rows(sys.argv[2]), json.load(open(sys.argv[3]))
assert doc["begin"] == 30, doc["begin"]
for pid, r in resumed.items():
    assert r[3] == whole[pid][3], f"PID {pid} instructions {r[3]} vs {whole[pid][3]}"
    assert r[5] == "-", f"PID {pid} was created before the snapshot: {r[5]}"
    assert r[6] == "-", f"PID {pid} had run before the snapshot: {r[6]}"
EOF
then ok; else bad "resume --stats: $(cat "$tmp/resumed" | tr '\n' ' ')"; fi

# Refusals: an unknown timeline format is a usage error; a file that cannot be written
# is reported after the run, which then fails.
"$mvm" run --timeline "$tmp/t.png" tests/stats/fifo_three.kar >/dev/null 2>"$tmp/err" </dev/null
st=$?
if [ $st -eq 2 ] && grep -q 'ending in .svg, .html, .json or .txt' "$tmp/err"; then ok
else bad "--timeline t.png: status $st, $(cat "$tmp/err")"; fi
"$mvm" run --stats-json "$tmp/no/such/dir/s.json" tests/stats/fifo_three.kar >/dev/null 2>"$tmp/err" </dev/null
st=$?
if [ $st -eq 1 ] && grep -q 'cannot write it' "$tmp/err"; then ok
else bad "--stats-json into a missing directory: status $st, $(cat "$tmp/err")"; fi

# The timeline holds a run exactly while it has at most 100,000 stretches: two processes
# alternating at quantum 1 make one stretch per instruction after the fork (2 before it).
cat >"$tmp/alt.kar" <<'EOF'
        LIT S1 SYS_FORK
        SYSCALL
loop:   JMP loop
EOF
for case in "100001 True 100000" "100002 False 0"; do
    set -- $case
    "$mvm" run --max-steps "$1" --timeline "$tmp/a.json" "$tmp/alt.kar" >/dev/null 2>&1 </dev/null
    got=$(python3 -c "
import json; d = json.load(open('$tmp/a.json'))
print(d['exact'], len(d.get('stretches', [])), 'spans' if d['exact'] else d['spans'] <= 2000)")
    want="$2 $3 spans"
    [ "$2" = False ] && want="False 0 True"
    if [ "$got" = "$want" ]; then ok; else bad "--max-steps $1 timeline: $got (expected $want)"; fi
done

echo "stats: $pass passed, $fail failed"
[ $fail -eq 0 ]
