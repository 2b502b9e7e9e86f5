#!/usr/bin/env bash
# Runs a command with the Terraform CLI resolved in one place:
#   - `terraform` from PATH when it is 1.8 or newer,
#   - else bin/terraform, built once with `go install github.com/hashicorp/terraform@v1.8.5`
#     (from the Go module proxy; nothing is downloaded from HashiCorp's release site);
#   - with ROCKIT_TF_FALLBACK=1 always that 1.8.5 build, so CI also runs the oldest CLI the
#     docs promise.
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

tf=""
if [ "${ROCKIT_TF_FALLBACK:-}" = "1" ]; then
  # The oldest supported CLI, whatever is on PATH (make testacc-fallback, CI's second pass).
  if [ ! -x "$bin/terraform" ] || ! "$bin/terraform" version -json | grep -q "\"$fallback_version\""; then
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
echo "with-terraform: using $("$tf" version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p' | head -n1) at $tf" >&2
exec "$@"
