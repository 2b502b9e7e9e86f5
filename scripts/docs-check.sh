#!/usr/bin/env bash
# Renders docs/ with tfplugindocs from the provider's own schema file and fails when the result
# differs from what is committed, then runs `tfplugindocs validate`. With --write (make generate)
# it leaves the rendered docs in place instead of checking them.
#
# The schema comes from the provider server (cmd/rockit-schema), not from `terraform providers
# schema -json`: Terraform 1.11 leaves out resource identity, list resources and actions, and the
# result must not depend on which terraform CLI a machine has. internal/e2e proves the file says
# what the CLI says for everything the CLI prints.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CHECKPOINT_DISABLE=1

write=false
[ "${1:-}" = "--write" ] && write=true

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
schema="$tmp/schema.json"
go run ./cmd/rockit-schema >"$schema"

out="$tmp/out"
if ! go tool tfplugindocs generate --provider-name rockit --rendered-provider-name "ROCKIT Edge" \
  --providers-schema "$schema" >"$out" 2>&1; then
  cat "$out" >&2
  echo "docs-check: tfplugindocs generate failed" >&2
  exit 1
fi
if ! go tool tfplugindocs validate --provider-name rockit --providers-schema "$schema" >"$out" 2>&1; then
  cat "$out" >&2
  echo "docs-check: tfplugindocs validate failed" >&2
  exit 1
fi
if $write; then
  echo "docs: docs/ regenerated"
  exit 0
fi

changes="$(git status --porcelain -- docs/)"
if [ -n "$changes" ]; then
  echo "docs-check: docs/ is stale; run 'make generate' and commit the result:" >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- docs/ >&2
  exit 1
fi
echo "docs-check: docs/ is up to date"
