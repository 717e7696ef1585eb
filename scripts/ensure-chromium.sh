#!/usr/bin/env bash
# The browser tests (test/browser*.test.ts) drive Debian's Chromium through
# playwright-core, which downloads no browser of its own, and take screenshots
# that must be readable: a Chinese font is needed, or every label is a box.
# Install what is missing; do nothing when both are there. Runs before
# `npm test` (the pretest script), so .ci/run on a fresh machine gets them too.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
if ! command -v fc-list >/dev/null || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  need+=(fonts-noto-cjk)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: missing ${need[*]}; install with: sudo apt-get install -y ${need[*]}" >&2
  # Without Chromium the browser tests cannot run; without the font they run with unreadable screenshots.
  [ -x /usr/bin/chromium ] || exit 1
  exit 0
fi
echo "ensure-chromium: installing ${need[*]} for the browser tests" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
test -x /usr/bin/chromium
