import IKEv2
import IPAddressing
import IPsecCrypto
import MeridianTestSupport
import Testing

struct PayloadCodecTests {
    @Test func notifyNamesFollowTheRFC() {
        #expect(NotifyType.noProposalChosen.description == "NO_PROPOSAL_CHOSEN")
        #expect(NotifyType(60000).description == "NOTIFY(60000)")
    }
}

struct MessageRoundTripTests {
    @Test func plainMessageRoundTrips() throws {
        let proposal = try ProposalSyntax.ikeProposal("aes256gcm16-prfsha384-ecp384")
        let payloads: [Payload] = [
            .securityAssociation([ProposalRepr(number: 1, ike: proposal)]),
            .keyExchange(group: 20, data: [UInt8](repeating: 7, count: 96)),
            .nonce([UInt8](repeating: 1, count: 32)),
            .notify(NotifyRepr(.natDetectionSourceIP, data: [UInt8](repeating: 2, count: 20))),
            .vendorID([9, 9]), .delete(DeleteRepr(protocolID: 3, spiSize: 4, spis: [[1, 2, 3, 4]])),
            .trafficSelectorInitiator([TrafficSelector(IPv4Prefix("10.0.0.0/8")!)]),
            .identificationInitiator(.fqdn("siteA.example")),
            .identificationResponder(.ipv4(IPv4Address(198, 51, 100, 2))),
            .authentication(method: 2, data: [1, 2, 3]),
        ]
        let m = IKEMessage(
            header: IKEHeader(initiatorSPI: 1, responderSPI: 2, exchangeType: 34, flags: 8, messageID: 0),
            payloads: payloads,
            isEncrypted: false
        )
        var rng = SeededGenerator(seed: 1)
        let bytes = try m.encode(protection: nil, using: &rng)
        let back = try IKEMessage.decode(bytes, protection: nil)
        #expect(back.payloads == payloads)
        if case .securityAssociation(let s) = back.payloads[0] {
            #expect(s[0].ikeProposal == proposal)
        } else {
            Issue.record("no SA")
        }
    }

    @Test(arguments: ["aes128gcm16-prfsha256-x25519", "aes256-sha512-modp2048", "aes192-md5-modp1024"])
    func encryptedMessageRoundTripsAndDetectsTampering(ike: String) throws {
        let p = try ProposalSyntax.ikeProposal(ike)
        let suite = try #require(p.firstMatch(in: p))
        let keys = KeyDerivation.ikeSAKeys(
            suite: suite,
            skeyseed: [1, 2, 3],
            nonceI: [4],
            nonceR: [5],
            spiI: 6,
            spiR: 7
        )
        let send = SKProtection(suite: suite, keys: keys, senderIsInitiator: true)
        let payloads: [Payload] = [
            .identificationInitiator(.fqdn("a")), .authentication(method: 2, data: [UInt8](repeating: 3, count: 32)),
        ]
        let m = IKEMessage(
            header: IKEHeader(initiatorSPI: 6, responderSPI: 7, exchangeType: 35, flags: 8, messageID: 1),
            payloads: payloads,
            isEncrypted: true
        )
        var rng = SeededGenerator(seed: 3)
        var bytes = try m.encode(protection: send, using: &rng)
        #expect(try IKEMessage.decode(bytes, protection: send).payloads == payloads)
        let wrongDirection = SKProtection(suite: suite, keys: keys, senderIsInitiator: false)
        #expect(throws: IKEv2Error.integrityCheckFailed) { try IKEMessage.decode(bytes, protection: wrongDirection) }
        bytes[bytes.count - 20] ^= 0x01
        #expect(throws: IKEv2Error.integrityCheckFailed) { try IKEMessage.decode(bytes, protection: send) }
    }

    @Test func udpPayloadClassification() {
        #expect(UDPPayloadKind(udpPayload: [0xFF], port: 4500) == .natKeepalive)
        #expect(UDPPayloadKind(udpPayload: [0, 0, 0, 1, 0, 0, 0, 1, 9, 9], port: 4500) == .esp)
        #expect(
            UDPPayloadKind(udpPayload: [0, 0, 0, 0] + [UInt8](repeating: 1, count: 28), port: 4500)
                == .ike([UInt8](repeating: 1, count: 28))
        )
        #expect(UDPPayloadKind(udpPayload: [1, 2], port: 500) == .invalid)
    }
}
