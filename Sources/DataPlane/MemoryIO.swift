public import IKEv2
public import IPAddressing
import Synchronization
import Foundation

/// A blocking FIFO of byte arrays, the in-memory link used by the test doubles (gVisor's `link/channel`).
final class PacketQueue: Sendable {
    private let state = Mutex<(packets: [[UInt8]], closed: Bool)>(([], false))
    private let available = DispatchSemaphore(value: 0)

    func push(_ packet: [UInt8]) {
        let ok = state.withLock { s -> Bool in
            guard !s.closed, s.packets.count < 4096 else { return false }
            s.packets.append(packet)
            return true
        }
        if ok { available.signal() }
    }

    func pop() -> [UInt8]? {
        while true {
            available.wait()
            let r = state.withLock { s -> (done: Bool, packet: [UInt8]?) in
                if !s.packets.isEmpty { return (true, s.packets.removeFirst()) }
                return (s.closed, nil)
            }
            if r.done { return r.packet }
        }
    }

    func close() {
        state.withLock { $0.closed = true }
        for _ in 0..<8 { available.signal() }
    }
}

/// An in-memory TUN device (wireguard-go `tun/tuntest`): the test injects packets "from the host" with
/// ``inject(_:)`` and reads what the tunnel delivered with ``delivered()``.
public final class MemoryPacketDevice: PacketDevice {
    private let toTunnel = PacketQueue()
    private let toHost = PacketQueue()

    public init() {}

    /// A packet the host sends into the tunnel.
    public func inject(_ packet: [UInt8]) { toTunnel.push(packet) }
    /// Blocks for the next packet the tunnel delivered to the host (nil once closed).
    public func delivered() -> [UInt8]? { toHost.pop() }

    public func readPacket(into buffer: UnsafeMutableRawBufferPointer) throws(DataPlaneError) -> Int {
        guard let p = toTunnel.pop() else { throw .closed }
        let n = min(p.count, buffer.count)
        p.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
        return n
    }

    public func writePacket(_ packet: UnsafeRawBufferPointer) throws(DataPlaneError) {
        toHost.push(Array(packet))
    }

    public func close() {
        toTunnel.close()
        toHost.close()
    }
}

/// An in-memory "internet" (wireguard-go `conn/bindtest`): every ``MemoryDatagramNetwork/Port`` made from
/// it can reach the others by address and UDP port. Optionally drops datagrams (a dead peer).
public final class MemoryDatagramNetwork: Sendable {
    private let queues = Mutex<[Endpoint: PacketQueue]>([:])
    private let blackholed = Mutex<Set<IPv4AddressKey>>([])

    struct IPv4AddressKey: Hashable { let raw: UInt32 }

    public init() {}

    /// The transport of the host at `address`.
    public func attach(_ address: IPv4Address) -> Port { Port(network: self, address: address) }

    /// Drops all traffic to and from `address` (true) or restores it.
    public func setUnreachable(_ address: IPv4Address, _ unreachable: Bool) {
        blackholed.withLock {
            if unreachable { $0.insert(IPv4AddressKey(raw: address.rawValue)) } else {
                $0.remove(IPv4AddressKey(raw: address.rawValue))
            }
        }
    }

    func queue(_ endpoint: Endpoint) -> PacketQueue {
        queues.withLock { q in
            if let existing = q[endpoint] { return existing }
            let made = PacketQueue()
            q[endpoint] = made
            return made
        }
    }

    func deliver(_ payload: [UInt8], from: Endpoint, to: Endpoint) {
        let dropped = blackholed.withLock {
            $0.contains(IPv4AddressKey(raw: from.address.rawValue)) || $0.contains(IPv4AddressKey(raw: to.address.rawValue))
        }
        if dropped { return }
        // Sender's address and port travel in front of the payload.
        var framed = [UInt8](repeating: 0, count: 6)
        withUnsafeBytes(of: from.address.rawValue.bigEndian) { for i in 0..<4 { framed[i] = $0[i] } }
        framed[4] = UInt8(from.port >> 8)
        framed[5] = UInt8(from.port & 0xFF)
        queue(to).push(framed + payload)
    }

    /// One host's UDP ports 500 and 4500 on the in-memory network.
    public final class Port: DatagramTransport {
        let network: MemoryDatagramNetwork
        public let address: IPv4Address

        init(network: MemoryDatagramNetwork, address: IPv4Address) {
            self.network = network
            self.address = address
        }

        public func receive(
            on localPort: UInt16, into buffer: UnsafeMutableRawBufferPointer
        ) throws(DataPlaneError) -> (length: Int, from: Endpoint) {
            guard let framed = network.queue(Endpoint(address, port: localPort)).pop() else { throw .closed }
            let raw = UInt32(framed[0]) << 24 | UInt32(framed[1]) << 16 | UInt32(framed[2]) << 8 | UInt32(framed[3])
            let port = UInt16(framed[4]) << 8 | UInt16(framed[5])
            let n = min(framed.count - 6, buffer.count)
            framed.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + 6, byteCount: n) }
            return (n, Endpoint(IPv4Address(raw), port: port))
        }

        public func send(
            _ payload: UnsafeRawBufferPointer, from localPort: UInt16, to remote: Endpoint
        ) throws(DataPlaneError) {
            network.deliver(Array(payload), from: Endpoint(address, port: localPort), to: remote)
        }

        public func close() {
            network.queue(Endpoint(address, port: 500)).close()
            network.queue(Endpoint(address, port: 4500)).close()
        }
    }
}
