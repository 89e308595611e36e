/// A CEN geographic area; cross-area bandwidth packages name two of them (reference §7).
public enum GeographicArea: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case china = "China"
    case northAmerica = "North-America"
    case asiaPacific = "Asia-Pacific"
    case europe = "Europe"
    case australia = "Australia"

    public var description: String { rawValue }
}

/// A region of the cloud, such as `cn-hangzhou`.
///
/// The regions the seeds use and the others of the 2019 area table (reference §7) are known; any other text is
/// kept as written and reported by validation.
public struct RegionID: RawRepresentable, Sendable, Hashable, Comparable, Codable, CodingKeyRepresentable,
    CustomStringConvertible, ExpressibleByStringLiteral
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (lhs: RegionID, rhs: RegionID) -> Bool { lhs.rawValue < rhs.rawValue }

    public static let hangzhou: RegionID = "cn-hangzhou"
    public static let shanghai: RegionID = "cn-shanghai"
    public static let beijing: RegionID = "cn-beijing"
    public static let hongKong: RegionID = "cn-hongkong"
    /// US (Silicon Valley).
    public static let siliconValley: RegionID = "us-west-1"
    /// US (Virginia), "US East".
    public static let virginia: RegionID = "us-east-1"

    /// Area membership as of 2019 (reference §7).
    public static let known: [RegionID: (name: String, area: GeographicArea)] = [
        "cn-qingdao": ("China (Qingdao)", .china),
        "cn-beijing": ("China (Beijing)", .china),
        "cn-zhangjiakou": ("China (Zhangjiakou)", .china),
        "cn-huhehaote": ("China (Hohhot)", .china),
        "cn-hangzhou": ("China (Hangzhou)", .china),
        "cn-shanghai": ("China (Shanghai)", .china),
        "cn-shenzhen": ("China (Shenzhen)", .china),
        "cn-hongkong": ("China (Hong Kong)", .asiaPacific),
        "ap-southeast-1": ("Singapore", .asiaPacific),
        "ap-southeast-3": ("Malaysia (Kuala Lumpur)", .asiaPacific),
        "ap-southeast-5": ("Indonesia (Jakarta)", .asiaPacific),
        "ap-northeast-1": ("Japan (Tokyo)", .asiaPacific),
        "ap-south-1": ("India (Mumbai)", .asiaPacific),
        "ap-southeast-2": ("Australia (Sydney)", .australia),
        "us-west-1": ("US (Silicon Valley)", .northAmerica),
        "us-east-1": ("US (Virginia)", .northAmerica),
        "eu-central-1": ("Germany (Frankfurt)", .europe),
        "eu-west-1": ("UK (London)", .europe),
    ]

    /// Whether the region is one the model knows.
    public var isKnown: Bool { RegionID.known[self] != nil }

    /// The CEN geographic area, `nil` for an unknown region.
    public var area: GeographicArea? { RegionID.known[self]?.area }

    /// The console name, such as "China (Shanghai)"; the identifier itself for an unknown region.
    public var displayName: String { RegionID.known[self]?.name ?? rawValue }
}
