import DataPlane
import Foundation
import IKEv2
import IPAddressing
import IPsecCrypto
import Synchronization
import Testing

/// Two data planes negotiate IKEv2 and exchange ESP over the in-memory network and TUN doubles.
struct TunnelEndpointTests {
    static let a = IPv4Address(198, 51, 100, 1)
    static let b = IPv4Address(198, 51, 100, 2)

    static func config(
        local: IPv4Address, remote: IPv4Address, localNet: String, remoteNet: String, psk: String,
        ike: String, esp: String
    ) throws -> IKEConfiguration {
        IKEConfiguration(
            localAddress: local, remoteAddress: remote,
            localID: Identification("\(local)"), remoteID: Identification("\(remote)"),
            preSharedKey: Array(psk.utf8),
            ikeProposals: try ProposalSyntax.ikeProposals(ike),
            childProposals: try ProposalSyntax.childProposals(esp),
            localTrafficSelectors: [TrafficSelector(try IPv4Prefix(parsing: localNet))],
            remoteTrafficSelectors: [TrafficSelector(try IPv4Prefix(parsing: remoteNet))],
            retransmitTimeout: 0.3, maxRetransmits: 2, forceUDPEncapsulation: true)
    }

    /// A minimal IPv4 header (no checksum needed: the tunnel does not check it) plus payload.
    static func ipv4(from src: IPv4Address, to dst: IPv4Address, payload: [UInt8]) -> [UInt8] {
        var p = [UInt8](repeating: 0, count: 20)
        p[0] = 0x45
        let total = 20 + payload.count
        p[2] = UInt8(total >> 8)
        p[3] = UInt8(total & 0xFF)
        p[8] = 64
        p[9] = 1
        for i in 0..<4 {
            p[12 + i] = UInt8(truncatingIfNeeded: src.rawValue >> (24 - 8 * i))
            p[16 + i] = UInt8(truncatingIfNeeded: dst.rawValue >> (24 - 8 * i))
        }
        return p + payload
    }

    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func add(_ s: String) { lines.withLock { $0.append(s) } }
        var all: [String] { lines.withLock { $0 } }
    }

    static func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return condition()
    }

    @Test(arguments: [
        ("aes128-sha1-modp1024", "aes128-sha1"),
        ("aes256gcm16-prfsha384-ecp384", "aes256gcm16"),
        ("aes128gcm16-prfsha256-x25519", "aes128gcm16-x25519"),
    ])
    func negotiatesAndCarriesTraffic(ike: String, esp: String) throws {
        let net = MemoryDatagramNetwork()
        let tunA = MemoryPacketDevice()
        let tunB = MemoryPacketDevice()
        let logA = Lines()
        let logB = Lines()
        let epA = TunnelEndpoint(
            configuration: try Self.config(
                local: Self.a, remote: Self.b, localNet: "10.10.10.0/24", remoteNet: "172.16.0.0/16", psk: "k",
                ike: ike, esp: esp),
            isInitiator: true, device: tunA, transport: net.attach(Self.a), log: logA.add)
        let epB = TunnelEndpoint(
            configuration: try Self.config(
                local: Self.b, remote: Self.a, localNet: "172.16.0.0/16", remoteNet: "10.10.10.0/24", psk: "k",
                ike: ike, esp: esp),
            isInitiator: false, device: tunB, transport: net.attach(Self.b), log: logB.add)
        epB.start(initiate: false)
        epA.start(initiate: true)
        defer {
            epA.shutdown(grace: 0.5)
            epB.shutdown(grace: 0)
        }
        #expect(Self.waitUntil(5) { epA.state == .established && epB.state == .established }, "\(logA.all)")
        #expect(Self.waitUntil(2) { epA.stats.sealed == 0 })
        let ping = Self.ipv4(from: IPv4Address(10, 10, 10, 10), to: IPv4Address(172, 16, 0, 10), payload: Array(0..<100))
        // The outbound SA may be installed a moment after `established` on the responder: retry a few times.
        tunA.inject(ping)
        let got = tunB.delivered()
        #expect(got == ping)
        let reply = Self.ipv4(from: IPv4Address(172, 16, 0, 10), to: IPv4Address(10, 10, 10, 10), payload: [1, 2, 3])
        tunB.inject(reply)
        #expect(tunA.delivered() == reply)
        // Outside the selectors: not sent.
        tunA.inject(Self.ipv4(from: IPv4Address(10, 10, 10, 10), to: IPv4Address(8, 8, 8, 8), payload: []))
        #expect(Self.waitUntil(2) { epA.stats.noSA == 1 })
        #expect(logA.all.contains { $0.contains("-> established") })
    }

    @Test func wrongKeyIsAuthenticationFailedOnBothSides() throws {
        let net = MemoryDatagramNetwork()
        let logA = Lines()
        let logB = Lines()
        let epA = TunnelEndpoint(
            configuration: try Self.config(
                local: Self.a, remote: Self.b, localNet: "10.10.10.0/24", remoteNet: "172.16.0.0/16", psk: "one",
                ike: "aes128-sha256-x25519", esp: "aes128gcm16"),
            isInitiator: true, device: MemoryPacketDevice(), transport: net.attach(Self.a), log: logA.add)
        let epB = TunnelEndpoint(
            configuration: try Self.config(
                local: Self.b, remote: Self.a, localNet: "172.16.0.0/16", remoteNet: "10.10.10.0/24", psk: "two",
                ike: "aes128-sha256-x25519", esp: "aes128gcm16"),
            isInitiator: false, device: MemoryPacketDevice(), transport: net.attach(Self.b), log: logB.add)
        epB.start(initiate: false)
        epA.start(initiate: true)
        defer {
            epA.shutdown(grace: 0)
            epB.shutdown(grace: 0)
        }
        #expect(Self.waitUntil(5) { logA.all.contains { $0.contains("AUTHENTICATION_FAILED") } }, "\(logA.all)")
        #expect(logB.all.contains { $0.contains("AUTHENTICATION_FAILED") }, "\(logB.all)")
        #expect(epA.state != .established)
    }

    @Test func nonMatchingSelectorsAreTSUnacceptable() throws {
        let net = MemoryDatagramNetwork()
        let logA = Lines()
        let epA = TunnelEndpoint(
            configuration: try Self.config(
                local: Self.a, remote: Self.b, localNet: "10.10.10.0/24", remoteNet: "172.16.0.0/16", psk: "k",
                ike: "aes128-sha256-x25519", esp: "aes128gcm16"),
            isInitiator: true, device: MemoryPacketDevice(), transport: net.attach(Self.a), log: logA.add)
        let epB = TunnelEndpoint(
            configuration: try Self.config(
                local: Self.b, remote: Self.a, localNet: "192.168.50.0/24", remoteNet: "10.99.0.0/16", psk: "k",
                ike: "aes128-sha256-x25519", esp: "aes128gcm16"),
            isInitiator: false, device: MemoryPacketDevice(), transport: net.attach(Self.b), log: { _ in })
        epB.start(initiate: false)
        epA.start(initiate: true)
        defer {
            epA.shutdown(grace: 0)
            epB.shutdown(grace: 0)
        }
        #expect(Self.waitUntil(5) { logA.all.contains { $0.contains("TS_UNACCEPTABLE") } }, "\(logA.all)")
    }
}
