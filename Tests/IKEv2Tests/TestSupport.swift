import IKEv2
import IPAddressing
import IPsecCrypto
import MeridianTestSupport

let siteA = IPv4Address(198, 51, 100, 1)
let siteB = IPv4Address(198, 51, 100, 2)

func makeConfig(
    initiator: Bool,
    ike: String = "aes128gcm16-prfsha256-x25519",
    esp: String = "aes128gcm16",
    psk: String = "some-long-psk",
    local: String? = nil,
    remote: String? = nil,
    requireCookie: Bool = false,
    dpd: Double? = 30,
    force: Bool = false
) throws -> IKEConfiguration {
    let lanA = "10.10.10.0/24"
    let lanB = "172.16.0.0/16"
    return IKEConfiguration(
        localAddress: initiator ? siteA : siteB,
        remoteAddress: initiator ? siteB : siteA,
        localID: .fqdn(initiator ? "siteA.example" : "siteB.example"),
        remoteID: .fqdn(initiator ? "siteB.example" : "siteA.example"),
        preSharedKey: Array(psk.utf8),
        ikeProposals: try ProposalSyntax.ikeProposals(ike),
        childProposals: try ProposalSyntax.childProposals(esp),
        localTrafficSelectors: [TrafficSelector(try IPv4Prefix(parsing: local ?? (initiator ? lanA : lanB)))],
        remoteTrafficSelectors: [TrafficSelector(try IPv4Prefix(parsing: remote ?? (initiator ? lanB : lanA)))],
        dpdInterval: dpd,
        requireCookie: requireCookie,
        forceUDPEncapsulation: force
    )
}

/// Two state machines wired back to back in memory, with a manual clock.
struct Harness {
    enum Side { case a, b }
    var a: IKESAStateMachine
    var b: IKESAStateMachine
    var rng: SeededGenerator
    var now: Double = 0
    var actionsA: [IKEAction] = []
    var actionsB: [IKEAction] = []
    /// Return false to drop a datagram travelling from `side`.
    var filter: (Side, OutgoingDatagram) -> Bool = { _, _ in true }
    /// Address the receiver sees as the sender of a datagram from A (a NAT may rewrite it).
    var addressOfA: IPv4Address = siteA
    var sent: [(Side, OutgoingDatagram)] = []

    init(initiator: IKEConfiguration, responder: IKEConfiguration, seed: UInt64 = 7) {
        a = IKESAStateMachine(configuration: initiator, isInitiator: true)
        b = IKESAStateMachine(configuration: responder, isInitiator: false)
        rng = SeededGenerator(seed: seed)
    }

    mutating func start() {
        let acts = a.start(now: now, using: &rng)
        deliver(acts, from: .a)
    }

    mutating func deliver(_ initial: [IKEAction], from side: Side) {
        deliver([(side, initial)])
    }

    /// Delivers both sides' actions, interleaved: each side's first requests reach the other before either
    /// sees an answer (two requests crossing on the wire).
    mutating func deliverCrossing(a fromA: [IKEAction], b fromB: [IKEAction]) {
        deliver([(.a, fromA), (.b, fromB)])
    }

    mutating func deliver(_ initial: [(Side, [IKEAction])]) {
        var queue = initial
        var steps = 0
        while !queue.isEmpty && steps < 100 {
            steps += 1
            let (s, acts) = queue.removeFirst()
            if s == .a { actionsA += acts } else { actionsB += acts }
            for case .send(let d) in acts {
                sent.append((s, d))
                guard filter(s, d) else { continue }
                let kind = UDPPayloadKind(udpPayload: d.udpPayload, port: d.remote.port)
                guard case .ike(let msg) = kind else { continue }
                if s == .a {
                    let r = b.receive(
                        msg,
                        from: Endpoint(addressOfA, port: d.localPort),
                        localPort: d.remote.port,
                        now: now,
                        using: &rng
                    )
                    queue.append((.b, r))
                } else {
                    let r = a.receive(
                        msg,
                        from: Endpoint(siteB, port: d.localPort),
                        localPort: d.remote.port,
                        now: now,
                        using: &rng
                    )
                    queue.append((.a, r))
                }
            }
        }
    }

    mutating func advance(to time: Double) {
        now = time
        let ra = a.timerFired(now: now, using: &rng)
        deliver(ra, from: .a)
        let rb = b.timerFired(now: now, using: &rng)
        deliver(rb, from: .b)
    }

    func installed(_ side: Side) -> [ChildSAKeys] {
        (side == .a ? actionsA : actionsB).compactMap { if case .installChildSA(let k) = $0 { k } else { nil } }
    }
    func removed(_ side: Side) -> [UInt32] {
        (side == .a ? actionsA : actionsB).compactMap { if case .removeChildSA(let i, _) = $0 { i } else { nil } }
    }
    /// Child SAs installed and not removed since (by inbound SPI), in installation order.
    func live(_ side: Side) -> [ChildSAKeys] {
        let gone = Set(removed(side))
        return installed(side).filter { !gone.contains($0.inboundSPI) }
    }
    func logs(_ side: Side) -> [String] {
        (side == .a ? actionsA : actionsB).compactMap { if case .log(let t) = $0 { t } else { nil } }
    }
    func notifiesSent(_ side: Side) -> [NotifyType] {
        (side == .a ? actionsA : actionsB).compactMap { if case .notifySent(let n, _) = $0 { n } else { nil } }
    }
    func notifiesReceived(_ side: Side) -> [NotifyType] {
        (side == .a ? actionsA : actionsB).compactMap { if case .notifyReceived(let n, _) = $0 { n } else { nil } }
    }
}

/// Checks that two Child SA halves are each other's mirror image.
func mirrored(_ x: ChildSAKeys, _ y: ChildSAKeys) -> Bool {
    x.inboundSPI == y.outboundSPI && x.outboundSPI == y.inboundSPI && x.inbound == y.outbound && x.outbound == y.inbound
        && x.encryption == y.encryption && x.integrity == y.integrity
        && x.localTrafficSelectors == y.remoteTrafficSelectors
        && x.remoteTrafficSelectors == y.localTrafficSelectors
}
