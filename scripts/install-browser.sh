#!/usr/bin/env bash
# Install the Debian Chromium that the dashboard's end-to-end test drives (through PyPI playwright,
# with executable_path=/usr/bin/chromium; playwright never downloads a browser of its own).
#
# Does nothing when /usr/bin/chromium is already there. Otherwise it tries apt-get (as root, or
# through sudo without a password prompt). When that is impossible (no apt-get, no root, no
# network), it says so and that tests/dashboard/test_browser.py will be skipped, and exits 0:
# a machine without a browser still runs the rest of the suite (`make test`).
set -uo pipefail

TEST="tests/dashboard/test_browser.py"
CHROMIUM="${KINLINK_CHROMIUM:-/usr/bin/chromium}"  # the tests point these two elsewhere
APT_GET="${KINLINK_APT_GET:-apt-get}"

skip() {
    echo "install-browser: $1" >&2
    echo "install-browser: the end-to-end browser test ($TEST) will be SKIPPED;" \
         "every other test still runs. Install the Debian package 'chromium' to run it." >&2
    exit 0
}

if [ -x "$CHROMIUM" ]; then
    exit 0
fi
if ! command -v "$APT_GET" >/dev/null 2>&1; then
    skip "$CHROMIUM is missing and apt-get is not available"
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        skip "$CHROMIUM is missing and installing it needs root (or sudo without a password)"
    fi
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-browser: installing chromium with apt-get" >&2
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! $SUDO "$APT_GET" update -qq >"$log" 2>&1; then
    tail -n 5 "$log" >&2
    skip "apt-get update failed (no network or no package source?)"
fi
if ! $SUDO "$APT_GET" install -y -qq --no-install-recommends chromium >"$log" 2>&1; then
    tail -n 5 "$log" >&2
    skip "apt-get install chromium failed"
fi
if [ ! -x "$CHROMIUM" ]; then
    skip "apt-get installed chromium but $CHROMIUM is not there"
fi
echo "install-browser: $("$CHROMIUM" --version 2>/dev/null || echo chromium installed)" >&2
