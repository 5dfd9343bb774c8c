#!/usr/bin/env bash
# Verifies a BMNN envelope's author signature independently of the product, with python3
# (standard library only) and the openssl 3 CLI. See docs/protocol.md §Verifying by hand.
#   usage: docs/verify-envelope.sh ENVELOPE.json ROOT.crt.pem
set -euo pipefail
envelope=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Rebuild the JWS signing input: BASE64URL(header) "." BASE64URL(JCS(body)).
#    For this contract (ASCII keys, integers only) RFC 8785 equals sorted-key compact JSON.
python3 - "$envelope" "$work" <<'PY'
import base64, json, sys
env = json.load(open(sys.argv[1], encoding="utf-8"))
out = sys.argv[2]
pad = lambda s: s + "=" * (-len(s) % 4)
body = json.dumps(env["body"], ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
header_b64, empty, sig_b64 = env["signatures"][0].split(".")
assert empty == "", "the payload must be detached"
header = json.loads(base64.urlsafe_b64decode(pad(header_b64)))
assert header["alg"] == "EdDSA" and header["typ"] == "bmnn-submission", header
open(f"{out}/input", "wb").write(header_b64.encode() + b"." + base64.urlsafe_b64encode(body).rstrip(b"="))
open(f"{out}/sig", "wb").write(base64.urlsafe_b64decode(pad(sig_b64)))
for i, c in enumerate(header["x5c"]):
    open(f"{out}/cert{i}.der", "wb").write(base64.b64decode(c))
open(f"{out}/unit", "w").write(env["body"]["unit"])
PY

# 2. The chain: leaf (x5c[0]) through the intermediate (x5c[1]) to the national root.
openssl x509 -inform DER -in "$work/cert0.der" -out "$work/leaf.pem"
openssl x509 -inform DER -in "$work/cert1.der" -out "$work/inter.pem"
openssl verify -CAfile "$root" -untrusted "$work/inter.pem" "$work/leaf.pem" >/dev/null
echo "chain OK"

# 3. The leaf names the reporting unit in its SAN URI.
unit=$(cat "$work/unit")
openssl x509 -in "$work/leaf.pem" -noout -ext subjectAltName | grep -q "URI:urn:bmnn:unit:${unit}\$"
echo "unit OK: ${unit}"

# 4. The Ed25519 signature over the signing input.
openssl x509 -in "$work/leaf.pem" -noout -pubkey >"$work/pub.pem"
if openssl pkeyutl -verify -pubin -inkey "$work/pub.pem" -rawin -in "$work/input" -sigfile "$work/sig" >/dev/null; then
  echo "signature OK"
else
  echo "signature FAILED" >&2
  exit 1
fi
