#!/usr/bin/env bash
# Installs Chromium from Debian's packages when it is missing (the end-to-end test drives it
# with playwright-core; no browser download). Needs root for apt-get.
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "ensure-chromium: $CHROMIUM is missing; install Debian's chromium package (as root: apt-get install -y chromium)" >&2
	exit 1
fi
echo "ensure-chromium: installing chromium from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
"$CHROMIUM" --version
