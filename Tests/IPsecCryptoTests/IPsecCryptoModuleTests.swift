import IPsecCrypto
import Testing

struct IPsecCryptoModuleTests {
    @Test func moduleLinks() {
        #expect(String(describing: IPsecCrypto.self) == "IPsecCrypto")
    }
}
