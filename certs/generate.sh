#!/usr/bin/env bash
# Make a throwaway PKI for local TLS and mutual-TLS testing.
#   certs/generate.sh [OUT_DIR]     (default: certs/out next to this script)
# Writes ca.*, server.*, client.* and rogue-ca.* / rogue-client.* (a second CA the gateway must
# not trust, so refusal can be tested). Overwrites what is there; prints nothing unless it fails.
set -euo pipefail

out_dir="${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/out"}"
mkdir -p "$out_dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# openssl chats on stderr even when it succeeds; show that chatter only when a step fails.
run() {
  local log
  if ! log="$("$@" 2>&1)"; then
    printf 'generate.sh: %s failed:\n%s\n' "$*" "$log" >&2
    return 1
  fi
}

# A private config so the host's openssl.cnf cannot add or clash with extensions.
cat >"$work/ext.cnf" <<'EOF'
[ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

new_key() {
  (umask 077 && run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out_dir/$1.key")
}

# Serials must differ between runs, or clients that cached an old certificate would be confused.
serial() { echo "0x$(openssl rand -hex 16)"; }

# new_ca NAME CN
new_ca() {
  new_key "$1"
  run openssl req -new -key "$out_dir/$1.key" -subj "/CN=$2" -out "$work/$1.csr"
  run openssl x509 -req -in "$work/$1.csr" -signkey "$out_dir/$1.key" -days 3650 \
    -set_serial "$(serial)" -extfile "$work/ext.cnf" -extensions ca -out "$out_dir/$1.crt"
}

# new_leaf NAME CN PROFILE CA_NAME
new_leaf() {
  new_key "$1"
  run openssl req -new -key "$out_dir/$1.key" -subj "/CN=$2" -out "$work/$1.csr"
  run openssl x509 -req -in "$work/$1.csr" -CA "$out_dir/$4.crt" -CAkey "$out_dir/$4.key" \
    -days 825 -set_serial "$(serial)" -extfile "$work/ext.cnf" -extensions "$3" \
    -out "$out_dir/$1.crt"
}

new_ca ca "PatternGateway Test CA"
new_leaf server localhost server ca
new_leaf client pattern-client client ca
new_ca rogue-ca "PatternGateway Rogue CA"
new_leaf rogue-client pattern-client client rogue-ca
