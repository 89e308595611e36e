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
    /// Makes blocked and future reads throw ``DataPlaneError/closed``.
    func close()
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
    /// Makes blocked and future receives throw ``DataPlaneError/closed``.
    func close()
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
