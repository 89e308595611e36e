// Batched datagram and TUN I/O for the data plane: recvmmsg/sendmmsg (through syscall(2), since the C
// library declares them only under _GNU_SOURCE, which Swift's Glibc module is built without) and a
// non-blocking TUN read loop. Each call moves up to DP_BATCH_MAX packets between the kernel and one block
// of caller-owned buffers (`stride` bytes apart), so a busy tunnel makes one system call per batch instead
// of one per packet. Return value: the number of packets, or -1 with errno set.
#ifndef MERIDIAN_CDATAPLANE_SHIM_H
#define MERIDIAN_CDATAPLANE_SHIM_H
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#define DP_BATCH_MAX 64

/// The kernel's struct mmsghdr (include/linux/socket.h).
struct dp_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

/// Blocks until at least one datagram is queued on `fd`, then receives up to `n` (MSG_WAITFORONE): datagram i
/// goes to base + i * stride (at most `capacity` bytes; longer ones are dropped, not truncated), its length to
/// lengths[i], its sender to addresses[i] / ports[i] (host byte order).
static inline int dp_recv_batch(int fd, uint8_t *base, size_t stride, size_t capacity, int n, int32_t *lengths,
                                uint32_t *addresses, uint16_t *ports) {
    struct dp_mmsghdr msgs[DP_BATCH_MAX];
    struct iovec iov[DP_BATCH_MAX];
    struct sockaddr_in from[DP_BATCH_MAX];
    if (n > DP_BATCH_MAX) n = DP_BATCH_MAX;
    if (n < 1) return 0;
    memset(msgs, 0, sizeof(msgs[0]) * (size_t)n);
    for (int i = 0; i < n; i++) {
        iov[i].iov_base = base + (size_t)i * stride;
        iov[i].iov_len = capacity;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &from[i];
        msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
    }
    int got;
    do {
        got = (int)syscall(SYS_recvmmsg, fd, msgs, (unsigned int)n, MSG_WAITFORONE, (void *)0);
    } while (got < 0 && errno == EINTR);
    if (got < 0) return -1;
    int kept = 0;
    for (int i = 0; i < got; i++) {
        if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) continue;
        if (kept != i) memmove(base + (size_t)kept * stride, base + (size_t)i * stride, msgs[i].msg_len);
        lengths[kept] = (int32_t)msgs[i].msg_len;
        addresses[kept] = ntohl(from[i].sin_addr.s_addr);
        ports[kept] = ntohs(from[i].sin_port);
        kept++;
    }
    return kept;
}

/// Sends datagram i (base + i * stride, lengths[i] bytes) for i < n to one destination (address and port in
/// host byte order) with as few sendmmsg calls as the kernel allows. Returns how many were handed over;
/// a full socket buffer (ENOBUFS, EAGAIN) drops the rest, as a router would.
static inline int dp_send_batch(int fd, const uint8_t *base, size_t stride, int n, const int32_t *lengths,
                                uint32_t address, uint16_t port) {
    struct dp_mmsghdr msgs[DP_BATCH_MAX];
    struct iovec iov[DP_BATCH_MAX];
    struct sockaddr_in to;
    if (n > DP_BATCH_MAX) n = DP_BATCH_MAX;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(address);
    memset(msgs, 0, sizeof(msgs[0]) * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n; i++) {
        iov[i].iov_base = (void *)(base + (size_t)i * stride);
        iov[i].iov_len = (size_t)lengths[i];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &to;
        msgs[i].msg_hdr.msg_namelen = sizeof to;
    }
    int done = 0;
    while (done < n) {
        int sent = (int)syscall(SYS_sendmmsg, fd, msgs + done, (unsigned int)(n - done), 0);
        if (sent < 0) {
            if (errno == EINTR) continue;
            if (errno == ENOBUFS || errno == EAGAIN) return done;
            return done > 0 ? done : -1;
        }
        done += sent;
    }
    return done;
}

/// Reads up to `n` packets from a non-blocking TUN descriptor: waits up to `timeout_ms` for the first (returns
/// 0 if none came), then takes whatever else is queued without waiting. Packet i goes to base + i * stride
/// (at most `capacity` bytes), its length to lengths[i].
static inline int dp_read_batch(int fd, uint8_t *base, size_t stride, size_t capacity, int n, int32_t *lengths,
                                int timeout_ms) {
    if (n > DP_BATCH_MAX) n = DP_BATCH_MAX;
    int got = 0;
    while (got < n) {
        ssize_t r = read(fd, base + (size_t)got * stride, capacity);
        if (r >= 0) {
            lengths[got++] = (int32_t)r;
            continue;
        }
        if (errno == EINTR) continue;
        if (errno != EAGAIN) return got > 0 ? got : -1;
        if (got > 0) return got;
        struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
        int ready = poll(&p, 1, timeout_ms);
        if (ready < 0 && errno != EINTR) return -1;
        if (ready == 0) return 0;
        if (p.revents & (POLLERR | POLLNVAL)) { errno = EBADF; return -1; }
    }
    return got;
}

// MARK: TUN with virtio-net headers (IFF_VNET_HDR) and TCP segmentation offload (TUNSETOFFLOAD TUN_F_TSO4)
//
// With TSO on, the kernel hands the TUN reader whole TCP super-packets (up to 64 KB, one read instead of ~45)
// behind a 10-byte struct virtio_net_hdr, and leaves the TCP checksum partial (VIRTIO_NET_HDR_F_NEEDS_CSUM);
// the reader cuts them into MSS-sized segments itself (what the NIC would have done) before sealing each.

#define DP_VNET_HDR_LEN 10
#define DP_VNET_F_NEEDS_CSUM 1
#define DP_VNET_GSO_NONE 0
#define DP_VNET_GSO_TCPV4 1

/// TUNSETOFFLOAD with TUN_F_CSUM | TUN_F_TSO4 (linux/if_tun.h): the kernel may hand over TCP/IPv4 super-packets
/// with partial checksums. 0 on success, -1 with errno.
static inline int dp_tun_offload_tso4(int fd) { return ioctl(fd, 0x400454d0, (unsigned long)(0x01 | 0x02)); }

/// One's complement sum (RFC 1071) of n bytes added to acc, 8 bytes at a time with end-around carry (2^64 = 1
/// modulo 0xFFFF). Native byte order throughout: the folded result, stored natively, lands in network order.
static inline uint64_t dp_csum_add(uint64_t acc, const uint8_t *p, size_t n) {
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        acc += v;
        if (acc < v) acc++;
        p += 8;
        n -= 8;
    }
    if (n >= 4) {
        uint32_t v;
        memcpy(&v, p, 4);
        acc += v;
        if (acc < v) acc++;
        p += 4;
        n -= 4;
    }
    if (n >= 2) {
        uint16_t v;
        memcpy(&v, p, 2);
        acc += v;
        if (acc < v) acc++;
        p += 2;
        n -= 2;
    }
    if (n == 1) {
        uint16_t v = 0;
        memcpy(&v, p, 1);
        acc += v;
        if (acc < v) acc++;
    }
    return acc;
}

static inline uint16_t dp_csum_fold(uint64_t acc) {
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffu) + (acc >> 16);
    acc = (acc & 0xffffu) + (acc >> 16);
    return (uint16_t)acc;
}

/// Completes a partial checksum as the kernel left it (VIRTIO_NET_HDR_F_NEEDS_CSUM): the field at
/// start + offset holds the pseudo-header sum; the one's complement of the sum from `start` to the end goes there.
static inline int dp_finish_checksum(uint8_t *pkt, int len, int start, int offset) {
    if (start < 0 || offset < 0 || start + offset + 2 > len) return 0;
    uint16_t c = (uint16_t)~dp_csum_fold(dp_csum_add(0, pkt + start, (size_t)(len - start)));
    memcpy(pkt + start + offset, &c, 2);
    return 1;
}

/// Writes segment `index` of a TCP/IPv4 super-packet (`pkt`, `len` bytes, without the virtio header) cut at
/// `mss` payload bytes to `out`: IP total length, ID (+index) and header checksum, TCP sequence number, flags
/// (FIN and PSH only on the last segment, CWR only on the first) and a full TCP checksum. Returns the segment's
/// length, 0 past the last segment, -1 if the packet is not TCP/IPv4 with sane header lengths.
static inline int dp_tso_segment(const uint8_t *pkt, int len, int mss, int index, uint8_t *out) {
    if (len < 40 || mss <= 0 || (pkt[0] >> 4) != 4 || pkt[9] != 6) return -1;
    int ihl = (pkt[0] & 0x0f) * 4;
    if (ihl < 20 || ihl + 20 > len) return -1;
    const uint8_t *tcp = pkt + ihl;
    int thl = (tcp[12] >> 4) * 4;
    if (thl < 20 || ihl + thl > len) return -1;
    int hdr = ihl + thl;
    int payload = len - hdr;
    long start = (long)index * mss;
    if (index < 0 || (start >= payload && !(payload == 0 && index == 0))) return 0;
    int seg = payload - (int)start < mss ? payload - (int)start : mss;
    int last = start + seg >= payload;
    memcpy(out, pkt, (size_t)hdr);
    memcpy(out + hdr, pkt + hdr + start, (size_t)seg);
    int total = hdr + seg;
    // IPv4: total length, identification, header checksum.
    out[2] = (uint8_t)(total >> 8);
    out[3] = (uint8_t)total;
    uint16_t id = (uint16_t)((pkt[4] << 8 | pkt[5]) + index);
    out[4] = (uint8_t)(id >> 8);
    out[5] = (uint8_t)id;
    out[10] = out[11] = 0;
    uint16_t ipsum = (uint16_t)~dp_csum_fold(dp_csum_add(0, out, (size_t)ihl));
    memcpy(out + 10, &ipsum, 2);
    // TCP: sequence number, flags, checksum over the pseudo-header and the segment.
    uint8_t *t = out + ihl;
    uint32_t seq = ((uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 | (uint32_t)tcp[6] << 8 | tcp[7]) + (uint32_t)start;
    t[4] = (uint8_t)(seq >> 24);
    t[5] = (uint8_t)(seq >> 16);
    t[6] = (uint8_t)(seq >> 8);
    t[7] = (uint8_t)seq;
    if (!last) t[13] &= (uint8_t)~0x09;  // FIN, PSH
    if (index > 0) t[13] &= (uint8_t)~0x80;  // CWR
    t[16] = t[17] = 0;
    uint8_t pseudo[12];
    memcpy(pseudo, out + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = 6;
    pseudo[10] = (uint8_t)((thl + seg) >> 8);
    pseudo[11] = (uint8_t)(thl + seg);
    uint64_t acc = dp_csum_add(0, pseudo, 12);
    acc = dp_csum_add(acc, t, (size_t)(thl + seg));
    uint16_t tsum = (uint16_t)~dp_csum_fold(acc);
    memcpy(t + 16, &tsum, 2);
    return total;
}

/// Writes one packet to a TUN device opened with IFF_VNET_HDR, behind an all-zero virtio header (no GSO,
/// checksum complete).
static inline int dp_write_vnet(int fd, const uint8_t *pkt, size_t len) {
    static const uint8_t zero[DP_VNET_HDR_LEN] = {0};
    struct iovec iov[2] = {{(void *)zero, DP_VNET_HDR_LEN}, {(void *)pkt, len}};
    ssize_t n;
    do {
        n = writev(fd, iov, 2);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -1 : 0;
}

/// Whether a packet may start or join a coalesced TCP super-packet: IPv4 without options or fragmentation,
/// TCP with payload and only ACK (and PSH) set.
static inline int dp_gro_eligible(const uint8_t *p, int len) {
    if (len < 40 || p[0] != 0x45 || p[9] != 6) return 0;
    if ((p[6] & 0x3f) != 0 || p[7] != 0) return 0;  // MF or a fragment offset
    if ((p[2] << 8 | p[3]) != len) return 0;
    int thl = (p[20 + 12] >> 4) * 4;
    if (thl < 20 || 20 + thl >= len) return 0;
    uint8_t flags = p[20 + 13];
    return flags == 0x10 || flags == 0x18;
}

/// Whether `q` continues the super-packet that starts with `first` and so far ends at sequence `next_seq`.
static inline int dp_gro_continues(const uint8_t *first, const uint8_t *q, int qlen, uint32_t next_seq, int mss) {
    if (!dp_gro_eligible(q, qlen)) return 0;
    int thl = (first[20 + 12] >> 4) * 4;
    if ((q[20 + 12] >> 4) * 4 != thl) return 0;
    if (qlen - 20 - thl > mss) return 0;
    // IP: version/IHL/TOS, flags, TTL/protocol, addresses; TCP: ports, ack, offset, window, urgent, options.
    if (memcmp(first, q, 2) != 0 || memcmp(first + 6, q + 6, 4) != 0 || memcmp(first + 12, q + 12, 8) != 0) return 0;
    const uint8_t *a = first + 20, *b = q + 20;
    if (memcmp(a, b, 4) != 0 || memcmp(a + 8, b + 8, 5) != 0 || memcmp(a + 14, b + 14, 2) != 0) return 0;
    if (memcmp(a + 18, b + 18, (size_t)(thl - 18)) != 0) return 0;
    uint32_t seq = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
    return seq == next_seq;
}

/// Writes packets i < n of a batch (base + i * stride, lengths[i] bytes) to a TUN device opened with
/// IFF_VNET_HDR, coalescing runs of consecutive segments of one TCP flow into super-packets (GRO, as
/// wireguard-go's tcpGRO does): one write and one trip through the stack per run instead of per segment.
/// A super-packet carries VIRTIO_NET_HDR_GSO_TCPV4 with gso_size = the first segment's payload, and a
/// partial TCP checksum (the pseudo-header sum, NEEDS_CSUM) the kernel completes if it ever has to.
/// `scratch` holds DP_VNET_HDR_LEN + 65535 bytes. Returns the number of writes, or -1 with errno.
static inline int dp_write_batch_gro(int fd, const uint8_t *base, size_t stride, int n, const int32_t *lengths,
                                     uint8_t *scratch) {
    int writes = 0;
    int i = 0;
    while (i < n) {
        const uint8_t *first = base + (size_t)i * stride;
        int flen = lengths[i];
        int j = i + 1;
        if (dp_gro_eligible(first, flen) && first[20 + 13] == 0x10) {
            int thl = (first[20 + 12] >> 4) * 4;
            int hdr = 20 + thl;
            int mss = flen - hdr;
            uint32_t next = ((uint32_t)first[24] << 24 | (uint32_t)first[25] << 16 | (uint32_t)first[26] << 8 | first[27])
                            + (uint32_t)mss;
            int total = flen;
            int last_len = mss;
            int psh = 0;
            while (j < n && !psh && last_len == mss) {
                const uint8_t *q = base + (size_t)j * stride;
                int qlen = lengths[j];
                if (!dp_gro_continues(first, q, qlen, next, mss) || total + qlen - hdr > 65535) break;
                last_len = qlen - hdr;
                next += (uint32_t)last_len;
                total += last_len;
                psh = q[20 + 13] & 0x08;
                j++;
            }
            if (j - i > 1) {
                uint8_t *v = scratch;
                uint8_t *p = scratch + DP_VNET_HDR_LEN;
                memcpy(p, first, (size_t)flen);
                int at = flen;
                for (int k = i + 1; k < j; k++) {
                    const uint8_t *q = base + (size_t)k * stride;
                    memcpy(p + at, q + hdr, (size_t)(lengths[k] - hdr));
                    at += lengths[k] - hdr;
                }
                p[2] = (uint8_t)(total >> 8);
                p[3] = (uint8_t)total;
                p[10] = p[11] = 0;
                uint16_t ipsum = (uint16_t)~dp_csum_fold(dp_csum_add(0, p, 20));
                memcpy(p + 10, &ipsum, 2);
                if (psh) p[20 + 13] |= 0x08;
                uint8_t pseudo[12];
                memcpy(pseudo, p + 12, 8);
                pseudo[8] = 0;
                pseudo[9] = 6;
                pseudo[10] = (uint8_t)((total - 20) >> 8);
                pseudo[11] = (uint8_t)(total - 20);
                uint16_t partial = dp_csum_fold(dp_csum_add(0, pseudo, 12));
                memcpy(p + 20 + 16, &partial, 2);
                // struct virtio_net_hdr, little-endian fields.
                v[0] = DP_VNET_F_NEEDS_CSUM;
                v[1] = DP_VNET_GSO_TCPV4;
                v[2] = (uint8_t)hdr;
                v[3] = (uint8_t)(hdr >> 8);
                v[4] = (uint8_t)mss;
                v[5] = (uint8_t)(mss >> 8);
                v[6] = 20;
                v[7] = 0;
                v[8] = 16;
                v[9] = 0;
                ssize_t w;
                do {
                    w = write(fd, scratch, (size_t)(DP_VNET_HDR_LEN + total));
                } while (w < 0 && errno == EINTR);
                if (w < 0) return -1;
                writes++;
                i = j;
                continue;
            }
        }
        if (dp_write_vnet(fd, first, (size_t)flen) < 0) return -1;
        writes++;
        i = j = i + 1;
    }
    return writes;
}

#endif
