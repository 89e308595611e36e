public import IPAddressing
public import IPsecCrypto

/// A UDP endpoint.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var address: IPv4Address
    public var port: UInt16

    public init(_ address: IPv4Address, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String { "\(address)[\(port)]" }
}

/// Everything one side of a PSK site-to-site tunnel needs to negotiate (a swanctl connection with one child).
public struct IKEConfiguration: Sendable {
    /// Our address; IKE starts on UDP 500 and moves to 4500 when NAT is detected (RFC 7296 §2.23).
    public var localAddress: IPv4Address
    /// The peer's address.
    public var remoteAddress: IPv4Address
    /// Our identity (IDi when initiating, IDr when responding).
    public var localID: Identification
    /// The identity we require of the peer.
    public var remoteID: Identification
    /// The pre-shared key.
    public var preSharedKey: [UInt8]
    /// IKE proposals, most preferred first; the first group of the first proposal goes in the initial KE.
    public var ikeProposals: [IKEProposal]
    /// ESP proposals, most preferred first; groups in them mean PFS on CREATE_CHILD_SA.
    public var childProposals: [ChildProposal]
    /// Our protected networks (TSi when initiating).
    public var localTrafficSelectors: [TrafficSelector]
    /// The peer's protected networks.
    public var remoteTrafficSelectors: [TrafficSelector]
    /// IKE SA lifetime: rekey at `softSeconds`.
    public var ikeLifetime: SALifetime
    /// Child SA lifetime: rekey at `softSeconds`, passed on to ESP.
    public var childLifetime: SALifetime
    /// Seconds of silence from the peer after which we send an empty INFORMATIONAL (DPD); `nil` disables it.
    public var dpdInterval: Double?
    /// First retransmission timeout in seconds; it doubles on each retry (RFC 7296 §2.1).
    public var retransmitTimeout: Double
    /// Retransmissions before the peer is declared dead.
    public var maxRetransmits: Int
    /// Responder only: demand a COOKIE before keeping any state (RFC 7296 §2.6), as under load.
    public var requireCookie: Bool
    /// Always encapsulate ESP in UDP, as strongSwan's kernel-libipsec does.
    public var forceUDPEncapsulation: Bool
    /// Fraction of the soft lifetimes by which rekeying may come early (0.1: up to 10 %).
    public var rekeyJitter: Double
    /// Responder: seconds to wait for IKE_AUTH after answering IKE_SA_INIT before dropping the half-open SA.
    public var halfOpenTimeout: Double

    public init(
        localAddress: IPv4Address,
        remoteAddress: IPv4Address,
        localID: Identification,
        remoteID: Identification,
        preSharedKey: [UInt8],
        ikeProposals: [IKEProposal],
        childProposals: [ChildProposal],
        localTrafficSelectors: [TrafficSelector],
        remoteTrafficSelectors: [TrafficSelector],
        ikeLifetime: SALifetime = SALifetime(softSeconds: 14_400, hardSeconds: 15_840),
        childLifetime: SALifetime = SALifetime(softSeconds: 3_600, hardSeconds: 3_960),
        dpdInterval: Double? = 30,
        retransmitTimeout: Double = 2,
        maxRetransmits: Int = 5,
        requireCookie: Bool = false,
        forceUDPEncapsulation: Bool = false,
        halfOpenTimeout: Double = 30, rekeyJitter: Double = 0.1
    ) {
        self.rekeyJitter = rekeyJitter
        self.halfOpenTimeout = halfOpenTimeout
        self.localAddress = localAddress
        self.remoteAddress = remoteAddress
        self.localID = localID
        self.remoteID = remoteID
        self.preSharedKey = preSharedKey
        self.ikeProposals = ikeProposals
        self.childProposals = childProposals
        self.localTrafficSelectors = localTrafficSelectors
        self.remoteTrafficSelectors = remoteTrafficSelectors
        self.ikeLifetime = ikeLifetime
        self.childLifetime = childLifetime
        self.dpdInterval = dpdInterval
        self.retransmitTimeout = retransmitTimeout
        self.maxRetransmits = maxRetransmits
        self.requireCookie = requireCookie
        self.forceUDPEncapsulation = forceUDPEncapsulation
    }
}

/// An IKE datagram to send. On port 4500 the 4-octet non-ESP marker precedes the message (RFC 3948 §2.2).
public struct OutgoingDatagram: Sendable, Hashable {
    /// The IKE message.
    public var message: [UInt8]
    /// Our UDP port (500 or 4500).
    public var localPort: UInt16
    /// Where to send it.
    public var remote: Endpoint

    /// The UDP payload: the message, preceded by the non-ESP marker on port 4500.
    public var udpPayload: [UInt8] { localPort == 4500 ? [0, 0, 0, 0] + message : message }
}

/// What a UDP payload received on 500/4500 is (RFC 3948 §2).
public enum UDPPayloadKind: Sendable, Hashable {
    /// An IKE message (non-ESP marker removed).
    case ike([UInt8])
    /// An ESP packet starting with its SPI.
    case esp
    /// A one-octet 0xFF NAT keepalive (ignore it).
    case natKeepalive
    /// Too short or otherwise unusable.
    case invalid

    /// Classifies a UDP payload received on `port`.
    public init(udpPayload: [UInt8], port: UInt16) {
        if port != 4500 {
            self = udpPayload.count >= IKEHeader.size ? .ike(udpPayload) : .invalid
        } else if udpPayload == [0xFF] {
            self = .natKeepalive
        } else if udpPayload.count >= 4 && udpPayload.prefix(4).allSatisfy({ $0 == 0 }) {
            self = udpPayload.count >= 4 + IKEHeader.size ? .ike(Array(udpPayload.dropFirst(4))) : .invalid
        } else {
            self = udpPayload.count >= 8 ? .esp : .invalid
        }
    }
}
