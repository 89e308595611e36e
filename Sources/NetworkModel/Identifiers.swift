/// A typed identifier of a cloud resource in the cloud's own format, such as `vpc-1a2b3c`.
///
/// Each resource kind has its own type, so a `VPCID` can never be passed where a `VSwitchID` is expected.
/// Construction does not check the prefix: identifiers come from files and API calls, and a wrong prefix is
/// reported by ``Topology/validate()`` with the field path where it was found, together with every other problem.
public protocol ResourceID: RawRepresentable, Sendable, Hashable, Comparable, Codable, CodingKeyRepresentable,
    CustomStringConvertible, ExpressibleByStringLiteral
where RawValue == String {
    /// The prefix every identifier of this kind starts with, such as `"vpc-"`.
    static var prefix: String { get }
    /// Creates an identifier from its text.
    init(rawValue: String)
}

extension ResourceID {
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether the text has this kind's prefix followed by at least one letter, digit, `-` or `_`.
    public var isWellFormed: Bool {
        guard rawValue.hasPrefix(Self.prefix), rawValue.count > Self.prefix.count else { return false }
        return rawValue.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45 || byte == 95
        }
    }
}

/// Identifies a VPC (`vpc-…`).
public struct VPCID: ResourceID {
    public static let prefix = "vpc-"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a vSwitch (`vsw-…`).
public struct VSwitchID: ResourceID {
    public static let prefix = "vsw-"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a route table (`vtb-…`) of a VPC or a VBR.
public struct RouteTableID: ResourceID {
    public static let prefix = "vtb-"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a custom route entry (`rte-…`).
public struct RouteEntryID: ResourceID {
    public static let prefix = "rte-"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a VPN gateway (`vpn-…`).
public struct VPNGatewayID: ResourceID {
    public static let prefix = "vpn-"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a customer gateway (`cgw-…`).
public struct CustomerGatewayID: ResourceID {
    public static let prefix = "cgw-"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies an IPsec-VPN connection (`vco-…`).
public struct VPNConnectionID: ResourceID {
    public static let prefix = "vco-"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies an Express Connect router interface (`ri-…`).
public struct RouterInterfaceID: ResourceID {
    public static let prefix = "ri-"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a virtual border router (`vbr-…`).
public struct VBRID: ResourceID {
    public static let prefix = "vbr-"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a Cloud Enterprise Network instance (`cen-…`).
public struct CENID: ResourceID {
    public static let prefix = "cen-"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a CEN bandwidth package (`cenbwp-…`).
public struct CENBandwidthPackageID: ResourceID {
    public static let prefix = "cenbwp-"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a security group (`sg-…`).
public struct SecurityGroupID: ResourceID {
    public static let prefix = "sg-"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies an ECS instance (`i-…`).
public struct InstanceID: ResourceID {
    public static let prefix = "i-"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// Identifies a site outside the cloud: an office or a data centre (`site-…`).
public struct SiteID: ResourceID {
    public static let prefix = "site-"
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A network that routes: a VPC (through its vRouter) or a VBR. Router interfaces sit on one, CEN attaches them.
///
/// Encoded as the plain identifier (`"vpc-…"` or `"vbr-…"`); the prefix tells which.
public enum NetworkReference: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    case vpc(VPCID)
    case vbr(VBRID)

    /// Reads `vpc-…` or `vbr-…`; `nil` for any other text.
    public init?(_ text: String) {
        if text.hasPrefix(VPCID.prefix) {
            self = .vpc(VPCID(text))
        } else if text.hasPrefix(VBRID.prefix) {
            self = .vbr(VBRID(text))
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .vpc(let id): id.rawValue
        case .vbr(let id): id.rawValue
        }
    }

    /// The cloud's `ChildInstanceType`: `VPC` or `VBR`.
    public var childInstanceType: String {
        switch self {
        case .vpc: "VPC"
        case .vbr: "VBR"
        }
    }

    public static func < (lhs: NetworkReference, rhs: NetworkReference) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = NetworkReference(text) else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "invalid network '\(text)': expected a VPC id 'vpc-…' or a VBR id 'vbr-…'"
            )
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
