import Benchmark
import IKEv2
import IPAddressing
import IPsecCrypto

/// Two IKE SA state machines exchanging messages in memory: one iteration is one complete IKE SA with its
/// first Child SA (IKE_SA_INIT and IKE_AUTH, four messages), key exchange, PSK authentication and key
/// derivation on both sides, so throughput reads as IKE SAs established per second on one core.
func configuration(initiator: Bool, ike: String, esp: String) -> IKEConfiguration {
    let siteA = IPv4Address(198, 51, 100, 1)
    let siteB = IPv4Address(198, 51, 100, 2)
    let lanA = IPv4Prefix(containing: IPv4Address(10, 10, 10, 0), length: 24)
    let lanB = IPv4Prefix(containing: IPv4Address(172, 16, 0, 0), length: 16)
    return IKEConfiguration(
        localAddress: initiator ? siteA : siteB,
        remoteAddress: initiator ? siteB : siteA,
        localID: .fqdn(initiator ? "siteA.example" : "siteB.example"),
        remoteID: .fqdn(initiator ? "siteB.example" : "siteA.example"),
        preSharedKey: Array("benchmark-pre-shared-key".utf8),
        ikeProposals: try! ProposalSyntax.ikeProposals(ike),
        childProposals: try! ProposalSyntax.childProposals(esp),
        localTrafficSelectors: [TrafficSelector(initiator ? lanA : lanB)],
        remoteTrafficSelectors: [TrafficSelector(initiator ? lanB : lanA)]
    )
}

/// Runs one handshake to completion; returns whether both sides installed a Child SA.
func handshake(_ initiatorConfiguration: IKEConfiguration, _ responderConfiguration: IKEConfiguration) -> Bool {
    var rng = SystemRandomNumberGenerator()
    var a = IKESAStateMachine(configuration: initiatorConfiguration, isInitiator: true)
    var b = IKESAStateMachine(configuration: responderConfiguration, isInitiator: false)
    var installed = 0
    var pending: [(toResponder: Bool, datagram: OutgoingDatagram)] = []
    func collect(_ actions: [IKEAction], fromInitiator: Bool) {
        for action in actions {
            switch action {
            case .send(let datagram): pending.append((fromInitiator, datagram))
            case .installChildSA: installed += 1
            default: break
            }
        }
    }
    collect(a.start(now: 0, using: &rng), fromInitiator: true)
    var steps = 0
    while !pending.isEmpty && steps < 16 {
        steps += 1
        let (toResponder, datagram) = pending.removeFirst()
        guard case .ike(let message) = UDPPayloadKind(udpPayload: datagram.udpPayload, port: datagram.remote.port)
        else { continue }
        let from = Endpoint(toResponder ? initiatorConfiguration.localAddress : responderConfiguration.localAddress, port: datagram.localPort)
        if toResponder {
            collect(b.receive(message, from: from, localPort: datagram.remote.port, now: 0, using: &rng), fromInitiator: false)
        } else {
            collect(a.receive(message, from: from, localPort: datagram.remote.port, now: 0, using: &rng), fromInitiator: true)
        }
    }
    return installed == 2
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(5),
        maxIterations: 5_000
    )
    for (ike, esp) in [
        ("aes128gcm16-prfsha256-x25519", "aes128gcm16"),
        ("aes128-sha256-ecp256", "aes128-sha256"),
        ("aes128-sha1-modp1024", "aes128-sha1"),
    ] {
        let initiator = configuration(initiator: true, ike: ike, esp: esp)
        let responder = configuration(initiator: false, ike: ike, esp: esp)
        precondition(handshake(initiator, responder), "the \(ike) handshake does not complete")
        Benchmark("IKE SA established (both sides), \(ike)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(handshake(initiator, responder))
            }
        }
    }
}
