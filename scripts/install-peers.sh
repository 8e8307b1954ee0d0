#!/usr/bin/env bash
# Installs the real peers the test suite runs against (Debian packages), only when missing.
# Called by `pnpm test:all` and by .ci/run; safe to run again.
set -euo pipefail
need=()
# A C compiler builds @callhook/srtp-openssl (SRTP on Node's OpenSSL; without it SRTP runs in JavaScript).
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v kamailio >/dev/null 2>&1 || need+=(kamailio)
# kamailio's tls module (SIP over TLS tests); the package ships only the module file.
[[ -e /usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so ]] || need+=(kamailio-tls-modules)
command -v baresip >/dev/null 2>&1 || need+=(baresip)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# sox makes the tone WAVs the media tests play through baresip's aufile module.
command -v sox >/dev/null 2>&1 || need+=(sox)
# ffmpeg's G.722 encoder and decoder are the independent implementation the G.722 tests check ours against.
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
# The PostgreSQL journal's tests start their own throw-away cluster from the server's binaries.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
command -v mosquitto >/dev/null 2>&1 || [[ -x /usr/sbin/mosquitto ]] || need+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
if ((${#need[@]})); then
  echo "installing test peers: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
