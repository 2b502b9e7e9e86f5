#!/usr/bin/env bash
# Builds a Terraform or OpenTofu CLI from the Go module proxy (nothing from HashiCorp's or
# OpenTofu's release sites) into a cache outside the checkout, and prints the binary's path.
#
#   scripts/build-cli.sh terraform 1.13.3
#   scripts/build-cli.sh tofu 1.12.6
#
# Cache: ${ROCKIT_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-rockit/cli}/<name>-<version>/<name>
# A cached binary is reused when it runs and reports the wanted version. A build happens in a temp
# directory inside the cache and is moved into place with one rename only after the binary ran, so
# a failed or interrupted build never leaves a broken binary behind.
#
# Why not `go install`: both modules carry replace directives, which `go install mod@version`
# refuses. So the script copies the module out of the module cache and builds the copy:
#   - terraform: the module zip lacks its nested modules internal/backend/remote-state/{azure,
#     consul,cos,gcs,kubernetes,oci,oss,pg,s3} and internal/legacy; their require and replace
#     lines are dropped from go.mod (go mod edit) and the nine backends from
#     internal/backend/init/init.go (sed), each edit checked. The built CLI lacks only those
#     remote-state backends, which no test here uses.
#   - tofu: `go build ./cmd/tofu`; its replace of hcl by OpenTofu's fork is served by the proxy.
# Builds run under `nice -n 10` (others share the machine) and take about 5 minutes on 2 cores.
set -euo pipefail

name="${1:?usage: build-cli.sh terraform|tofu VERSION}"
version="${2:?usage: build-cli.sh terraform|tofu VERSION}"
cache="${ROCKIT_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-rockit/cli}"
dest="$cache/$name-$version"

case "$name" in
  terraform) module="github.com/hashicorp/terraform"; pkg="." ;;
  tofu) module="github.com/opentofu/opentofu"; pkg="./cmd/tofu" ;;
  *) echo "build-cli: unknown CLI '$name' (terraform or tofu)" >&2; exit 2 ;;
esac

reports_version() { # $1: binary; true when it runs and reports $version
  local out
  # Captured first: `| grep -q` would stop reading early, and the CLI's SIGPIPE fails the pipe.
  [ -x "$1" ] && out="$("$1" version -json 2>/dev/null)" && grep -q "\"$version\"" <<<"$out"
}

if reports_version "$dest/$name"; then
  echo "$dest/$name"
  exit 0
fi

mkdir -p "$cache"
tmp="$(mktemp -d "$cache/.build-$name-$version.XXXXXX")"
trap 'chmod -R u+w "$tmp" 2>/dev/null || true; rm -rf "$tmp"' EXIT
echo "build-cli: building $name v$version into $dest (about 5 minutes on 2 cores)" >&2

export GOWORK=off GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0
dir="$(cd "$tmp" && go mod download -json "$module@v$version" | sed -n 's/^[[:space:]]*"Dir": *"\(.*\)",*$/\1/p')"
[ -n "$dir" ] && [ -d "$dir" ] || { echo "build-cli: go mod download $module@v$version gave no directory" >&2; exit 1; }
src="$tmp/src"
cp -R "$dir" "$src"
chmod -R u+w "$src"

if [ "$name" = terraform ]; then
  missing=(azure consul cos gcs kubernetes oci oss pg s3)
  for b in "${missing[@]}"; do
    m="$module/internal/backend/remote-state/$b"
    (cd "$src" && go mod edit -droprequire="$m" -dropreplace="$m")
    sed -i -E "\#\"$m\"\$#d; /^[[:space:]]*\"[a-z0-9]+\":[[:space:]]*func\(\) backend\.Backend \{ return backend[A-Za-z0-9]+\.New\(\) \},?\$/{/backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)\./d}" \
      "$src/internal/backend/init/init.go"
  done
  (cd "$src" && go mod edit -droprequire="$module/internal/legacy" -dropreplace="$module/internal/legacy")
  # Check the edits: nothing of the dropped modules may remain.
  if grep -nE 'internal/(backend/remote-state/(azure|consul|cos|gcs|kubernetes|oci|oss|pg|s3)|legacy)|backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)\.' \
    "$src/go.mod" "$src/internal/backend/init/init.go"; then
    echo "build-cli: the go.mod / init.go edits left the lines above; the module's layout changed" >&2
    exit 1
  fi
fi

mkdir -p "$tmp/out"
# version.dev=no: what the projects' release builds set; else the CLI reports "<version>-dev".
(cd "$src" && nice -n 10 go build -trimpath -ldflags "-s -w -X $module/version.dev=no" -o "$tmp/out/$name" "$pkg")
if ! reports_version "$tmp/out/$name"; then
  echo "build-cli: the built $name does not report v$version:" >&2
  "$tmp/out/$name" version >&2 || true
  exit 1
fi

# One rename puts the checked build in place; a concurrent build that won the race is kept.
rm -rf "$dest.old"
if [ -e "$dest" ]; then mv "$dest" "$dest.old"; fi
mv "$tmp/out" "$dest" 2>/dev/null || true
rm -rf "$dest.old"
reports_version "$dest/$name" || { echo "build-cli: $dest/$name is missing after the build" >&2; exit 1; }
echo "build-cli: built $dest/$name" >&2
echo "$dest/$name"
