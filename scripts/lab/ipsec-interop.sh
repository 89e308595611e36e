#!/usr/bin/env bash
# IPsec interop lab: two gateways (A, B) in network namespaces, each with a LAN host behind it, joined by a
# bridge "internet" (198.51.100.0/24). Each gateway runs either Meridian (`meridian tunnel`) or strongSwan
# (charon with kernel-libipsec: userspace ESP in UDP/4500). Never linked to the host's namespace; everything
# it creates is removed on exit, processes are stopped by PID.
#
# Usage: scripts/lab/ipsec-interop.sh --a swift|strongswan --b swift|strongswan [--ike P] [--esp P]
#        [--psk-b KEY] (B gets another key: expect AUTHENTICATION_FAILED) [--b-remote-ts CIDR] (expect
#        TS_UNACCEPTABLE) [--lifetime S] (short lifetimes; pings across rekeys) [--kill-b] (dead peer)
#        [--restart A:KILL|B:TERM ...] (stop that gateway with the signal, start it again: the tunnel must
#        come back) [--iperf] [--meridian PATH]
# A always initiates. Prints "PASS"/"FAIL" lines and exits non-zero on any failure. MERIDIAN_TUNNEL_ARGS adds
# options to every `meridian tunnel` (e.g. --no-offload).
set -uo pipefail

A=swift B=strongswan IKE=default ESP=default PSK=lab-psk-1234 PSK_B="" B_REMOTE_TS="" LIFETIME="" KILL_B=0 IPERF=0 RESTART=""
MERIDIAN=${MERIDIAN:-$(cd "$(dirname "$0")/../.." && pwd)/.build/debug/meridian}
while [ $# -gt 0 ]; do
    case $1 in
        --a) A=$2; shift ;; --b) B=$2; shift ;; --ike) IKE=$2; shift ;; --esp) ESP=$2; shift ;;
        --psk-b) PSK_B=$2; shift ;; --b-remote-ts) B_REMOTE_TS=$2; shift ;; --lifetime) LIFETIME=$2; shift ;;
        --kill-b) KILL_B=1 ;; --iperf) IPERF=1 ;; --meridian) MERIDIAN=$2; shift ;;
        --restart) RESTART=$2; shift
            case $RESTART in [AB]:KILL|[AB]:TERM) ;; *) echo "--restart '$RESTART': expected A:KILL, A:TERM, B:KILL or B:TERM"; exit 2 ;; esac ;;
        *) echo "unknown option '$1'"; exit 2 ;;
    esac
    shift
done
PSK_B=${PSK_B:-$PSK}
NSP="mer$$-"
WORK=$(mktemp -d /tmp/merlab.XXXXXX)
PIDS=()
FAILS=0
declare -A WAN=([A]=198.51.100.1 [B]=198.51.100.2) NET=([A]=10.10.10.0/24 [B]=172.16.0.0/16)
declare -A GW=([A]=10.10.10.1/24 [B]=172.16.0.1/16) HOST=([A]=10.10.10.10/24 [B]=172.16.0.10/16)

say() { echo "[$(date +%H:%M:%S)] $*"; }
pass() { say "PASS $*"; }
fail() { say "FAIL $*"; FAILS=$((FAILS + 1)); }
nsx() { local n=$1; shift; ip netns exec "$NSP$n" "$@"; }

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    for n in lanA lanB siteA siteB inet; do ip netns del "$NSP$n" 2>/dev/null; done
    if [ "$FAILS" -gt 0 ]; then
        for s in A B; do
            echo "--- site$s log (tail)"
            tail -n 25 "$WORK/site$s.log" 2>/dev/null
            tr -d '\000' < "$WORK/site$s/run/charon.log" 2>/dev/null | tail -n 25
        done
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- topology
ip netns add "${NSP}inet"
nsx inet ip link add br0 type bridge
nsx inet ip link set br0 up
for s in A B; do
    ip netns add "${NSP}site$s"; ip netns add "${NSP}lan$s"
    nsx "site$s" ip link set lo up; nsx "lan$s" ip link set lo up
    ip link add wan0 netns "${NSP}site$s" type veth peer name "site$s" netns "${NSP}inet"
    nsx inet ip link set "site$s" master br0 up
    nsx "site$s" ip addr add "${WAN[$s]}/24" dev wan0; nsx "site$s" ip link set wan0 up
    ip link add lan0 netns "${NSP}site$s" type veth peer name eth0 netns "${NSP}lan$s"
    nsx "site$s" ip addr add "${GW[$s]}" dev lan0; nsx "site$s" ip link set lan0 up
    nsx "lan$s" ip addr add "${HOST[$s]}" dev eth0; nsx "lan$s" ip link set eth0 up
    nsx "lan$s" ip route add default via "${GW[$s]%/*}"
    nsx "site$s" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
done
if nsx lanA ping -c1 -W1 -q 172.16.0.10 >/dev/null 2>&1; then fail "LANs reachable without a tunnel"; fi

peer_of() { [ "$1" = A ] && echo B || echo A; }

start_swift() {   # site
    local s=$1 p; p=$(peer_of "$s")
    local psk=$PSK rts=${NET[$p]} args=()
    [ "$s" = B ] && psk=$PSK_B
    [ "$s" = B ] && [ -n "$B_REMOTE_TS" ] && rts=$B_REMOTE_TS
    [ "$IKE" = default ] || args+=(--ike "$IKE")
    [ "$ESP" = default ] || args+=(--esp "$ESP")
    [ -n "$LIFETIME" ] && args+=(--lifetime "$LIFETIME" --dpd 2)
    [ "$s" = A ] && args+=(--initiate)
    # shellcheck disable=SC2206
    args+=(${MERIDIAN_TUNNEL_ARGS:-})
    ip netns exec "${NSP}site$s" "$MERIDIAN" tunnel --local "${WAN[$s]}" --remote "${WAN[$p]}" --psk "$psk" \
        --local-ts "${NET[$s]}" --remote-ts "$rts" --tun mer0 "${args[@]}" > "$WORK/site$s.log" 2>&1 &
    PIDS+=($!)
    eval "PID_$s=$!"
}

sw() { local s=$1; shift
    ip netns exec "${NSP}site$s" sh -c 'mount --bind "$1/run" /run && mount --bind "$1/swanctl" /etc/swanctl && shift && exec swanctl "$@"' _ "$WORK/site$s" "$@"; }

start_strongswan() {   # site
    local s=$1 p d; p=$(peer_of "$s"); d=$WORK/site$s
    local psk=$PSK rts=${NET[$p]} ike="" esp="" life=""
    [ "$s" = B ] && psk=$PSK_B
    [ "$s" = B ] && [ -n "$B_REMOTE_TS" ] && rts=$B_REMOTE_TS
    [ "$IKE" = default ] || ike="proposals = $IKE"
    [ "$ESP" = default ] || esp="esp_proposals = $ESP"
    [ -n "$LIFETIME" ] && life="rekey_time = ${LIFETIME}s"
    mkdir -p "$d/run" "$d/swanctl"
    (cd "$d/swanctl" && mkdir -p x509 x509ca x509ocsp x509aa x509ac x509crl pubkey private rsa ecdsa bliss pkcs8 pkcs12)
    cat > "$d/run/charon.conf" <<CONF
charon {
    load = random nonce openssl pem pkcs1 x509 pubkey curve25519 gmp hmac sha1 sha2 aes gcm chapoly kdf kernel-libipsec! kernel-netlink socket-default! vici!
    install_routes = yes
    filelog {
        charon {
            path = /run/charon.log
            time_format = %H:%M:%S
            default = 1
            flush_line = yes
        }
    }
    syslog {
        daemon {
            default = -1
        }
    }
}
CONF
    cat > "$d/swanctl/swanctl.conf" <<CONF
connections {
    lab {
        version = 2
        local_addrs = ${WAN[$s]}
        remote_addrs = ${WAN[$p]}
        encap = yes
        dpd_delay = 2s
        $ike
        ${LIFETIME:+rekey_time = $((LIFETIME * 2))s}
        local {
            auth = psk
            id = ${WAN[$s]}
        }
        remote {
            auth = psk
            id = ${WAN[$p]}
        }
        children {
            lan {
                mode = tunnel
                local_ts = ${NET[$s]}
                remote_ts = $rts
                $esp
                $life
                dpd_action = clear
            }
        }
    }
}
secrets {
    ike-lab {
        id-1 = ${WAN[$s]}
        id-2 = ${WAN[$p]}
        secret = "$psk"
    }
}
CONF
    chmod 600 "$d/swanctl/swanctl.conf"
    ip netns exec "${NSP}site$s" sh -c 'mount --bind "$1" /run && STRONGSWAN_CONF=/run/charon.conf exec /usr/lib/ipsec/charon' \
        _ "$d/run" > "$d/stdout" 2>&1 &
    PIDS+=($!)
    eval "PID_$s=$!"
    for _ in $(seq 100); do sw "$s" --stats >/dev/null 2>&1 && break; sleep 0.1; done
    sw "$s" --load-all --noprompt >/dev/null 2>&1 || fail "site$s: swanctl --load-all"
    ln -sf "$d/run/charon.log" "$WORK/site$s.log"
}

log_has() { tr -d '\000' < "$WORK/site$1.log" 2>/dev/null | grep -q -- "$2"; }
wait_log() {   # site pattern seconds
    for _ in $(seq $(( $3 * 10 ))); do log_has "$1" "$2" && return 0; sleep 0.1; done
    return 1
}

say "lab: A=$A B=$B ike=$IKE esp=$ESP${PSK_B:+}"
if [ "$B" = swift ]; then start_swift B; else start_strongswan B; fi
if [ "$A" = swift ]; then start_swift A; else start_strongswan A; fi
if [ "$A" = strongswan ]; then sw A --initiate --ike lab --child lan --timeout 15 > "$WORK/initiate.out" 2>&1; fi

established() {   # site
    if [ "${!1}" = swift ]; then log_has "$1" "-> established"; else sw "$1" --list-sas 2>/dev/null | grep -q INSTALLED; fi
}

if [ "$PSK_B" != "$PSK" ]; then
    wait_log A "AUTHENTICATION_FAILED" 10 && pass "A reports AUTHENTICATION_FAILED" || fail "A did not report AUTHENTICATION_FAILED"
    wait_log B "AUTHENTICATION_FAILED\|AUTH_FAILED\|MAC mismatched" 5 && pass "B reports AUTHENTICATION_FAILED" \
        || fail "B did not report AUTHENTICATION_FAILED"
    nsx lanA ping -c1 -W1 -q 172.16.0.10 >/dev/null 2>&1 && fail "ping went through with a wrong key"
    exit $((FAILS > 0))
fi
if [ -n "$B_REMOTE_TS" ]; then
    wait_log A "TS_UNACCEPTABLE" 10 && pass "A reports TS_UNACCEPTABLE" || fail "A did not report TS_UNACCEPTABLE"
    exit $((FAILS > 0))
fi

ok=0
for _ in $(seq 100); do if established A && established B; then ok=1; break; fi; sleep 0.1; done
[ $ok = 1 ] && pass "IKE_SA and CHILD_SA established on both sides" || fail "not established"

ping_check() {   # label count
    local out rx
    out=$(nsx lanA ping -c "$2" -i 0.2 -W 2 172.16.0.10 2>&1); rx=$(echo "$out" | sed -n 's/.* \([0-9]*\) received.*/\1/p')
    if [ "${rx:-0}" -ge "$3" ]; then pass "$1: $rx/$2 replies lanA -> lanB"; else fail "$1: ${rx:-0}/$2 replies"; fi
}
ping_check "ping" 5 5
out=$(nsx lanB ping -c 3 -i 0.2 -W 2 10.10.10.10 2>&1 | sed -n 's/.* \([0-9]*\) received.*/\1/p')
[ "${out:-0}" -ge 3 ] && pass "ping lanB -> lanA: $out/3" || fail "ping lanB -> lanA: ${out:-0}/3"

# TCP transfer (iperf3 for 3 s, or 8 MB through a socket pipe)
nsx lanB iperf3 -s -1 -p 5201 > /dev/null 2>&1 &
SPID=$!; PIDS+=($SPID)
for _ in $(seq 50); do nsx lanB ss -ltn 2>/dev/null | grep -q ':5201 ' && break; sleep 0.1; done
line=$(nsx lanA iperf3 -c 172.16.0.10 -p 5201 -t "$([ $IPERF = 1 ] && echo 5 || echo 2)" -f m 2>&1 | grep -E 'receiver$' | tail -n1)
if [ -n "$line" ]; then pass "TCP lanA -> lanB: $(echo "$line" | awk '{for (i=1;i<=NF;i++) if ($i=="Mbits/sec") print $(i-1), $i}')"
else fail "TCP transfer through the tunnel"; fi

if [ -n "$RESTART" ]; then
    s=${RESTART%%:*} sig=${RESTART##*:}; p=$(peer_of "$s"); pv=PID_$s; old=${!pv}
    lines=$(tr -d '\000' < "$WORK/site$p.log" | wc -l)
    kill -"$sig" "$old"
    for _ in $(seq 50); do kill -0 "$old" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$old" 2>/dev/null && { kill -9 "$old"; fail "site$s did not stop on SIG$sig"; }
    wait "$old" 2>/dev/null
    for i in "${!PIDS[@]}"; do [ "${PIDS[$i]}" = "$old" ] && unset "PIDS[$i]"; done
    say "stopped site$s (${!s}) with SIG$sig; starting it again"
    if [ "${!s}" = swift ]; then start_swift "$s"
    else rm -f "$WORK/site$s/run/charon.pid" "$WORK/site$s/run/charon.vici"; start_strongswan "$s"; fi
    if [ "$s" = A ] && [ "$A" = strongswan ]; then sw A --initiate --ike lab --child lan --timeout 15 > "$WORK/initiate.out" 2>&1; fi
    ok=0
    for _ in $(seq 450); do
        if [ "${!p}" = swift ]; then tr -d '\000' < "$WORK/site$p.log" | tail -n +"$((lines + 1))" | grep -q -- "-> established" || { sleep 0.1; continue; }
        else sw "$p" --list-sas 2>/dev/null | grep -q INSTALLED || { sleep 0.1; continue; }; fi
        established "$s" && { ok=1; break; }
        sleep 0.1
    done
    [ $ok = 1 ] && pass "tunnel re-established after site$s restarted" || fail "tunnel not re-established after site$s restarted"
    [ "${!p}" = swift ] && say "site$p: $(tr -d '\000' < "$WORK/site$p.log" | tail -n +"$((lines + 1))" | grep -m1 -o 'new IKE_SA_INIT[^:]*\|starting a new one[^:]*' | head -n1)"
    ping_check "ping after site$s restarted" 5 4
fi

if [ -n "$LIFETIME" ]; then
    say "pinging for $((LIFETIME * 2 + 6)) s across Child and IKE SA rekeys"
    n=$(( (LIFETIME * 2 + 6) * 5 ))
    out=$(nsx lanA ping -c "$n" -i 0.2 -W 1 172.16.0.10 2>&1 | sed -n 's/.* \([0-9]*\) received.*/\1/p')
    [ "${out:-0}" -ge $((n - 2)) ] && pass "ping across rekeys: $out/$n" || fail "ping across rekeys: ${out:-0}/$n"
    for s in A B; do
        if [ "${!s}" = swift ]; then
            c=$(grep -c "CHILD_SA installed" "$WORK/site$s.log"); [ "$c" -ge 2 ] && pass "site$s ($s=swift): $c CHILD_SA installs (rekeyed)" || fail "site$s: no Child SA rekey seen"
            grep -q "IKE SA rekeyed" "$WORK/site$s.log" && pass "site$s (swift): $(grep -m1 -o 'IKE SA rekeyed[^,]*' "$WORK/site$s.log")" || fail "site$s: no IKE SA rekey seen"
        else
            tr -d '\000' < "$WORK/site$s/run/charon.log" | grep -qi "rekey" && pass "site$s (strongSwan) logged rekeying" || fail "site$s: no rekey in charon log"
        fi
    done
fi

if [ "$KILL_B" = 1 ]; then
    kill -9 "$PID_B"; say "killed B (pid $PID_B) with SIGKILL"
    if [ "$A" = swift ]; then
        wait_log A "-> closed" 30 && pass "A detected the dead peer: $(grep -- '-> closed' "$WORK/siteA.log" | tail -n1 | cut -c1-120)" || fail "A did not detect the dead peer"
    else
        for _ in $(seq 300); do sw A --list-sas 2>/dev/null | grep -q ESTABLISHED || break; sleep 0.1; done
        sw A --list-sas 2>/dev/null | grep -q ESTABLISHED && fail "strongSwan A still has the SA" || pass "strongSwan A removed the SA of the dead peer"
    fi
fi

# strongSwan probes with DPD every 2 s of silence: a Swift peer must answer (no retransmissions).
if [ "$KILL_B" = 0 ]; then
    for s in A B; do
        p=$(peer_of "$s")
        if [ "${!s}" = strongswan ] && [ "${!p}" = swift ]; then
            sleep 3
            if tr -d '\000' < "$WORK/site$s/run/charon.log" | grep -q "retransmit"; then
                fail "strongSwan site$s retransmitted a request the Swift peer did not answer"
            else
                pass "strongSwan site$s: every request answered by the Swift peer (no retransmissions)"
            fi
        fi
    done
fi

# SIGTERM on a Swift endpoint deletes the SAs with the peer.
if [ "$A" = swift ] && [ "$KILL_B" = 0 ]; then
    kill -TERM "$PID_A"
    for _ in $(seq 50); do kill -0 "$PID_A" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$PID_A" 2>/dev/null && fail "A did not exit on SIGTERM" || pass "A exited on SIGTERM"
    if [ "$B" = swift ]; then wait_log B "-> closed" 5 && pass "B saw the delete" || fail "B did not see the delete"
    else for _ in $(seq 30); do sw B --list-sas 2>/dev/null | grep -q ESTABLISHED || break; sleep 0.1; done
        sw B --list-sas 2>/dev/null | grep -q ESTABLISHED && fail "strongSwan B kept the SA after A's delete" || pass "strongSwan B deleted the SA on A's request"
    fi
fi

[ "$FAILS" = 0 ] && say "RESULT PASS" || say "RESULT FAIL ($FAILS)"
exit $((FAILS > 0))
