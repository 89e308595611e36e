import ControlPlane
import Foundation
import IPAddressing
import NetworkModel
import RouteEngine
import Testing

/// `Status` of an IPsec connection comes from the route engine's tunnel state.
struct VPNConnectionStatusTests {
    static let officeIP = IPv4Address("198.51.100.7")!

    /// The office at the other end of the sample's connection, configured as `DownloadVpnConnectionConfig`
    /// would tell it (IKEv2, aes256-sha256-group14, 3des-md5 without PFS, selectors mirrored).
    static func office(for sample: SampleCloud, psk: String = "s3cret") -> Site {
        Site(
            id: "site-office",
            name: "office",
            cidrs: [IPv4Prefix("192.168.0.0/24")!, IPv4Prefix("192.168.1.0/24")!],
            gatewayIP: officeIP,
            ipsecConfigurations: [
                SiteIPsecConfiguration(
                    peerIP: sample.gatewayIP,
                    preSharedKey: psk,
                    ikeVersion: .ikev2,
                    ikeProposals: [
                        IKEProposal(encryptionAlgorithm: .aes256, authenticationAlgorithm: .sha256, dhGroup: .group14)
                    ],
                    ipsecProposals: [
                        IPsecProposal(encryptionAlgorithm: .tripleDES, authenticationAlgorithm: .md5, pfs: .disabled)
                    ],
                    localSubnet: [IPv4Prefix("192.168.0.0/24")!, IPv4Prefix("192.168.1.0/24")!],
                    remoteSubnet: [IPv4Prefix("10.0.0.0/16")!]
                )
            ]
        )
    }

    @Test func withoutASiteTheConnectionCannotNegotiate() async throws {
        let cp = try await ControlPlaneTests.make()
        let sample = try await SampleCloud.build(in: cp)
        let view = await cp.view
        #expect(view.status(ofConnection: sample.connection) == "ike_sa_not_established")
        #expect(CloudView.connectionStatus("vco-missing", in: view.engine) == "ike_sa_not_established")
    }

    @Test func aMatchingSiteBringsTheTunnelUp() async throws {
        let cp = try await ControlPlaneTests.make()
        let sample = try await SampleCloud.build(in: cp)
        var topology = await cp.snapshot.topology
        topology.add(Self.office(for: sample))
        #expect(topology.validate().isEmpty)
        let engine = RouteEngine(topology)
        #expect(CloudView.connectionStatus(sample.connection, in: engine) == "ipsec_sa_established")
    }

    @Test func aSiteThatDisagreesKeepsItDown() async throws {
        let cp = try await ControlPlaneTests.make()
        let sample = try await SampleCloud.build(in: cp)
        let topology = await cp.snapshot.topology

        var wrongKey = topology
        wrongKey.add(Self.office(for: sample, psk: "other"))
        #expect(CloudView.connectionStatus(sample.connection, in: RouteEngine(wrongKey)) == "ike_sa_not_established")

        var wrongPhase2 = topology
        var office = Self.office(for: sample)
        office.ipsecConfigurations[0].ipsecProposals = [IPsecProposal()]
        wrongPhase2.add(office)
        #expect(CloudView.connectionStatus(sample.connection, in: RouteEngine(wrongPhase2)) == "ipsec_sa_not_established")

        // Everything matches but the connection negotiates only when traffic arrives.
        var waiting = topology
        waiting.add(Self.office(for: sample))
        waiting.vpnConnections[VPNConnectionID(sample.connection)]?.effectImmediately = false
        #expect(CloudView.connectionStatus(sample.connection, in: RouteEngine(waiting)) == "ike_sa_not_established")
    }
}
