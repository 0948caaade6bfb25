#!/usr/bin/env bash
# Install Neo4j's Cypher linter (@neo4j-cypher/language-support, pinned in
# scripts/neo4j-lint/package-lock.json) with `npm ci`, for tests/cypher/test_neo4j_lint.py.
#
# Does nothing when the installed copy matches the lock file. When node or npm is missing, or the
# npm registry cannot be reached, it says so and that the lint test will be skipped, and exits 0:
# the rest of the suite still runs (`make test`).
set -uo pipefail

DIR="$(cd "$(dirname "$0")" && pwd)/neo4j-lint"
STAMP="$DIR/node_modules/.kinlink-installed"
TEST="tests/cypher/test_neo4j_lint.py"
NPM="${KINLINK_NPM:-npm}"  # the tests point this elsewhere

skip() {
    echo "install-neo4j-lint: $1" >&2
    echo "install-neo4j-lint: the Neo4j Cypher lint test ($TEST) will be SKIPPED;" \
         "every other test still runs." >&2
    exit 0
}

if [ -f "$STAMP" ] && [ "$STAMP" -nt "$DIR/package-lock.json" ] \
        && [ "$STAMP" -nt "$DIR/package.json" ]; then
    exit 0
fi
command -v node >/dev/null 2>&1 || skip "node is not installed"
command -v "$NPM" >/dev/null 2>&1 || skip "npm is not installed"
echo "install-neo4j-lint: npm ci in $DIR" >&2
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# the package asks for a newer node than Debian's; it runs on node 20 (the test shows it)
if ! (cd "$DIR" && timeout 600 "$NPM" ci --no-audit --no-fund --loglevel=error >"$log" 2>&1); then
    tail -n 5 "$log" >&2
    skip "npm ci failed (is the npm registry reachable?)"
fi
touch "$STAMP"
