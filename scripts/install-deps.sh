#!/usr/bin/env bash
# Installs the Debian packages runexp builds against, when any is missing. Safe to run repeatedly.
set -euo pipefail
packages=(pkg-config python3 libyaml-dev libopenblas-dev libdnnl-dev libcairo2-dev zlib1g-dev libpng-dev libjpeg62-turbo-dev fonts-dejavu-core)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
