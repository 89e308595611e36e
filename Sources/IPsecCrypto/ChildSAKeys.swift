public import IPAddressing

/// A traffic selector (RFC 7296 §3.13.1): an IPv4 address range, an IP protocol and a port range.
///
/// `TS_IPV4_ADDR_RANGE` (type 7) is the only type Meridian uses; IPv6 selectors are not implemented.
public struct TrafficSelector: Sendable, Hashable, Codable, CustomStringConvertible {
    /// IP protocol number, 0 for any.
    public var ipProtocol: UInt8
    /// First port of the range (0 for any).
    public var startPort: UInt16
    /// Last port of the range (65535 for any).
    public var endPort: UInt16
    /// First address of the range.
    public var startAddress: IPv4Address
    /// Last address of the range.
    public var endAddress: IPv4Address

    /// Creates a selector from its fields as carried on the wire.
    public init(
        ipProtocol: UInt8 = 0,
        startPort: UInt16 = 0,
        endPort: UInt16 = 65535,
        startAddress: IPv4Address,
        endAddress: IPv4Address
    ) {
        self.ipProtocol = ipProtocol
        self.startPort = startPort
        self.endPort = endPort
        self.startAddress = startAddress
        self.endAddress = endAddress
    }

    /// A selector covering every address of `prefix`, any protocol and any port.
    public init(_ prefix: IPv4Prefix) {
        self.init(startAddress: prefix.network, endAddress: prefix.lastAddress)
    }

    /// The prefix this selector's address range is exactly equal to, or `nil` if it is not a CIDR block.
    public var prefix: IPv4Prefix? {
        guard startAddress <= endAddress else { return nil }
        let span = UInt64(endAddress.rawValue) - UInt64(startAddress.rawValue) + 1
        guard span & (span - 1) == 0 else { return nil }
        let length = 32 - (span.trailingZeroBitCount)
        guard let prefix = try? IPv4Prefix(network: startAddress, length: length) else { return nil }
        return prefix
    }

    /// Whether this selector admits every address, protocol and port of `other`.
    public func contains(_ other: TrafficSelector) -> Bool {
        (ipProtocol == 0 || ipProtocol == other.ipProtocol) && startPort <= other.startPort
            && endPort >= other.endPort && startAddress <= other.startAddress && endAddress >= other.endAddress
    }

    /// Whether a packet with these addresses, protocol and port matches the selector.
    public func matches(address: IPv4Address, ipProtocol proto: UInt8 = 0, port: UInt16 = 0) -> Bool {
        address >= startAddress && address <= endAddress && (ipProtocol == 0 || ipProtocol == proto)
            && (port >= startPort && port <= endPort || ipProtocol == 0)
    }

    /// The intersection of two selectors (RFC 7296 §2.9 narrowing), or `nil` if they are disjoint.
    public func intersection(_ other: TrafficSelector) -> TrafficSelector? {
        let proto: UInt8
        if ipProtocol == 0 {
            proto = other.ipProtocol
        } else if other.ipProtocol == 0 || other.ipProtocol == ipProtocol {
            proto = ipProtocol
        } else {
            return nil
        }
        let lowPort = max(startPort, other.startPort)
        let highPort = min(endPort, other.endPort)
        let low = max(startAddress, other.startAddress)
        let high = min(endAddress, other.endAddress)
        guard lowPort <= highPort, low <= high else { return nil }
        return TrafficSelector(
            ipProtocol: proto,
            startPort: lowPort,
            endPort: highPort,
            startAddress: low,
            endAddress: high
        )
    }

    /// `10.0.0.0/24` for a CIDR range with any protocol and port, otherwise `10.0.0.1-10.0.0.9[proto/ports]`.
    public var description: String {
        let range = prefix.map { "\($0)" } ?? "\(startAddress)-\(endAddress)"
        if ipProtocol == 0 && startPort == 0 && endPort == 65535 { return range }
        let ports = startPort == endPort ? "\(startPort)" : "\(startPort)-\(endPort)"
        return "\(range)[\(ipProtocol)/\(ports)]"
    }
}

/// The keys of one direction of a Child SA.
public struct DirectionalKeys: Sendable, Hashable {
    /// The cipher key (without salt).
    public var encryptionKey: [UInt8]
    /// The 4-octet salt that follows the key in KEYMAT for AES-GCM (RFC 4106 §8.1); empty for CBC.
    public var salt: [UInt8]
    /// The integrity key; empty for AEAD ciphers.
    public var integrityKey: [UInt8]

    /// Creates directional keys.
    public init(encryptionKey: [UInt8], salt: [UInt8], integrityKey: [UInt8]) {
        self.encryptionKey = encryptionKey
        self.salt = salt
        self.integrityKey = integrityKey
    }
}

/// Soft and hard lifetimes of an SA, in seconds (local settings; IKEv2 does not negotiate them).
public struct SALifetime: Sendable, Hashable, Codable {
    /// When to start rekeying.
    public var softSeconds: Int
    /// When the SA must be gone.
    public var hardSeconds: Int

    /// Creates a lifetime.
    public init(softSeconds: Int, hardSeconds: Int) {
        self.softSeconds = softSeconds
        self.hardSeconds = hardSeconds
    }
}

/// Everything the ESP data plane needs to install one Child SA (a pair of SAs, inbound and outbound).
///
/// Produced by the IKEv2 state machine when a Child SA is established or rekeyed (RFC 7296 §2.17 key
/// derivation). `inboundSPI` is the SPI this side chose: the peer puts it in the ESP packets it sends us.
public struct ChildSAKeys: Sendable, Hashable, CustomStringConvertible {
    /// SPI of the inbound SA (chosen by us, used by the peer when sending).
    public var inboundSPI: UInt32
    /// SPI of the outbound SA (chosen by the peer, used by us when sending).
    public var outboundSPI: UInt32
    /// The negotiated encryption algorithm.
    public var encryption: EncryptionAlgorithm
    /// The negotiated integrity algorithm; `nil` with AEAD ciphers.
    public var integrity: IntegrityAlgorithm?
    /// Whether 64-bit extended sequence numbers were negotiated.
    public var extendedSequenceNumbers: Bool
    /// Keys for packets we receive.
    public var inbound: DirectionalKeys
    /// Keys for packets we send.
    public var outbound: DirectionalKeys
    /// Our traffic selectors (sources of outbound packets).
    public var localTrafficSelectors: [TrafficSelector]
    /// The peer's traffic selectors (destinations of outbound packets).
    public var remoteTrafficSelectors: [TrafficSelector]
    /// Lifetimes of this Child SA.
    public var lifetime: SALifetime
    /// Whether ESP must be sent in UDP (RFC 3948) because NAT was detected or encapsulation is forced.
    public var udpEncapsulation: Bool

    /// Creates the value; the IKEv2 state machine is the usual producer.
    public init(
        inboundSPI: UInt32,
        outboundSPI: UInt32,
        encryption: EncryptionAlgorithm,
        integrity: IntegrityAlgorithm?,
        extendedSequenceNumbers: Bool = false,
        inbound: DirectionalKeys,
        outbound: DirectionalKeys,
        localTrafficSelectors: [TrafficSelector],
        remoteTrafficSelectors: [TrafficSelector],
        lifetime: SALifetime,
        udpEncapsulation: Bool
    ) {
        self.inboundSPI = inboundSPI
        self.outboundSPI = outboundSPI
        self.encryption = encryption
        self.integrity = integrity
        self.extendedSequenceNumbers = extendedSequenceNumbers
        self.inbound = inbound
        self.outbound = outbound
        self.localTrafficSelectors = localTrafficSelectors
        self.remoteTrafficSelectors = remoteTrafficSelectors
        self.lifetime = lifetime
        self.udpEncapsulation = udpEncapsulation
    }

    /// A summary that never shows key material.
    public var description: String {
        let spi = { (v: UInt32) in String(v, radix: 16).leftPadded(to: 8) }
        let integ = integrity.map { "/\($0)" } ?? ""
        return "ESP:\(encryption)\(integ) in \(spi(inboundSPI)) out \(spi(outboundSPI)) "
            + "\(localTrafficSelectors) === \(remoteTrafficSelectors)\(udpEncapsulation ? " UDP-encap" : "")"
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
