#!/usr/bin/env bash
# Makes Debian's headless-capable Chromium available at /usr/bin/chromium for the web dashboard's
# browser test (test/web/dashboard.browser.test.ts). Idempotent and quiet: does nothing when
# /usr/bin/chromium is already there; otherwise installs the `chromium` package from the
# configured Debian mirror (fonts come with it as dependencies).
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

echo "chromium.sh: installing chromium"
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
echo "chromium.sh: installed $(dpkg-query -W -f='${Package} ${Version}' chromium)"
