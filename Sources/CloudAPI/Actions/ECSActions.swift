import ControlPlane
import Foundation
import IPAddressing

/// ECS security group and instance actions (product `Ecs`, version 2014-05-26).
enum ECSActions {
    static func all(_ cp: ControlPlane) -> [any Action] {
        [
            ClosureAction("CreateSecurityGroup", product: .ecs) { input throws(APIError) in
                let request = CloudState.CreateSecurityGroup(
                    regionId: try input.regionId(),
                    vpcId: try input.required("VpcId"),
                    name: input.string("SecurityGroupName"),
                    description: input.string("Description"),
                    securityGroupType: input.string("SecurityGroupType")
                )
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.createSecurityGroup(request, context)
                } respond: { group in
                    ["SecurityGroupId": .string(group.id)]
                }
            },
            ClosureAction("DeleteSecurityGroup", product: .ecs) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("SecurityGroupId")
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.deleteSecurityGroup(id, region: region)
                }
                return [:]
            },
            authorize("AuthorizeSecurityGroup", ingress: true, cp),
            authorize("AuthorizeSecurityGroupEgress", ingress: false, cp),
            revoke("RevokeSecurityGroup", ingress: true, cp),
            revoke("RevokeSecurityGroupEgress", ingress: false, cp),
            ClosureAction("DescribeSecurityGroupAttribute", product: .ecs) { input throws(APIError) in
                let region = try input.regionId()
                let id = try input.required("SecurityGroupId")
                let direction = input.string("Direction") ?? "all"
                guard ["all", "ingress", "egress"].contains(direction) else {
                    throw .invalid("Direction", direction, allowed: "all, ingress, egress")
                }
                return try await read(cp) { state throws(ControlPlaneError) in
                    let group = try state.securityGroup(id, region: region)
                    let rules = group.permissions.filter { direction == "all" || $0.direction == direction }
                    return [
                        "RegionId": .string(group.regionId), "SecurityGroupId": .string(group.id),
                        "SecurityGroupName": .string(group.name), "Description": .string(group.description),
                        "VpcId": .string(group.vpcId), "InnerAccessPolicy": "Accept",
                        "Permissions": .wrapped("Permission", rules.map { permissionObject($0, state) }),
                    ]
                }
            },
            ClosureAction("DescribeSecurityGroups", product: .ecs) { input throws(APIError) in
                let region = try input.regionId()
                let vpcId = input.string("VpcId")
                let single = input.string("SecurityGroupId")
                let ids = try jsonList(input, "SecurityGroupIds", code: "InvalidParameter")
                let name = input.string("SecurityGroupName")
                let type = input.string("SecurityGroupType")
                let paging = try input.paging(defaultSize: 10, maxSize: 50)
                return try await read(cp) { state in
                    let given = vpcId != nil || single != nil || ids != nil || name != nil || type != nil
                    let filter = Paging.filter(when: given) { (group: borrowing ECSSecurityGroup) in
                        (vpcId == nil || group.vpcId == vpcId) && (single == nil || group.id == single)
                            && (ids?.contains(group.id) ?? true) && (name == nil || group.name == name)
                            && (type == nil || group.securityGroupType == type)
                    }
                    let (total, groups) = paging.page(
                        of: state.securityGroups, in: state, region: region, where: filter
                    )
                    var body = APIObject([("RegionId", .string(region))] + paging.fields(total: total))
                    body["SecurityGroups"] = .wrapped(
                        "SecurityGroup",
                        groups.map { group in
                            let members = state.instances(inGroup: group.id).count
                            return [
                                "SecurityGroupId": .string(group.id), "SecurityGroupName": .string(group.name),
                                "Description": .string(group.description), "VpcId": .string(group.vpcId),
                                "SecurityGroupType": .string(group.securityGroupType),
                                "CreationTime": CloudTime.iso(group.creationTime), "ResourceGroupId": "",
                                "EcsCount": .int(members), "AvailableInstanceAmount": .int(max(0, 2000 - members)),
                                "RuleCount": .int(group.permissions.count),
                                "GroupToGroupRuleCount": .int(group.permissions.filter { $0.peerGroupId != nil }.count),
                                "ServiceManaged": false, "Tags": .wrapped("Tag", []),
                            ]
                        }
                    )
                    return body
                }
            },
            ClosureAction("RunInstances", product: .ecs) { input throws(APIError) in
                var groups = try input.list("SecurityGroupIds")
                if let single = input.string("SecurityGroupId") { groups.insert(single, at: 0) }
                let request = CloudState.RunInstances(
                    regionId: try input.regionId(),
                    imageId: try input.required("ImageId"),
                    instanceType: try input.required("InstanceType"),
                    vSwitchId: try input.required("VSwitchId"),
                    zoneId: input.string("ZoneId"),
                    securityGroupIds: groups,
                    privateIpAddress: input.string("PrivateIpAddress"),
                    name: input.string("InstanceName"),
                    description: input.string("Description"),
                    amount: try input.int("Amount", in: 1...100) ?? 1
                )
                return try await change(cp, input) { state, context throws(ControlPlaneError) in
                    try state.runInstances(request, context)
                } respond: { made in
                    ["InstanceIdSets": .wrapped("InstanceIdSet", made.map { .string($0.id) })]
                }
            },
            ClosureAction("DescribeInstances", product: .ecs) { input throws(APIError) in
                let region = try input.regionId()
                let ids = try jsonList(input, "InstanceIds", code: "InvalidInstanceIds.Malformed")
                let addresses = try jsonList(input, "PrivateIpAddresses", code: "InvalidParameter")
                let vpcId = input.string("VpcId")
                let vSwitchId = input.string("VSwitchId")
                let zoneId = input.string("ZoneId")
                let groupId = input.string("SecurityGroupId")
                let name = input.string("InstanceName")
                let status = input.string("Status")
                let paging = try input.paging(defaultSize: 10, maxSize: 100)
                return try await read(cp) { state in
                    let given = ids != nil || addresses != nil || vpcId != nil || vSwitchId != nil || zoneId != nil
                        || groupId != nil || name != nil || status != nil
                    let filter = Paging.filter(when: given) { (instance: borrowing ECSInstance) in
                        (ids?.contains(instance.id) ?? true)
                            && (addresses?.contains(instance.privateIpAddress.description) ?? true)
                            && (vpcId == nil || instance.vpcId == vpcId)
                            && (vSwitchId == nil || instance.vSwitchId == vSwitchId)
                            && (zoneId == nil || instance.zoneId == zoneId)
                            && (groupId == nil || instance.securityGroupIds.contains(groupId!))
                            && (name == nil || instance.name == name) && (status == nil || instance.status == status)
                    }
                    let (total, list) = paging.page(of: state.instances, in: state, region: region, where: filter)
                    var body = APIObject(paging.fields(total: total))
                    body["NextToken"] = ""
                    body["Instances"] = .wrapped("Instance", list.map(instanceObject))
                    return body
                }
            },
            ClosureAction("DeleteInstance", product: .ecs) { input throws(APIError) in
                let region = input.string("RegionId")
                let id = try input.required("InstanceId")
                let force = try input.bool("Force", default: false)
                try await change(cp, input) { state, _ throws(ControlPlaneError) in
                    try state.deleteInstance(id, force: force, region: region)
                }
                return [:]
            },
        ]
    }

    // MARK: Rules

    /// The permissions of a request: the top-level fields (when `IpProtocol` or a peer is given) and the
    /// `Permissions.N.*` list.
    static func permissionRequests(
        _ input: ActionInput,
        ingress: Bool
    ) throws(APIError) -> [CloudState.PermissionRequest] {
        let cidrName = ingress ? "SourceCidrIp" : "DestCidrIp"
        let groupName = ingress ? "SourceGroupId" : "DestGroupId"
        func request(_ value: (String) -> String?) -> CloudState.PermissionRequest {
            CloudState.PermissionRequest(
                ipProtocol: value("IpProtocol"),
                portRange: value("PortRange"),
                cidrIp: value(cidrName),
                groupId: value(groupName),
                policy: value("Policy"),
                priority: value("Priority"),
                nicType: value("NicType"),
                description: value("Description")
            )
        }
        // Rule fields this cloud does not model are refused rather than silently dropped.
        let unsupported = [
            "SourcePortRange", "Ipv6SourceCidrIp", "Ipv6DestCidrIp", "SourcePrefixListId", "DestPrefixListId",
            "PortRangeListId",
        ]
        let items = try input.structures("Permissions")
        for name in unsupported {
            let value = input.string(name) ?? items.lazy.compactMap { $0[name] }.first { !$0.isEmpty }
            if let value {
                throw .invalid(
                    name,
                    value,
                    allowed: "nothing: IPv6, prefix-list, port-list and source-port rules are not modelled"
                )
            }
        }
        var requests: [CloudState.PermissionRequest] = []
        if ["IpProtocol", "PortRange", cidrName, groupName].contains(where: { input.string($0) != nil }) {
            requests.append(request { input.string($0) })
        }
        for item in items {
            requests.append(request { name in item[name].flatMap { $0.isEmpty ? nil : $0 } })
        }
        return requests
    }

    static func authorize(_ name: String, ingress: Bool, _ cp: ControlPlane) -> any Action {
        ClosureAction(name, product: .ecs) { input throws(APIError) in
            let region = try input.regionId()
            let id = try input.required("SecurityGroupId")
            let requests = try permissionRequests(input, ingress: ingress)
            try await change(cp, input) { state, context throws(ControlPlaneError) in
                try state.authorizeSecurityGroup(
                    id,
                    direction: ingress ? "ingress" : "egress",
                    region: region,
                    permissions: requests,
                    context
                )
            }
            return [:]
        }
    }

    static func revoke(_ name: String, ingress: Bool, _ cp: ControlPlane) -> any Action {
        ClosureAction(name, product: .ecs) { input throws(APIError) in
            let region = try input.regionId()
            let id = try input.required("SecurityGroupId")
            let requests = try permissionRequests(input, ingress: ingress)
            let ruleIds = try input.list("SecurityGroupRuleId")
            try await change(cp, input) { state, _ throws(ControlPlaneError) in
                try state.revokeSecurityGroup(
                    id,
                    direction: ingress ? "ingress" : "egress",
                    region: region,
                    permissions: requests,
                    ruleIds: ruleIds
                )
            }
            return [:]
        }
    }

    /// A rule as `DescribeSecurityGroupAttribute` lists it: protocol in upper case, `Policy` capitalized,
    /// `Priority` as a string, the other direction's fields empty.
    static func permissionObject(_ rule: SecurityGroupPermission, _ state: CloudState) -> APIValue {
        let ingress = rule.direction == "ingress"
        let cidr = rule.cidr?.description ?? ""
        let group = rule.peerGroupId ?? ""
        let groupName = rule.peerGroupId.flatMap { state.securityGroups[$0]?.name } ?? ""
        return [
            "SecurityGroupRuleId": .string(rule.id), "Direction": .string(rule.direction),
            "IpProtocol": .string(rule.ipProtocol.uppercased()), "PortRange": .string(rule.portRange),
            "SourcePortRange": "",
            "SourceCidrIp": .string(ingress ? cidr : ""), "SourceGroupId": .string(ingress ? group : ""),
            "SourceGroupName": .string(ingress ? groupName : ""), "SourceGroupOwnerAccount": "",
            "SourcePrefixListId": "", "SourcePrefixListName": "",
            "DestCidrIp": .string(ingress ? "" : cidr), "DestGroupId": .string(ingress ? "" : group),
            "DestGroupName": .string(ingress ? "" : groupName), "DestGroupOwnerAccount": "",
            "DestPrefixListId": "", "DestPrefixListName": "",
            "Ipv6SourceCidrIp": "", "Ipv6DestCidrIp": "",
            "Policy": .string(rule.policy == "drop" ? "Drop" : "Accept"), "Priority": .string(String(rule.priority)),
            "NicType": .string(rule.nicType), "Description": .string(rule.description),
            "CreateTime": CloudTime.iso(rule.createTime), "PortRangeListId": "", "PortRangeListName": "",
        ]
    }

    // MARK: Instances

    /// ECS instance times have minute precision: `2017-12-10T04:04Z`.
    static func minutes(_ date: Date) -> APIValue {
        let text = RequestTimestamp.format(date)
        return .string(String(text.dropLast(4)) + "Z")
    }

    static func instanceObject(_ instance: ECSInstance) -> APIValue {
        let ip = APIValue.string(instance.privateIpAddress.description)
        let family = instance.instanceType.split(separator: ".").prefix(2).joined(separator: ".")
        return [
            "InstanceId": .string(instance.id), "InstanceName": .string(instance.name),
            "Description": .string(instance.description), "RegionId": .string(instance.regionId),
            "ZoneId": .string(instance.zoneId), "Status": .string(instance.status),
            "InstanceType": .string(instance.instanceType), "InstanceTypeFamily": .string(family),
            "ImageId": .string(instance.imageId), "HostName": .string("iZ\(instance.id.dropFirst(2))Z"),
            "CreationTime": minutes(instance.creationTime), "StartTime": minutes(instance.creationTime),
            "ExpiredTime": "2099-12-31T15:59Z", "AutoReleaseTime": "",
            "InstanceNetworkType": "vpc", "InstanceChargeType": "PostPaid", "InternetChargeType": "PayByTraffic",
            "InternetMaxBandwidthIn": 0, "InternetMaxBandwidthOut": 0, "IoOptimized": true,
            "DeletionProtection": false, "Recyclable": false, "DeviceAvailable": true, "ResourceGroupId": "",
            "VpcAttributes": [
                "VpcId": .string(instance.vpcId), "VSwitchId": .string(instance.vSwitchId), "NatIpAddress": "",
                "PrivateIpAddress": .wrapped("IpAddress", [ip]),
            ],
            "SecurityGroupIds": .wrapped("SecurityGroupId", instance.securityGroupIds.map { .string($0) }),
            "InnerIpAddress": .wrapped("IpAddress", []), "PublicIpAddress": .wrapped("IpAddress", []),
            "EipAddress": ["AllocationId": "", "IpAddress": "", "Bandwidth": 0, "InternetChargeType": ""],
            "NetworkInterfaces": .wrapped(
                "NetworkInterface",
                [
                    [
                        "Type": "Primary", "NetworkInterfaceId": .string(instance.networkInterfaceId),
                        "PrimaryIpAddress": ip, "MacAddress": .string(instance.macAddress),
                        "PrivateIpSets": .wrapped("PrivateIpSet", [["PrivateIpAddress": ip, "Primary": true]]),
                    ]
                ]
            ),
            "OperationLocks": .wrapped("LockReason", []), "Tags": .wrapped("Tag", []),
        ]
    }

    /// A JSON array of strings (`InstanceIds=["i-1","i-2"]`), at most 100, or `nil` when absent.
    static func jsonList(_ input: ActionInput, _ name: String, code: String) throws(APIError) -> Set<String>? {
        guard let text = input.string(name) else { return nil }
        guard let data = text.data(using: .utf8),
            let list = (try? JSONSerialization.jsonObject(with: data)) as? [Any],
            list.count <= 100
        else {
            throw APIError(
                code: code,
                status: 400,
                message:
                    "The specified parameter \"\(name)\" is not valid: '\(text)' is not a JSON array of at most 100 strings, such as [\"id-1\",\"id-2\"]."
            )
        }
        var out = Set<String>()
        for item in list {
            guard let value = item as? String else {
                throw APIError(
                    code: code,
                    status: 400,
                    message:
                        "The specified parameter \"\(name)\" is not valid: '\(text)' holds a value that is not a string."
                )
            }
            out.insert(value)
        }
        return out
    }
}
