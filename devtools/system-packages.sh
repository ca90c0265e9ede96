#!/usr/bin/env bash
# Installs the Debian packages `make test` drives, when they are missing:
#   chromium    the browser tests (Playwright drives /usr/bin/chromium; it never downloads one)
#   postgresql  the server binaries of the throwaway PostgreSQL cluster (devtools/postgres.py)
#   systemd     systemd-analyze, which verifies the shipped unit deploy/holdless.service
# As root it runs apt-get; otherwise `sudo -n` (never a password prompt: it says what to run).
# SYSTEM_ROOT (default /) lets the tests point the checks at a stand-in file tree.
set -euo pipefail

root="${SYSTEM_ROOT:-/}"
root="${root%/}"

missing=()
[ -x "$root/usr/bin/chromium" ] || missing+=(chromium)
compgen -G "$root/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
[ -x "$root/usr/bin/systemd-analyze" ] || missing+=(systemd)

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

echo "system packages: installing ${missing[*]} (Debian's packages)"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "system packages: no apt-get here; install ${missing[*]} with your package manager" >&2
    exit 1
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if ! sudo -n true 2>/dev/null; then
        echo "system packages: not root and sudo asks for a password; run:" >&2
        echo "  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
    as_root=(sudo -n)
fi

# Through env: sudo resets the environment, and apt-get must not stop to ask anything.
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: installed ${missing[*]}"
