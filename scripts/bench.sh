#!/usr/bin/env bash
# Times whole watchbill commands on generated organisations of 500 members and reports them side
# by side with the time to simply read the same files, and the peak memory of each:
#   check             against cat of every file check reads
#   check --rev HEAD  against git cat-file --batch over the same blobs
#   status, objective status, check, review   at 1 year and at 10 years of history, with a
#                     cold cache (.git/watchbill removed before each run) and a warm one, each
#                     beside who and cat of the same repository in the same run
#   when, log list, rota show, render summary at 10 years
#   site              the web site of 10 years, built from nothing and again unchanged
# review is of a branch adding one note (bench-one-note, made once with git plumbing, the
# checkout untouched) and of the history's last commit (a week of entries and its handover).
# Not part of CI: it takes a few minutes. docs/performance.md records its figures.
#
# Usage: bash scripts/bench.sh [WORKDIR]   (default: a new temporary folder; an existing WORKDIR
# keeps the generated repositories between runs; no spaces in its path)
#        BENCH_ONLY=site bash scripts/bench.sh [WORKDIR]   the site's figures alone
# Needs hyperfine and GNU time (/usr/bin/time); installs them with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing $*" >&2
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null
}
command -v hyperfine >/dev/null || install hyperfine
[ -x /usr/bin/time ] || install time

work="${1:-$(mktemp -d)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
cargo build --release --locked --quiet
wb="$PWD/target/release/watchbill"
# Every command acts at the same instant: the generated history ends there.
export WATCHBILL_NOW="2026-11-23T09:00:00+01:00"
export NO_COLOR=1
unset CI

results="$work/results.tsv"
: >"$results"

# Peak resident memory of one run, in MB.
peak_mb() {
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }'
}

# bench NAME COMMAND [PREPARE]: hyperfine's mean and deviation, then the peak memory of one run.
# A COMMAND with a redirection runs through a shell (hyperfine subtracts the shell's start); any
# other runs directly (hyperfine -N), so commands of a few milliseconds are timed precisely.
# PREPARE runs before each run (and before the memory's), untimed: a cold cache.
bench() {
  local name="$1" cmd="$2" prepare="${3:-}" csv="$work/h.csv" shell=(-N) run=($2) prep=()
  case "$cmd" in *"<"* | *">"* | *"&&"*) shell=() run=(bash -c "$cmd") ;; esac
  [ -z "$prepare" ] || prep=(--prepare "$prepare")
  hyperfine "${shell[@]}" "${prep[@]}" --style none --warmup 2 --min-runs 10 --export-csv "$csv" "$cmd" >/dev/null
  [ -z "$prepare" ] || bash -c "$prepare"
  local mean sd
  mean=$(awk -F, 'NR == 2 { printf "%.1f", $2 * 1000 }' "$csv")
  sd=$(awk -F, 'NR == 2 { printf "%.1f", $3 * 1000 }' "$csv")
  printf '%s\t%s\t%s\t%s\n' "$name" "$mean" "$sd" "$(peak_mb "${run[@]}")" >>"$results"
  printf '  %-44s %9s ms ± %s\n' "$name" "$mean" "$sd" >&2
}

tops="watchbill.toml crew.toml maturity.toml rota logbook objectives checkins assessments surveys"
for years in 1 10; do
  repo="$work/y$years"
  if [ ! -f "$repo/watchbill.toml" ]; then
    echo "generating $years year(s) of 500 members in $repo" >&2
    /usr/bin/time -f '%e %M' -o "$work/init.time" "$wb" init --example "$repo" --years "$years" --members 500 >/dev/null
    awk -v n="init --example --years $years --members 500" \
      '{ printf "%s\t%.1f\t-\t%.0f\n", n, $1 * 1000, $2 / 1024 }' "$work/init.time" >>"$results"
  fi
  # The files check reads, and their blobs at HEAD.
  (cd "$repo" && git ls-files -z -- $tops) >"$work/files$years.z"
  (cd "$repo" && git ls-tree -r HEAD -- $tops | awk '{ print $3 }') >"$work/blobs$years.txt"
  # A branch adding one note to this week, for review; the checkout and its index untouched.
  if ! git -C "$repo" rev-parse -q --verify refs/heads/bench-one-note >/dev/null; then
    week=logbook/2026-W47 # the watch of WATCHBILL_NOW
    note="+++
kind = \"note\"
title = \"One note for the review benchmark\"
author = \"$(awk -F'"' '/^\[\[member\]\]/ { m = 1 } m && /^id = / { print $2; exit }' "$repo/crew.toml")\"
at = 2026-11-23T08:30:00+01:00
+++

Benchmark.
"
    blob=$(printf '%s' "$note" | git -C "$repo" hash-object -w --stdin)
    export GIT_INDEX_FILE="$work/bench-index"
    git -C "$repo" read-tree HEAD
    git -C "$repo" update-index --add --cacheinfo "100644,$blob,$week/20261123T0830-one-note-for-the-review-benchmark-bnch.md"
    tree=$(git -C "$repo" write-tree)
    unset GIT_INDEX_FILE
    rm -f "$work/bench-index"
    commit=$(GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org GIT_COMMITTER_NAME=bench \
      GIT_COMMITTER_EMAIL=bench@example.org git -C "$repo" commit-tree "$tree" -p HEAD -m "bench: one note")
    git -C "$repo" branch bench-one-note "$commit"
  fi
done

y1="$work/y1" y10="$work/y10"
files10=$(tr -cd '\0' <"$work/files10.z" | wc -c)
only="${BENCH_ONLY:-}"
if [ "$only" != site ]; then
echo "timing (10 years: $files10 files)" >&2
bench "cat: every file check reads (10y)" "cd $y10 && xargs -0 cat <$work/files10.z >/dev/null"
bench "watchbill check (10y)" "$wb -C $y10 --no-cache check"
bench "git cat-file --batch: the same blobs (10y)" "cd $y10 && git cat-file --batch <$work/blobs10.txt >/dev/null"
bench "watchbill check --rev HEAD (10y)" "$wb -C $y10 --no-cache check --rev HEAD"
# The daily commands at both ages, each beside `who` and `cat` of the same repository in the
# same run: the targets are ratios (status within 3x who), which a busy machine moves less than
# the figures themselves. Cold: the cache removed before each run (it is then written); warm:
# the cache as the previous run left it; --no-cache: never read nor written.
for years in 1 10; do
  r="$work/y$years" cold="rm -rf $work/y$years/.git/watchbill"
  [ "$years" = 10 ] || bench "cat: every file check reads (${years}y)" "cd $r && xargs -0 cat <$work/files$years.z >/dev/null"
  bench "watchbill who (${years}y)" "$wb -C $r who"
  for c in "status" "objective status" "check" "review --base HEAD --head bench-one-note" "review --base HEAD~1"; do
    label="${c/ --base HEAD --head bench-one-note/ (one note)}"
    label="${label/ --base HEAD~1/ (last commit)}"
    bench "watchbill $label, cold cache (${years}y)" "$wb -C $r $c" "$cold"
    bench "watchbill $label, warm cache (${years}y)" "$wb -C $r $c"
    [ "$c" = check ] && [ "$years" = 10 ] && continue # timed above, without the cache
    bench "watchbill $label, --no-cache (${years}y)" "$wb -C $r --no-cache $c"
  done
done
bench "watchbill when (10y)" "$wb -C $y10 when alice-martin"
bench "watchbill log list (10y)" "$wb -C $y10 log list"
bench "watchbill rota show (10y)" "$wb -C $y10 rota show"
bench "watchbill render summary (10y)" "$wb -C $y10 render summary --format md"
fi

# The web site of ten years: from nothing (hyperfine empties the folder before each run), then
# rebuilt with nothing changed (every page kept: neither rendered nor written). Wall, user and
# system time, peak memory, and the pages written by one run of each.
site="$work/y10-site"
site_bench() {
  local name="$1" prepare="$2" csv="$work/h.csv" out="$work/site.out"
  hyperfine -N --style none --warmup 1 --runs 5 --prepare "$prepare" --export-csv "$csv" \
    "$wb -C $y10 site -o $site" >/dev/null
  bash -c "$prepare"
  local peak
  peak=$(/usr/bin/time -v "$wb" -C "$y10" site -o "$site" 2>&1 >"$out" |
    awk -F: '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }')
  awk -F, -v n="$name" -v p="$peak" -v w="$(sed -n 's/.*: \([0-9]*\) written.*/\1/p' "$out")" \
    'NR == 2 { printf "%s\t%.1f\t%.1f\t%s\tuser %.2f s, system %.2f s, %s pages written\n", n, $2 * 1000, $3 * 1000, p, $5, $6, w }' \
    "$csv" >>"$results"
  tail -1 "$results" | awk -F'\t' '{ printf "  %-44s %9s ms ± %s (%s)\n", $1, $2, $3, $5 }' >&2
}
site_bench "watchbill site, from nothing (10y)" "rm -rf $site"
site_bench "watchbill site, unchanged (10y)" "true"

ms() { awk -F'\t' -v n="$1" '$1 == n { print $2 }' "$results"; }
ratio() { awk -v a="$(ms "$1")" -v b="$(ms "$2")" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }

echo
echo "watchbill $("$wb" --version | awk '{ print $2 }') at $(git rev-parse --short HEAD) on $(date -u +%Y-%m-%d)"
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "repositories: $y1 ($(tr -cd '\0' <"$work/files1.z" | wc -c) files), $y10 ($files10 files)"
echo
printf '%-52s %10s %8s %9s\n' "command" "mean ms" "± ms" "peak MB"
awk -F'\t' '{ printf "%-52s %10s %8s %9s  %s\n", $1, $2, $3, $4, $5 }' "$results"
[ "$only" != site ] || exit 0
echo
echo "check --no-cache / cat:             $(ratio "watchbill check (10y)" "cat: every file check reads (10y)")   (target: within 3x)"
echo "check --rev HEAD --no-cache / git cat-file: $(ratio "watchbill check --rev HEAD (10y)" "git cat-file --batch: the same blobs (10y)")"
echo "who at 10 years / at 1 year:        $(ratio "watchbill who (10y)" "watchbill who (1y)")   (target: under 20 ms, no slower)"
echo "status (warm) at 10 years / at 1:   $(ratio "watchbill status, warm cache (10y)" "watchbill status, warm cache (1y)")"
for years in 1 10; do
  for c in "status" "objective status"; do
    for cache in warm cold; do
      printf '%-36s %s   (target: within 3x)\n' "$c ($cache) / who (${years}y):" \
        "$(ratio "watchbill $c, $cache cache (${years}y)" "watchbill who (${years}y)")"
    done
  done
  printf '%-36s %s\n' "check (warm) / cat (${years}y):" \
    "$(ratio "watchbill check, warm cache (${years}y)" "cat: every file check reads (${years}y)")"
  printf '%-36s %s\n' "review one note (warm) / check (warm) (${years}y):" \
    "$(ratio "watchbill review (one note), warm cache (${years}y)" "watchbill check, warm cache (${years}y)")"
done
