#!/usr/bin/env bash
# Installs watchbill for the action: the binary kept by actions/cache when it is there, else the
# prebuilt release binary for this runner, verified against its published SHA-256. A release
# without one (or a runner it has no binary for) is an error, unless the workflow asks for
# `build-from-source: true`: a build takes minutes per run, so it never happens silently.
set -euo pipefail

version="${WATCHBILL_VERSION:?set WATCHBILL_VERSION to a release tag such as v0.1.0}"
case "$version" in
  v[0-9]*) ;;
  *) echo "::error title=watchbill::version must be a release tag like v0.1.0, not '$version'"; exit 2 ;;
esac
from_source="${WATCHBILL_BUILD_FROM_SOURCE:-false}"
case "$from_source" in
  true | false) ;;
  *) echo "::error title=watchbill::build-from-source must be \"true\" or \"false\", not '$from_source'"; exit 2 ;;
esac
repo="${GITHUB_ACTION_REPOSITORY:-watchbill/watchbill}"
source_dir="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
# The folder actions/cache keeps (action.yml restores it under the same name).
dest="${RUNNER_TOOL_CACHE:-$HOME/.cache}/watchbill/$version"
mkdir -p "$dest/bin"

on_path() {
  if [ -n "${GITHUB_PATH:-}" ]; then
    echo "$dest/bin" >>"$GITHUB_PATH"
  fi
  "$dest/bin/watchbill" --version
}

# A binary restored from the cache, if it runs and is the version asked for.
if [ -x "$dest/bin/watchbill" ] && [ "$("$dest/bin/watchbill" --version 2>/dev/null)" = "watchbill ${version#v}" ]; then
  echo "watchbill $version restored from the cache"
  on_path
  exit 0
fi

case "${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}" in
  Linux-X64 | Linux-x86_64) target=x86_64-unknown-linux-musl ;;
  Linux-ARM64 | Linux-aarch64) target=aarch64-unknown-linux-musl ;;
  macOS-ARM64 | Darwin-arm64) target=aarch64-apple-darwin ;;
  macOS-X64 | Darwin-x86_64) target=x86_64-apple-darwin ;;
  Windows-X64) target=x86_64-pc-windows-msvc ;;
  *) target="" ;;
esac

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

build() {
  echo "::notice title=watchbill::building watchbill $version from the action's source (build-from-source: true): $1"
  cargo install --locked --root "$dest" --path "$source_dir"
  on_path
  exit 0
}

# No prebuilt binary can be used: build when asked to, else say how to get one.
unavailable() {
  if [ "$from_source" = true ]; then build "$1"; fi
  echo "::error title=watchbill::$1; set \`build-from-source: true\` on the watchbill step to build it with cargo (minutes per run), or use a release that has it"
  exit 1
}

[ -n "$target" ] || unavailable "watchbill $version has no prebuilt binary for ${RUNNER_OS:-?}-${RUNNER_ARCH:-?}"
archive="watchbill-$version-$target.tar.gz"
url="https://github.com/$repo/releases/download/$version/$archive"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
curl -fsSL --retry 3 -o "$tmp/$archive" "$url" || unavailable "cannot download $url"
curl -fsSL --retry 3 -o "$tmp/$archive.sha256" "$url.sha256" ||
  unavailable "the release has no checksum $archive.sha256, so its binary cannot be verified"
expected="$(cut -d' ' -f1 <"$tmp/$archive.sha256")"
actual="$(sha256 "$tmp/$archive")"
if [ "$expected" != "$actual" ]; then
  echo "::error title=watchbill::checksum mismatch for $archive (expected $expected, got $actual)"
  exit 1
fi
tar -xzf "$tmp/$archive" -C "$dest/bin"
echo "installed watchbill $version ($target), checksum verified"
on_path
