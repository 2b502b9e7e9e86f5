#!/usr/bin/env bash
# Runs the project's .goreleaser.yml in snapshot mode (make release-snapshot): no publishing, no
# tag needed. goreleaser v2 is a Go tool of the tools/ module, built into bin/ (the Go build
# cache keeps its packages between runs).
#
# Environment:
#   ALL=1             every target of the config (else the host's GOOS/GOARCH only: the config is
#                     copied with its goos/goarch lists narrowed; `release` has no --single-target)
#   DIST=dir          where the artifacts go (default dist/); goreleaser empties it first
#   GPG_FINGERPRINT   sign the checksums with this key (the config's `signs`, as the release CI
#                     does; GNUPGHOME selects the keyring); unset: --skip=sign
#
# Leaves in DIST terraform-provider-rockit_<version>_<os>_<arch>.zip per target,
# terraform-provider-rockit_<version>_SHA256SUMS (+ .sig when signed) and
# terraform-provider-rockit_<version>_manifest.json. Fails when the run changed tracked files
# of the checkout (the config's `go mod tidy` hook must find go.mod tidy).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dist="${DIST:-$root/dist}"
case "$dist" in /*) ;; *) dist="$root/$dist" ;; esac
mkdir -p "$root/bin"

echo "release-snapshot: building goreleaser (tools/go.mod)" >&2
nice -n 10 go build -C "$root/tools" -o "$root/bin/goreleaser" github.com/goreleaser/goreleaser/v2

cfg="$(mktemp "${TMPDIR:-/tmp}/rockit-goreleaser.XXXXXX")"
trap 'rm -f "$cfg"' EXIT
host_os="$(go env GOOS)" host_arch="$(go env GOARCH)"
# The project's config with `dist` set and, unless ALL=1, goos/goarch narrowed to the host.
awk -v all="${ALL:-}" -v os="$host_os" -v arch="$host_arch" -v dist="$dist" '
  /^version:/ { print; print "dist: \"" dist "\""; next }
  skipping && /^[[:space:]]*- / { next }
  { skipping = 0 }
  all != "1" && /^[[:space:]]*goos:[[:space:]]*$/ { print; match($0, /^[[:space:]]*/); print substr($0, 1, RLENGTH) "  - " os; skipping = 1; next }
  all != "1" && /^[[:space:]]*goarch:[[:space:]]*$/ { print; match($0, /^[[:space:]]*/); print substr($0, 1, RLENGTH) "  - " arch; skipping = 1; next }
  { print }
' .goreleaser.yml >"$cfg"
grep -q "^dist: " "$cfg" || { echo "release-snapshot: .goreleaser.yml has no 'version:' line to put dist after" >&2; exit 1; }

args=(release --snapshot --clean --config "$cfg")
if [ -z "${GPG_FINGERPRINT:-}" ]; then
  args+=(--skip=sign)
fi
before="$(git status --porcelain --untracked-files=no 2>/dev/null || true)"
start=$(date +%s)
nice -n 10 "$root/bin/goreleaser" "${args[@]}"
after="$(git status --porcelain --untracked-files=no 2>/dev/null || true)"
if [ "$before" != "$after" ]; then
  echo "release-snapshot: the release run changed the checkout (the go mod tidy hook?):" >&2
  git status --short --untracked-files=no >&2
  exit 1
fi
# The registry manifest goes up with a release (the config's release.extra_files) and is listed
# in the checksums, but goreleaser does not copy it into dist: do, under its release name.
for sums in "$dist"/terraform-provider-rockit_*_SHA256SUMS; do
  [ -f "$sums" ] || { echo "release-snapshot: no SHA256SUMS in $dist" >&2; exit 1; }
  manifest="${sums%_SHA256SUMS}_manifest.json"
  [ -f "$manifest" ] || cp terraform-registry-manifest.json "$manifest"
done
echo "release-snapshot: done in $(($(date +%s) - start))s; artifacts in $dist:" >&2
ls -1 "$dist" | grep -E '\.zip$|_SHA256SUMS|_manifest\.json$' >&2
