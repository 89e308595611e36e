/// IKEv2 exchange types (RFC 7296 §3.1).
public enum ExchangeType: UInt8, Sendable, Hashable, CustomStringConvertible {
    case ikeSAInit = 34
    case ikeAuth = 35
    case createChildSA = 36
    case informational = 37

    public var description: String {
        switch self {
        case .ikeSAInit: "IKE_SA_INIT"
        case .ikeAuth: "IKE_AUTH"
        case .createChildSA: "CREATE_CHILD_SA"
        case .informational: "INFORMATIONAL"
        }
    }
}

/// Payload type numbers (RFC 7296 §3.2).
public enum PayloadType: UInt8, Sendable, Hashable {
    case none = 0
    case securityAssociation = 33
    case keyExchange = 34
    case identificationInitiator = 35
    case identificationResponder = 36
    case certificate = 37
    case certificateRequest = 38
    case authentication = 39
    case nonce = 40
    case notify = 41
    case delete = 42
    case vendorID = 43
    case trafficSelectorInitiator = 44
    case trafficSelectorResponder = 45
    case encrypted = 46
    case configuration = 47
    case eap = 48
}

/// Notify message types (RFC 7296 §3.10.1 and the IANA registry); errors are below 16384.
public struct NotifyType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let unsupportedCriticalPayload = NotifyType(1)
    public static let invalidIKESPI = NotifyType(4)
    public static let invalidMajorVersion = NotifyType(5)
    public static let invalidSyntax = NotifyType(7)
    public static let invalidMessageID = NotifyType(9)
    public static let invalidSPI = NotifyType(11)
    public static let noProposalChosen = NotifyType(14)
    public static let invalidKEPayload = NotifyType(17)
    public static let authenticationFailed = NotifyType(24)
    public static let singlePairRequired = NotifyType(34)
    public static let noAdditionalSAs = NotifyType(35)
    public static let tsUnacceptable = NotifyType(38)
    public static let temporaryFailure = NotifyType(43)
    public static let childSANotFound = NotifyType(44)
    public static let initialContact = NotifyType(16384)
    public static let additionalTSPossible = NotifyType(16386)
    public static let natDetectionSourceIP = NotifyType(16388)
    public static let natDetectionDestinationIP = NotifyType(16389)
    public static let cookie = NotifyType(16390)
    public static let useTransportMode = NotifyType(16391)
    public static let rekeySA = NotifyType(16393)
    public static let espTFCPaddingNotSupported = NotifyType(16394)
    public static let mobikeSupported = NotifyType(16396)

    /// Whether this is an error type (below 16384).
    public var isError: Bool { rawValue < 16384 }

    static let names: [UInt16: String] = [
        1: "UNSUPPORTED_CRITICAL_PAYLOAD", 4: "INVALID_IKE_SPI", 5: "INVALID_MAJOR_VERSION", 7: "INVALID_SYNTAX",
        9: "INVALID_MESSAGE_ID", 11: "INVALID_SPI", 14: "NO_PROPOSAL_CHOSEN", 17: "INVALID_KE_PAYLOAD",
        24: "AUTHENTICATION_FAILED", 34: "SINGLE_PAIR_REQUIRED", 35: "NO_ADDITIONAL_SAS",
        36: "INTERNAL_ADDRESS_FAILURE",
        37: "FAILED_CP_REQUIRED", 38: "TS_UNACCEPTABLE", 39: "INVALID_SELECTORS", 43: "TEMPORARY_FAILURE",
        44: "CHILD_SA_NOT_FOUND", 16384: "INITIAL_CONTACT", 16385: "SET_WINDOW_SIZE", 16386: "ADDITIONAL_TS_POSSIBLE",
        16387: "IPCOMP_SUPPORTED", 16388: "NAT_DETECTION_SOURCE_IP", 16389: "NAT_DETECTION_DESTINATION_IP",
        16390: "COOKIE", 16391: "USE_TRANSPORT_MODE", 16392: "HTTP_CERT_LOOKUP_SUPPORTED", 16393: "REKEY_SA",
        16394: "ESP_TFC_PADDING_NOT_SUPPORTED", 16395: "NON_FIRST_FRAGMENTS_ALSO", 16396: "MOBIKE_SUPPORTED",
        16404: "MULTIPLE_AUTH_SUPPORTED", 16417: "EAP_ONLY_AUTHENTICATION", 16418: "CHILDLESS_IKEV2_SUPPORTED",
        16430: "IKEV2_FRAGMENTATION_SUPPORTED", 16431: "SIGNATURE_HASH_ALGORITHMS", 16406: "REDIRECT_SUPPORTED",
        16427: "IKEV2_MESSAGE_ID_SYNC_SUPPORTED", 16397: "ADDITIONAL_IP4_ADDRESS",
    ]

    /// The RFC name (`NO_PROPOSAL_CHOSEN`), or `NOTIFY(n)` for types Meridian doesn't name.
    public var description: String { NotifyType.names[rawValue] ?? "NOTIFY(\(rawValue))" }
}

/// IPsec protocol IDs in SA, Notify and Delete payloads (RFC 7296 §3.3.1).
public enum SecurityProtocol: UInt8, Sendable, Hashable {
    case ike = 1
    case ah = 2
    case esp = 3
}
