import ControlPlane
import Testing

struct QuotasTests {
    @Test func aSettingChangesItsQuota() throws {
        var quotas = Quotas()
        try quotas.apply(setting: "vpcs-per-region=1000", source: "--quota")
        try quotas.apply(setting: "connections-per-vpn-gateway=30", source: "--quota")
        #expect(quotas.vpcsPerRegion == 1000)
        #expect(quotas.connectionsPerVPNGateway == 30)
        #expect(quotas.vSwitchesPerVPC == Quotas().vSwitchesPerVPC)
    }

    @Test(arguments: [
        ("vpcs-per-region", "is not NAME=VALUE"),
        ("vpcs=5", "unknown quota 'vpcs'"),
        ("vpcs-per-region=ten", "has the value 'ten'"),
        ("vpcs-per-region=0", "has the value '0'"),
        ("vpcs-per-region=", "has the value ''"),
    ])
    func aBadSettingIsRefusedWithItsText(text: String, expected: String) {
        var quotas = Quotas()
        do {
            try quotas.apply(setting: text, source: "--quota")
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(error.message.contains("--quota '\(text)'"))
            #expect(error.message.contains(expected))
        }
        #expect(quotas == Quotas())
    }
}
