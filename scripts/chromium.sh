#!/usr/bin/env bash
# Headless Chromium from Debian, for the web app's browser tests and `detente report -o x.pdf`.
# (Playwright drives it with executable_path; `playwright install` is never run.)
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
    echo "chromium.sh: Chromium is missing and installing it needs root (apt-get install chromium)" >&2
    exit 1
fi
tries=0
until DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; do
    tries=$((tries + 1))
    if (( tries >= 10 )); then echo "chromium.sh: apt-get failed" >&2; exit 1; fi
    sleep 6   # another apt run holds the dpkg lock
done
