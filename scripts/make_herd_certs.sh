#!/usr/bin/env bash
# Makes the herd CA and one certificate per member for mutual TLS on links
# (protocol.md §10), with the openssl command line, into DIR (default certs/, which git
# ignores):
#   ca.pem         the herd CA certificate: give it to every member (peer_tls.ca_file)
#   ca.key         its key: keep it where certificates are made, not on the members
#   <member>.pem   the member's certificate, naming it as DNS:<member> (peer_tls.cert_file)
#   <member>.key   its key, mode 0600 (peer_tls.key_file)
# Files that exist are kept, so it is safe to run again: delete a member's two
# files (then SIGHUP the member) to renew its certificate, or the whole folder
# for a new CA. Members default to those of $HERD_CONFIG (config/herd.json).
#
# Usage: scripts/make_herd_certs.sh [DIR [MEMBER...]]
# HERD_CERT_DAYS sets how long new certificates are valid (default 825 days).
set -euo pipefail
source "$(dirname "$0")/common.sh"

dir=${1:-$HERD_CERT_DIR}
shift || true
if (($# > 0)); then
  members=("$@")
else
  mapfile -t members < <(herd_members | cut -d' ' -f1)
fi
days=${HERD_CERT_DAYS:-825}
command -v openssl >/dev/null || { echo "make_herd_certs: openssl not found" >&2; exit 1; }

umask 077  # keys are born 0600; certificates are made 0644 below
mkdir -p "$dir"

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
serial() { echo "0x$(openssl rand -hex 16)"; }

if [[ ! -f $dir/ca.pem || ! -f $dir/ca.key ]]; then
  new_key "$dir/ca.key"
  openssl req -x509 -new -key "$dir/ca.key" -sha256 -days "$days" -set_serial "$(serial)" \
    -subj "/CN=herd CA $(hostname) $(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$dir/ca.pem"
  chmod 644 "$dir/ca.pem"
  echo "make_herd_certs: new herd CA $dir/ca.pem (its key: $dir/ca.key)"
fi

for member in "${members[@]}"; do
  if [[ ! $member =~ ^[A-Za-z0-9][A-Za-z0-9-]*$ ]]; then
    echo "make_herd_certs: \"$member\" cannot be a DNS name in a certificate" >&2
    exit 1
  fi
  [[ -f $dir/$member.pem && -f $dir/$member.key ]] && continue
  new_key "$dir/$member.key"
  openssl req -new -key "$dir/$member.key" -subj "/CN=$member" |
    openssl x509 -req -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -sha256 -days "$days" \
      -set_serial "$(serial)" -out "$dir/$member.pem" 2>/dev/null \
      -extfile <(printf '%s\n' "subjectAltName=DNS:$member" "basicConstraints=CA:FALSE" \
        "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth,clientAuth")
  chmod 644 "$dir/$member.pem"
  echo "make_herd_certs: $dir/$member.pem, key $dir/$member.key (valid $days days)"
done
