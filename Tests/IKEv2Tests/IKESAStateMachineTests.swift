import IKEv2
import IPAddressing
import IPsecCrypto
import Testing

struct IKESAStateMachineTests {
    @Test(arguments: [
        ("aes128gcm16-prfsha256-x25519", "aes128gcm16"),
        ("aes256gcm16-prfsha384-ecp384", "aes256gcm16"),
        ("aes128-sha1-modp1024", "aes128-sha1"),
        ("aes256-sha256-modp2048", "aes256-sha256"),
        ("aes192-sha512-ecp256", "aes192-sha384"),
        ("aes128-md5-modp768", "aes128-md5"),
        ("aes256-sha384-modp1536", "aes128gcm16"),
    ])
    func fullHandshakeInstallsMirroredChildSAs(ike: String, esp: String) throws {
        var h = Harness(
            initiator: try makeConfig(initiator: true, ike: ike, esp: esp),
            responder: try makeConfig(initiator: false, ike: ike, esp: esp)
        )
        h.start()
        #expect(h.a.state == .established)
        #expect(h.b.state == .established)
        let ka = try #require(h.installed(.a).first)
        let kb = try #require(h.installed(.b).first)
        #expect(mirrored(ka, kb))
        #expect(ka.localTrafficSelectors.map(\.description) == ["10.10.10.0/24"])
        #expect(ka.remoteTrafficSelectors.map(\.description) == ["172.16.0.0/16"])
        #expect(ka.outbound.encryptionKey.count == ka.encryption.keyBits / 8)
        #expect(h.a.ikeSuite == h.b.ikeSuite)
        #expect(h.a.ikeSPIs?.initiator == h.b.ikeSPIs?.initiator)
    }

    @Test func cloudProposalNamesNegotiate() throws {
        var ic = try makeConfig(initiator: true)
        var rc = try makeConfig(initiator: false)
        ic.ikeProposals = [
            try ProposalSyntax.cloudIKEProposal(encryption: "aes", authentication: "md5", group: "group2")
        ]
        rc.ikeProposals = [try ProposalSyntax.ikeProposal("aes128-md5-modp1024")]
        ic.childProposals = [
            try ProposalSyntax.cloudChildProposal(encryption: "aes256", authentication: "sha1", pfs: "group14")
        ]
        rc.childProposals = [try ProposalSyntax.childProposal("aes256-sha1-modp2048")]
        var h = Harness(initiator: ic, responder: rc)
        h.start()
        #expect(h.a.state == .established && h.installed(.a).count == 1)
    }

    @Test func wrongPreSharedKeyFailsOnBothSides() throws {
        var h = Harness(
            initiator: try makeConfig(initiator: true, psk: "right"),
            responder: try makeConfig(initiator: false, psk: "wrong")
        )
        h.start()
        #expect(h.notifiesSent(.b) == [.authenticationFailed])
        #expect(h.notifiesReceived(.a) == [.authenticationFailed])
        #expect(h.a.state == .closed && h.b.state == .closed)
        #expect(h.installed(.a).isEmpty && h.installed(.b).isEmpty)
    }

    @Test func mismatchedSelectorsGiveTSUnacceptableButKeepTheIKESA() throws {
        var h = Harness(
            initiator: try makeConfig(initiator: true, local: "10.10.10.0/24", remote: "172.16.0.0/16"),
            responder: try makeConfig(initiator: false, local: "192.168.0.0/16", remote: "10.10.10.0/24")
        )
        h.start()
        #expect(h.notifiesSent(.b) == [.tsUnacceptable])
        #expect(h.notifiesReceived(.a) == [.tsUnacceptable])
        #expect(h.a.state == .established && h.installed(.a).isEmpty)
    }

    @Test func responderNarrowsSelectors() throws {
        var h = Harness(
            initiator: try makeConfig(initiator: true, local: "10.10.0.0/16", remote: "172.16.0.0/12"),
            responder: try makeConfig(initiator: false, local: "172.16.0.0/16", remote: "10.10.10.0/24")
        )
        h.start()
        let ka = try #require(h.installed(.a).first)
        #expect(ka.localTrafficSelectors.map(\.description) == ["10.10.10.0/24"])
        #expect(ka.remoteTrafficSelectors.map(\.description) == ["172.16.0.0/16"])
        #expect(mirrored(ka, try #require(h.installed(.b).first)))
    }

    @Test func invalidKEPayloadRenegotiatesTheGroup() throws {
        var h = Harness(
            initiator: try makeConfig(initiator: true, ike: "aes128-sha256-x25519-modp2048"),
            responder: try makeConfig(initiator: false, ike: "aes128-sha256-modp2048")
        )
        h.start()
        #expect(h.notifiesSent(.b) == [.invalidKEPayload])
        #expect(h.notifiesReceived(.a) == [.invalidKEPayload])
        #expect(h.a.state == .established)
        #expect(h.a.ikeSuite?.group == .modp2048)
    }

    @Test func disjointProposalsGiveNoProposalChosen() throws {
        var h = Harness(
            initiator: try makeConfig(initiator: true, ike: "aes128-sha256-modp2048"),
            responder: try makeConfig(initiator: false, ike: "aes256gcm16-prfsha384-ecp384")
        )
        h.start()
        #expect(h.notifiesSent(.b) == [.noProposalChosen])
        #expect(h.notifiesReceived(.a) == [.noProposalChosen])
        #expect(h.a.state == .closed && h.b.state == .idle)
    }

    @Test func espMismatchKeepsTheIKESA() throws {
        var h = Harness(
            initiator: try makeConfig(initiator: true, esp: "aes128-sha256"),
            responder: try makeConfig(initiator: false, esp: "aes256gcm16")
        )
        h.start()
        #expect(h.notifiesReceived(.a) == [.noProposalChosen])
        #expect(h.a.state == .established && h.b.state == .established && h.installed(.a).isEmpty)
    }

    @Test func responderUnderLoadDemandsACookie() throws {
        var h = Harness(
            initiator: try makeConfig(initiator: true),
            responder: try makeConfig(initiator: false, requireCookie: true)
        )
        h.start()
        #expect(h.notifiesSent(.b) == [.cookie])
        #expect(h.notifiesReceived(.a) == [.cookie])
        #expect(h.a.state == .established && h.b.state == .established)
        // The first request created no responder state: the responder answered twice from .idle.
        #expect(h.sent.filter { $0.0 == .a }.count == 3)
    }

    @Test func lostRequestsAreRetransmittedWithBackOffThenThePeerIsDead() throws {
        var h = Harness(initiator: try makeConfig(initiator: true), responder: try makeConfig(initiator: false))
        h.filter = { _, _ in false }
        h.start()
        #expect(h.a.state == .initSent)
        var times: [Double] = []
        var t = 0.0
        while h.a.state != .closed, times.count < 20 {
            t = try #require(h.a.nextDeadline)
            times.append(t)
            h.advance(to: t)
        }
        #expect(times == [2, 6, 14, 30, 62, 126])
        #expect(h.a.state == .closed)
        #expect(h.sent.filter { $0.0 == .a }.count == 6)
    }

    @Test func oneLostResponseIsRecoveredByRetransmission() throws {
        var h = Harness(initiator: try makeConfig(initiator: true), responder: try makeConfig(initiator: false))
        var dropped = false
        h.filter = { side, d in
            // Drop the responder's first IKE_AUTH response once.
            if side == .b, !dropped, d.message.count > 100, d.message[18] == 35 {
                dropped = true
                return false
            }
            return true
        }
        h.start()
        #expect(h.a.state == .authSent && h.b.state == .established)
        h.advance(to: 2)
        #expect(h.a.state == .established)
        #expect(mirrored(try #require(h.installed(.a).first), try #require(h.installed(.b).first)))
        #expect(h.installed(.b).count == 1)  // the retransmitted request was answered from the cache
    }

    @Test func deadPeerDetection() throws {
        var h = Harness(
            initiator: try makeConfig(initiator: true, dpd: 10),
            responder: try makeConfig(initiator: false, dpd: nil)
        )
        h.start()
        h.advance(to: 10)
        #expect(h.a.state == .established)
        #expect(h.sent.filter { $0.0 == .a }.count == 3)  // INIT, AUTH, one DPD
        h.filter = { _, _ in false }
        var n = 0
        while h.a.state != .closed, n < 20, let t = h.a.nextDeadline {
            h.advance(to: t)
            n += 1
        }
        #expect(h.a.state == .closed)
        #expect(h.removed(.a) == h.installed(.a).map(\.inboundSPI))
    }

    @Test(arguments: ["aes128gcm16-x25519", "aes128-sha256-modp2048", "aes256gcm16"])
    func childSARekeyWithPFS(esp: String) throws {
        var h = Harness(
            initiator: try makeConfig(initiator: true, esp: esp),
            responder: try makeConfig(initiator: false, esp: esp)
        )
        h.start()
        let old = try #require(h.installed(.a).first)
        let acts = h.a.rekeyChildSA(inboundSPI: old.inboundSPI, now: 100, using: &h.rng)
        h.now = 100
        h.deliver(acts, from: .a)
        #expect(h.installed(.a).count == 2 && h.installed(.b).count == 2)
        #expect(mirrored(h.installed(.a)[1], h.installed(.b)[1]))
        #expect(h.installed(.a)[1].inbound != old.inbound)
        #expect(h.removed(.a) == [old.inboundSPI])
        #expect(h.removed(.b) == [old.outboundSPI])
        #expect(h.a.childSAs.count == 1 && h.b.childSAs.count == 1)
    }

    @Test func childSARekeyRenegotiatesThePFSGroup() throws {
        var h = Harness(
            initiator: try makeConfig(initiator: true, esp: "aes128gcm16-x25519-modp2048"),
            responder: try makeConfig(initiator: false, esp: "aes128gcm16-modp2048")
        )
        h.start()
        let old = try #require(h.installed(.a).first)
        h.deliver(h.a.rekeyChildSA(inboundSPI: old.inboundSPI, now: 0, using: &h.rng), from: .a)
        #expect(h.notifiesReceived(.a) == [.invalidKEPayload])
        #expect(h.installed(.a).count == 2 && mirrored(h.installed(.a)[1], h.installed(.b)[1]))
    }

    @Test func ikeSARekeyMovesToNewSPIsAndKeepsWorking() throws {
        var h = Harness(initiator: try makeConfig(initiator: true), responder: try makeConfig(initiator: false))
        h.start()
        let before = try #require(h.a.ikeSPIs)
        h.deliver(h.a.rekeyIKESA(now: 50, using: &h.rng), from: .a)
        let after = try #require(h.a.ikeSPIs)
        #expect(after.initiator != before.initiator)
        #expect(h.b.ikeSPIs?.initiator == after.initiator && h.b.ikeSPIs?.responder == after.responder)
        // The Child SA survives, and a Child SA rekey then runs over the new IKE SA, started by the responder.
        let child = try #require(h.b.childSAs.first)
        h.deliver(h.b.rekeyChildSA(inboundSPI: child.inboundSPI, now: 60, using: &h.rng), from: .b)
        #expect(h.installed(.a).count == 2 && mirrored(h.installed(.a)[1], h.installed(.b)[1]))
        #expect(h.a.state == .established && h.b.state == .established)
    }

    @Test func lifetimesTriggerRekeys() throws {
        var ic = try makeConfig(initiator: true, dpd: nil)
        ic.childLifetime = SALifetime(softSeconds: 100, hardSeconds: 120)
        ic.ikeLifetime = SALifetime(softSeconds: 250, hardSeconds: 300)
        var h = Harness(initiator: ic, responder: try makeConfig(initiator: false, dpd: nil))
        h.start()
        h.advance(to: 100)
        #expect(h.installed(.a).count == 2)
        let spi = h.a.ikeSPIs?.initiator
        while let t = h.a.nextDeadline, t <= 250 { h.advance(to: t) }
        #expect(h.a.ikeSPIs?.initiator != spi)
        #expect(h.installed(.a).count >= 3)  // the Child SA was rekeyed again before its hard lifetime
        #expect(h.a.childSAs.count == 1 && h.b.childSAs.count == 1)
    }

    @Test func deleteClosesBothSides() throws {
        var h = Harness(initiator: try makeConfig(initiator: true), responder: try makeConfig(initiator: false))
        h.start()
        h.deliver(h.a.delete(now: 5, using: &h.rng), from: .a)
        #expect(h.a.state == .closed && h.b.state == .closed)
        #expect(h.removed(.b).count == 1)
    }

    @Test func natIsDetectedAndIKEMovesToPort4500() throws {
        var h = Harness(initiator: try makeConfig(initiator: true), responder: try makeConfig(initiator: false))
        h.addressOfA = IPv4Address(203, 0, 113, 7)  // a NAT rewrites A's source address
        h.start()
        #expect(h.a.natDetected && h.b.natDetected)
        #expect(h.a.state == .established)
        let auth = try #require(h.sent.first { $0.0 == .a && $0.1.message[18] == 35 }?.1)
        #expect(auth.localPort == 4500 && auth.remote.port == 4500)
        #expect(auth.udpPayload.prefix(4) == [0, 0, 0, 0])
        #expect(try #require(h.installed(.a).first).udpEncapsulation)
    }

    @Test func noNATMeansNoEncapsulation() throws {
        var h = Harness(initiator: try makeConfig(initiator: true), responder: try makeConfig(initiator: false))
        h.start()
        #expect(!h.a.natDetected)
        #expect(try #require(h.installed(.a).first).udpEncapsulation == false)
    }

    @Test func halfOpenResponderGivesUp() throws {
        var h = Harness(initiator: try makeConfig(initiator: true), responder: try makeConfig(initiator: false))
        h.filter = { side, d in !(side == .a && d.message[18] == 35) }  // IKE_AUTH requests are lost
        h.start()
        #expect(h.b.state == .initResponded)
        #expect(h.b.nextDeadline == 30)
        h.advance(to: 30)
        #expect(h.b.state == .closed)
    }

    @Test func newSARequestsAreRecognised() throws {
        var h = Harness(initiator: try makeConfig(initiator: true), responder: try makeConfig(initiator: false))
        h.start()
        #expect(IKESAStateMachine.isNewSARequest(h.sent[0].1.message))
        #expect(!IKESAStateMachine.isNewSARequest(h.sent[1].1.message))
        #expect(!IKESAStateMachine.isNewSARequest([1, 2, 3]))
    }

    @Test func hardLifetimeRemovesAChildSAThatCouldNotBeRekeyed() throws {
        var ic = try makeConfig(initiator: true, dpd: nil)
        ic.childLifetime = SALifetime(softSeconds: 100, hardSeconds: 120)
        ic.ikeLifetime = SALifetime(softSeconds: 10_000, hardSeconds: 10_000)
        var h = Harness(initiator: ic, responder: try makeConfig(initiator: false, dpd: nil))
        h.start()
        let child = try #require(h.installed(.a).first)
        h.filter = { _, _ in false }  // the rekey request is lost, and so are its retransmissions
        var n = 0
        while h.a.childSAs.contains(where: { $0.inboundSPI == child.inboundSPI }), n < 20, let t = h.a.nextDeadline {
            h.advance(to: t)
            n += 1
        }
        #expect(h.removed(.a).contains(child.inboundSPI))
        #expect(h.now <= 120.0001)
        let rekeyRequest = try #require(h.sent.first { $0.0 == .a && $0.1.message[18] == 36 })
        _ = rekeyRequest
    }
}
