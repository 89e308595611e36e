import IPAddressing
import MeridianTestSupport
import Foundation
import Testing

struct IPv4AddressTests {
    @Test(arguments: ["0.0.0.0", "10.1.1.10", "255.255.255.255", "192.168.0.1", "1.1.1.1"])
    func parsesAndPrintsDottedQuads(_ text: String) throws {
        #expect(try IPv4Address(parsing: text).description == text)
    }

    /// The description written digit by digit agrees with the octets formatted by the standard library, for every
    /// octet value in every position and for random addresses; and it parses back to the same address.
    @Test func descriptionsAgreeWithFormattedOctetsAndParseBack() throws {
        var values: [UInt32] = (0...255).flatMap { octet in [0, 8, 16, 24].map { UInt32(octet) << UInt32($0) } }
        var random = SeededGenerator(seed: 0x1900_ADD2)
        values += (0..<2000).map { _ in UInt32.random(in: .min ... .max, using: &random) }
        for value in values {
            let address = IPv4Address(value)
            let (a, b, c, d) = address.octets
            #expect(address.description == "\(a).\(b).\(c).\(d)")
            #expect(try IPv4Address(parsing: address.description) == address)
            let length = Int(value % 33)
            let prefix = IPv4Prefix(containing: address, length: length)
            #expect(prefix.description == "\(prefix.network.description)/\(length)")
            #expect(try IPv4Prefix(parsing: prefix.description) == prefix)
        }
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
