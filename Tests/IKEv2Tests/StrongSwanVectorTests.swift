import Foundation
import IKEv2
import IPAddressing
import IPsecCrypto
import MeridianTestSupport
import Testing

/// Messages captured from a real strongSwan peer (see Vectors/README.md).
struct StrongSwanVectorTests {
    func vector(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors/\(name)")
        let text = try String(contentsOf: url, encoding: .utf8).filter { !$0.isWhitespace }
        let chars = Array(text.utf8)
        return stride(from: 0, to: chars.count, by: 2).map {
            UInt8(String(decoding: chars[$0..<$0 + 2], as: UTF8.self), radix: 16)!
        }
    }

    @Test func parsesStrongSwanDefaultInitRequest() throws {
        let bytes = try vector("strongswan-5.9.8-ike-sa-init-request.hex")
        #expect(bytes.count == 892)
        let m = try IKEMessage.decode(bytes, protection: nil)
        #expect(m.header.exchangeType == 34 && m.header.isInitiator && !m.header.isResponse)
        guard case .securityAssociation(let proposals) = m.payloads[0] else {
            Issue.record("first payload is not SA")
            return
        }
        #expect(proposals.count == 2)
        let first = try #require(proposals[0].ikeProposal)
        #expect(first.encryption == [.aesCBC(keyBits: 128), .aesCBC(keyBits: 192), .aesCBC(keyBits: 256)])
        #expect(first.integrity == [.hmacSHA256_128, .hmacSHA384_192, .hmacSHA512_256, .hmacSHA1_96])
        #expect(first.prfs == [.hmacSHA256, .hmacSHA384, .hmacSHA512, .hmacSHA1])
        #expect(first.groups == [.curve25519, .ecp256, .ecp384, .modp2048])
        let second = try #require(proposals[1].ikeProposal)
        #expect(second.encryption == [.aesGCM16(keyBits: 128), .aesGCM16(keyBits: 192), .aesGCM16(keyBits: 256)])
        let notifies = m.payloads.compactMap { if case .notify(let n) = $0 { n.type.description } else { nil } }
        #expect(
            notifies == [
                "NAT_DETECTION_SOURCE_IP", "NAT_DETECTION_DESTINATION_IP", "IKEV2_FRAGMENTATION_SUPPORTED",
                "SIGNATURE_HASH_ALGORITHMS", "REDIRECT_SUPPORTED",
            ]
        )
    }

    @Test func responderAnswersStrongSwanDefaultInitRequest() throws {
        let bytes = try vector("strongswan-5.9.8-ike-sa-init-request.hex")
        var config = try makeConfig(initiator: false, ike: "aes128-sha256-x25519")
        config.remoteAddress = siteB
        var responder = IKESAStateMachine(configuration: config, isInitiator: false)
        var rng = SeededGenerator(seed: 5)
        let actions = responder.receive(bytes, from: Endpoint(siteB, port: 500), localPort: 500, now: 0, using: &rng)
        #expect(responder.state == .initResponded)
        #expect(responder.ikeSuite?.description == "AES_CBC_128/AUTH_HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519")
        #expect(responder.natDetected)  // strongSwan's kernel-libipsec fakes its NAT_DETECTION_SOURCE_IP
        #expect(actions.contains { if case .send = $0 { true } else { false } })
    }
}
