import Foundation
import IPAddressing
import MeridianTestSupport
import NetworkModel
import Testing

private func p(_ text: String) -> IPv4Prefix { TopologyBuilder.prefix(text) }
private func a(_ text: String) -> IPv4Address { TopologyBuilder.address(text) }

struct NetworkModelTests {
    @Test func seedTopologiesAreValid() {
        for topology in [SeedTopologies.seed000(), SeedTopologies.seed001(), SeedTopologies.seed002(), SeedTopologies.seed003(), SeedTopologies.seed004()] {
            #expect(topology.validate() == [])
        }
        #expect(SyntheticNetwork.make(vpcs: 30, sites: 5).validate() == [])
    }

    @Test func topologyRoundTripsThroughJSON() throws {
        let topology = SeedTopologies.seed002()
        let data = try JSONEncoder().encode(topology)
        let decoded = try JSONDecoder().decode(Topology.self, from: data)
        #expect(decoded == topology)
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(text.contains(#""vpc-1":{"#))
        #expect(text.contains(#""nextHop":"vco-1""#))
    }
}
