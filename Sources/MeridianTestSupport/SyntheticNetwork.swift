import IPAddressing
public import NetworkModel

/// A large generated network for benchmarks: many VPCs on one CEN, each with vSwitches, an instance and
/// published custom routes, plus sites behind VPN gateways.
public enum SyntheticNetwork {
    /// The regions the VPCs are spread over, round robin.
    public static let regions: [RegionID] = [
        "cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-hongkong", "us-west-1", "us-east-1", "cn-qingdao", "cn-shenzhen",
        "ap-southeast-1", "eu-central-1",
    ]

    /// Builds the network.
    ///
    /// VPC `i` gets `10.x.y.0/18` (at most 1,024 VPCs), `vSwitchesPerVPC` /24 vSwitches, one instance at `.10` of
    /// its first vSwitch, and `publishedRoutesPerVPC` routes `20.a.b.0/24` to that instance, published to the CEN.
    /// The first `sites` VPCs get a VPN gateway (public IP in 203.0.113.0/24 or beyond) with one office
    /// `192.168.s.0/24`-style block behind it, routed, published to the VPC and to CEN.
    public static func make(vpcs: Int = 1000, vSwitchesPerVPC: Int = 4, publishedRoutesPerVPC: Int = 10, sites: Int = 100) -> Topology {
        precondition(vpcs <= 1024 && vSwitchesPerVPC <= 64 && publishedRoutesPerVPC * vpcs <= 65536 && sites <= vpcs && sites <= 250)
        var t = Topology()
        var cen = CENInstance(id: "cen-synthetic", name: "synthetic")
        let admitAll = IPv4Prefix.defaultRoute
        for i in 0..<vpcs {
            let base = UInt32(10) << 24 | UInt32(i) << 14
            let vpcID = VPCID("vpc-s\(i)")
            var vpc = VPC(id: vpcID, name: "VPC \(i)", region: regions[i % regions.count], cidrBlock: IPv4Prefix(containing: IPv4Address(base), length: 18))
            for k in 0..<vSwitchesPerVPC {
                t.add(VSwitch(id: VSwitchID("vsw-s\(i)-\(k)"), vpc: vpcID, cidrBlock: IPv4Prefix(containing: IPv4Address(base | UInt32(k) << 8), length: 24)))
            }
            let group = SecurityGroupID("sg-s\(i)")
            t.add(
                SecurityGroup(
                    id: group, vpc: vpcID,
                    rules: [
                        SecurityGroupRule(direction: .ingress, ipProtocol: .icmp, cidr: admitAll),
                        SecurityGroupRule(direction: .ingress, ipProtocol: .tcp, portRange: .all, cidr: admitAll),
                    ]))
            let instanceID = InstanceID("i-s\(i)")
            t.add(Instance(id: instanceID, vSwitch: VSwitchID("vsw-s\(i)-0"), privateIP: IPv4Address(base | 10), securityGroups: [group]))
            for r in 0..<publishedRoutesPerVPC {
                let n = UInt32(i * publishedRoutesPerVPC + r)
                let destination = IPv4Prefix(containing: IPv4Address(UInt32(20) << 24 | n << 8), length: 24)
                vpc.routes.append(RouteEntry(id: RouteEntryID("rte-s\(i)-\(r)"), destination: destination, nextHop: .instance(instanceID)))
                cen.publishedRoutes.append(CENRouteReference(network: .vpc(vpcID), destination: destination))
            }
            t.add(vpc)
            cen.attachments.append(.vpc(vpcID))
        }
        for s in 0..<sites {
            let vpcID = VPCID("vpc-s\(s)")
            let gatewayID = VPNGatewayID("vpn-s\(s)")
            let connectionID = VPNConnectionID("vco-s\(s)")
            let gatewayIP = IPv4Address(UInt32(203) << 24 | UInt32(113) << 8 | UInt32(s + 1))
            let siteIP = IPv4Address(UInt32(198) << 24 | UInt32(51) << 16 | UInt32(100) << 8 | UInt32(s + 1))
            let block = IPv4Prefix(containing: IPv4Address(UInt32(172) << 24 | UInt32(16) << 16 | UInt32(s) << 8), length: 24)
            t.add(
                VPNGateway(
                    id: gatewayID, vpc: vpcID, publicIP: gatewayIP,
                    routes: [VPNRoute(destination: block, nextHop: connectionID, weight: 100, publishToVPC: true)]))
            t.add(CustomerGateway(id: CustomerGatewayID("cgw-s\(s)"), region: regions[s % regions.count], ipAddress: siteIP))
            t.add(
                VPNConnection(
                    id: connectionID, vpnGateway: gatewayID, customerGateway: CustomerGatewayID("cgw-s\(s)"), localSubnet: [.defaultRoute],
                    remoteSubnet: [block], effectImmediately: true, ikeConfig: IKEConfig(preSharedKey: "key\(s)")))
            t.add(
                Site(
                    id: SiteID("site-s\(s)"), name: "office \(s)", cidrs: [block], gatewayIP: siteIP,
                    ipsecConfigurations: [
                        SiteIPsecConfiguration(peerIP: gatewayIP, preSharedKey: "key\(s)", localSubnet: [block], remoteSubnet: [.defaultRoute])
                    ]))
            cen.publishedRoutes.append(CENRouteReference(network: .vpc(vpcID), destination: block))
        }
        t.add(cen)
        return t
    }
}
