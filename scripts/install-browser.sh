#!/usr/bin/env bash
# Install the Debian Chromium that the dashboard's end-to-end test drives (through PyPI playwright,
# with executable_path=/usr/bin/chromium; playwright never downloads a browser of its own).
# Does nothing when /usr/bin/chromium is already there. Needs root (or sudo) and apt-get.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: /usr/bin/chromium is missing and apt-get is not available;" \
         "install Chromium by hand (the browser test skips without it)" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-browser: installing chromium with apt-get" >&2
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
test -x /usr/bin/chromium
echo "install-browser: $(/usr/bin/chromium --version 2>/dev/null || echo chromium installed)" >&2
