import Foundation
import IPAddressing
import Testing

struct IPv4PrefixTests {
    @Test(arguments: ["0.0.0.0/0", "10.0.0.0/8", "172.16.0.0/16", "10.10.10.0/24", "1.1.1.1/32", "100.64.0.0/10"])
    func parsesCanonicalPrefixes(_ text: String) throws {
        #expect(try IPv4Prefix(parsing: text).description == text)
    }

    @Test func namesTheCanonicalFormWhenHostBitsAreSet() {
        // Seed 003 prints `0.5.0.0/0` where `0.0.0.0/0` is meant.
        #expect(throws: IPAddressingError.hostBitsSet("0.5.0.0/0", canonical: "0.0.0.0/0")) {
            try IPv4Prefix(parsing: "0.5.0.0/0")
        }
        #expect(throws: IPAddressingError.hostBitsSet("10.1.1.10/24", canonical: "10.1.1.0/24")) {
            try IPv4Prefix(parsing: "10.1.1.10/24")
        }
        #expect(
            IPAddressingError.hostBitsSet("0.5.0.0/0", canonical: "0.0.0.0/0").description
                == "invalid CIDR block '0.5.0.0/0': host bits are set beyond the prefix length; the canonical form is '0.0.0.0/0'"
        )
    }

    @Test(arguments: [
        ("10.0.0.0/33", "prefix length 33 is out of range; allowed: 0...32"),
        ("10.0.0.0/-1", "the prefix length '-1' is not a number"),
        ("10.0.0.0/", "the prefix length '' is not a number"),
        ("10.0.0.0/024", "the prefix length '024' has a leading zero"),
        ("10.0.0.0", "the '/n' prefix length is missing"),
        ("", "the value is empty"),
        ("256.1.1.0/24", "the address part octet 1 is greater than 255"),
        ("10.1.1/24", "the address part it has 3 octets, not four"),
        ("10.0.0.0/8/8", "it has more than one '/'"),
        ("10.0.0.0/ 8", "the prefix length ' 8' is not a number"),
        ("10.0.0.0/1000", "the prefix length '1000' is not a number"),
        ("10.0.0.0/99999999999999999999999", "the prefix length '99999999999999999999999' is not a number"),
        ("10.0.0.0/2٤", "the prefix length '2٤' is not a number"),
        ("10.0.0.0/8a", "the prefix length '8a' is not a number"),
        ("/8", "the address part the value is empty"),
    ])
    func rejectsMalformedPrefixes(_ text: String, _ reason: String) {
        #expect(IPv4Prefix(text) == nil)
        do {
            _ = try IPv4Prefix(parsing: text)
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.description.contains("'\(text)'"))
            #expect(error.description.contains(reason), "\(error.description)")
        }
    }

    @Test func constructsFromNetworkAndLength() throws {
        #expect(try IPv4Prefix(network: IPv4Address(10, 0, 0, 0), length: 8).description == "10.0.0.0/8")
        #expect(throws: IPAddressingError.prefixLengthOutOfRange("10.0.0.0/40", length: 40)) {
            try IPv4Prefix(network: IPv4Address(10, 0, 0, 0), length: 40)
        }
        #expect(IPv4Prefix(containing: IPv4Address(10, 1, 2, 3), length: 16).description == "10.1.0.0/16")
    }

    @Test func containmentAndOverlap() throws {
        let vpc = try IPv4Prefix(parsing: "172.16.0.0/16")
        let vsw = try IPv4Prefix(parsing: "172.16.1.0/24")
        let other = try IPv4Prefix(parsing: "172.17.0.0/16")
        #expect(vpc.contains(vsw))
        #expect(!vsw.contains(vpc))
        #expect(vpc.contains(vpc))
        #expect(vpc.overlaps(vsw) && vsw.overlaps(vpc))
        #expect(!vpc.overlaps(other))
        #expect(IPv4Prefix.defaultRoute.contains(other))
        #expect(vpc.contains(try IPv4Address(parsing: "172.16.255.255")))
        #expect(!vpc.contains(try IPv4Address(parsing: "172.17.0.0")))
        #expect(vsw.lastAddress.description == "172.16.1.255")
        #expect(vsw.netmask.description == "255.255.255.0")
        #expect(vsw.addressCount == 256)
        #expect(IPv4Prefix.defaultRoute.addressCount == 1 << 32)
    }

    @Test func sortsBlocksBeforeTheirSubnets() throws {
        let sorted = ["10.0.1.0/24", "10.0.0.0/16", "9.0.0.0/8", "10.0.0.0/24"].compactMap(IPv4Prefix.init).sorted()
        #expect(sorted.map(\.description) == ["9.0.0.0/8", "10.0.0.0/16", "10.0.0.0/24", "10.0.1.0/24"])
    }

    @Test func codableAsString() throws {
        let prefix = try IPv4Prefix(parsing: "192.168.0.0/16")
        let encoded = try JSONEncoder().encode(prefix)
        #expect(String(decoding: encoded, as: UTF8.self) == #""192.168.0.0\/16""#)
        #expect(try JSONDecoder().decode(IPv4Prefix.self, from: encoded) == prefix)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(IPv4Prefix.self, from: Data(#""0.5.0.0/0""#.utf8)) }
    }
}
