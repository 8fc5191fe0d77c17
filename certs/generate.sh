#!/usr/bin/env bash
# Make a throwaway PKI for local TLS and mutual-TLS testing.
#   certs/generate.sh [OUT_DIR]     (default: certs/out next to this script)
# Writes ca.*, server.*, client.*, gateway-client.* (the gateway's identity towards https
# upstreams), expired-client.* (signed by the CA but long expired) and rogue-ca.* / rogue-client.*
# (a second CA the gateway must not trust), so refusals can be tested. Overwrites what is there;
# prints nothing unless it fails.
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

# new_expired_leaf NAME CN PROFILE CA_NAME: valid for one day in 2020. OpenSSL 3.0's `x509 -req`
# cannot backdate, `ca` can; its database lives in the scratch directory and is thrown away.
new_expired_leaf() {
  new_key "$1"
  run openssl req -new -key "$out_dir/$1.key" -subj "/CN=$2" -out "$work/$1.csr"
  mkdir -p "$work/db"
  : >"$work/db/index.txt"
  cat >"$work/ca.cnf" <<EOF
[ca]
default_ca = throwaway
[throwaway]
database = $work/db/index.txt
new_certs_dir = $work/db
rand_serial = yes
default_md = sha256
policy = anything
[anything]
commonName = supplied
EOF
  run openssl ca -batch -notext -config "$work/ca.cnf" -cert "$out_dir/$4.crt" -keyfile "$out_dir/$4.key" \
    -startdate 20200101000000Z -enddate 20200102000000Z -extfile "$work/ext.cnf" -extensions "$3" \
    -in "$work/$1.csr" -out "$out_dir/$1.crt"
}

new_ca ca "PatternGateway Test CA"
new_leaf server localhost server ca
new_leaf client pattern-client client ca
new_leaf gateway-client pattern-gateway client ca
new_expired_leaf expired-client pattern-client-expired client ca
new_ca rogue-ca "PatternGateway Rogue CA"
new_leaf rogue-client pattern-client client rogue-ca
