import ESP
import Testing

struct ESPProposalTests {
    @Test(arguments: [
        ("aes128gcm16", "aes128gcm16", nil as String?),
        ("aes256gcm16-x25519", "aes256gcm16", "x25519"),
        ("aes128-sha1", "aes128-sha1", nil),
        ("aes-sha1", "aes128-sha1", nil),
        ("aes128-sha1-modp1024", "aes128-sha1", "modp1024"),
        ("AES256-SHA256-ecp384", "aes256-sha256", "ecp384"),
        ("aes192-sha384-noesn", "aes192-sha384", nil),
        ("aes256-sha512", "aes256-sha512", nil),
    ])
    func parsesStrongSwanSpelling(text: String, transform: String, group: String?) throws {
        let p = try ESPProposal(parsing: text)
        #expect(p.transform.description == transform)
        #expect(p.keyExchange == group)
    }

    @Test func keyAndICVSizes() throws {
        let gcm = try ESPProposal(parsing: "aes128gcm16").transform
        #expect(gcm.encryptionKeyBytes == 20)
        #expect(gcm.integrityKeyBytes == 0)
        #expect(gcm.icvBytes == 16)
        #expect(gcm.ivBytes == 8)
        let cbc = try ESPProposal(parsing: "aes256-sha384").transform
        #expect(cbc.encryptionKeyBytes == 32)
        #expect(cbc.integrityKeyBytes == 48)
        #expect(cbc.icvBytes == 24)
        #expect(cbc.ivBytes == 16)
        #expect(gcm.sealedLength(payload: 1400) == 8 + 8 + 1404 + 16)
        #expect(cbc.sealedLength(payload: 1400) == 8 + 16 + 1408 + 24)
    }

    @Test(arguments: ["", "3des-sha1", "aes128", "aes128gcm16-sha256", "aes128-md5", "aes128-sha1-esn", "aes512-sha1"])
    func rejectsWithClearError(text: String) {
        do {
            _ = try ESPProposal(parsing: text)
            Issue.record("accepted '\(text)'")
        } catch {
            guard case .invalidProposal(let value, let reason) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(value == text)
            #expect(!reason.isEmpty)
            #expect(error.description.contains("'\(text)'"))
        }
    }
}
