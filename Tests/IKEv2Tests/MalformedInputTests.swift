import IKEv2
import IPsecCrypto
import MeridianTestSupport
import Testing

/// A corpus of malformed input: truncations and byte mutations of real messages must be dropped or answered,
/// never trap (gobgp `testdata/bad-len`, smoltcp fuzz corpus).
struct MalformedInputTests {
    func recordedHandshake() throws -> Harness {
        var h = Harness(
            initiator: try makeConfig(initiator: true, ike: "aes128-sha256-modp1024", esp: "aes128-sha256-modp1024"),
            responder: try makeConfig(initiator: false, ike: "aes128-sha256-modp1024", esp: "aes128-sha256-modp1024")
        )
        h.start()
        let child = try #require(h.a.childSAs.first)
        h.deliver(h.a.rekeyChildSA(inboundSPI: child.inboundSPI, now: 1, using: &h.rng), from: .a)
        h.deliver(h.a.sendLivenessCheck(now: 2, using: &h.rng), from: .a)
        return h
    }

    @Test func truncatedMessagesNeverTrap() throws {
        let h = try recordedHandshake()
        #expect(h.sent.count >= 8)
        for (side, d) in h.sent {
            for cut in 0..<d.message.count {
                let bytes = Array(d.message.prefix(cut))
                var fresh = IKESAStateMachine(configuration: try makeConfig(initiator: false), isInitiator: false)
                var rng = SeededGenerator(seed: UInt64(cut))
                _ = fresh.receive(bytes, from: Endpoint(siteA, port: 500), localPort: 500, now: 0, using: &rng)
                var peer = side == .a ? h.b : h.a
                _ = peer.receive(bytes, from: Endpoint(siteA, port: 500), localPort: 500, now: 0, using: &rng)
                _ = try? IKEMessage.decode(bytes, protection: nil)
            }
        }
    }

    @Test func mutatedMessagesNeverTrapAndNeverEstablishWithBadIntegrity() throws {
        let h = try recordedHandshake()
        var rng = SeededGenerator(seed: 2026)
        var mutations = 0
        for (side, d) in h.sent {
            for _ in 0..<300 {
                var bytes = d.message
                let n = Int.random(in: 1...4, using: &rng)
                for _ in 0..<n {
                    let i = Int.random(in: 0..<bytes.count, using: &rng)
                    bytes[i] = UInt8.random(in: 0...255, using: &rng)
                }
                var fresh = IKESAStateMachine(configuration: try makeConfig(initiator: false), isInitiator: false)
                _ = fresh.receive(bytes, from: Endpoint(siteA, port: 500), localPort: 500, now: 0, using: &rng)
                var peer = side == .a ? h.b : h.a
                let acts = peer.receive(bytes, from: Endpoint(siteA, port: 500), localPort: 500, now: 0, using: &rng)
                for a in acts { if case .installChildSA = a { Issue.record("a mutated message installed a Child SA") } }
                _ = try? IKEMessage.decode(bytes, protection: nil)
                mutations += 1
            }
        }
        #expect(mutations > 2000)
    }

    @Test(arguments: [
        [UInt8](),
        [UInt8](repeating: 0, count: 28),
        [UInt8](repeating: 0xFF, count: 60),
        // Header claims an SA payload of length 2 (below the 4-octet generic header).
        [1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 33, 0x20, 34, 8, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 2],
        // SA payload whose proposal length runs past the payload.
        [
            1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 33, 0x20, 34, 8, 0, 0, 0, 0, 0, 0, 0, 40, 0, 0, 0, 12, 0, 0,
            0xFF, 0xFF, 1, 1, 0, 9,
        ],
        // Unknown critical payload type 200.
        [1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 200, 0x20, 34, 8, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0x80, 0, 4],
        // Version 1.
        [1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 34, 8, 0, 0, 0, 0, 0, 0, 0, 28],
    ])
    func handMadeBadMessagesAreRejected(bytes: [UInt8]) throws {
        #expect(throws: IKEv2Error.self) { try IKEMessage.decode(bytes, protection: nil) }
        var fresh = IKESAStateMachine(configuration: try makeConfig(initiator: false), isInitiator: false)
        var rng = SeededGenerator(seed: 1)
        _ = fresh.receive(bytes, from: Endpoint(siteA, port: 500), localPort: 500, now: 0, using: &rng)
        #expect(fresh.state == .idle)
    }

    @Test func malformedInitRequestIsAnsweredWithInvalidSyntax() throws {
        // A well-formed header with a KE payload only: no SA, no Nonce.
        var ke: [UInt8] = [0, 0, 0, 12, 0, 31, 0, 0, 1, 2, 3, 4]
        ke[0] = 0
        let header: [UInt8] = [
            1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 34, 0x20, 34, 8, 0, 0, 0, 0, 0, 0, 0, 40,
        ]
        var fresh = IKESAStateMachine(configuration: try makeConfig(initiator: false), isInitiator: false)
        var rng = SeededGenerator(seed: 1)
        let acts = fresh.receive(header + ke, from: Endpoint(siteA, port: 500), localPort: 500, now: 0, using: &rng)
        let sent = acts.compactMap { if case .notifySent(let n, _) = $0 { n } else { nil } }
        #expect(sent == [.invalidSyntax])
    }
}
