public import ESP
public import IKEv2
public import IPAddressing
import IPsecCrypto
import Foundation
import Synchronization

/// One IPsec endpoint: drives an IKEv2 SA over a ``DatagramTransport`` and carries ESP-in-UDP (RFC 3948)
/// between it and a ``PacketDevice``.
///
/// Threads: one reads the device and seals (the only user of outbound SAs), one per UDP port receives
/// and opens (the only user of inbound SAs), and one runs the IKE timer. SA tables sit behind one `Mutex`;
/// the per-packet path holds it only for the seal or open itself, and uses buffers allocated once.
public final class TunnelEndpoint: Sendable {
    /// Counters for the whole endpoint (SA counters live in the SAs).
    public struct Stats: Sendable, Hashable {
        public var sealed: UInt64 = 0
        public var opened: UInt64 = 0
        /// Outbound packets with no SA yet or outside the selectors.
        public var noSA: UInt64 = 0
        /// Inbound ESP dropped (unknown SPI, replay, forged, padding, wrong inner addresses).
        public var dropped: UInt64 = 0
        public var ikeReceived: UInt64 = 0
    }

    struct SATables: ~Copyable {
        var inbound = SADatabase()
        var outbound: SecurityAssociation?
        /// Older outbound SAs kept until the peer deletes them (make-before-break rekey).
        var espPeer: Endpoint?
        var stats = Stats()
        var localTS: [TrafficSelector] = []
        var remoteTS: [TrafficSelector] = []
    }

    struct Control {
        var ike: IKESAStateMachine
        var nextTimer: Double?
        var rng = SystemRandomNumberGenerator()
    }

    private let tables = Mutex(SATables())
    private let control: Mutex<Control>
    private let device: any PacketDevice
    private let transport: any DatagramTransport
    private let configuration: IKEConfiguration
    private let log: @Sendable (String) -> Void
    private let running = Atomic<Bool>(true)
    private let stateBox = Mutex<IKESAState>(.idle)
    private let epoch = ContinuousClock.now

    public init(
        configuration: IKEConfiguration, isInitiator: Bool, device: any PacketDevice,
        transport: any DatagramTransport, log: @escaping @Sendable (String) -> Void
    ) {
        self.configuration = configuration
        self.device = device
        self.transport = transport
        self.log = log
        self.control = Mutex(Control(ike: IKESAStateMachine(configuration: configuration, isInitiator: isInitiator)))
        tables.withLock {
            $0.localTS = configuration.localTrafficSelectors
            $0.remoteTS = configuration.remoteTrafficSelectors
        }
    }

    /// Seconds since the endpoint was created (monotonic).
    func now() -> Double {
        let d = ContinuousClock.now - epoch
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// The IKE SA's state.
    public var state: IKESAState { stateBox.withLock { $0 } }
    /// A snapshot of the counters.
    public var stats: Stats { tables.withLock { $0.stats } }

    /// Starts the threads; with `initiate`, sends IKE_SA_INIT.
    public func start(initiate: Bool) {
        for port: UInt16 in [500, 4500] {
            let t = Thread { [self] in receiveLoop(port: port) }
            t.name = "udp\(port)"
            t.start()
        }
        let tx = Thread { [self] in sendLoop() }
        tx.name = "tun"
        tx.start()
        let timer = Thread { [self] in timerLoop() }
        timer.name = "timer"
        timer.start()
        if initiate {
            ikeEvent { ike, now, rng in ike.start(now: now, using: &rng) }
        }
    }

    /// Deletes the IKE SA with the peer (INFORMATIONAL Delete), waits up to `grace` seconds for the answer,
    /// then stops the threads and closes the device and sockets.
    public func shutdown(grace: Double = 1.5) {
        if state == .established {
            ikeEvent { ike, now, rng in ike.delete(now: now, using: &rng) }
            let deadline = now() + grace
            while now() < deadline && state != .closed { Thread.sleep(forTimeInterval: 0.05) }
        }
        running.store(false, ordering: .relaxed)
        transport.close()
        device.close()
    }

    /// Starts a rekey on request (tests and operators); normally the IKE timer rekeys at the soft lifetime.
    public func rekeyChildSA() {
        guard let spi = tables.withLock({ t in t.inbound.spis.max() }) else { return }
        ikeEvent { ike, now, rng in ike.rekeyChildSA(inboundSPI: spi, now: now, using: &rng) }
    }
    public func rekeyIKESA() { ikeEvent { ike, now, rng in ike.rekeyIKESA(now: now, using: &rng) } }

    // MARK: IKE

    private func ikeEvent(_ body: (inout IKESAStateMachine, Double, inout SystemRandomNumberGenerator) -> [IKEAction]) {
        // Actions are performed under the same lock that produced them, so two receive threads (500, 4500)
        // cannot interleave their effects (a stale state change logged or recorded after a newer one).
        // Lock order: control, then tables; the packet path takes only tables.
        control.withLock { c in
            var rng = c.rng
            let actions = body(&c.ike, now(), &rng)
            c.rng = rng
            perform(actions, timer: &c.nextTimer)
        }
    }

    private func perform(_ actions: [IKEAction], timer nextTimer: inout Double?) {
        for action in actions {
            switch action {
            case .send(let datagram):
                let payload = datagram.udpPayload
                if datagram.localPort == 4500 { tables.withLock { $0.espPeer = datagram.remote } }
                do {
                    try payload.withUnsafeBytes { try transport.send($0, from: datagram.localPort, to: datagram.remote) }
                } catch {
                    log("error: sending IKE to \(datagram.remote): \(error)")
                }
            case .installChildSA(let keys):
                do {
                    let pair = try SecurityAssociation.pair(from: keys)
                    tables.withLock { t in
                        t.inbound.insert(pair.inbound)
                        t.outbound = pair.outbound
                        t.localTS = keys.localTrafficSelectors
                        t.remoteTS = keys.remoteTrafficSelectors
                        if t.espPeer == nil { t.espPeer = Endpoint(configuration.remoteAddress, port: 4500) }
                    }
                    log("CHILD_SA installed: \(keys)")
                } catch {
                    log("error: cannot install CHILD_SA \(keys): \(error)")
                }
            case .removeChildSA(let inSPI, let outSPI):
                tables.withLock { t in
                    t.inbound.remove(spi: inSPI)
                    if t.outbound?.spi == outSPI { t.outbound = nil }
                }
                log("CHILD_SA removed: in \(String(inSPI, radix: 16)) out \(String(outSPI, radix: 16))")
            case .stateChanged(let from, let to, let reason):
                stateBox.withLock { $0 = to }
                log("IKE_SA state \(from.rawValue) -> \(to.rawValue): \(reason)")
            case .notifySent(let type, let exchange):
                log("sent notify \(type) in \(exchange)")
            case .notifyReceived(let type, let exchange):
                log("received notify \(type) in \(exchange)")
            case .scheduleTimer(let at):
                nextTimer = at
            case .log(let text):
                log(text)
            }
        }
    }

    private func timerLoop() {
        while running.load(ordering: .relaxed) {
            Thread.sleep(forTimeInterval: 0.05)
            let due = control.withLock { c -> Bool in
                guard let t = c.nextTimer, now() >= t else { return false }
                c.nextTimer = nil
                return true
            }
            if due { ikeEvent { ike, now, rng in ike.timerFired(now: now, using: &rng) } }
        }
    }

    // MARK: Packets

    private func sendLoop() {
        let inner = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
        let outer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536 + 128, alignment: 16)
        defer {
            inner.deallocate()
            outer.deallocate()
        }
        var rng = SystemRandomNumberGenerator()
        while running.load(ordering: .relaxed) {
            let n: Int
            do { n = try device.readPacket(into: inner) } catch { break }
            guard n >= 20, inner[0] >> 4 == 4 else { continue }
            let src = IPv4Address(UInt32(inner[12]) << 24 | UInt32(inner[13]) << 16 | UInt32(inner[14]) << 8 | UInt32(inner[15]))
            let dst = IPv4Address(UInt32(inner[16]) << 24 | UInt32(inner[17]) << 16 | UInt32(inner[18]) << 8 | UInt32(inner[19]))
            let sealed: (Int, Endpoint)? = tables.withLock { t in
                guard let sa = t.outbound, let peer = t.espPeer,
                    t.remoteTS.contains(where: { $0.matches(address: dst) }),
                    t.localTS.contains(where: { $0.matches(address: src) })
                else {
                    t.stats.noSA += 1
                    return nil
                }
                do {
                    let len = try sa.seal(UnsafeRawBufferPointer(rebasing: inner[..<n]), nextHeader: 4, into: outer, using: &rng)
                    t.stats.sealed += 1
                    return (len, peer)
                } catch {
                    t.stats.noSA += 1
                    return nil
                }
            }
            guard let (len, peer) = sealed else { continue }
            try? transport.send(UnsafeRawBufferPointer(rebasing: outer[..<len]), from: 4500, to: peer)
        }
    }

    private func receiveLoop(port: UInt16) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
        let inner = UnsafeMutableRawBufferPointer.allocate(byteCount: 65_536, alignment: 16)
        defer {
            buffer.deallocate()
            inner.deallocate()
        }
        while running.load(ordering: .relaxed) {
            let n: Int
            let sender: Endpoint
            do { (n, sender) = try transport.receive(on: port, into: buffer) } catch { break }
            // RFC 3948 §2: on 4500, a zero SPI field is the non-ESP marker (IKE); 0xFF alone is a keepalive.
            if port == 500 || (n >= 4 && buffer[0] == 0 && buffer[1] == 0 && buffer[2] == 0 && buffer[3] == 0) {
                let start = port == 500 ? 0 : 4
                guard n > start else { continue }
                let message = Array(UnsafeRawBufferPointer(rebasing: buffer[start..<n]))
                tables.withLock { $0.stats.ikeReceived += 1 }
                ikeEvent { ike, now, rng in ike.receive(message, from: sender, localPort: port, now: now, using: &rng) }
                continue
            }
            if n == 1 && buffer[0] == 0xFF { continue }
            let length: Int? = tables.withLock { t in
                do {
                    let r = try t.inbound.open(UnsafeRawBufferPointer(rebasing: buffer[..<n]), into: inner)
                    let len = r.opened.length
                    guard r.opened.nextHeader == 4, len >= 20 else {
                        if r.opened.nextHeader != 59 { t.stats.dropped += 1 }
                        return nil
                    }
                    // RFC 4301 §5.2: the inner packet must match the SA's selectors.
                    let src = IPv4Address(UInt32(inner[12]) << 24 | UInt32(inner[13]) << 16 | UInt32(inner[14]) << 8 | UInt32(inner[15]))
                    let dst = IPv4Address(UInt32(inner[16]) << 24 | UInt32(inner[17]) << 16 | UInt32(inner[18]) << 8 | UInt32(inner[19]))
                    guard t.remoteTS.contains(where: { $0.matches(address: src) }),
                        t.localTS.contains(where: { $0.matches(address: dst) })
                    else {
                        t.stats.dropped += 1
                        return nil
                    }
                    t.stats.opened += 1
                    return len
                } catch {
                    t.stats.dropped += 1
                    return nil
                }
            }
            guard let length else { continue }
            try? device.writePacket(UnsafeRawBufferPointer(rebasing: inner[..<length]))
        }
    }
}
