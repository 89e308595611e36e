import IPAddressing
import NetworkModel

extension CloudState {
    /// Adds the security groups and instances to `topology`, so the reachability analysis sees them.
    ///
    /// A rule that names a peer group (`SourceGroupId`, `DestGroupId`) becomes one rule per instance of that
    /// group, for its private address (/32): the group's members are exactly the addresses it stands for.
    /// GRE rules are left out: a flow is TCP, UDP or ICMP, which a GRE rule never matches.
    func projectECS(into topology: inout Topology) {
        for group in securityGroups.values {
            var rules: [SecurityGroupRule] = []
            for permission in group.permissions {
                guard let ipProtocol = IPProtocol(rawValue: permission.ipProtocol),
                    let direction = RuleDirection(rawValue: permission.direction),
                    let ports = PortRange(permission.portRange),
                    let policy = RulePolicy(rawValue: permission.policy)
                else { continue }
                var blocks: [IPv4Prefix] = []
                if let cidr = permission.cidr { blocks.append(cidr) }
                if let peer = permission.peerGroupId {
                    blocks += instances(inGroup: peer).map { IPv4Prefix(containing: $0.privateIpAddress, length: 32) }
                }
                for block in blocks {
                    rules.append(
                        SecurityGroupRule(
                            direction: direction,
                            ipProtocol: ipProtocol,
                            portRange: ports,
                            cidr: block,
                            policy: policy,
                            priority: permission.priority,
                            description: permission.description.isEmpty ? permission.id : permission.description
                        )
                    )
                }
            }
            topology.add(
                SecurityGroup(id: SecurityGroupID(group.id), name: group.name, vpc: VPCID(group.vpcId), rules: rules)
            )
        }
        for instance in instances.values {
            topology.add(
                Instance(
                    id: InstanceID(instance.id),
                    name: instance.name,
                    vSwitch: VSwitchID(instance.vSwitchId),
                    privateIP: instance.privateIpAddress,
                    securityGroups: instance.securityGroupIds.map { SecurityGroupID($0) }
                )
            )
        }
    }
}
