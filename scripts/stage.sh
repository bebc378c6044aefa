#!/usr/bin/env bash
# Run a command as one named stage and print its wall time (CI's stage times; STAGE_LOG, when
# set, collects them for the summary at the end of .ci/run).
label="$1"
shift
started=$(date +%s)
echo "── stage: $label"
status=0
"$@" || status=$?
line="$(printf '%-28s %5d s  exit %d' "$label" "$(($(date +%s) - started))" "$status")"
echo "── stage: $line"
[ -n "${STAGE_LOG:-}" ] && echo "$line" >>"$STAGE_LOG"
exit "$status"
