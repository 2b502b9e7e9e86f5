#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs and fails when the result differs from what is committed,
# then runs `tfplugindocs validate`. The schemas come from the provider server itself
# (cmd/rockit-docs-schema), not from `terraform providers schema -json`, so that features newer
# than the CLI at hand (actions, list resources, identity) are documented too and the result
# does not depend on the CLI version.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

schema="$(mktemp)"
out="$(mktemp)"
trap 'rm -f "$schema" "$out"' EXIT
go run ./cmd/rockit-docs-schema >"$schema"
if ! go tool tfplugindocs generate --provider-name rockit --rendered-provider-name "ROCKIT Edge" --providers-schema "$schema" >"$out" 2>&1; then
  cat "$out" >&2
  echo "docs-check: tfplugindocs generate failed" >&2
  exit 1
fi
if ! go tool tfplugindocs validate --provider-name rockit --providers-schema "$schema" >"$out" 2>&1; then
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
echo "docs-check: docs/ is up to date"
