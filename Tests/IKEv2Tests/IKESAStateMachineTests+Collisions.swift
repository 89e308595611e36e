import IKEv2
import IPAddressing
import IPsecCrypto
import Testing

/// RFC 7296 §2.8.1: both ends rekey the same Child SA or the IKE SA at once. The two machines are driven
/// against each other with their requests crossing; the lowest of the four nonces picks the redundant SA.
extension IKESAStateMachineTests {
    /// Seeds chosen so that, between them, each side loses at least once (checked below).
    static let collisionSeeds: [UInt64] = Array(1...10)

    @Test func childSARekeyCollisionLeavesOneMirroredChildSA() throws {
        var losers: Set<String> = []
        for seed in Self.collisionSeeds {
            var h = Harness(
                initiator: try makeConfig(initiator: true, esp: "aes128gcm16-x25519"),
                responder: try makeConfig(initiator: false, esp: "aes128gcm16-x25519"),
                seed: seed
            )
            h.start()
            let old = try #require(h.live(.a).first)
            h.now = 100
            let fromA = h.a.rekeyChildSA(inboundSPI: old.inboundSPI, now: 100, using: &h.rng)
            let fromB = h.b.rekeyChildSA(inboundSPI: old.outboundSPI, now: 100, using: &h.rng)
            h.deliverCrossing(a: fromA, b: fromB)
            // One Child SA on each side, the same one, and not the old one.
            #expect(h.a.childSAs.count == 1 && h.b.childSAs.count == 1, "seed \(seed)")
            let ka = try #require(h.live(.a).first)
            let kb = try #require(h.live(.b).first)
            #expect(h.live(.a).count == 1 && h.live(.b).count == 1, "seed \(seed)")
            #expect(mirrored(ka, kb), "seed \(seed)")
            #expect(ka.inboundSPI != old.inboundSPI, "seed \(seed)")
            #expect(h.a.childSAs.first?.inboundSPI == ka.inboundSPI, "seed \(seed)")
            // Exactly one end lost, and the winner's exchange made the surviving SA.
            let lostA = h.logs(.a).contains { $0.contains("collision") && $0.contains("lost") }
            let lostB = h.logs(.b).contains { $0.contains("collision") && $0.contains("lost") }
            #expect(lostA != lostB, "seed \(seed): lost A \(lostA), B \(lostB)")
            if lostA { losers.insert("a") }
            if lostB { losers.insert("b") }
            // The tunnel goes on: the survivor can be rekeyed again.
            h.now = 200
            h.deliver(h.b.rekeyChildSA(inboundSPI: kb.inboundSPI, now: 200, using: &h.rng), from: .b)
            #expect(h.live(.a).count == 1 && h.live(.b).count == 1, "seed \(seed)")
            #expect(mirrored(try #require(h.live(.a).first), try #require(h.live(.b).first)), "seed \(seed)")
        }
        #expect(losers == ["a", "b"], "over the seeds both ends should lose once: \(losers)")
    }

    /// The peer's answer arrives before the peer's own request: we finish our rekey and delete the old SA, so
    /// the peer's request finds no SA (CHILD_SA_NOT_FOUND) and the peer keeps ours.
    @Test func childSARekeyCollisionWithTheAnswerFirst() throws {
        var h = Harness(initiator: try makeConfig(initiator: true), responder: try makeConfig(initiator: false))
        h.start()
        let old = try #require(h.live(.a).first)
        let fromA = h.a.rekeyChildSA(inboundSPI: old.inboundSPI, now: 10, using: &h.rng)
        let fromB = h.b.rekeyChildSA(inboundSPI: old.outboundSPI, now: 10, using: &h.rng)
        h.deliver(fromA, from: .a)
        h.deliver(fromB, from: .b)
        #expect(h.notifiesSent(.a) == [.childSANotFound])
        #expect(h.live(.a).count == 1 && h.live(.b).count == 1)
        #expect(mirrored(try #require(h.live(.a).first), try #require(h.live(.b).first)))
        #expect(h.a.childSAs.count == 1 && h.b.childSAs.count == 1)
    }

    @Test func ikeSARekeyCollisionLeavesOneIKESA() throws {
        var losers: Set<String> = []
        for seed in Self.collisionSeeds {
            var h = Harness(
                initiator: try makeConfig(initiator: true), responder: try makeConfig(initiator: false), seed: seed)
            h.start()
            let before = try #require(h.a.ikeSPIs)
            let child = try #require(h.live(.a).first)
            h.now = 50
            let fromA = h.a.rekeyIKESA(now: 50, using: &h.rng)
            let fromB = h.b.rekeyIKESA(now: 50, using: &h.rng)
            h.deliverCrossing(a: fromA, b: fromB)
            let sa = try #require(h.a.ikeSPIs)
            let sb = try #require(h.b.ikeSPIs)
            #expect(sa.initiator == sb.initiator && sa.responder == sb.responder, "seed \(seed)")
            #expect(sa.initiator != before.initiator, "seed \(seed)")
            #expect(h.a.state == .established && h.b.state == .established, "seed \(seed)")
            let lostA = h.logs(.a).contains { $0.contains("IKE SA rekey collision lost") }
            let lostB = h.logs(.b).contains { $0.contains("IKE SA rekey collision lost") }
            #expect(lostA != lostB, "seed \(seed): lost A \(lostA), B \(lostB)")
            if lostA { losers.insert("a") }
            if lostB { losers.insert("b") }
            // The redundant SA was deleted on both sides: no request is left unanswered.
            #expect(!h.logs(.a).contains { $0.contains("unknown IKE SPIs") }, "seed \(seed)")
            #expect(!h.logs(.b).contains { $0.contains("unknown IKE SPIs") }, "seed \(seed)")
            // The Child SA moved to the surviving IKE SA, which carries further exchanges both ways.
            #expect(h.live(.a).map(\.inboundSPI) == [child.inboundSPI], "seed \(seed)")
            h.now = 60
            h.deliver(h.a.sendLivenessCheck(now: 60, using: &h.rng), from: .a)
            h.deliver(h.b.sendLivenessCheck(now: 60, using: &h.rng), from: .b)
            #expect(h.logs(.a).filter { $0 == "peer is alive" }.count == 1, "seed \(seed)")
            #expect(h.logs(.b).filter { $0 == "peer is alive" }.count == 1, "seed \(seed)")
            h.deliver(h.b.rekeyChildSA(inboundSPI: child.outboundSPI, now: 60, using: &h.rng), from: .b)
            #expect(h.live(.a).count == 1 && h.live(.b).count == 1, "seed \(seed)")
            let ra = try #require(h.live(.a).first)
            let rb = try #require(h.live(.b).first)
            #expect(mirrored(ra, rb), "seed \(seed)")
        }
        #expect(losers == ["a", "b"], "over the seeds both ends should lose once: \(losers)")
    }

    /// Our answer reaches the peer first: it finishes its rekey and deletes the old IKE SA, on which our own
    /// rekey request was outstanding; we take the peer's new IKE SA instead of closing.
    @Test func ikeSARekeyCollisionWithTheAnswerFirst() throws {
        var h = Harness(initiator: try makeConfig(initiator: true), responder: try makeConfig(initiator: false))
        h.start()
        let fromA = h.a.rekeyIKESA(now: 5, using: &h.rng)
        let fromB = h.b.rekeyIKESA(now: 5, using: &h.rng)
        h.deliver(fromA, from: .a)
        h.deliver(fromB, from: .b)
        let sa = try #require(h.a.ikeSPIs)
        let sb = try #require(h.b.ikeSPIs)
        #expect(sa.initiator == sb.initiator && sa.responder == sb.responder)
        #expect(h.a.state == .established && h.b.state == .established)
        h.deliver(h.b.sendLivenessCheck(now: 6, using: &h.rng), from: .b)
        #expect(h.logs(.b).contains("peer is alive"))
        // Nothing left outstanding on a dead SA: no retransmission later.
        h.advance(to: 9)
        #expect(!h.logs(.b).contains { $0.hasPrefix("retransmission") })
    }
}
