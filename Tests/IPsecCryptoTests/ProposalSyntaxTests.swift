import IPsecCrypto
import Testing

struct ProposalSyntaxTests {
    @Test func strongSwanIKEProposals() throws {
        let a = try ProposalSyntax.ikeProposal("aes128-sha1-modp1024")
        #expect(
            a
                == IKEProposal(
                    encryption: [.aesCBC(keyBits: 128)],
                    prfs: [.hmacSHA1],
                    integrity: [.hmacSHA1_96],
                    groups: [.modp1024]
                )
        )
        let b = try ProposalSyntax.ikeProposal("aes256gcm16-prfsha384-ecp384")
        #expect(
            b
                == IKEProposal(
                    encryption: [.aesGCM16(keyBits: 256)],
                    prfs: [.hmacSHA384],
                    integrity: [],
                    groups: [.ecp384]
                )
        )
        let c = try ProposalSyntax.ikeProposal("aes256-sha256-modp2048")
        #expect(c.description == "aes256-sha256-prfsha256-modp2048")
        #expect(try ProposalSyntax.ikeProposals("aes128gcm16-prfsha256-x25519, aes128-sha256-modp2048").count == 2)
    }

    @Test func strongSwanESPProposals() throws {
        let a = try ProposalSyntax.childProposal("aes128gcm16-x25519")
        #expect(a == ChildProposal(encryption: [.aesGCM16(keyBits: 128)], integrity: [], groups: [.curve25519]))
        #expect(try ProposalSyntax.childProposal("aes256gcm16").groups.isEmpty)
        #expect(try ProposalSyntax.childProposal("aes128-sha256").integrity == [.hmacSHA256_128])
    }

    @Test func refusedAndUnknownTokensAreNamed() {
        #expect(throws: IPsecCryptoError.self) { try ProposalSyntax.ikeProposal("3des-sha1-modp1024") }
        do {
            _ = try ProposalSyntax.ikeProposal("aes128-sha1-modp1023")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("'modp1023'"))
            #expect(error.description.contains("modp2048"))
        }
        do {
            _ = try ProposalSyntax.cloudEncryption("des", field: "IkeConfig.IkeEncAlg")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("'des'") && error.description.contains("IkeConfig.IkeEncAlg"))
            #expect(error.description.contains("56-bit"))
        }
        #expect(throws: IPsecCryptoError.self) { try ProposalSyntax.ikeProposal("aes128-sha256") }
        #expect(throws: IPsecCryptoError.self) { try ProposalSyntax.ikeProposal("aes128gcm16-sha256-x25519") }
        #expect(throws: IPsecCryptoError.self) { try ProposalSyntax.ikeProposal("") }
    }

    @Test func cloudNamesMapToTheSameTransforms() throws {
        let cloud = try ProposalSyntax.cloudIKEProposal(encryption: "aes", authentication: "sha1", group: "group2")
        #expect(cloud == (try ProposalSyntax.ikeProposal("aes128-sha1-modp1024")))
        let esp = try ProposalSyntax.cloudChildProposal(encryption: "aes256", authentication: "sha256", pfs: "group14")
        #expect(esp == (try ProposalSyntax.childProposal("aes256-sha256-modp2048")))
        #expect(
            try ProposalSyntax.cloudChildProposal(encryption: "aes192", authentication: "md5", pfs: "disabled").groups
                .isEmpty
        )
        #expect(try ProposalSyntax.cloudGroup("group5", field: "IkePfs") == .modp1536)
        #expect(
            throws: IPsecCryptoError.unknownToken(
                "group3",
                proposal: "IpsecConfig.IpsecPfs",
                allowed: ["disabled", "group1", "group2", "group5", "group14"]
            )
        ) {
            try ProposalSyntax.cloudChildProposal(encryption: "aes", authentication: "md5", pfs: "group3")
        }
    }

    @Test func matchingUsesTheResponderOrder() throws {
        let mine = try ProposalSyntax.ikeProposal("aes128-aes256-sha256-sha1-modp2048-x25519")
        let offer = try ProposalSyntax.ikeProposal("aes256-sha1-x25519")
        let suite = try #require(mine.firstMatch(in: offer))
        #expect(suite.description == "AES_CBC_256/AUTH_HMAC_SHA1_96/PRF_HMAC_SHA1/CURVE_25519")
        #expect(mine.firstMatch(in: try ProposalSyntax.ikeProposal("aes192-sha1-x25519")) == nil)
    }
}
