import IPAddressing
import Testing

struct IPv4AddressTests {
    @Test(arguments: ["0.0.0.0", "10.1.1.10", "255.255.255.255", "192.168.0.1"])
    func parsesAndPrintsDottedQuads(_ text: String) throws {
        #expect(try IPv4Address(parsing: text).description == text)
    }
}
