#!/usr/bin/env bash
# Installs watchbill for the action: the prebuilt release binary for this runner, verified
# against its published SHA-256, or, when the release has none, a build from the action's own
# source with `cargo install --locked`.
set -euo pipefail

version="${WATCHBILL_VERSION:?set WATCHBILL_VERSION to a release tag such as v0.1.0}"
case "$version" in
  v[0-9]*) ;;
  *) echo "::error title=watchbill::version must be a release tag like v0.1.0, not '$version'"; exit 2 ;;
esac
repo="${GITHUB_ACTION_REPOSITORY:-watchbill/watchbill}"
source_dir="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
dest="${RUNNER_TOOL_CACHE:-$HOME/.cache}/watchbill/$version"
mkdir -p "$dest/bin"

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

installed=false
if [ -n "$target" ]; then
  archive="watchbill-$version-$target.tar.gz"
  url="https://github.com/$repo/releases/download/$version/$archive"
  tmp="$(mktemp -d)"
  if curl -fsSL --retry 3 -o "$tmp/$archive" "$url" && curl -fsSL --retry 3 -o "$tmp/$archive.sha256" "$url.sha256"; then
    expected="$(cut -d' ' -f1 <"$tmp/$archive.sha256")"
    actual="$(sha256 "$tmp/$archive")"
    if [ "$expected" != "$actual" ]; then
      echo "::error title=watchbill::checksum mismatch for $archive (expected $expected, got $actual)"
      exit 1
    fi
    tar -xzf "$tmp/$archive" -C "$dest/bin"
    installed=true
    echo "installed watchbill $version ($target), checksum verified"
  fi
  rm -rf "$tmp"
fi

if [ "$installed" != true ]; then
  echo "::notice title=watchbill::no prebuilt binary of $version for this runner; building it from the action's source"
  cargo install --locked --root "$dest" --path "$source_dir"
fi

if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$dest/bin" >>"$GITHUB_PATH"
fi
"$dest/bin/watchbill" --version
