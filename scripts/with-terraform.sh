#!/usr/bin/env bash
# Runs a command with the Terraform CLI resolved in one place:
#   - `terraform` from PATH when it is 1.8 or newer,
#   - else bin/terraform, built once with `go install github.com/hashicorp/terraform@v1.8.5`
#     (from the Go module proxy; nothing is downloaded from HashiCorp's release site);
#   - with ROCKIT_TF_FALLBACK=1 (or ROCKIT_TF=1.8) always that 1.8.5 build, so CI also runs the
#     oldest CLI the docs promise;
#   - with ROCKIT_TF=1.13 Terraform 1.13.3, with ROCKIT_TF=tofu OpenTofu 1.12.6: both built by
#     scripts/build-cli.sh from the Go module proxy into a cache outside the checkout
#     (ROCKIT_CLI_CACHE, default ~/.cache/terraform-provider-rockit/cli; about 5 minutes each the
#     first time) and linked into bin/cli/<name>-<version>/. Under OpenTofu the link dir also
#     holds a `terraform` link to tofu (scripts that call `terraform` run tofu), and
#     TF_ACC_PROVIDER_HOST=registry.opentofu.org (the address OpenTofu gives "rockitplay/rockit").
# It exports TF_ACC_TERRAFORM_PATH (absolute), CHECKPOINT_DISABLE=1 and TF_CLI_CONFIG_FILE (an
# empty file, so Terraform never reads or complains about ~/.terraformrc), puts the chosen
# terraform first on PATH, and runs "$@".
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/bin"
fallback_version="1.8.5"
mkdir -p "$bin"

version_ok() { # $1: path to a terraform binary; true when it is >= 1.8
  local v
  v="$("$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9][0-9.]*\)[^"]*".*/\1/p' | head -n1)"
  [ -n "$v" ] || return 1
  local major minor
  major="${v%%.*}"; minor="${v#*.}"; minor="${minor%%.*}"
  [ "$major" -gt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -ge 8 ]; }
}

export CHECKPOINT_DISABLE=1
touch "$bin/terraformrc.empty"
if [ -z "${TF_CLI_CONFIG_FILE:-}" ] || [ ! -f "$TF_CLI_CONFIG_FILE" ]; then
  export TF_CLI_CONFIG_FILE="$bin/terraformrc.empty"
fi

link_cli() { # $1: name, $2: version; builds (or finds) the cached CLI, links it into bin/cli/
  local built dir
  built="$("$root/scripts/build-cli.sh" "$1" "$2")"
  dir="$bin/cli/$1-$2"
  mkdir -p "$dir"
  ln -sfn "$built" "$dir/$1"
  if [ "$1" = tofu ]; then ln -sfn "$built" "$dir/terraform"; fi
  echo "$dir/$1"
}

tf=""
case "${ROCKIT_TF:-}" in
  "" | path) ;;
  1.8 | 1.8.5) export ROCKIT_TF_FALLBACK=1 ;;
  1.13 | 1.13.3) tf="$(link_cli terraform 1.13.3)" ;;
  tofu | tofu-1.12 | tofu-1.12.6)
    tf="$(link_cli tofu 1.12.6)"
    export TF_ACC_PROVIDER_HOST=registry.opentofu.org ;;
  *) echo "with-terraform: unknown ROCKIT_TF='$ROCKIT_TF' (path, 1.8, 1.13 or tofu)" >&2; exit 2 ;;
esac
if [ -n "$tf" ]; then
  :
elif [ "${ROCKIT_TF_FALLBACK:-}" = "1" ]; then
  # The oldest supported CLI, whatever is on PATH (make testacc-fallback, CI's second pass).
  # The version captured first: `| grep -q` stops reading early and SIGPIPE fails the pipe.
  if [ ! -x "$bin/terraform" ] || ! grep -q "\"$fallback_version\"" <<<"$("$bin/terraform" version -json)"; then
    echo "with-terraform: building terraform v$fallback_version into bin/ (about 70 s)" >&2
    GOBIN="$bin" go install "github.com/hashicorp/terraform@v$fallback_version"
  fi
  tf="$bin/terraform"
elif [ -n "${TF_ACC_TERRAFORM_PATH:-}" ] && [ -x "${TF_ACC_TERRAFORM_PATH}" ] && version_ok "$TF_ACC_TERRAFORM_PATH"; then
  tf="$TF_ACC_TERRAFORM_PATH"
elif command -v terraform >/dev/null 2>&1 && version_ok "$(command -v terraform)"; then
  tf="$(command -v terraform)"
elif [ -x "$bin/terraform" ] && version_ok "$bin/terraform"; then
  tf="$bin/terraform"
else
  echo "with-terraform: no terraform >= 1.8 found; building terraform v$fallback_version into bin/ (about 70 s)" >&2
  GOBIN="$bin" go install "github.com/hashicorp/terraform@v$fallback_version"
  tf="$bin/terraform"
fi
tf="$(cd "$(dirname "$tf")" && pwd)/$(basename "$tf")"
export TF_ACC_TERRAFORM_PATH="$tf"
export PATH="$(dirname "$tf"):$PATH"
echo "with-terraform: using $(basename "$tf") $("$tf" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p' | head -n1) at $tf" >&2
exec "$@"
