#if canImport(Glibc)
import Glibc
import CDataPlane
import Synchronization
public import IKEv2
public import IPAddressing
import Foundation

private func errnoText() -> String { String(cString: strerror(errno)) }

/// A Linux TUN device (`/dev/net/tun`, `IFF_TUN | IFF_NO_PI`): one IPv4 packet per read or write.
///
/// The descriptor is non-blocking: ``readPackets(into:)`` waits in `poll` for the first packet and then
/// drains what is queued, so a busy tunnel reads a batch per wake-up.
///
/// With `offload`, the device is opened with `IFF_VNET_HDR` and TCP segmentation offload (`TUNSETOFFLOAD`
/// `TUN_F_CSUM | TUN_F_TSO4`, as wireguard-go's `tun_linux.go` does): the kernel hands over whole TCP
/// super-packets of up to 64 KB in one read, and ``readPackets(into:)`` cuts them into MSS-sized segments with
/// their checksums (the NIC's job), so the batch still holds ordinary IPv4 packets. Only one thread may read.
public final class LinuxTUN: PacketDevice, @unchecked Sendable {
    public let name: String
    /// Whether reads and writes carry a virtio-net header (TCP segmentation offload on).
    public let offload: Bool
    private let fd: Int32
    private let closed = Atomic<Bool>(false)
    /// The reading thread's super-packet being segmented (offload only).
    private let raw: UnsafeMutableRawBufferPointer?
    /// The writing thread's coalesced super-packet (offload only).
    private let coalesced: UnsafeMutableRawBufferPointer?
    private var rawLength = 0
    private var segmentSize = 0
    private var nextSegment = -1

    /// Creates (or attaches to) the TUN interface `name`; needs CAP_NET_ADMIN.
    public init(name: String, offload: Bool = false) throws(DataPlaneError) {
        guard !name.isEmpty, name.utf8.count < 16 else {
            throw .invalidConfiguration("TUN name", name, "must be 1 to 15 characters")
        }
        let fd = open("/dev/net/tun", O_RDWR)
        guard fd >= 0 else { throw .system("open /dev/net/tun", errnoText()) }
        // struct ifreq: char ifr_name[16]; short ifr_flags; (padded to 40 bytes)
        var ifr = [UInt8](repeating: 0, count: 40)
        for (i, b) in name.utf8.enumerated() { ifr[i] = b }
        let flags: UInt16 = 0x0001 | 0x1000 | (offload ? 0x4000 : 0)  // IFF_TUN | IFF_NO_PI | IFF_VNET_HDR
        ifr[16] = UInt8(flags & 0xFF)
        ifr[17] = UInt8(flags >> 8)
        let TUNSETIFF: UInt = 0x4004_54ca
        let rc = ifr.withUnsafeMutableBytes { ioctl(fd, TUNSETIFF, $0.baseAddress!) }
        guard rc == 0 else {
            let text = errnoText()
            Glibc.close(fd)
            throw .system("ioctl TUNSETIFF \(name)", text)
        }
        if offload {
            guard dp_tun_offload_tso4(fd) == 0 else {
                let text = errnoText()
                Glibc.close(fd)
                throw .system("ioctl TUNSETOFFLOAD \(name)", text)
            }
            raw = .allocate(byteCount: 65_536 + 16, alignment: 16)
            coalesced = .allocate(byteCount: 65_536 + 16, alignment: 16)
        } else {
            raw = nil
            coalesced = nil
        }
        let fl = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, fl | O_NONBLOCK)
        self.fd = fd
        self.name = name
        self.offload = offload
    }

    deinit {
        raw?.deallocate()
        coalesced?.deallocate()
    }

    /// Offload mode: fills `batch` with plain IPv4 packets, reading super-packets and segmenting them.
    private func readSegmenting(into batch: PacketBatch, raw: UnsafeMutableRawBufferPointer) throws(DataPlaneError) {
        let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var count = 0
        while count < batch.capacity {
            if nextSegment < 0 {
                var length: Int32 = 0
                let n = dp_read_batch(fd, base, raw.count, raw.count, 1, &length, count == 0 ? 250 : 0)
                if closed.load(ordering: .relaxed) { throw .closed }
                if n < 0 {
                    if count > 0 { break }
                    throw errno == EBADF ? .closed : .system("read tun", errnoText())
                }
                if n == 0 { break }
                let total = Int(length)
                guard total > Int(DP_VNET_HDR_LEN) else { continue }
                // struct virtio_net_hdr: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset (LE).
                let flags = base[0]
                let gso = base[1] & 0x7F  // without VIRTIO_NET_HDR_GSO_ECN
                let gsoSize = Int(base[4]) | Int(base[5]) << 8
                let csumStart = Int32(Int(base[6]) | Int(base[7]) << 8)
                let csumOffset = Int32(Int(base[8]) | Int(base[9]) << 8)
                let packet = base + Int(DP_VNET_HDR_LEN)
                let packetLength = total - Int(DP_VNET_HDR_LEN)
                if gso == UInt8(DP_VNET_GSO_NONE) {
                    if flags & UInt8(DP_VNET_F_NEEDS_CSUM) != 0 {
                        guard dp_finish_checksum(packet, Int32(packetLength), csumStart, csumOffset) == 1 else { continue }
                    }
                    guard packetLength <= batch.bufferSize else { continue }
                    batch.buffer(count).baseAddress!.copyMemory(from: packet, byteCount: packetLength)
                    batch.setLength(count, packetLength)
                    count += 1
                    continue
                }
                guard gso == UInt8(DP_VNET_GSO_TCPV4), gsoSize > 0 else { continue }  // only TSO4 was offered
                rawLength = packetLength
                segmentSize = gsoSize
                nextSegment = 0
            }
            let slot = batch.buffer(count)
            guard slot.count >= segmentSize + 120 else {
                nextSegment = -1
                continue
            }
            let n = dp_tso_segment(
                base + Int(DP_VNET_HDR_LEN), Int32(rawLength), Int32(segmentSize), Int32(nextSegment),
                slot.baseAddress!.assumingMemoryBound(to: UInt8.self))
            if n > 0 {
                batch.setLength(count, Int(n))
                count += 1
                nextSegment += 1
            } else {
                nextSegment = -1
            }
        }
        batch.count = count
    }

    public func readPacket(into buffer: UnsafeMutableRawBufferPointer) throws(DataPlaneError) -> Int {
        if offload {
            let one = PacketBatch(capacity: 1, bufferSize: max(buffer.count, 1))
            while true {
                try readPackets(into: one)
                if one.count == 1 {
                    buffer.baseAddress!.copyMemory(from: one.packet(0).baseAddress!, byteCount: one.length(0))
                    return one.length(0)
                }
            }
        }
        var length: Int32 = 0
        while true {
            let n = dp_read_batch(fd, buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), buffer.count, buffer.count, 1, &length, 250)
            if closed.load(ordering: .relaxed) { throw .closed }
            if n == 1 { return Int(length) }
            if n < 0 { throw errno == EBADF ? .closed : .system("read tun", errnoText()) }
        }
    }

    public func readPackets(into batch: PacketBatch) throws(DataPlaneError) {
        if let raw { return try readSegmenting(into: batch, raw: raw) }
        let n = dp_read_batch(
            fd, batch.storage.baseAddress!.assumingMemoryBound(to: UInt8.self), batch.bufferSize, batch.bufferSize,
            Int32(batch.capacity), batch.lengths, 250)
        if closed.load(ordering: .relaxed) { throw .closed }
        if n < 0 { throw errno == EBADF ? .closed : .system("read tun", errnoText()) }
        batch.count = Int(n)
    }

    public func writePacket(_ packet: UnsafeRawBufferPointer) throws(DataPlaneError) {
        if offload {
            guard let base = packet.baseAddress else { return }
            let rc = dp_write_vnet(fd, base.assumingMemoryBound(to: UInt8.self), packet.count)
            if rc < 0 { throw .system("write tun", errnoText()) }
            return
        }
        let n = write(fd, packet.baseAddress, packet.count)
        if n < 0 { throw .system("write tun", errnoText()) }
    }

    /// With offload, consecutive segments of one TCP flow go to the kernel as one super-packet (GRO).
    public func writePackets(_ batch: PacketBatch) throws(DataPlaneError) {
        guard batch.count > 0 else { return }
        guard let coalesced else {
            for i in 0..<batch.count { try writePacket(batch.packet(i)) }
            return
        }
        let rc = dp_write_batch_gro(
            fd, batch.storage.baseAddress!.assumingMemoryBound(to: UInt8.self), batch.bufferSize, Int32(batch.count),
            batch.lengths, coalesced.baseAddress!.assumingMemoryBound(to: UInt8.self))
        if rc < 0 { throw .system("write tun", errnoText()) }
    }

    public func close() {
        if closed.exchange(true, ordering: .relaxed) { return }
        Glibc.close(fd)
    }
}

/// UDP sockets bound to `address` on ports 500 and 4500.
public final class UDPSockets: DatagramTransport {
    private let fd500: Int32
    private let fd4500: Int32

    public init(address: IPv4Address) throws(DataPlaneError) {
        fd500 = try UDPSockets.bind(address, 500)
        do { fd4500 = try UDPSockets.bind(address, 4500) } catch {
            Glibc.close(fd500)
            throw error
        }
    }

    private static func bind(_ address: IPv4Address, _ port: UInt16) throws(DataPlaneError) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", errnoText()) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var size: Int32 = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = port.bigEndian
        sin.sin_addr.s_addr = address.rawValue.bigEndian
        let rc = withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let text = errnoText()
            Glibc.close(fd)
            throw .system("bind \(address):\(port)", text)
        }
        return fd
    }

    public func receive(
        on localPort: UInt16, into buffer: UnsafeMutableRawBufferPointer
    ) throws(DataPlaneError) -> (length: Int, from: Endpoint) {
        let fd = localPort == 500 ? fd500 : fd4500
        var sin = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        while true {
            let n = withUnsafeMutablePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, buffer.baseAddress, buffer.count, 0, $0, &len)
                }
            }
            if n >= 0 {
                return (n, Endpoint(IPv4Address(UInt32(bigEndian: sin.sin_addr.s_addr)), port: UInt16(bigEndian: sin.sin_port)))
            }
            if errno == EINTR { continue }
            throw errno == EBADF || errno == EINVAL ? .closed : .system("recvfrom", errnoText())
        }
    }

    public func receive(on localPort: UInt16, into batch: PacketBatch) throws(DataPlaneError) {
        let fd = localPort == 500 ? fd500 : fd4500
        while true {
            let n = dp_recv_batch(
                fd, batch.storage.baseAddress!.assumingMemoryBound(to: UInt8.self), batch.bufferSize, batch.bufferSize,
                Int32(batch.capacity), batch.lengths, batch.addresses, batch.ports)
            if n > 0 {
                batch.count = Int(n)
                return
            }
            // 0: every datagram of the batch was longer than a buffer (dropped); a shut-down socket also
            // returns 0 datagrams, so that counts as closed once it repeats with nothing received.
            if n == 0 {
                var probe = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&probe, 1, 0) > 0 && probe.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { throw .closed }
                continue
            }
            throw errno == EBADF || errno == EINVAL ? .closed : .system("recvmmsg", errnoText())
        }
    }

    public func send(_ batch: PacketBatch, from localPort: UInt16, to remote: Endpoint) throws(DataPlaneError) {
        guard batch.count > 0 else { return }
        let fd = localPort == 500 ? fd500 : fd4500
        let n = dp_send_batch(
            fd, batch.storage.baseAddress!.assumingMemoryBound(to: UInt8.self), batch.bufferSize, Int32(batch.count),
            batch.lengths, remote.address.rawValue, remote.port)
        if n < 0 { throw .system("sendmmsg \(remote)", errnoText()) }
    }

    public func send(
        _ payload: UnsafeRawBufferPointer, from localPort: UInt16, to remote: Endpoint
    ) throws(DataPlaneError) {
        let fd = localPort == 500 ? fd500 : fd4500
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_port = remote.port.bigEndian
        sin.sin_addr.s_addr = remote.address.rawValue.bigEndian
        let n = withUnsafePointer(to: &sin) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, payload.baseAddress, payload.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if n < 0 && errno != ENOBUFS && errno != EAGAIN { throw .system("sendto \(remote)", errnoText()) }
    }

    public func close() {
        shutdown(fd500, Int32(SHUT_RDWR))
        shutdown(fd4500, Int32(SHUT_RDWR))
        Glibc.close(fd500)
        Glibc.close(fd4500)
    }
}
#endif
