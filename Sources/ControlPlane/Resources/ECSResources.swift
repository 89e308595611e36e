public import Foundation
public import IPAddressing

/// An ECS security group of a VPC, with its rules (ECS API 2014-05-26).
public struct ECSSecurityGroup: Sendable, Hashable, Codable {
    public var id: String
    public var regionId: String
    public var vpcId: String
    public var name: String
    public var description: String
    /// `normal` (the only type modelled; see docs/api.md).
    public var securityGroupType: String
    public var creationTime: Date
    /// Inbound and outbound rules in the order they were authorized.
    public var permissions: [SecurityGroupPermission] = []
}

/// One rule of a security group, as `AuthorizeSecurityGroup[Egress]` stored it.
public struct SecurityGroupPermission: Sendable, Hashable, Codable {
    public var id: String
    /// `ingress` or `egress`.
    public var direction: String
    /// Lower case: `tcp`, `udp`, `icmp`, `gre` or `all`.
    public var ipProtocol: String
    /// `from/to`, such as `22/22`; `-1/-1` for `icmp`, `gre` and `all`.
    public var portRange: String
    /// The peer block: the source of an ingress rule, the destination of an egress rule.
    public var cidr: IPv4Prefix?
    /// The peer group: `SourceGroupId` of an ingress rule, `DestGroupId` of an egress rule.
    public var peerGroupId: String?
    /// `accept` or `drop`.
    public var policy: String
    /// 1 (first) to 100.
    public var priority: Int
    public var nicType: String
    public var description: String
    public var createTime: Date
}

/// An ECS instance in a vSwitch, behind its security groups.
public struct ECSInstance: Sendable, Hashable, Codable {
    public var id: String
    public var regionId: String
    public var zoneId: String
    public var vpcId: String
    public var vSwitchId: String
    public var privateIpAddress: IPv4Address
    /// In the order given to `RunInstances`.
    public var securityGroupIds: [String]
    public var name: String
    public var description: String
    public var imageId: String
    public var instanceType: String
    /// The id of the primary network interface (`eni-…`).
    public var networkInterfaceId: String
    public var macAddress: String
    public var creationTime: Date
    /// `Running`: instances start at once (there is no Stop yet).
    public var status: String
}
