/// Quotas by the names `meridian serve --quota NAME=VALUE` takes (the cloud raises quotas through its quota
/// centre; a local emulator takes them as settings).
extension Quotas {
    /// Every settable quota, by its option name.
    public static var settings: [(name: String, keyPath: WritableKeyPath<Quotas, Int>)] {
        [
            ("vpcs-per-region", \.vpcsPerRegion),
            ("vswitches-per-vpc", \.vSwitchesPerVPC),
            ("custom-route-entries-per-table", \.customRouteEntriesPerTable),
            ("vpn-gateways-per-region", \.vpnGatewaysPerRegion),
            ("customer-gateways-per-region", \.customerGatewaysPerRegion),
            ("connections-per-vpn-gateway", \.connectionsPerVPNGateway),
            ("destination-routes-per-vpn-gateway", \.destinationRoutesPerVPNGateway),
            ("policy-routes-per-vpn-gateway", \.policyRoutesPerVPNGateway),
            ("router-interfaces-per-router", \.routerInterfacesPerRouter),
        ]
    }

    /// Applies one `NAME=VALUE` setting; `source` names where it came from in the error.
    public mutating func apply(setting text: String, source: String) throws(QuotaSettingError) {
        let names = Self.settings.map(\.name).joined(separator: ", ")
        guard let equals = text.firstIndex(of: "=") else {
            throw QuotaSettingError(
                message: "\(source) '\(text)' is not NAME=VALUE; NAME is one of \(names)."
            )
        }
        let name = String(text[..<equals])
        let valueText = String(text[text.index(after: equals)...])
        guard let setting = Self.settings.first(where: { $0.name == name }) else {
            throw QuotaSettingError(message: "\(source) '\(text)' names an unknown quota '\(name)'; use one of \(names).")
        }
        guard let value = Int(valueText), (1...10_000_000).contains(value) else {
            throw QuotaSettingError(
                message: "\(source) '\(text)' has the value '\(valueText)'; use a whole number from 1 to 10000000."
            )
        }
        self[keyPath: setting.keyPath] = value
    }
}

/// A quota setting that cannot be used.
public struct QuotaSettingError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
