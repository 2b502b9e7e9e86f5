#!/usr/bin/env bash
# make demo: start the mock ROCKIT Edge on a free loopback port, apply examples/demo with the
# freshly built provider (dev_overrides: no terraform init, nothing downloaded), print the
# outputs, show that a re-plan is empty, destroy (with prune), and stop the mock.
# Expects bin/terraform-provider-rockit and bin/rockit-edge-mock (make build) and the terraform
# CLI resolved by scripts/with-terraform.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/bin"
tf="${TF_ACC_TERRAFORM_PATH:-terraform}"

work="$(mktemp -d)"
mock_pid=""
cleanup() {
  if [ -n "$mock_pid" ] && kill -0 "$mock_pid" 2>/dev/null; then
    kill "$mock_pid" 2>/dev/null || true
    wait "$mock_pid" 2>/dev/null || true
    echo "==> mock server stopped"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n==> %s\n' "$*"; }

admin_token="demo-admin-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
step "Starting the mock ROCKIT Edge on loopback"
"$bin/rockit-edge-mock" -addr 127.0.0.1:0 -admin-token "$admin_token" -v >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/mock.out" ] && break
  sleep 0.05
done
endpoint="$(head -n1 "$work/mock.out")"
[ -n "$endpoint" ] || { cat "$work/mock.err" >&2; echo "the mock server did not start" >&2; exit 1; }
echo "    listening on $endpoint"

cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "rockitplay/rockit" = "$bin"
  }
  direct {}
}
RC
cp "$root"/examples/demo/*.tf "$work/"

export TF_CLI_CONFIG_FILE="$work/terraformrc"
export CHECKPOINT_DISABLE=1
export ROCKIT_ENDPOINT="$endpoint"
export ROCKIT_ADMIN_TOKEN="$admin_token"
unset ROCKIT_ORG ROCKIT_USERNAME ROCKIT_PASSWORD ROCKIT_API_KEY
tfw() { "$tf" -chdir="$work" "$@"; }

step "terraform apply (examples/demo)"
tfw apply -auto-approve -input=false -compact-warnings

step "Outputs"
tfw output

step "Requests the mock received during the apply"
requests() { grep -oE '(GET|POST|PATCH|DELETE) [^ ]+ -> [0-9]+' "$work/mock.err" || true; }
requests | sed -E 's/ -> / /; s/\?.*//' | awk '{print "    " $1 " " $2}' | sort | uniq -c
applied="$(requests | wc -l | tr -d ' ')"

step "terraform plan: a re-plan finds nothing to change"
set +e
tfw plan -detailed-exitcode -input=false -compact-warnings >"$work/plan.out" 2>&1
rc=$?
set -e
grep -E "No changes|Plan:" "$work/plan.out" || true
if [ "$rc" -ne 0 ]; then
  cat "$work/plan.out"
  echo "the re-plan was not empty (exit code $rc)" >&2
  exit 1
fi

step "terraform destroy (the organization has prune = true)"
tfw destroy -auto-approve -input=false -compact-warnings
sleep 0.2 # the mock logs a request just after answering it
requests | tail -n +"$((applied + 1))" | grep -E '^DELETE /be/v1/orgs/' | sed 's/^/    the mock received: /' 

step "Done: the demo applied, re-planned empty and destroyed cleanly"
