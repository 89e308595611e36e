import CDataPlane
import Glibc
import Testing

/// The TUN reader's TCP segmentation offload (`dp_tso_segment`, `dp_finish_checksum`), checked against an
/// independent RFC 1071 checksum written here in the plainest way (16-bit big-endian words).
struct TCPSegmentationTests {
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var i = 0
        while i + 1 < bytes.count {
            sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
            i += 2
        }
        if i < bytes.count { sum += UInt32(bytes[i]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return UInt16(sum)
    }

    static func tcpChecksumHolds(_ p: [UInt8]) -> Bool {
        let ihl = Int(p[0] & 0x0F) * 4
        let tcp = Array(p[ihl...])
        let pseudo = Array(p[12..<20]) + [0, 6, UInt8(tcp.count >> 8), UInt8(tcp.count & 0xFF)]
        return checksum(pseudo + tcp) == 0xFFFF
    }

    /// A TCP/IPv4 super-packet: 20-byte IP header, 32-byte TCP header (with options), `payload` bytes.
    static func superPacket(payload: Int, sequence: UInt32, flags: UInt8) -> [UInt8] {
        var p = [UInt8](repeating: 0, count: 52 + payload)
        p[0] = 0x45
        p[2] = UInt8((52 + payload) >> 8 & 0xFF)
        p[3] = UInt8((52 + payload) & 0xFF)
        p[4] = 0xAB
        p[5] = 0xFE
        p[6] = 0x40
        p[8] = 64
        p[9] = 6
        p[12...15] = [10, 10, 10, 10]
        p[16...19] = [172, 16, 0, 10]
        p[20] = 0x9C
        p[21] = 0x40
        p[22] = 0x14
        p[23] = 0x51
        for i in 0..<4 { p[24 + i] = UInt8(truncatingIfNeeded: sequence >> (24 - 8 * UInt32(i))) }
        p[32] = 8 << 4
        p[33] = flags
        p[34] = 0xFF
        for i in 40..<52 { p[i] = UInt8(i) }
        for i in 0..<payload { p[52 + i] = UInt8(truncatingIfNeeded: i &* 13 &+ 5) }
        return p
    }

    @Test(arguments: [(3000, 1348), (1348, 1348), (1, 1348), (65_000, 1448), (2697, 1348)])
    func segmentsCarryThePayloadWithValidHeaders(payload: Int, mss: Int) throws {
        let sequence: UInt32 = 0xFFFF_F000  // wraps inside the packet
        let packet = Self.superPacket(payload: payload, sequence: sequence, flags: 0x80 | 0x18 | 0x01)  // CWR PSH ACK FIN
        var segments: [[UInt8]] = []
        var out = [UInt8](repeating: 0, count: 2048)
        for index in 0..<200 {
            let n = Int(dp_tso_segment(packet, Int32(packet.count), Int32(mss), Int32(index), &out))
            if n == 0 { break }
            try #require(n > 0)
            segments.append(Array(out[..<n]))
        }
        #expect(segments.count == (payload + mss - 1) / mss)
        var carried: [UInt8] = []
        for (i, s) in segments.enumerated() {
            #expect(Int(s[2]) << 8 | Int(s[3]) == s.count)
            #expect(Self.checksum(Array(s[..<20])) == 0xFFFF, "IP checksum of segment \(i)")
            #expect(Self.tcpChecksumHolds(s), "TCP checksum of segment \(i)")
            #expect(UInt16(s[4]) << 8 | UInt16(s[5]) == 0xABFE &+ UInt16(i))
            let seq = s[24..<28].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(seq == sequence &+ UInt32(carried.count))
            let last = i == segments.count - 1
            #expect((s[33] & 0x01 != 0) == last, "FIN only on the last segment")
            #expect((s[33] & 0x08 != 0) == last, "PSH only on the last segment")
            #expect((s[33] & 0x80 != 0) == (i == 0), "CWR only on the first segment")
            #expect(Array(s[40..<52]) == Array(packet[40..<52]), "TCP options copied")
            carried += s[52...]
        }
        #expect(carried == Array(packet[52...]))
    }

    @Test func refusesWhatIsNotTCPOverIPv4() {
        var out = [UInt8](repeating: 0, count: 2048)
        var udp = Self.superPacket(payload: 100, sequence: 1, flags: 0x10)
        udp[9] = 17
        #expect(dp_tso_segment(udp, Int32(udp.count), 1348, 0, &out) == -1)
        let short = Array(Self.superPacket(payload: 100, sequence: 1, flags: 0x10)[..<30])
        #expect(dp_tso_segment(short, Int32(short.count), 1348, 0, &out) == -1)
        var badHeader = Self.superPacket(payload: 0, sequence: 1, flags: 0x10)
        badHeader[32] = 15 << 4  // a 60-byte TCP header in a 52-byte packet
        #expect(dp_tso_segment(badHeader, Int32(badHeader.count), 1348, 0, &out) == -1)
    }

    /// VIRTIO_NET_HDR_F_NEEDS_CSUM: the kernel leaves the pseudo-header sum in the TCP checksum field.
    @Test(arguments: [0, 1, 99, 1348])
    func finishesAPartialChecksum(payload: Int) {
        var p = Self.superPacket(payload: payload, sequence: 42, flags: 0x10)
        let tcpLength = p.count - 20
        let pseudo = Self.checksum(Array(p[12..<20]) + [0, 6, UInt8(tcpLength >> 8), UInt8(tcpLength & 0xFF)])
        p[36] = UInt8(pseudo >> 8)
        p[37] = UInt8(pseudo & 0xFF)
        #expect(dp_finish_checksum(&p, Int32(p.count), 20, 16) == 1)
        #expect(Self.tcpChecksumHolds(p))
        #expect(dp_finish_checksum(&p, Int32(p.count), Int32(p.count - 1), 16) == 0)
    }

    /// Receive side: consecutive segments of one flow leave as one super-packet with a virtio header (GSO TCPv4,
    /// gso_size = the MSS, partial checksum); a packet of another kind is written on its own. A datagram socket
    /// pair stands in for the TUN descriptor (it keeps write boundaries, as a TUN does).
    @Test func coalescesSegmentsOfOneFlow() throws {
        let packet = Self.superPacket(payload: 5000, sequence: 0xFFFF_F000, flags: 0x18)
        let stride = 2048
        var batch = [UInt8](repeating: 0, count: stride * 8)
        var lengths = [Int32](repeating: 0, count: 8)
        var n = 0
        while true {
            let k = batch.withUnsafeMutableBufferPointer {
                dp_tso_segment(packet, Int32(packet.count), 1348, Int32(n), $0.baseAddress! + n * stride)
            }
            if k <= 0 { break }
            lengths[n] = k
            n += 1
        }
        #expect(n == 4)
        // A fifth, unrelated packet (UDP) is not merged.
        var udp = Self.superPacket(payload: 10, sequence: 0, flags: 0x10)
        udp[9] = 17
        for (i, b) in udp.enumerated() { batch[4 * stride + i] = b }
        lengths[4] = Int32(udp.count)
        n = 5
        var fds: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0, &fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        var scratch = [UInt8](repeating: 0, count: 10 + 65_536)
        let writes = dp_write_batch_gro(fds[1], batch, stride, Int32(n), lengths, &scratch)
        #expect(writes == 2)
        var got = [UInt8](repeating: 0, count: 70_000)
        let r = read(fds[0], &got, got.count)
        try #require(r == 10 + packet.count)
        #expect(Array(got[0..<10]) == [1, 1, 52, 0, 0x44, 0x05, 20, 0, 16, 0])  // NEEDS_CSUM, TCPV4, 52, 1348, 20, 16
        var merged = Array(got[10..<r])
        #expect(Array(merged[52...]) == Array(packet[52...]))
        #expect(Self.checksum(Array(merged[..<20])) == 0xFFFF)
        #expect(merged[33] == 0x18)
        #expect(dp_finish_checksum(&merged, Int32(merged.count), 20, 16) == 1)
        #expect(Self.tcpChecksumHolds(merged))
        let r2 = read(fds[0], &got, got.count)
        #expect(r2 == 10 + udp.count)
        #expect(Array(got[0..<10]) == [UInt8](repeating: 0, count: 10))
    }
}
