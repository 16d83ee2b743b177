#!/usr/bin/env bash
# Installs the Debian packages gosparkling's notebooks and tests need, when
# they are missing. Usage: scripts/install-deps.sh build|notebook|test
set -euo pipefail

# The kernel links DuckDB's static C++ library through cgo: a C and a C++ compiler.
build_pkgs=(gcc g++)
notebook_pkgs=("${build_pkgs[@]}" jupyter-notebook jupyter-nbconvert python3-nbclient python3-jupyter-client python3-ipykernel)
test_pkgs=("${notebook_pkgs[@]}" python3-jupyter-kernel-test jupyter-console chromium
  python3-ipywidgets jupyter-nbextension-jupyter-js-widgets)

case "${1:-}" in
  build)
    # Compilers found on the PATH will do, whatever installed them (not Debian, say).
    if command -v gcc >/dev/null && command -v g++ >/dev/null; then exit 0; fi
    pkgs=("${build_pkgs[@]}") ;;
  notebook) pkgs=("${notebook_pkgs[@]}") ;;
  test) pkgs=("${test_pkgs[@]}") ;;
  *) echo "usage: $0 build|notebook|test" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
