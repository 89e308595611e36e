#if canImport(Glibc)
import Glibc
public import IKEv2
public import IPAddressing
import Foundation

private func errnoText() -> String { String(cString: strerror(errno)) }

/// A Linux TUN device (`/dev/net/tun`, `IFF_TUN | IFF_NO_PI`): one IPv4 packet per read or write.
public final class LinuxTUN: PacketDevice {
    public let name: String
    private let fd: Int32

    /// Creates (or attaches to) the TUN interface `name`; needs CAP_NET_ADMIN.
    public init(name: String) throws(DataPlaneError) {
        guard !name.isEmpty, name.utf8.count < 16 else {
            throw .invalidConfiguration("TUN name", name, "must be 1 to 15 characters")
        }
        let fd = open("/dev/net/tun", O_RDWR)
        guard fd >= 0 else { throw .system("open /dev/net/tun", errnoText()) }
        // struct ifreq: char ifr_name[16]; short ifr_flags; (padded to 40 bytes)
        var ifr = [UInt8](repeating: 0, count: 40)
        for (i, b) in name.utf8.enumerated() { ifr[i] = b }
        let flags: UInt16 = 0x0001 | 0x1000  // IFF_TUN | IFF_NO_PI
        ifr[16] = UInt8(flags & 0xFF)
        ifr[17] = UInt8(flags >> 8)
        let TUNSETIFF: UInt = 0x4004_54ca
        let rc = ifr.withUnsafeMutableBytes { ioctl(fd, TUNSETIFF, $0.baseAddress!) }
        guard rc == 0 else {
            let text = errnoText()
            Glibc.close(fd)
            throw .system("ioctl TUNSETIFF \(name)", text)
        }
        self.fd = fd
        self.name = name
    }

    public func readPacket(into buffer: UnsafeMutableRawBufferPointer) throws(DataPlaneError) -> Int {
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw errno == EBADF ? .closed : .system("read tun", errnoText())
        }
    }

    public func writePacket(_ packet: UnsafeRawBufferPointer) throws(DataPlaneError) {
        let n = write(fd, packet.baseAddress, packet.count)
        if n < 0 { throw .system("write tun", errnoText()) }
    }

    public func close() { Glibc.close(fd) }
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
