import IPAddressing
import Foundation
import Testing

struct IPv4AddressTests {
    @Test(arguments: ["0.0.0.0", "10.1.1.10", "255.255.255.255", "192.168.0.1", "1.1.1.1"])
    func parsesAndPrintsDottedQuads(_ text: String) throws {
        #expect(try IPv4Address(parsing: text).description == text)
    }

    @Test func octetsAndRawValueAgree() throws {
        let address = try IPv4Address(parsing: "172.16.254.3")
        #expect(address.rawValue == 0xAC10_FE03)
        #expect(address == IPv4Address(172, 16, 254, 3))
        #expect(address.octets == (172, 16, 254, 3))
    }

    /// A corpus of malformed addresses: each must throw, quote the value and say what is wrong.
    @Test(arguments: [
        ("", "the value is empty"),
        ("256.1.1.1", "octet 1 is greater than 255"),
        ("10.1.1", "it has 3 octets, not four"),
        ("10.1.1.1.1", "it has more than four octets"),
        ("10..1.1", "octet 2 is empty"),
        ("10.1.1.", "octet 4 is empty"),
        (".10.1.1", "octet 1 is empty"),
        ("010.1.1.1", "octet 1 has a leading zero"),
        ("10.1.1.1 ", "it contains the character ' '"),
        ("-1.0.0.0", "it contains the character '-'"),
        ("1.2.3.4/24", "it contains the character '/'"),
        ("1.2.3.1000", "octet 4 is greater than 255"),
        ("one.two.three.four", "it contains the character 'o'"),
        ("１.2.3.4", "it contains the character"),
    ])
    func rejectsMalformedAddresses(_ text: String, _ reason: String) {
        #expect(IPv4Address(text) == nil)
        do {
            _ = try IPv4Address(parsing: text)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.description.contains("'\(text)'"))
            #expect(error.description.contains(reason), "\(error.description)")
            #expect(error.description.contains("each 0...255"))
        }
    }

    @Test func ordersNumerically() throws {
        let sorted = ["10.0.0.10", "9.255.255.255", "10.0.0.9"].compactMap(IPv4Address.init).sorted()
        #expect(sorted.map(\.description) == ["9.255.255.255", "10.0.0.9", "10.0.0.10"])
    }

    @Test func codableAsString() throws {
        let address = try IPv4Address(parsing: "5.5.5.5")
        let encoded = try JSONEncoder().encode([address])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["5.5.5.5"]"#)
        #expect(try JSONDecoder().decode([IPv4Address].self, from: encoded) == [address])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([IPv4Address].self, from: Data(#"["5.5.5"]"#.utf8)) }
    }
}
