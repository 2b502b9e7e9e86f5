#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs and fails when the result differs from what is committed,
# then runs `tfplugindocs validate`. The committed docs are generated with Terraform 1.11+
# (write-only attributes need it); with an older CLI (the 1.8.5 fallback) the check is skipped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ -z "${TF_ACC_TERRAFORM_PATH:-}" ]; then
  exec ./scripts/with-terraform.sh "$0" "$@"
fi

v="$("$TF_ACC_TERRAFORM_PATH" version -json | sed -n 's/.*"terraform_version": *"\([0-9][0-9.]*\)[^"]*".*/\1/p' | head -n1)"
minor="${v#*.}"; minor="${minor%%.*}"
if [ "${v%%.*}" -eq 1 ] && [ "$minor" -lt 11 ]; then
  echo "docs-check: skipped: terraform $v is older than 1.11, which generated the committed docs"
  exit 0
fi

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
if ! go tool tfplugindocs generate --provider-name rockit --rendered-provider-name "ROCKIT Edge" >"$out" 2>&1; then
  cat "$out" >&2
  echo "docs-check: tfplugindocs generate failed" >&2
  exit 1
fi
if ! go tool tfplugindocs validate --provider-name rockit >"$out" 2>&1; then
  cat "$out" >&2
  echo "docs-check: tfplugindocs validate failed" >&2
  exit 1
fi

changes="$(git status --porcelain -- docs/)"
if [ -n "$changes" ]; then
  echo "docs-check: docs/ is stale; run 'make generate' and commit the result:" >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- docs/ >&2
  exit 1
fi
echo "docs-check: docs/ is up to date (terraform $v)"
