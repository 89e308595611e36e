import IPAddressing
import NetworkModel

extension CloudState {
    /// Adds every site to `topology` as the network model's `Site`: its blocks as connected networks, its
    /// device routes as static routes, its loaded configurations as the device's IPsec configurations.
    func projectSites(into topology: inout Topology) {
        for site in sites.values {
            topology.add(
                NetworkModel.Site(
                    id: SiteID(site.id),
                    name: site.name,
                    kind: .office,
                    region: site.regionId.isEmpty ? nil : RegionID(site.regionId),
                    cidrs: site.cidrBlocks,
                    gatewayIP: site.gatewayIpAddress,
                    staticRoutes: site.routeEntries.map {
                        SiteStaticRoute(destination: $0.destinationCidrBlock, nextHop: $0.nextHopIp)
                    },
                    ipsecConfigurations: site.connectionConfigs.map(Self.deviceConfiguration)
                )
            )
        }
    }

    /// A loaded configuration as the device's single proposal per phase. The strings were checked against the
    /// same lists when the configuration was loaded, so the fallbacks only guard a hand-edited store.
    static func deviceConfiguration(_ config: SiteConnectionConfig) -> SiteIPsecConfiguration {
        let ike = config.ikeConfig
        let ipsec = config.ipsecConfig
        return SiteIPsecConfiguration(
            peerIP: config.peerIp,
            localIP: config.localIp,
            preSharedKey: ike.psk,
            ikeVersion: IKEVersion(rawValue: ike.ikeVersion) ?? .ikev1,
            ikeProposals: [
                IKEProposal(
                    encryptionAlgorithm: EncryptionAlgorithm(rawValue: ike.ikeEncAlg) ?? .aes,
                    authenticationAlgorithm: AuthenticationAlgorithm(rawValue: ike.ikeAuthAlg) ?? .md5,
                    dhGroup: DHGroup(rawValue: ike.ikePfs) ?? .group2
                )
            ],
            ipsecProposals: [
                IPsecProposal(
                    encryptionAlgorithm: EncryptionAlgorithm(rawValue: ipsec.ipsecEncAlg) ?? .aes,
                    authenticationAlgorithm: AuthenticationAlgorithm(rawValue: ipsec.ipsecAuthAlg) ?? .md5,
                    pfs: DHGroup(rawValue: ipsec.ipsecPfs) ?? .group2
                )
            ],
            localSubnet: config.localSubnet,
            remoteSubnet: config.remoteSubnet
        )
    }
}
