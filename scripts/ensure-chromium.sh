#!/usr/bin/env bash
# The browser tests (test/browser.test.ts) drive Debian's Chromium through
# playwright-core, which downloads no browser of its own. Install it when missing;
# do nothing when it is there. Runs before `npm test` (the pretest script), so
# .ci/run on a fresh machine gets it too.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: /usr/bin/chromium is missing; install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi
echo "ensure-chromium: installing Debian's chromium for the browser tests" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
test -x /usr/bin/chromium
