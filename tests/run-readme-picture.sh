#!/usr/bin/env bash
# run-readme-picture.sh MVM - the README's picture is current and shown.
#
#   current     MVM run --timeline FILE examples/demo.kar, as the Makefile's rule for
#               docs/img/demo-timeline.svg runs it (keep the two in step), gives the
#               committed file byte for byte: a change to mvm's charts or to the demo
#               that was not followed by `make` (and a commit of the new picture) fails
#   referenced  README.md shows the picture (an image link to docs/img/demo-timeline.svg)
#               and the command that makes it
# Prints `readme-picture: N passed, N failed`.
set -u
. "$(dirname "$0")/lib/suite.sh" readme-picture "$@"
picture=docs/img/demo-timeline.svg

begin current
cd "$root" || exit 2
if [ ! -f "$picture" ]; then
    problem "$picture is missing (make makes it)"
elif ! "$mvm" run --timeline "$work/current/demo-timeline.svg" examples/demo.kar >/dev/null 2>"$work/current/err" </dev/null; then
    problem "the run failed: $(head -c 300 "$work/current/err")"
elif ! cmp -s "$picture" "$work/current/demo-timeline.svg"; then
    problem "$picture is stale: run make and commit it ($(cmp "$picture" "$work/current/demo-timeline.svg" 2>&1 | head -1))"
fi

begin referenced
cd "$root" || exit 2
grep -qF "]($picture)" README.md || problem "README.md has no image link to $picture"
grep -qF "mvm run --timeline $picture examples/demo.kar" README.md \
    || problem "README.md does not show the command: mvm run --timeline $picture examples/demo.kar"

summary
