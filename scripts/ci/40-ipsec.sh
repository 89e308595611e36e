# IPsec: ESP's libcrypto (OpenSSL) headers for the build; strongSwan (charon with kernel-libipsec, swanctl),
# iproute2, ping and iperf3 for the interop lab in network namespaces.
ipsec_packages() {
    echo libssl-dev pkg-config strongswan-charon strongswan-swanctl libcharon-extra-plugins \
        libstrongswan-standard-plugins libstrongswan-extra-plugins iproute2 iputils-ping iperf3
}

# Interop scenarios against strongSwan and Swift against Swift (scripts/lab/ipsec-interop.sh). Each run
# creates its own namespaces and removes them on exit. Needs root (namespaces, TUN).
ipsec_test() {
    if [ "$(id -u)" != 0 ] || [ ! -e /dev/net/tun ]; then
        echo "ipsec: SKIPPED the interop lab: needs root and /dev/net/tun"
        return 0
    fi
    swift build --product meridian
    local lab=scripts/lab/ipsec-interop.sh passed=0 failed=0 line
    local scenarios=(
        "--a swift --b strongswan"
        "--a strongswan --b swift"
        "--a swift --b swift"
        "--a swift --b strongswan --ike aes128-sha1-modp1024 --esp aes128-sha1"
        "--a strongswan --b swift --ike aes256gcm16-prfsha384-ecp384 --esp aes256gcm16"
        "--a swift --b strongswan --ike aes128gcm16-prfsha256-x25519 --esp aes128gcm16-x25519"
        "--a swift --b strongswan --ike aes256-sha512-ecp384 --esp aes256-sha512"
        "--a swift --b strongswan --psk-b wrong-key"
        "--a strongswan --b swift --psk-b wrong-key"
        "--a swift --b strongswan --b-remote-ts 10.99.0.0/24"
        "--a swift --b strongswan --lifetime 10"
        "--a swift --b strongswan --kill-b"
        "--a strongswan --b swift --restart A:KILL"
        "--a swift --b strongswan --restart B:TERM"
    )
    for line in "${scenarios[@]}"; do
        echo "==> ipsec interop: $line"
        # shellcheck disable=SC2086
        if "$lab" $line; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    done
    echo "ipsec interop: $passed passed, $failed failed"
    [ "$failed" = 0 ]
}
