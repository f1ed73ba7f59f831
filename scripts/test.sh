#!/usr/bin/env bash
# `npm test`: every check and every test tier, in the order that fails cheapest first:
#
#   1. prettier --check            formatting of the whole repository
#   2. contracts:check             @dbay/contracts' generated code and docs/asyncapi.yaml are what
#                                  schemas/ generates (scripts/generate-contracts.ts --check)
#      openapi:check              docs/openapi/<service>.json are what the routes declare
#                                  (scripts/generate-openapi.ts --check)
#   3. eslint --max-warnings 0     typescript-eslint's type-checked rules
#   4. tsc --noEmit                strict typecheck of every workspace (the browser UI with its own
#                                  DOM tsconfig)
#   5. unit tier                   .mocharc.unit.cjs (pure code, no network)
#   6. stack up                    scripts/stack.sh up: starts what is down, re-runs migrations and
#                                  provisioning, waits until every part is healthy
#   7. books before the tests     soak/books-before.ts: one reconciler run, remembered, so that the
#                                  soak's last check judges what the suite and the soak left
#   8. integration and e2e tier    .mocharc.integration.cjs, against that one running stack (tests
#                                  that stand in for another service use sandboxed copies of the
#                                  services under test, never the stack's books)
#   9. soak (3 min)                soak/run.ts: simulated users under a nemesis on the same stack,
#                                  then the books: per-user balances, exactly-once effects, nothing
#                                  stuck or paid twice, and the reconciler with no finding that was
#                                  not there before step 7 (docs/reliability.md)
#
# It stops at the first failing step and names it. The stack is left running afterwards, so a second
# `npm test` (or a single spec run by hand) reuses it; `npm run stack:down` stops it.
#
# Extra arguments are passed to both mocha tiers, e.g. `npm test -- --bail`.
set -euo pipefail

# shellcheck source=lib/config.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/config.sh"
# shellcheck source=lib/proc.sh
source "$REPO_ROOT/scripts/lib/proc.sh"
# shellcheck source=lib/install.sh
source "$REPO_ROOT/scripts/lib/install.sh"

cd "$REPO_ROOT"
export PATH="$REPO_ROOT/node_modules/.bin:$PATH"
# kafkajs' notice about its v2 partitioner is noise in test output (producers that care choose one).
export KAFKAJS_NO_PARTITIONER_WARNING=1

durations=()
total_started=$SECONDS

summary() {
  local line
  echo "npm test: step durations"
  for line in "${durations[@]}"; do echo "  $line"; done
  echo "  total: $((SECONDS - total_started))s"
}

# run_step NAME COMMAND...: run one step, record its duration; on failure say which step failed and stop.
run_step() {
  local name="$1" started=$SECONDS status=0
  shift
  printf '\n==> npm test: %s\n' "$name"
  ("$@") || status=$?
  local took=$((SECONDS - started))
  durations+=("$(printf '%-28s %4ss %s' "$name" "$took" "$([[ $status == 0 ]] && echo ok || echo FAILED)")")
  printf '<== %s: %s in %ss\n' "$name" "$([[ $status == 0 ]] && echo ok || echo "FAILED (exit $status)")" "$took"
  if ((status != 0)); then
    echo >&2
    summary >&2
    echo "npm test: FAILED at step '$name' (exit code $status). Nothing after it ran." >&2
    exit "$status"
  fi
}

# What a fresh clone lacks before lint can run: Debian tools (kcat, ...) and node_modules. The Maven
# downloads are left to `stack.sh up`, which fetches them when the stack needs them.
install_prerequisites() {
  ensure_system_tools
  ensure_node_modules
}

run_step "prerequisites" install_prerequisites
run_step "prettier --check" prettier --check --log-level warn .
run_step "contracts:check" node --import tsx scripts/generate-contracts.ts --check
run_step "openapi:check" node --import tsx scripts/generate-openapi.ts --check
run_step "eslint" eslint . --max-warnings 0
run_step "tsc --noEmit" tsc -p tsconfig.json --noEmit
run_step "tsc web-ui" tsc -p services/web/ui/tsconfig.json --noEmit
run_step "unit tests" mocha --config .mocharc.unit.cjs "$@"
run_step "stack up" bash scripts/stack.sh up
books_before="$STACK_DIR/books-before-tests.json"
run_step "books before the tests" node --import tsx soak/books-before.ts "$books_before"
run_step "integration + e2e tests" mocha --config .mocharc.integration.cjs "$@"
run_step "soak (3 min)" node --import tsx soak/run.ts --minutes 3 --books-before "$books_before"

echo
summary
echo "npm test: all green. The stack is still running (npm run stack:status; npm run stack:down stops it)."
