public import IPAddressing

/// Protocols of flows and security group rules.
public enum IPProtocol: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case icmp, tcp, udp, all

    public var description: String { rawValue }
}

/// A port range `from/to` in the cloud's notation: `22/22`, `1/65535`; `-1/-1` for ICMP and `all`.
public struct PortRange: Sendable, Hashable, Codable, CustomStringConvertible {
    public var from: Int
    public var to: Int

    public init(from: Int, to: Int) {
        self.from = from
        self.to = to
    }

    public init(_ port: Int) {
        self.init(from: port, to: port)
    }

    /// `-1/-1`: no ports (ICMP, all protocols).
    public static let any = PortRange(from: -1, to: -1)
    /// `1/65535`.
    public static let all = PortRange(from: 1, to: 65535)

    /// Parses `from/to`; `nil` when malformed or out of range.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let from = Int(parts[0]), let to = Int(parts[1]) else { return nil }
        self.init(from: from, to: to)
        guard isValid else { return nil }
    }

    /// Whether the range is `-1/-1` or inside `1...65535` with `from <= to`.
    public var isValid: Bool {
        (from == -1 && to == -1) || (1...65535).contains(from) && (1...65535).contains(to) && from <= to
    }

    /// Whether a flow's port falls in the range; `-1/-1` matches every port.
    public func contains(_ port: Int?) -> Bool {
        if from == -1 { return true }
        guard let port else { return false }
        return (from...to).contains(port)
    }

    public var description: String { "\(from)/\(to)" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = PortRange(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "invalid port range '\(text)': expected from/to with 1 <= from <= to <= 65535, or -1/-1"
            )
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The direction of a security group rule.
public enum RuleDirection: String, Sendable, Hashable, Codable, CaseIterable {
    case ingress, egress
}

/// What a matching rule does.
public enum RulePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case accept, drop
}

/// One security group rule.
public struct SecurityGroupRule: Sendable, Hashable, Codable {
    public var direction: RuleDirection
    public var ipProtocol: IPProtocol
    public var portRange: PortRange
    /// The peer's block: the source for ingress, the destination for egress.
    public var cidr: IPv4Prefix
    public var policy: RulePolicy
    /// 1–100; smaller first; `drop` beats `accept` at equal priority.
    public var priority: Int
    public var description: String

    public init(
        direction: RuleDirection, ipProtocol: IPProtocol, portRange: PortRange = .any, cidr: IPv4Prefix,
        policy: RulePolicy = .accept, priority: Int = 1, description: String = ""
    ) {
        self.direction = direction
        self.ipProtocol = ipProtocol
        self.portRange = portRange
        self.cidr = cidr
        self.policy = policy
        self.priority = priority
        self.description = description
    }
}

/// A security group of a VPC.
public struct SecurityGroup: Sendable, Hashable, Codable {
    public var id: SecurityGroupID
    public var name: String
    public var vpc: VPCID
    public var rules: [SecurityGroupRule]

    public init(id: SecurityGroupID, name: String = "", vpc: VPCID, rules: [SecurityGroupRule] = []) {
        self.id = id
        self.name = name
        self.vpc = vpc
        self.rules = rules
    }
}

/// An ECS instance: the only thing in a VPC that answers a ping.
public struct Instance: Sendable, Hashable, Codable {
    public var id: InstanceID
    public var name: String
    public var vSwitch: VSwitchID
    public var privateIP: IPv4Address
    public var securityGroups: [SecurityGroupID]

    public init(
        id: InstanceID, name: String = "", vSwitch: VSwitchID, privateIP: IPv4Address,
        securityGroups: [SecurityGroupID]
    ) {
        self.id = id
        self.name = name
        self.vSwitch = vSwitch
        self.privateIP = privateIP
        self.securityGroups = securityGroups
    }
}
