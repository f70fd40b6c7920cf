#!/usr/bin/env bash
# Installs the Debian packages the tests need, only those missing (idempotent; fast when all are there).
#   docker.io       dockerd, containerd and runc for the tests' private engine
#   busybox-static  the static /bin/busybox the test image is built from (no registry is reachable)
#   chromium        the headless browser for the dashboard's browser tests
# Runs before `npm test` (the `pretest` script) and from .ci/run.
set -euo pipefail

say() { printf '[setup] %s\n' "$*"; }
packages=(docker.io busybox-static chromium)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ $status == 'install ok installed' ]] || missing+=("$package")
done
((${#missing[@]} == 0)) && exit 0

if [[ $(id -u) -ne 0 ]]; then
  say "missing system packages: ${missing[*]}. Install them as root (apt-get install ${missing[*]}) and run again." >&2
  exit 1
fi

say "installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Installing docker.io would start the system's dockerd where policy allows it; the tests must only
# ever talk to their private engine, so service starts are denied for this install.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq "${packages[@]}" </dev/null
