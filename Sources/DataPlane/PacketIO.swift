public import IPAddressing
public import IKEv2

/// A virtual interface carrying whole IP packets (a TUN device), in the manner of wireguard-go's
/// `tun.Device`: blocking reads of one packet into a caller buffer, writes of one packet.
///
/// Implementations: ``LinuxTUN`` (a real `/dev/net/tun` device) and ``MemoryPacketDevice`` (tests).
public protocol PacketDevice: AnyObject, Sendable {
    /// Blocks until a packet arrives, copies it into `buffer` and returns its length; throws once closed.
    func readPacket(into buffer: UnsafeMutableRawBufferPointer) throws(DataPlaneError) -> Int
    /// Delivers one packet to the host.
    func writePacket(_ packet: UnsafeRawBufferPointer) throws(DataPlaneError)
    /// Blocks until at least one packet arrives (or a short wait passes: then `batch.count` is 0) and reads
    /// as many as are queued, up to the batch's capacity. The default reads one packet.
    func readPackets(into batch: PacketBatch) throws(DataPlaneError)
    /// Delivers the batch's packets to the host, in order. The default writes them one by one.
    func writePackets(_ batch: PacketBatch) throws(DataPlaneError)
    /// Makes blocked and future reads throw ``DataPlaneError/closed``.
    func close()
}

extension PacketDevice {
    public func readPackets(into batch: PacketBatch) throws(DataPlaneError) {
        batch.setLength(0, try readPacket(into: batch.buffer(0)))
        batch.count = 1
    }

    public func writePackets(_ batch: PacketBatch) throws(DataPlaneError) {
        for i in 0..<batch.count { try writePacket(batch.packet(i)) }
    }
}

/// UDP on ports 500 and 4500 of one address (RFC 3948), like wireguard-go's `conn.Bind`.
///
/// Implementations: ``UDPSockets`` (real sockets) and ``MemoryDatagramNetwork`` (tests).
public protocol DatagramTransport: AnyObject, Sendable {
    /// Blocks until a datagram arrives on `localPort` (500 or 4500); returns its length and sender.
    func receive(
        on localPort: UInt16, into buffer: UnsafeMutableRawBufferPointer
    ) throws(DataPlaneError) -> (length: Int, from: Endpoint)
    /// Sends one datagram from `localPort` to `remote`.
    func send(_ payload: UnsafeRawBufferPointer, from localPort: UInt16, to remote: Endpoint) throws(DataPlaneError)
    /// Blocks until at least one datagram arrives on `localPort`, then takes as many as are queued, up to the
    /// batch's capacity (lengths and senders in the batch). The default receives one.
    func receive(on localPort: UInt16, into batch: PacketBatch) throws(DataPlaneError)
    /// Sends the batch's datagrams, in order, from `localPort` to `remote`. The default sends them one by one.
    func send(_ batch: PacketBatch, from localPort: UInt16, to remote: Endpoint) throws(DataPlaneError)
    /// Makes blocked and future receives throw ``DataPlaneError/closed``.
    func close()
}

extension DatagramTransport {
    public func receive(on localPort: UInt16, into batch: PacketBatch) throws(DataPlaneError) {
        let (n, from) = try receive(on: localPort, into: batch.buffer(0))
        batch.setLength(0, n)
        batch.setSender(0, from)
        batch.count = 1
    }

    public func send(_ batch: PacketBatch, from localPort: UInt16, to remote: Endpoint) throws(DataPlaneError) {
        for i in 0..<batch.count { try send(batch.packet(i), from: localPort, to: remote) }
    }
}

/// A block of packet buffers allocated once, filled and drained by the batched I/O calls (`recvmmsg`,
/// `sendmmsg`, a TUN read loop), as wireguard-go hands its `Read`/`Write` calls a slice of buffers.
///
/// Owned by one thread at a time; `count` says how many of the `capacity` slots hold a packet.
public final class PacketBatch {
    /// Slots in the batch (at most 64: the C side's stack arrays).
    public let capacity: Int
    /// Bytes each slot can hold.
    public let bufferSize: Int
    /// Slots that hold a packet, from 0.
    public var count = 0
    let storage: UnsafeMutableRawBufferPointer
    let lengths: UnsafeMutablePointer<Int32>
    let addresses: UnsafeMutablePointer<UInt32>
    let ports: UnsafeMutablePointer<UInt16>

    public init(capacity: Int, bufferSize: Int) {
        precondition((1...64).contains(capacity) && bufferSize > 0, "PacketBatch(capacity: 1...64, bufferSize: > 0)")
        self.capacity = capacity
        self.bufferSize = bufferSize
        storage = .allocate(byteCount: capacity * bufferSize, alignment: 64)
        lengths = .allocate(capacity: capacity)
        lengths.initialize(repeating: 0, count: capacity)
        addresses = .allocate(capacity: capacity)
        addresses.initialize(repeating: 0, count: capacity)
        ports = .allocate(capacity: capacity)
        ports.initialize(repeating: 0, count: capacity)
    }

    deinit {
        storage.deallocate()
        lengths.deallocate()
        addresses.deallocate()
        ports.deallocate()
    }

    /// The whole buffer of slot `i`.
    public func buffer(_ i: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: storage[i * bufferSize..<(i + 1) * bufferSize])
    }

    /// The packet in slot `i` (its length's worth of the buffer).
    public func packet(_ i: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage[i * bufferSize..<i * bufferSize + Int(lengths[i])])
    }

    public func length(_ i: Int) -> Int { Int(lengths[i]) }
    public func setLength(_ i: Int, _ n: Int) { lengths[i] = Int32(n) }

    /// The sender of datagram `i` (received batches).
    public func sender(_ i: Int) -> Endpoint { Endpoint(IPv4Address(addresses[i]), port: ports[i]) }
    public func setSender(_ i: Int, _ e: Endpoint) {
        addresses[i] = e.address.rawValue
        ports[i] = e.port
    }
}

/// Errors of the data plane's I/O.
public enum DataPlaneError: Error, Sendable, Hashable, CustomStringConvertible {
    case closed
    /// A system call failed (call, errno text).
    case system(String, String)
    /// A configuration value is unusable (what, value, why).
    case invalidConfiguration(String, String, String)

    public var description: String {
        switch self {
        case .closed: "closed"
        case .system(let call, let text): "\(call) failed: \(text)"
        case .invalidConfiguration(let what, let value, let why): "invalid \(what) '\(value)': \(why)"
        }
    }
}
