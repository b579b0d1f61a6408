#!/usr/bin/env bash
# Installs every build and test dependency of bounce-milter from Debian 12 packages.
# Idempotent: packages already present are skipped, so a second run costs one dpkg query.
set -euo pipefail

# `--run` (what `./dev run` asks for): only what building the programs needs, no test tools.
BUILD_PKGS=(
  build-essential cmake pkg-config
  libgmime-3.0-dev libmilter-dev libhiredis-dev libcurl4-openssl-dev libssl-dev
  nlohmann-json3-dev libtomlplusplus-dev libsqlite3-dev libcpp-httplib-dev libcli11-dev
)
TEST_BUILD_PKGS=(catch2)
TEST_PKGS=(
  postfix redis-server swaks miltertest sqlite3 python3 openssl curl procps
  # Sendmail e2e test: its packages conflict with postfix, so tests/e2e/sendmail_kit.py only downloads and
  # unpacks them (apt-get download, dpkg-deb); these are the libraries and tools they need at run time.
  # libnss-wrapper also gives the fresh-bounce test's Exim and OpenSMTPD kits (tests/fresh_bounces/) their users.
  m4 libnss-wrapper liblockfile1 libwrap0 libdb5.3 libldap-2.5-0 libsasl2-2 libnsl2
  # package test: systemd-analyze verify on the .deb's units (dpkg-dev comes with build-essential),
  # file(1) to confirm the packaged binaries are stripped
  systemd file
  # promtool (check and unit-test the alert rules in packaging/prometheus/)
  prometheus
)
EXTRA_PKGS=()
RUN_ONLY=no
for arg in "$@"; do
  case "$arg" in
    --run) RUN_ONLY=yes ;;
    --bench) EXTRA_PKGS+=(libsisimai-perl hyperfine valgrind wrk) ;;
    --fuzz) EXTRA_PKGS+=(clang-14 libfuzzer-14-dev libclang-rt-14-dev) ;;
    --package) EXTRA_PKGS+=(dpkg-dev systemd) ;;
  esac
done

if [ "$RUN_ONLY" = yes ]; then
  want=("${BUILD_PKGS[@]}")
else
  want=("${BUILD_PKGS[@]}" "${TEST_BUILD_PKGS[@]}" "${TEST_PKGS[@]}" "${EXTRA_PKGS[@]}")
fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
# Postfix asks debconf questions on install; "No configuration" leaves /etc/postfix alone,
# since the tests run a private instance with its own config directory.
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Only promtool is wanted from the prometheus package: a Prometheus server it enabled here (on a machine
# running systemd) would listen on :9090 and scrape for nothing, so the one this script installed is
# stopped and disabled. A Prometheus installed before is left alone.
if [[ " ${missing[*]} " == *" prometheus "* ]] && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now prometheus.service >/dev/null 2>&1 || true
fi
