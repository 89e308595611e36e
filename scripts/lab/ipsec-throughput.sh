#!/usr/bin/env bash
# Tunnel TCP throughput side by side: ROUNDS rounds of strongSwan<->strongSwan (kernel-libipsec) and
# Swift<->Swift (and, with --all, Swift->strongSwan and strongSwan->Swift), each an iperf3 run of 5 s from lanA
# to lanB through scripts/lab/ipsec-interop.sh, in one run so the machine's load is shared alike. Prints one
# line per run and, per round, Swift<->Swift as a multiple of strongSwan<->strongSwan.
#
# Usage: scripts/lab/ipsec-throughput.sh [--rounds N] [--all] [--meridian PATH]   (needs root)
set -uo pipefail
ROUNDS=3 ALL=0 MERIDIAN=$(cd "$(dirname "$0")/../.." && pwd)/.build/release/meridian
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) ROUNDS=$2; shift ;; --all) ALL=1 ;; --meridian) MERIDIAN=$2; shift ;;
        *) echo "unknown option '$1'"; exit 2 ;;
    esac
    shift
done
[ -x "$MERIDIAN" ] || { echo "no meridian binary at '$MERIDIAN' (build: swift build -c release --product meridian)"; exit 2; }
lab=$(dirname "$0")/ipsec-interop.sh
pairs=("strongswan strongswan" "swift swift")
[ "$ALL" = 1 ] && pairs+=("swift strongswan" "strongswan swift")
mbits() {   # a b -> Mbit/s of the TCP line, or 0
    "$lab" --a "$1" --b "$2" --iperf --meridian "$MERIDIAN" 2>&1 | sed -n 's/.*PASS TCP lanA -> lanB: \([0-9.]*\) Mbits.*/\1/p' | head -n1
}
for r in $(seq "$ROUNDS"); do
    declare -A got=()
    for pair in "${pairs[@]}"; do
        set -- $pair
        v=$(mbits "$1" "$2"); got[$1-$2]=${v:-0}
        echo "round $r  $1 -> $2: ${v:-FAILED} Mbit/s"
    done
    awk -v s="${got[swift-swift]}" -v k="${got[strongswan-strongswan]}" -v r="$r" \
        'BEGIN { if (k > 0) printf "round %d  Swift<->Swift / strongSwan<->strongSwan = %.2fx\n", r, s / k }'
    unset got
done
