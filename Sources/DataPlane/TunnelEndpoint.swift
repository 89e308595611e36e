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
/// and opens (only port 4500 carries ESP, so one thread uses the inbound SAs), and one runs the IKE timer.
/// The IKE side changes the SA tables under a `Mutex` and bumps a generation counter; each packet thread
/// keeps its own copy of the tables (the SAs are shared references) and takes the lock only when the
/// generation moved, so sealing and opening run in parallel and lock-free. Packets move in batches
/// (``PacketBatch``: `recvmmsg`, `sendmmsg`, a TUN read loop) through buffers allocated once.
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

    /// What the packet threads need: changed by the IKE side, copied by each packet thread when
    /// ``TunnelEndpoint/generation`` moves.
    struct SATables: Sendable {
        var inbound = SADatabase()
        var outbound: SecurityAssociation?
        var espPeer: Endpoint?
        var localTS: [TrafficSelector] = []
        var remoteTS: [TrafficSelector] = []
    }

    /// A packet thread's copy of the tables and the generation it was taken at.
    struct TablesView {
        var tables = SATables()
        var generation: UInt64 = .max
    }

    struct Control {
        var ike: IKESAStateMachine
        var nextTimer: Double?
        /// A responder for a new IKE SA the peer started while `ike` is in use (the peer restarted and lost its
        /// state): it replaces `ike` once the peer has authenticated it, so an unauthenticated IKE_SA_INIT
        /// cannot tear down a working tunnel.
        var candidate: IKESAStateMachine?
        var candidateTimer: Double?
        /// The tunnel was up once: an initiator then re-initiates after it closes (dead peer, peer's Delete).
        var wasEstablished = false
        var restartAt: Double?
        var rng = SystemRandomNumberGenerator()
    }

    private let tables = Mutex(SATables())
    /// Bumped (inside `tables`' lock) on every change of the tables.
    private let generation = Atomic<UInt64>(0)
    private let sealedCount = Atomic<UInt64>(0)
    private let openedCount = Atomic<UInt64>(0)
    private let noSACount = Atomic<UInt64>(0)
    private let droppedCount = Atomic<UInt64>(0)
    private let ikeReceivedCount = Atomic<UInt64>(0)
    private let control: Mutex<Control>
    private let device: any PacketDevice
    private let transport: any DatagramTransport
    private let configuration: IKEConfiguration
    private let log: @Sendable (String) -> Void
    private let running = Atomic<Bool>(true)
    private let stopping = Atomic<Bool>(false)
    private let isInitiator: Bool
    private let restartDelay: Double?
    private let stateBox = Mutex<IKESAState>(.idle)
    private let epoch = ContinuousClock.now

    /// - Parameter restartDelay: an initiator whose IKE SA had been established and then closed (the peer was
    ///   dead, deleted it, or restarted) starts a new one after this many seconds, and again after each failed
    ///   attempt; nil never restarts. A responder always accepts a new IKE_SA_INIT from the peer.
    public init(
        configuration: IKEConfiguration, isInitiator: Bool, device: any PacketDevice,
        transport: any DatagramTransport, restartDelay: Double? = 5, log: @escaping @Sendable (String) -> Void
    ) {
        self.configuration = configuration
        self.isInitiator = isInitiator
        self.restartDelay = restartDelay
        self.device = device
        self.transport = transport
        self.log = log
        self.control = Mutex(Control(ike: IKESAStateMachine(configuration: configuration, isInitiator: isInitiator)))
        updateTables {
            $0.localTS = configuration.localTrafficSelectors
            $0.remoteTS = configuration.remoteTrafficSelectors
        }
    }

    /// Changes the tables the packet threads use.
    private func updateTables(_ body: (inout SATables) -> Void) {
        tables.withLock { t in
            body(&t)
            _ = generation.add(1, ordering: .releasing)
        }
    }

    /// Refreshes a packet thread's copy of the tables if they changed since it was taken.
    @inline(__always)
    private func refresh(_ view: inout TablesView) {
        if generation.load(ordering: .acquiring) == view.generation { return }
        view = tables.withLock { t in TablesView(tables: t, generation: generation.load(ordering: .relaxed)) }
    }

    /// Seconds since the endpoint was created (monotonic).
    func now() -> Double {
        let d = ContinuousClock.now - epoch
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// The IKE SA's state.
    public var state: IKESAState { stateBox.withLock { $0 } }
    /// A snapshot of the counters.
    public var stats: Stats {
        Stats(
            sealed: sealedCount.load(ordering: .relaxed), opened: openedCount.load(ordering: .relaxed),
            noSA: noSACount.load(ordering: .relaxed), dropped: droppedCount.load(ordering: .relaxed),
            ikeReceived: ikeReceivedCount.load(ordering: .relaxed))
    }

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
        stopping.store(true, ordering: .relaxed)
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
            perform(actions, control: &c)
        }
    }

    /// A received IKE message goes to the machine whose SA it names. A fresh IKE_SA_INIT request goes to the
    /// machine if it is waiting for one; after its SA closed, to a new responder that replaces it; while its SA
    /// is in use (the peer restarted), to a candidate that replaces it once established.
    private func receiveIKE(_ message: [UInt8], from sender: Endpoint, port: UInt16) {
        control.withLock { c in
            var rng = c.rng
            defer { c.rng = rng }
            let now = self.now()
            let spi = IKESAStateMachine.initiatorSPI(of: message)
            var toCandidate = c.candidate != nil && spi != nil && c.candidate?.ikeSPIs?.initiator == spi
            if !toCandidate && IKESAStateMachine.isNewSARequest(message) {
                switch c.ike.state {
                case .closed:
                    c.ike = IKESAStateMachine(configuration: configuration, isInitiator: false)
                    c.nextTimer = nil
                    c.restartAt = nil
                    log("new IKE_SA_INIT from \(sender): a new IKE SA replaces the closed one")
                case .idle where !c.ike.isOriginalInitiator:
                    break
                case .initResponded where c.ike.ikeSPIs?.initiator == spi:
                    break  // a retransmission: the machine answers it again
                default:
                    if c.candidate?.ikeSPIs?.initiator != spi {
                        c.candidate = IKESAStateMachine(configuration: configuration, isInitiator: false)
                        c.candidateTimer = nil
                        log("new IKE_SA_INIT from \(sender) while an IKE SA is \(c.ike.state.rawValue): negotiating a replacement")
                    }
                    toCandidate = true
                }
            }
            if toCandidate, var candidate = c.candidate {
                let actions = candidate.receive(message, from: sender, localPort: port, now: now, using: &rng)
                c.candidate = candidate
                perform(actions, control: &c, main: false)
                promoteCandidate(&c, now: now)
                return
            }
            let actions = c.ike.receive(message, from: sender, localPort: port, now: now, using: &rng)
            perform(actions, control: &c)
        }
    }

    /// Replaces the machine by the candidate once the peer authenticated it; the old SA is dropped here without
    /// a Delete (the peer no longer has it).
    private func promoteCandidate(_ c: inout Control, now: Double) {
        guard let candidate = c.candidate else { return }
        if candidate.state == .closed {
            c.candidate = nil
            c.candidateTimer = nil
            return
        }
        guard candidate.state == .established else { return }
        let old = c.ike.abandon(reason: "replaced by a new IKE SA the peer started (it restarted)")
        perform(old, control: &c)
        c.ike = candidate
        c.nextTimer = c.candidateTimer
        c.candidate = nil
        c.candidateTimer = nil
        c.restartAt = nil
        c.wasEstablished = true
        stateBox.withLock { $0 = candidate.state }
        log("IKE_SA state closed -> established: the new IKE SA from the peer is in use")
    }

    /// Carries out a machine's actions (`main`: the machine in use, else the candidate).
    private func perform(_ actions: [IKEAction], control c: inout Control, main: Bool = true) {
        for action in actions {
            switch action {
            case .send(let datagram):
                let payload = datagram.udpPayload
                if datagram.localPort == 4500, tables.withLock({ $0.espPeer }) != datagram.remote {
                    updateTables { $0.espPeer = datagram.remote }
                }
                do {
                    try payload.withUnsafeBytes { try transport.send($0, from: datagram.localPort, to: datagram.remote) }
                } catch {
                    log("error: sending IKE to \(datagram.remote): \(error)")
                }
            case .installChildSA(let keys):
                do {
                    let pair = try SecurityAssociation.pair(from: keys)
                    updateTables { t in
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
                updateTables { t in
                    t.inbound.remove(spi: inSPI)
                    if t.outbound?.spi == outSPI { t.outbound = nil }
                }
                log("CHILD_SA removed: in \(String(inSPI, radix: 16)) out \(String(outSPI, radix: 16))")
            case .stateChanged(let from, let to, let reason):
                if main {
                    stateBox.withLock { $0 = to }
                    if to == .established { c.wasEstablished = true }
                }
                log("\(main ? "" : "new ")IKE_SA state \(from.rawValue) -> \(to.rawValue): \(reason)")
            case .notifySent(let type, let exchange):
                log("sent notify \(type) in \(exchange)")
            case .notifyReceived(let type, let exchange):
                log("received notify \(type) in \(exchange)")
            case .scheduleTimer(let at):
                if main { c.nextTimer = at } else { c.candidateTimer = at }
            case .log(let text):
                log(text)
            }
        }
    }

    private func timerLoop() {
        while running.load(ordering: .relaxed) {
            Thread.sleep(forTimeInterval: 0.05)
            control.withLock { c in
                let now = self.now()
                var rng = c.rng
                defer { c.rng = rng }
                if let t = c.nextTimer, now >= t {
                    c.nextTimer = nil
                    perform(c.ike.timerFired(now: now, using: &rng), control: &c)
                }
                if let t = c.candidateTimer, now >= t, var candidate = c.candidate {
                    c.candidateTimer = nil
                    let actions = candidate.timerFired(now: now, using: &rng)
                    c.candidate = candidate
                    perform(actions, control: &c, main: false)
                    promoteCandidate(&c, now: now)
                }
                // An initiator whose tunnel was up starts over after it closed (strongSwan's dpd_action and
                // close_action "restart"), every `restartDelay` seconds until it is up again.
                guard isInitiator, let delay = restartDelay, c.wasEstablished, c.ike.state == .closed,
                    c.candidate == nil, !stopping.load(ordering: .relaxed)
                else {
                    c.restartAt = nil
                    return
                }
                guard let at = c.restartAt else {
                    c.restartAt = now + delay
                    log("IKE SA closed: starting a new one in \(delay) s")
                    return
                }
                guard now >= at else { return }
                c.restartAt = nil
                c.ike = IKESAStateMachine(configuration: configuration, isInitiator: true)
                perform(c.ike.start(now: now, using: &rng), control: &c)
            }
        }
    }

    // MARK: Packets

    /// Packets per batch: enough to amortise a system call over a burst, small enough to stay in cache.
    static let batchSize = 32

    private func sendLoop() {
        let inner = PacketBatch(capacity: Self.batchSize, bufferSize: 65_536)
        let outer = PacketBatch(capacity: Self.batchSize, bufferSize: 65_536 + 128)
        var rng = SystemRandomNumberGenerator()
        var view = TablesView()
        while running.load(ordering: .relaxed) {
            do { try device.readPackets(into: inner) } catch { break }
            if inner.count == 0 { continue }
            refresh(&view)
            let t = view.tables
            var noSA: UInt64 = 0
            outer.count = 0
            for i in 0..<inner.count {
                let n = inner.length(i)
                let p = inner.buffer(i)
                guard n >= 20, p[0] >> 4 == 4 else { continue }
                let src = IPv4Address(UInt32(p[12]) << 24 | UInt32(p[13]) << 16 | UInt32(p[14]) << 8 | UInt32(p[15]))
                let dst = IPv4Address(UInt32(p[16]) << 24 | UInt32(p[17]) << 16 | UInt32(p[18]) << 8 | UInt32(p[19]))
                guard let sa = t.outbound, t.espPeer != nil,
                    t.remoteTS.contains(where: { $0.matches(address: dst) }),
                    t.localTS.contains(where: { $0.matches(address: src) })
                else {
                    noSA += 1
                    continue
                }
                do {
                    let len = try sa.seal(inner.packet(i), nextHeader: 4, into: outer.buffer(outer.count), using: &rng)
                    outer.setLength(outer.count, len)
                    outer.count += 1
                } catch {
                    noSA += 1
                }
            }
            if outer.count > 0, let peer = t.espPeer {
                try? transport.send(outer, from: 4500, to: peer)
                _ = sealedCount.add(UInt64(outer.count), ordering: .relaxed)
            }
            if noSA > 0 { _ = noSACount.add(noSA, ordering: .relaxed) }
        }
    }

    private func receiveLoop(port: UInt16) {
        let batch = PacketBatch(capacity: port == 500 ? 4 : Self.batchSize, bufferSize: 65_536)
        // Opened packets of one received batch, written to the device together (which may coalesce them).
        let opened = PacketBatch(capacity: port == 500 ? 1 : Self.batchSize, bufferSize: 65_536)
        var view = TablesView()
        while running.load(ordering: .relaxed) {
            do { try transport.receive(on: port, into: batch) } catch { break }
            var dropped: UInt64 = 0
            opened.count = 0
            for i in 0..<batch.count {
                let n = batch.length(i)
                let buffer = batch.buffer(i)
                // RFC 3948 §2: on 4500, a zero SPI field is the non-ESP marker (IKE); 0xFF alone is a keepalive.
                if port == 500 || (n >= 4 && buffer[0] == 0 && buffer[1] == 0 && buffer[2] == 0 && buffer[3] == 0) {
                    let start = port == 500 ? 0 : 4
                    guard n > start else { continue }
                    let message = Array(UnsafeRawBufferPointer(rebasing: buffer[start..<n]))
                    let sender = batch.sender(i)
                    _ = ikeReceivedCount.add(1, ordering: .relaxed)
                    receiveIKE(message, from: sender, port: port)
                    continue
                }
                if n == 1 && buffer[0] == 0xFF { continue }
                refresh(&view)
                let t = view.tables
                let inner = opened.buffer(opened.count)
                let length: Int
                do {
                    let r = try t.inbound.open(batch.packet(i), into: inner)
                    length = r.opened.length
                    guard r.opened.nextHeader == 4, length >= 20 else {
                        if r.opened.nextHeader != 59 { dropped += 1 }
                        continue
                    }
                } catch {
                    dropped += 1
                    continue
                }
                // RFC 4301 §5.2: the inner packet must match the SA's selectors.
                let src = IPv4Address(UInt32(inner[12]) << 24 | UInt32(inner[13]) << 16 | UInt32(inner[14]) << 8 | UInt32(inner[15]))
                let dst = IPv4Address(UInt32(inner[16]) << 24 | UInt32(inner[17]) << 16 | UInt32(inner[18]) << 8 | UInt32(inner[19]))
                guard t.remoteTS.contains(where: { $0.matches(address: src) }),
                    t.localTS.contains(where: { $0.matches(address: dst) })
                else {
                    dropped += 1
                    continue
                }
                opened.setLength(opened.count, length)
                opened.count += 1
            }
            if opened.count > 0 {
                try? device.writePackets(opened)
                _ = openedCount.add(UInt64(opened.count), ordering: .relaxed)
            }
            if dropped > 0 { _ = droppedCount.add(dropped, ordering: .relaxed) }
        }
    }
}
