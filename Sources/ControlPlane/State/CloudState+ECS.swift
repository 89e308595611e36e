import Foundation
import IPAddressing
import NetworkModel

extension CloudState {
    // MARK: Look-ups

    /// The security group `id` (in `region` when given).
    ///
    /// - Parameters:
    ///   - id: the group's id.
    ///   - region: the caller's region, or `nil` for any.
    ///   - code: the not-found code of the calling action (`DeleteSecurityGroup` answers
    ///     `InvalidSecurityGroup.NotFound`, the others `InvalidSecurityGroupId.NotFound`).
    /// - Returns: the group.
    /// - Throws: `code` (HTTP 404) when there is no such group.
    public func securityGroup(
        _ id: String,
        region: String? = nil,
        code: String = "InvalidSecurityGroupId.NotFound"
    ) throws(ControlPlaneError) -> ECSSecurityGroup {
        try lookup(securityGroups, id, region: region, code: code, noun: "SecurityGroupId")
    }

    public func instance(_ id: String, region: String? = nil) throws(ControlPlaneError) -> ECSInstance {
        try lookup(instances, id, region: region, code: "InvalidInstanceId.NotFound", noun: "InstanceId")
    }

    public func securityGroups(in vpcId: String) -> [ECSSecurityGroup] {
        ordered(securityGroups.filter { $0.value.vpcId == vpcId })
    }

    public func instances(inVSwitch vSwitchId: String) -> [ECSInstance] {
        ordered(instances.filter { $0.value.vSwitchId == vSwitchId })
    }

    public func instances(inGroup groupId: String) -> [ECSInstance] {
        ordered(instances.filter { $0.value.securityGroupIds.contains(groupId) })
    }

    /// Addresses of `vSwitch` still free for instances: the usable ones (reference §4: the first and the
    /// last three are reserved) minus those instances hold.
    public func availableIpAddressCount(of vSwitch: VSwitch) -> Int {
        max(0, vSwitch.availableIpAddressCount - instances(inVSwitch: vSwitch.id).count)
    }

    /// Whether `address` is one of the block's reserved addresses: the network address and the last three.
    static func isReserved(_ address: IPv4Address, in block: IPv4Prefix) -> Bool {
        address == block.network || block.lastAddress.rawValue - address.rawValue < 3
    }

    // MARK: Security groups

    public struct CreateSecurityGroup: Sendable {
        public var regionId: String
        public var vpcId: String
        public var name: String?
        public var description: String?
        public var securityGroupType: String?
        public init(
            regionId: String,
            vpcId: String,
            name: String? = nil,
            description: String? = nil,
            securityGroupType: String? = nil
        ) {
            self.regionId = regionId
            self.vpcId = vpcId
            self.name = name
            self.description = description
            self.securityGroupType = securityGroupType
        }
    }

    /// Creates an empty group in a VPC: no rules, so inbound traffic is refused except from members of the
    /// same group, and outbound traffic is allowed.
    public mutating func createSecurityGroup(
        _ request: CreateSecurityGroup,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> ECSSecurityGroup {
        let vpc = try vpc(request.vpcId, region: request.regionId)
        let type = request.securityGroupType ?? "normal"
        guard type == "normal" else {
            if type == "enterprise" {
                throw .invalid(
                    "InvalidSecurityGroupType.ValueNotSupported",
                    "The specified SecurityGroupType 'enterprise' is not supported here yet: enterprise groups do not let members reach each other by default, which the reachability model cannot express; use normal."
                )
            }
            throw .invalid(
                "InvalidSecurityGroupType.ValueNotSupported",
                "The specified SecurityGroupType '\(type)' is not valid; allowed: normal, enterprise."
            )
        }
        var name = ""
        if let text = request.name {
            guard (2...128).contains(text.count), text.first?.isLetter == true,
                !text.hasPrefix("http://"), !text.hasPrefix("https://"), !Check.hasControlCharacter(text)
            else {
                throw .invalid(
                    "InvalidSecurityGroupName.Malformed",
                    "The specified SecurityGroupName '\(text)' is not valid: use 2 to 128 characters starting with a letter, not with http:// or https://, without control characters."
                )
            }
            name = text
        }
        let description = try Check.description(request.description)
        let group = ECSSecurityGroup(
            id: context.makeID("sg-"),
            regionId: vpc.regionId,
            vpcId: vpc.id,
            name: name,
            description: description,
            securityGroupType: type,
            creationTime: context.now
        )
        securityGroups[group.id] = group
        remember(group.id)
        return group
    }

    /// Deletes a group no instance uses and no other group's rule names.
    public mutating func deleteSecurityGroup(_ id: String, region: String?) throws(ControlPlaneError) {
        let group = try securityGroup(id, region: region, code: "InvalidSecurityGroup.NotFound")
        if let instance = instances(inGroup: id).first {
            throw .init(
                .forbidden,
                code: "DependencyViolation",
                message:
                    "There is still instance(s) in the specified security group: '\(id)' is used by instance '\(instance.id)'; delete the instance first."
            )
        }
        if let other = ordered(securityGroups).first(where: { other in
            other.id != id && other.permissions.contains { $0.peerGroupId == id }
        }) {
            throw .init(
                .forbidden,
                code: "DependencyViolation",
                message:
                    "The specified security group has been authorized in another one: a rule of '\(other.id)' names '\(id)'; revoke that rule first."
            )
        }
        securityGroups[group.id] = nil
        touch(group.id)
    }

    /// One permission of `AuthorizeSecurityGroup[Egress]` / `RevokeSecurityGroup[Egress]`, as given.
    public struct PermissionRequest: Sendable {
        public var ipProtocol: String?
        public var portRange: String?
        /// `SourceCidrIp` (ingress) or `DestCidrIp` (egress).
        public var cidrIp: String?
        /// `SourceGroupId` (ingress) or `DestGroupId` (egress).
        public var groupId: String?
        public var policy: String?
        public var priority: String?
        public var nicType: String?
        public var description: String?
        public init(
            ipProtocol: String?,
            portRange: String? = nil,
            cidrIp: String? = nil,
            groupId: String? = nil,
            policy: String? = nil,
            priority: String? = nil,
            nicType: String? = nil,
            description: String? = nil
        ) {
            self.ipProtocol = ipProtocol
            self.portRange = portRange
            self.cidrIp = cidrIp
            self.groupId = groupId
            self.policy = policy
            self.priority = priority
            self.nicType = nicType
            self.description = description
        }
    }

    static let ipProtocols = ["tcp", "udp", "icmp", "gre", "all"]
    /// Rules a group may hold (both directions together).
    static let permissionsPerGroup = 200

    /// A permission request checked against `group`: every field parsed, defaults filled in.
    private func checkedPermission(
        _ request: PermissionRequest,
        direction: String,
        group: ECSSecurityGroup,
        isRevoke: Bool
    ) throws(ControlPlaneError) -> SecurityGroupPermission {
        let ingress = direction == "ingress"
        let cidrName = ingress ? "SourceCidrIp" : "DestCidrIp"
        let groupName = ingress ? "SourceGroupId" : "DestGroupId"
        guard let protocolText = request.ipProtocol else {
            throw .invalid("MissingIpProtocol", "IpProtocol is mandatory for this action.")
        }
        let ipProtocol = protocolText.lowercased()
        guard Self.ipProtocols.contains(ipProtocol) else {
            throw .invalid(
                "InvalidIpProtocol.Malformed",
                "The specified parameter \"IpProtocol\" '\(protocolText)' is not valid; allowed (any case): TCP, UDP, ICMP, GRE, ALL."
            )
        }
        let needsPorts = ipProtocol == "tcp" || ipProtocol == "udp"
        guard let portText = request.portRange ?? (needsPorts ? nil : "-1/-1") else {
            throw .invalid(
                "MissingPortRange",
                "PortRange is mandatory when IpProtocol is \(ipProtocol), such as 22/22 or 1/65535."
            )
        }
        guard let ports = PortRange(portText) else {
            throw .invalid(
                "InvalidPortRange.Malformed",
                "The specified parameter \"PortRange\" '\(portText)' is not valid: use from/to with 1 <= from <= to <= 65535 (22/22), or -1/-1."
            )
        }
        if needsPorts == (ports == .any) {
            throw .invalid(
                "OperationDenied",
                "The specified IpProtocol does not exist or IpProtocol and PortRange do not match: \(ipProtocol) needs \(needsPorts ? "a port range inside 1/65535" : "-1/-1"), not '\(portText)'."
            )
        }
        var cidr: IPv4Prefix?
        if let text = request.cidrIp {
            cidr = try Check.prefix(
                text.contains("/") ? text : text + "/32",
                parameter: cidrName,
                code: "Invalid\(cidrName).Malformed"
            )
        }
        if let peer = request.groupId {
            guard let other = securityGroups[peer], other.regionId == group.regionId else {
                throw .notFound(
                    "Invalid\(groupName).NotFound",
                    "The \(groupName) provided does not exist in our records: '\(peer)'."
                )
            }
            if !isRevoke {
                guard peer != group.id else {
                    throw .init(
                        .forbidden,
                        code: "InvalidParamter.Conflict",
                        message:
                            "The specified SecurityGroupId should be different from the \(groupName): both are '\(peer)'."
                    )
                }
                guard other.vpcId == group.vpcId else {
                    throw .invalid(
                        "Invalid\(groupName).Mismatch",
                        "Specified security group and \(ingress ? "source" : "destination") group are not in the same VPC: '\(group.id)' is in '\(group.vpcId)', '\(peer)' in '\(other.vpcId)'."
                    )
                }
            }
        }
        if cidr == nil && request.groupId == nil {
            if ingress {
                throw .invalid("MissingParameter.Source", "Either SourceCidrIp or SourceGroupId must be specified.")
            }
            throw .init(
                .forbidden,
                code: "MissingParameter",
                message: "The input parameter \"DestGroupId\" or \"DestCidrIp\" cannot be both blank."
            )
        }
        let policyText = request.policy ?? "accept"
        let policy = policyText.lowercased()
        guard policy == "accept" || policy == "drop" else {
            throw .invalid(
                "InvalidPolicy.Malformed",
                "The specified parameter \"Policy\" '\(policyText)' is not valid; allowed: accept, drop."
            )
        }
        var priority = 1
        if let text = request.priority {
            guard let value = Int(text) else {
                throw .invalid(
                    "InvalidPriority.Malformed",
                    "The specified parameter \"Priority\" '\(text)' is not valid: an integer from 1 to 100."
                )
            }
            guard (1...100).contains(value) else {
                throw .invalid(
                    "InvalidPriority.ValueNotSupported",
                    "The specified Priority '\(text)' is invalid: allowed 1 (first) to 100."
                )
            }
            priority = value
        }
        let nicText = request.nicType ?? "intranet"
        guard nicText == "intranet" || nicText == "internet" else {
            throw .invalid(
                "InvalidNicType.ValueNotSupported",
                "The specified NicType '\(nicText)' does not exist; allowed: intranet (VPC groups; internet is read as intranet)."
            )
        }
        var description = ""
        if let text = request.description {
            guard text.count <= 512, !text.hasPrefix("http://"), !text.hasPrefix("https://") else {
                throw .invalid(
                    "InvalidSecurityGroupDiscription.Malformed",
                    "The specified security group rule description '\(text)' is not valid: at most 512 characters, not starting with http:// or https://."
                )
            }
            description = text
        }
        return SecurityGroupPermission(
            id: "",
            direction: direction,
            ipProtocol: ipProtocol,
            portRange: ports.description,
            cidr: cidr,
            peerGroupId: request.groupId,
            policy: policy,
            priority: priority,
            nicType: "intranet",
            description: description,
            createTime: .distantPast
        )
    }

    /// Whether two rules are the same rule (everything but id, description and time).
    private static func sameRule(_ a: SecurityGroupPermission, _ b: SecurityGroupPermission) -> Bool {
        a.direction == b.direction && a.ipProtocol == b.ipProtocol && a.portRange == b.portRange && a.cidr == b.cidr
            && a.peerGroupId == b.peerGroupId && a.policy == b.policy && a.priority == b.priority
    }

    /// Adds inbound (`direction == "ingress"`) or outbound rules; all are checked before any is added.
    ///
    /// A rule equal to an existing one is not added twice.
    ///
    /// - Returns: the rules added.
    @discardableResult
    public mutating func authorizeSecurityGroup(
        _ groupId: String,
        direction: String,
        region: String?,
        permissions requests: [PermissionRequest],
        _ context: MutationContext
    ) throws(ControlPlaneError) -> [SecurityGroupPermission] {
        var group = try securityGroup(groupId, region: region)
        guard !requests.isEmpty else {
            throw .invalid(
                "MissingIpProtocol",
                "IpProtocol (or Permissions.N.IpProtocol) is mandatory for this action."
            )
        }
        var added: [SecurityGroupPermission] = []
        for request in requests {
            var rule = try checkedPermission(request, direction: direction, group: group, isRevoke: false)
            if (group.permissions + added).contains(where: { Self.sameRule($0, rule) }) { continue }
            rule.id = context.makeID("sgr-")
            rule.createTime = context.now
            added.append(rule)
        }
        guard group.permissions.count + added.count <= Self.permissionsPerGroup else {
            throw .init(
                .forbidden,
                code: "AuthorizationLimitExceed",
                message:
                    "The limit of authorization records in the security group reaches: '\(groupId)' has \(group.permissions.count) rules, \(added.count) more would pass \(Self.permissionsPerGroup)."
            )
        }
        group.permissions += added
        securityGroups[groupId] = group
        touch(groupId)
        return added
    }

    /// Removes rules named by their fields (a request that matches no rule changes nothing) or by their
    /// ids (`SecurityGroupRuleId.N`, which must exist in `direction`).
    public mutating func revokeSecurityGroup(
        _ groupId: String,
        direction: String,
        region: String?,
        permissions requests: [PermissionRequest],
        ruleIds: [String]
    ) throws(ControlPlaneError) {
        var group = try securityGroup(groupId, region: region)
        guard !requests.isEmpty || !ruleIds.isEmpty else {
            throw .invalid(
                "MissingIpProtocol",
                "IpProtocol, Permissions.N.IpProtocol or SecurityGroupRuleId.N is mandatory for this action."
            )
        }
        var removed = Set<String>()
        for id in ruleIds {
            guard group.permissions.contains(where: { $0.id == id && $0.direction == direction }) else {
                throw .notFound(
                    "InvalidSecurityGroupRuleId.NotFound",
                    "The specified SecurityGroupRuleId '\(id)' is not an \(direction) rule of security group '\(groupId)'."
                )
            }
            removed.insert(id)
        }
        for request in requests {
            let rule = try checkedPermission(request, direction: direction, group: group, isRevoke: true)
            for existing in group.permissions where Self.sameRule(existing, rule) { removed.insert(existing.id) }
        }
        group.permissions.removeAll { removed.contains($0.id) }
        securityGroups[groupId] = group
        touch(groupId)
    }

    // MARK: Instances

    public struct RunInstances: Sendable {
        public var regionId: String
        public var imageId: String
        public var instanceType: String
        public var vSwitchId: String
        public var zoneId: String?
        public var securityGroupIds: [String]
        public var privateIpAddress: String?
        public var name: String?
        public var description: String?
        public var amount: Int
        public init(
            regionId: String,
            imageId: String,
            instanceType: String,
            vSwitchId: String,
            zoneId: String? = nil,
            securityGroupIds: [String],
            privateIpAddress: String? = nil,
            name: String? = nil,
            description: String? = nil,
            amount: Int = 1
        ) {
            self.regionId = regionId
            self.imageId = imageId
            self.instanceType = instanceType
            self.vSwitchId = vSwitchId
            self.zoneId = zoneId
            self.securityGroupIds = securityGroupIds
            self.privateIpAddress = privateIpAddress
            self.name = name
            self.description = description
            self.amount = amount
        }
    }

    static let securityGroupsPerInstance = 5

    /// Starts `amount` instances in a vSwitch, each with a private address.
    ///
    /// The address is the one given, else the lowest free one that is not reserved. Instances are `Running`
    /// at once.
    public mutating func runInstances(
        _ request: RunInstances,
        _ context: MutationContext
    ) throws(ControlPlaneError) -> [ECSInstance] {
        let vSwitch: VSwitch
        do {
            vSwitch = try self.vSwitch(request.vSwitchId, region: request.regionId)
        } catch {
            throw .notFound(
                "InvalidVSwitchId.NotFound",
                "Specified virtual switch does not exist: '\(request.vSwitchId)' in region \(request.regionId)."
            )
        }
        if let zone = request.zoneId, zone != vSwitch.zoneId {
            throw .invalid(
                "InvalidVSwitchId.Mismatch",
                "Specified virtual switch '\(vSwitch.id)' is in zone \(vSwitch.zoneId), not in the specified ZoneId '\(zone)'."
            )
        }
        guard request.instanceType.hasPrefix("ecs."), request.instanceType.count > 4 else {
            throw .invalid(
                "InvalidInstanceType.ValueNotSupported",
                "The specified InstanceType '\(request.instanceType)' is not valid; instance types look like ecs.g7.large."
            )
        }
        var groups: [String] = []
        for id in request.securityGroupIds where !groups.contains(id) { groups.append(id) }
        guard !groups.isEmpty else {
            throw .invalid(
                "MissingSecurityGroupId",
                "SecurityGroupId (or SecurityGroupIds.N) is mandatory for an instance in a VPC."
            )
        }
        guard groups.count <= Self.securityGroupsPerInstance else {
            throw .invalid(
                "InvalidParameter.SecurityGroupIdsCount",
                "An instance may join at most \(Self.securityGroupsPerInstance) security groups; \(groups.count) were given."
            )
        }
        for id in groups {
            let group = try securityGroup(id, region: request.regionId)
            guard group.vpcId == vSwitch.vpcId else {
                throw .invalid(
                    "InvalidSecurityGroupId.NotBelongToVpc",
                    "The security group '\(id)' is in VPC '\(group.vpcId)', but vSwitch '\(vSwitch.id)' is in VPC '\(vSwitch.vpcId)'; they must be in the same VPC."
                )
            }
        }
        guard (1...100).contains(request.amount) else {
            throw .invalid(
                "InvalidAmount.Malformed",
                "The specified Amount '\(request.amount)' is not valid: 1 to 100."
            )
        }
        var name = ""
        if let text = request.name {
            guard (2...128).contains(text.count), text.first?.isLetter == true,
                !text.hasPrefix("http://"), !text.hasPrefix("https://"), !Check.hasControlCharacter(text)
            else {
                throw .invalid(
                    "InvalidInstanceName.Malformed",
                    "The specified InstanceName '\(text)' is not valid: use 2 to 128 characters starting with a letter, not with http:// or https://, without control characters."
                )
            }
            name = text
        }
        let description = try Check.description(request.description)
        let used = Set(instances(inVSwitch: vSwitch.id).map(\.privateIpAddress))
        var addresses: [IPv4Address] = []
        if let text = request.privateIpAddress {
            guard request.amount == 1 else {
                throw .invalid(
                    "InvalidParameter.Amount",
                    "PrivateIpAddress can be given only when Amount is 1 (Amount is \(request.amount))."
                )
            }
            guard let address = IPv4Address(text) else {
                throw .invalid(
                    "InvalidPrivateIpAddress.Malformed",
                    "Specified private IP address is malformed: '\(text)' is not an IPv4 address."
                )
            }
            guard vSwitch.cidrBlock.contains(address) else {
                throw .invalid(
                    "InvalidPrivateIpAddress",
                    "Specified private IP address is not in the CIDR block of virtual switch: \(address) is outside \(vSwitch.cidrBlock) of '\(vSwitch.id)'."
                )
            }
            guard !Self.isReserved(address, in: vSwitch.cidrBlock) else {
                throw .invalid(
                    "InvalidPrivateIpAddress",
                    "Specified private IP address is reserved: \(address) is one of the addresses of \(vSwitch.cidrBlock) the cloud keeps for itself (the first and the last three)."
                )
            }
            if let holder = instances(inVSwitch: vSwitch.id).first(where: { $0.privateIpAddress == address }) {
                throw .invalid(
                    "InvalidPrivateIpAddress.Duplicated",
                    "Specified private IP address is duplicated: \(address) is used by instance '\(holder.id)'."
                )
            }
            addresses = [address]
        } else {
            var candidate = vSwitch.cidrBlock.network.rawValue &+ 1
            let last = vSwitch.cidrBlock.lastAddress.rawValue &- 3
            while addresses.count < request.amount && candidate <= last {
                let address = IPv4Address(candidate)
                if !used.contains(address) { addresses.append(address) }
                candidate &+= 1
            }
            guard addresses.count == request.amount else {
                throw .invalid(
                    "InvalidVSwitchId.IpNotEnough",
                    "The specified VSwitch has not enough IpAddress: '\(vSwitch.id)' (\(vSwitch.cidrBlock)) has \(availableIpAddressCount(of: vSwitch)) free, \(request.amount) needed."
                )
            }
        }
        var made: [ECSInstance] = []
        for address in addresses {
            let id = context.makeID("i-")
            // 00:16:3e is the vendor prefix the cloud's network interfaces use.
            let mac =
                "00:16:3e:"
                + context.randomString(3).utf8.map { String(format: "%02x", Int($0)) }.joined(separator: ":")
            let instance = ECSInstance(
                id: id,
                regionId: vSwitch.regionId,
                zoneId: vSwitch.zoneId,
                vpcId: vSwitch.vpcId,
                vSwitchId: vSwitch.id,
                privateIpAddress: address,
                securityGroupIds: groups,
                name: name.isEmpty ? id : name,
                description: description,
                imageId: request.imageId,
                instanceType: request.instanceType,
                networkInterfaceId: context.makeID("eni-"),
                macAddress: mac,
                creationTime: context.now,
                status: "Running"
            )
            instances[id] = instance
            remember(id)
            made.append(instance)
        }
        return made
    }

    /// Releases an instance.
    ///
    /// Instances are always `Running`, so `force` must be true (the cloud refuses to release a running
    /// instance without `Force=true`).
    public mutating func deleteInstance(_ id: String, force: Bool, region: String?) throws(ControlPlaneError) {
        let instance = try instance(id, region: region)
        guard force || instance.status == "Stopped" else {
            throw .init(
                .forbidden,
                code: "IncorrectInstanceStatus",
                message:
                    "The current status of the resource does not support this operation: instance '\(id)' is \(instance.status); stop it first or pass Force=true."
            )
        }
        instances[id] = nil
        touch(id)
    }
}
