public import IPAddressing
public import IPsecCrypto

/// The keys and counters of one IKE SA (the current one, or the old one while a rekey finishes).
struct _IKESAContext {
    var spiI: UInt64
    var spiR: UInt64
    /// Whether we are the initiator of this IKE SA (after an IKE rekey: of the rekeying exchange, RFC 7296 §2.18).
    var weAreInitiator: Bool
    var suite: IKESuite
    var keys: IKESAKeys
    var nextRequestID: UInt32 = 0
    var expectedRequestID: UInt32 = 0
    var lastResponse: (id: UInt32, bytes: [UInt8])?

    var sendProtection: SKProtection { SKProtection(suite: suite, keys: keys, senderIsInitiator: weAreInitiator) }
    var receiveProtection: SKProtection { SKProtection(suite: suite, keys: keys, senderIsInitiator: !weAreInitiator) }
}

extension _IKESAContext {
    /// The context of the IKE SA that replaces this one (RFC 7296 §2.18): SKEYSEED from this SA's SK_d and the new
    /// shared secret and nonces, then the §2.14 keys for the new SPIs.
    func rekeyed(
        suite: IKESuite,
        sharedSecret: [UInt8],
        nonceI: [UInt8],
        nonceR: [UInt8],
        spiI: UInt64,
        spiR: UInt64,
        weAreInitiator: Bool
    ) -> _IKESAContext {
        let skeyseed = KeyDerivation.skeyseed(
            prf: suite.prf,
            sharedSecret: sharedSecret,
            nonceI: nonceI,
            nonceR: nonceR,
            rekeying: (self.suite.prf, keys.d)
        )
        let keys = KeyDerivation.ikeSAKeys(
            suite: suite,
            skeyseed: skeyseed,
            nonceI: nonceI,
            nonceR: nonceR,
            spiI: spiI,
            spiR: spiR
        )
        return _IKESAContext(spiI: spiI, spiR: spiR, weAreInitiator: weAreInitiator, suite: suite, keys: keys)
    }
}

/// A Child SA known to the IKE SA.
struct _ChildSA {
    var keys: ChildSAKeys
    var suite: ChildSuite
    var createdAt: Double
    /// A rekey of this SA succeeded (ours or the peer's); it waits for its delete and is not rekeyed again.
    var replaced = false
}

/// A rekey the peer started while ours of the same SA was outstanding (RFC 7296 §2.8.1): kept until our own
/// exchange ends, when the lowest of the four nonces decides which of the two new SAs is redundant.
struct _RekeyCollision<SA: Sendable>: Sendable {
    /// The SA the peer's exchange created.
    var created: SA
    /// The lower of the two nonces of the peer's exchange.
    var lowestNonce: [UInt8]
}

/// The lower of two nonces, compared as unsigned big-endian byte strings (a shorter prefix is lower), as
/// strongSwan compares them.
func lowerNonce(_ x: [UInt8], _ y: [UInt8]) -> [UInt8] { x.lexicographicallyPrecedes(y) ? x : y }

/// What an outstanding request is for, so its response can be interpreted.
enum _Pending {
    case ikeSAInit
    case ikeAuth(childSPI: UInt32)
    case rekeyChild(oldInboundSPI: UInt32, newSPI: UInt32, nonce: [UInt8], ke: KeyExchangePrivateKey?)
    case rekeyIKE(newSPI: UInt64, nonce: [UInt8], ke: KeyExchangePrivateKey)
    case liveness
    case deleteChild(inboundSPI: UInt32)
    case deleteIKE(closing: Bool)
}

struct _Outstanding {
    var messageID: UInt32
    var bytes: [UInt8]
    var pending: _Pending
    var sentAt: Double
    var retransmits: Int
    var deadline: Double
    /// Whether this request belongs to the retiring IKE SA.
    var onRetiring: Bool
}

/// One IKE SA with its Child SAs, as a value-type state machine (RFC 7296): events in, ``IKEAction``s out.
///
/// Time (`now`, seconds on any monotonic clock) and randomness (`rng`) are parameters; the machine does no I/O.
/// One machine serves one peer: it accepts messages for its current IKE SA and, during an IKE rekey, the old one.
/// Only one request of our own is outstanding at a time (window size 1, RFC 7296 §2.3).
public struct IKESAStateMachine: Sendable {
    public let configuration: IKEConfiguration
    /// Whether this side started the first exchange.
    public let isOriginalInitiator: Bool
    public private(set) var state: IKESAState = .idle
    /// Whether NAT was detected between the peers (RFC 7296 §2.23).
    public private(set) var natDetected = false
    /// The negotiated IKE suite, once IKE_SA_INIT completed.
    public var ikeSuite: IKESuite? { current?.suite }
    /// Current IKE SPIs (initiator, responder).
    public var ikeSPIs: (initiator: UInt64, responder: UInt64)? { current.map { ($0.spiI, $0.spiR) } }
    /// The installed Child SAs.
    public var childSAs: [ChildSAKeys] { children.map(\.keys) }

    var current: _IKESAContext?
    var retiring: _IKESAContext?
    var children: [_ChildSA] = []
    var outstanding: _Outstanding?
    /// Peer-started Child SA rekeys that collided with ours, keyed by the old SA's inbound SPI.
    var childCollisions: [UInt32: _RekeyCollision<UInt32>] = [:]
    /// A peer-started IKE SA rekey that collided with ours (the new IKE SA it made, not yet in use).
    var ikeCollision: _RekeyCollision<_IKESAContext>?
    /// A redundant IKE SA from a rekey collision: kept only to answer (or send) its Delete.
    var redundantIKE: _IKESAContext?
    var localPort: UInt16 = 500
    var remote: Endpoint
    var lastHeardFrom: Double = 0
    var establishedAt: Double = 0
    var wantLivenessCheck = false

    // IKE_SA_INIT material.
    var initSPI: UInt64 = 0
    var initNonce: [UInt8] = []
    var peerNonce: [UInt8] = []
    var initKE: KeyExchangePrivateKey?
    var initGroup: KeyExchangeGroup?
    var cookie: [UInt8]?
    var initRequest: [UInt8] = []
    var initResponse: [UInt8] = []
    var cookieSecret: [UInt8] = []
    var childSPIRequested: UInt32 = 0

    /// Creates a machine for one side of a tunnel; call ``start(now:using:)`` on the initiator.
    public init(configuration: IKEConfiguration, isInitiator: Bool) {
        self.configuration = configuration
        isOriginalInitiator = isInitiator
        remote = Endpoint(configuration.remoteAddress, port: 500)
    }

    // MARK: - Events

    /// Initiator: sends IKE_SA_INIT (RFC 7296 §1.2).
    public mutating func start(now: Double, using rng: inout some RandomNumberGenerator) -> [IKEAction] {
        guard isOriginalInitiator, state == .idle else { return [.log("start ignored in state \(state)")] }
        guard let group = configuration.ikeProposals.first?.groups.first else {
            return close(reason: "no IKE proposal configured")
        }
        initSPI = rng.nonZeroUInt64()
        initNonce = rng.bytes(32)
        initGroup = group
        var actions = sendInitRequest(now: now, rng: &rng)
        actions.append(contentsOf: transition(to: .initSent, reason: "IKE_SA_INIT sent to \(remote)"))
        return actions + timer()
    }

    /// Handles a received IKE message (without the non-ESP marker; see ``UDPPayloadKind``).
    ///
    /// Malformed input never traps: it is counted in a `.log` action and dropped, or answered with INVALID_SYNTAX
    /// where RFC 7296 §2.21 asks for it.
    public mutating func receive(
        _ message: [UInt8],
        from sender: Endpoint,
        localPort port: UInt16,
        now: Double,
        using rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        guard state != .closed else { return [] }
        guard let header = IKEHeader(message[...]) else {
            return [.log("dropped datagram of \(message.count) octets: too short")]
        }
        var actions: [IKEAction]
        if header.exchangeType == ExchangeType.ikeSAInit.rawValue {
            actions = handleInit(message, header: header, sender: sender, port: port, now: now, rng: &rng)
        } else {
            actions = handleProtected(message, header: header, sender: sender, port: port, now: now, rng: &rng)
        }
        return actions + timer()
    }

    /// Handles the timer: retransmissions with back-off, dead-peer detection and rekeying at the soft lifetimes.
    public mutating func timerFired(now: Double, using rng: inout some RandomNumberGenerator) -> [IKEAction] {
        guard state != .closed else { return [] }
        var actions: [IKEAction] = []
        if state == .initResponded, now >= lastHeardFrom + configuration.halfOpenTimeout {
            return close(reason: "half-open IKE SA: no IKE_AUTH within \(Int(configuration.halfOpenTimeout)) s")
        }
        if var out = outstanding, now >= out.deadline {
            if out.retransmits >= configuration.maxRetransmits {
                return close(
                    reason: "peer \(remote) did not answer after \(out.retransmits) retransmissions (dead peer)"
                )
            }
            out.retransmits += 1
            out.deadline = now + configuration.retransmitTimeout * Double(1 << min(out.retransmits, 16))
            outstanding = out
            actions.append(.send(OutgoingDatagram(message: out.bytes, localPort: localPort, remote: remote)))
            actions.append(.log("retransmission \(out.retransmits) of message \(out.messageID)"))
        }
        if state == .established && now >= establishedAt + Double(configuration.ikeLifetime.hardSeconds) {
            return actions
                + close(reason: "IKE SA reached its hard lifetime of \(configuration.ikeLifetime.hardSeconds) s")
        }
        if state == .established {
            // Child SAs past their hard lifetime go now, rekeyed or not (RFC 4301 §4.4.2.1).
            let hard = Double(configuration.childLifetime.hardSeconds)
            let expired = children.filter { now >= $0.createdAt + hard }
            children.removeAll { now >= $0.createdAt + hard }
            for c in expired {
                actions.append(.removeChildSA(inboundSPI: c.keys.inboundSPI, outboundSPI: c.keys.outboundSPI))
                actions.append(.log("Child SA \(hex32(c.keys.inboundSPI)) reached its hard lifetime"))
            }
            if !expired.isEmpty && outstanding == nil {
                let spis = expired.map { be32($0.keys.inboundSPI) }
                actions += sendRequest(
                    .informational,
                    payloads: [.delete(DeleteRepr(protocolID: SecurityProtocol.esp.rawValue, spiSize: 4, spis: spis))],
                    pending: .deleteChild(inboundSPI: expired[0].keys.inboundSPI),
                    now: now,
                    rng: &rng
                )
            }
        }
        if state == .established && outstanding == nil {
            if now >= ikeRekeyAt {
                actions += rekeyIKESA(now: now, using: &rng)
            } else if let old = children.first(where: { !$0.replaced && now >= childRekeyAt($0) }) {
                actions += rekeyChildSA(inboundSPI: old.keys.inboundSPI, now: now, using: &rng)
            } else if let dpd = configuration.dpdInterval, now - lastHeardFrom >= dpd {
                actions += sendLivenessCheck(now: now, using: &rng)
            }
        }
        return actions + timer()
    }

    /// Sends an empty INFORMATIONAL request (liveness check / DPD, RFC 7296 §2.4).
    public mutating func sendLivenessCheck(now: Double, using rng: inout some RandomNumberGenerator) -> [IKEAction] {
        guard state == .established, outstanding == nil else { return [] }
        return sendRequest(.informational, payloads: [], pending: .liveness, now: now, rng: &rng) + timer()
    }

    /// Rekeys a Child SA with CREATE_CHILD_SA and N(REKEY_SA) (RFC 7296 §1.3.3), with PFS if the proposals have groups.
    public mutating func rekeyChildSA(
        inboundSPI: UInt32,
        now: Double,
        using rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        guard state == .established, outstanding == nil, children.contains(where: { $0.keys.inboundSPI == inboundSPI })
        else {
            return [.log("child rekey of \(hex32(inboundSPI)) not possible now")]
        }
        let newSPI = rng.nonZeroUInt32()
        let nonce = rng.bytes(32)
        let group = configuration.childProposals.first?.groups.first
        let ke = group.map { KeyExchangePrivateKey(group: $0, using: &rng) }
        var payloads: [Payload] = [
            .notify(NotifyRepr(.rekeySA, protocolID: SecurityProtocol.esp.rawValue, spi: be32(inboundSPI)))
        ]
        payloads.append(.securityAssociation(childProposalReprs(spi: newSPI, includeGroups: true)))
        payloads.append(.nonce(nonce))
        if let ke { payloads.append(.keyExchange(group: ke.group.rawValue, data: ke.publicValue)) }
        payloads += [
            .trafficSelectorInitiator(configuration.localTrafficSelectors),
            .trafficSelectorResponder(configuration.remoteTrafficSelectors),
        ]
        return sendRequest(
            .createChildSA,
            payloads: payloads,
            pending: .rekeyChild(oldInboundSPI: inboundSPI, newSPI: newSPI, nonce: nonce, ke: ke),
            now: now,
            rng: &rng
        ) + timer()
    }

    /// Rekeys the IKE SA with CREATE_CHILD_SA [SA Ni KE] (RFC 7296 §1.3.2); Child SAs move to the new IKE SA.
    public mutating func rekeyIKESA(now: Double, using rng: inout some RandomNumberGenerator) -> [IKEAction] {
        guard state == .established, outstanding == nil, let ctx = current else {
            return [.log("IKE rekey not possible now")]
        }
        let newSPI = rng.nonZeroUInt64()
        let nonce = rng.bytes(32)
        let ke = KeyExchangePrivateKey(group: ctx.suite.group, using: &rng)
        let proposals = configuration.ikeProposals.enumerated().map {
            ProposalRepr(number: UInt8($0.offset + 1), ike: $0.element, spi: be64(newSPI))
        }
        let payloads: [Payload] = [
            .securityAssociation(proposals), .nonce(nonce),
            .keyExchange(group: ke.group.rawValue, data: ke.publicValue),
        ]
        return sendRequest(
            .createChildSA,
            payloads: payloads,
            pending: .rekeyIKE(newSPI: newSPI, nonce: nonce, ke: ke),
            now: now,
            rng: &rng
        ) + timer()
    }

    /// Deletes the IKE SA and its Child SAs with an INFORMATIONAL Delete (RFC 7296 §1.4.1).
    public mutating func delete(now: Double, using rng: inout some RandomNumberGenerator) -> [IKEAction] {
        guard state == .established, outstanding == nil else { return close(reason: "deleted locally") }
        return sendRequest(
            .informational,
            payloads: [.delete(DeleteRepr(protocolID: SecurityProtocol.ike.rawValue, spiSize: 0, spis: []))],
            pending: .deleteIKE(closing: true),
            now: now,
            rng: &rng
        ) + timer()
    }

    /// Whether `message` is an IKE_SA_INIT request for a new IKE SA (responder SPI zero).
    ///
    /// A responder's owner uses it to route a peer's fresh attempt (after a restart, or after this machine closed)
    /// to a new machine instead of this one.
    public static func isNewSARequest(_ message: [UInt8]) -> Bool {
        guard let h = IKEHeader(message[...]) else { return false }
        return h.exchangeType == ExchangeType.ikeSAInit.rawValue && !h.isResponse && h.responderSPI == 0
    }

    /// The initiator's SPI in an IKE message's header, or nil if the header is not there.
    public static func initiatorSPI(of message: [UInt8]) -> UInt64? {
        IKEHeader(message[...])?.initiatorSPI
    }

    /// Drops the IKE SA and its Child SAs here without telling the peer: for an owner that replaces this machine
    /// by a new one the peer authenticated (the peer restarted and no longer has this SA).
    public mutating func abandon(reason: String) -> [IKEAction] { close(reason: reason) }

    // MARK: - IKE_SA_INIT

    mutating func sendInitRequest(now: Double, rng: inout some RandomNumberGenerator) -> [IKEAction] {
        guard let group = initGroup else { return [] }
        let ke = KeyExchangePrivateKey(group: group, using: &rng)
        initKE = ke
        var payloads: [Payload] = []
        if let cookie { payloads.append(.notify(NotifyRepr(.cookie, data: cookie))) }
        payloads.append(
            .securityAssociation(
                configuration.ikeProposals.enumerated().map {
                    ProposalRepr(number: UInt8($0.offset + 1), ike: $0.element)
                }
            )
        )
        payloads.append(.keyExchange(group: group.rawValue, data: ke.publicValue))
        payloads.append(.nonce(initNonce))
        payloads += natDetectionPayloads(spiI: initSPI, spiR: 0)
        let header = IKEHeader(
            initiatorSPI: initSPI,
            responderSPI: 0,
            exchangeType: ExchangeType.ikeSAInit.rawValue,
            flags: 0x08,
            messageID: 0
        )
        let bytes = encodePlain(IKEMessage(header: header, payloads: payloads, isEncrypted: false))
        initRequest = bytes
        outstanding = _Outstanding(
            messageID: 0,
            bytes: bytes,
            pending: .ikeSAInit,
            sentAt: now,
            retransmits: 0,
            deadline: now + configuration.retransmitTimeout,
            onRetiring: false
        )
        return [.send(OutgoingDatagram(message: bytes, localPort: localPort, remote: remote))]
    }

    func natDetectionPayloads(spiI: UInt64, spiR: UInt64) -> [Payload] {
        let source = natHash(spiI: spiI, spiR: spiR, address: configuration.localAddress, port: localPort)
        let destination = natHash(spiI: spiI, spiR: spiR, address: remote.address, port: remote.port)
        return [
            .notify(NotifyRepr(.natDetectionSourceIP, data: source)),
            .notify(NotifyRepr(.natDetectionDestinationIP, data: destination)),
        ]
    }

    func natHash(spiI: UInt64, spiR: UInt64, address: IPv4Address, port: UInt16) -> [UInt8] {
        var data = be64(spiI) + be64(spiR)
        data.append(uint32: address.rawValue)
        data.append(uint16: port)
        return sha1Digest(data)
    }

    /// Checks the peer's NAT_DETECTION_* notifies against what we see (RFC 7296 §2.23).
    mutating func detectNAT(
        _ payloads: [Payload],
        spiI: UInt64,
        spiR: UInt64,
        sender: Endpoint,
        port: UInt16
    ) -> [IKEAction] {
        let sources = payloads.notifies(.natDetectionSourceIP).map(\.data)
        let destination = payloads.notifies(.natDetectionDestinationIP).first?.data
        guard !sources.isEmpty, let destination else { return [] }
        let peerBehindNAT = !sources.contains(
            natHash(spiI: spiI, spiR: spiR, address: sender.address, port: sender.port)
        )
        let weBehindNAT =
            destination != natHash(spiI: spiI, spiR: spiR, address: configuration.localAddress, port: port)
        natDetected = peerBehindNAT || weBehindNAT
        var actions: [IKEAction] = []
        if peerBehindNAT { actions.append(.log("remote host is behind NAT")) }
        if weBehindNAT { actions.append(.log("local host is behind NAT")) }
        return actions
    }

    mutating func handleInit(
        _ bytes: [UInt8],
        header: IKEHeader,
        sender: Endpoint,
        port: UInt16,
        now: Double,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        if header.isResponse {
            guard isOriginalInitiator, state == .initSent, header.initiatorSPI == initSPI else {
                return [.log("unexpected IKE_SA_INIT response dropped")]
            }
            return handleInitResponse(bytes, header: header, sender: sender, port: port, now: now, rng: &rng)
        }
        guard !isOriginalInitiator else { return [.log("IKE_SA_INIT request to an initiator dropped")] }
        if state == .initResponded, header.initiatorSPI == current?.spiI, bytes == initRequest {
            return [
                .send(OutgoingDatagram(message: initResponse, localPort: port, remote: sender)),
                .log("retransmitted IKE_SA_INIT response"),
            ]
        }
        guard state == .idle else { return [.log("IKE_SA_INIT request in state \(state) dropped")] }
        return handleInitRequest(bytes, header: header, sender: sender, port: port, now: now, rng: &rng)
    }

    mutating func respondInitError(
        _ type: NotifyType,
        data: [UInt8] = [],
        header: IKEHeader,
        sender: Endpoint,
        port: UInt16
    ) -> [IKEAction] {
        let h = IKEHeader(
            initiatorSPI: header.initiatorSPI,
            responderSPI: 0,
            exchangeType: ExchangeType.ikeSAInit.rawValue,
            flags: 0x20,
            messageID: 0
        )
        let bytes = encodePlain(
            IKEMessage(header: h, payloads: [.notify(NotifyRepr(type, data: data))], isEncrypted: false)
        )
        return [
            .send(OutgoingDatagram(message: bytes, localPort: port, remote: sender)),
            .notifySent(type, exchange: .ikeSAInit),
        ]
    }

    mutating func handleInitRequest(
        _ bytes: [UInt8],
        header: IKEHeader,
        sender: Endpoint,
        port: UInt16,
        now: Double,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        let message: IKEMessage
        do { message = try IKEMessage.decode(bytes, protection: nil) } catch {
            return [.log("IKE_SA_INIT request rejected: \(error)")]
                + respondInitError(error.notifyType, header: header, sender: sender, port: port)
        }
        let p = message.payloads
        guard header.messageID == 0, header.responderSPI == 0, let offers = p.securityAssociation,
            let (keGroup, keData) = p.keyExchange, let nonce = p.nonce
        else {
            return [.log("IKE_SA_INIT request lacks SA, KE or Nonce")]
                + respondInitError(.invalidSyntax, header: header, sender: sender, port: port)
        }
        if configuration.requireCookie {
            if cookieSecret.isEmpty { cookieSecret = rng.bytes(32) }
            var input = nonce + be64(header.initiatorSPI)
            input.append(uint32: sender.address.rawValue)
            let expected = [0, 0, 0, 0] + sha1Digest(input + cookieSecret)  // RFC 7296 §2.6: VersionID | hash
            if p.notifies(.cookie).first?.data != expected {
                return respondInitError(.cookie, data: expected, header: header, sender: sender, port: port)
            }
        }
        // Select by our own order, as strongSwan does (prefer_configured_proposals).
        var chosen: (suite: IKESuite, number: UInt8)?
        search: for mine in configuration.ikeProposals {
            for offer in offers {
                guard let o = offer.ikeProposal, let suite = mine.firstMatch(in: o) else { continue }
                chosen = (suite, offer.number)
                break search
            }
        }
        guard var (suite, number) = chosen else {
            return [.log("no acceptable proposal in \(offers.compactMap(\.ikeProposal))")]
                + respondInitError(.noProposalChosen, header: header, sender: sender, port: port)
        }
        if suite.group.rawValue != keGroup {
            // Use the KE's group if both sides allow it with the chosen algorithms; otherwise ask for ours.
            if let g = KeyExchangeGroup(rawValue: keGroup),
                configuration.ikeProposals.contains(where: {
                    $0.groups.contains(g) && $0.encryption.contains(suite.encryption) && $0.prfs.contains(suite.prf)
                }),
                offers.contains(where: { $0.number == number && ($0.ikeProposal?.groups.contains(g) ?? false) })
            {
                suite.group = g
            } else {
                return respondInitError(
                    .invalidKEPayload,
                    data: be16(suite.group.rawValue),
                    header: header,
                    sender: sender,
                    port: port
                )
            }
        }
        let ke = KeyExchangePrivateKey(group: suite.group, using: &rng)
        let shared: [UInt8]
        do { shared = try ke.sharedSecret(with: keData) } catch {
            return [.log("IKE_SA_INIT: \(error)")]
                + respondInitError(.invalidSyntax, header: header, sender: sender, port: port)
        }
        let spiR = rng.nonZeroUInt64()
        let myNonce = rng.bytes(32)
        remote = sender
        localPort = port
        var actions = detectNAT(p, spiI: header.initiatorSPI, spiR: 0, sender: sender, port: port)
        let skeyseed = KeyDerivation.skeyseed(prf: suite.prf, sharedSecret: shared, nonceI: nonce, nonceR: myNonce)
        let keys = KeyDerivation.ikeSAKeys(
            suite: suite,
            skeyseed: skeyseed,
            nonceI: nonce,
            nonceR: myNonce,
            spiI: header.initiatorSPI,
            spiR: spiR
        )
        current = _IKESAContext(
            spiI: header.initiatorSPI,
            spiR: spiR,
            weAreInitiator: false,
            suite: suite,
            keys: keys,
            nextRequestID: 0,
            expectedRequestID: 1
        )
        initNonce = myNonce
        peerNonce = nonce
        initRequest = bytes
        var payloads: [Payload] = [.securityAssociation([ProposalRepr(number: number, ike: suite.proposal)])]
        payloads += [.keyExchange(group: suite.group.rawValue, data: ke.publicValue), .nonce(myNonce)]
        payloads += natDetectionPayloads(spiI: header.initiatorSPI, spiR: spiR)
        let h = IKEHeader(
            initiatorSPI: header.initiatorSPI,
            responderSPI: spiR,
            exchangeType: ExchangeType.ikeSAInit.rawValue,
            flags: 0x20,
            messageID: 0
        )
        initResponse = encodePlain(IKEMessage(header: h, payloads: payloads, isEncrypted: false))
        lastHeardFrom = now
        actions.append(.send(OutgoingDatagram(message: initResponse, localPort: port, remote: sender)))
        actions.append(.log("IKE_SA_INIT: selected \(suite)"))
        return actions + transition(to: .initResponded, reason: "IKE_SA_INIT answered, \(suite)")
    }

    mutating func handleInitResponse(
        _ bytes: [UInt8],
        header: IKEHeader,
        sender: Endpoint,
        port: UInt16,
        now: Double,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        let message: IKEMessage
        do { message = try IKEMessage.decode(bytes, protection: nil) } catch {
            return [.log("IKE_SA_INIT response dropped: \(error)")]
        }
        let p = message.payloads
        var actions: [IKEAction] = p.notifyList.filter { $0.type.isError || $0.type == .cookie }.map {
            .notifyReceived($0.type, exchange: .ikeSAInit)
        }
        if let c = p.notifies(.cookie).first {
            guard cookie == nil || cookie! != c.data else { return actions + [.log("repeated COOKIE ignored")] }
            cookie = c.data
            return actions + [.log("responder asked for a cookie; retrying IKE_SA_INIT")]
                + sendInitRequest(now: now, rng: &rng)
        }
        if let invalidKE = p.notifies(.invalidKEPayload).first {
            guard invalidKE.data.count == 2,
                let g = KeyExchangeGroup(rawValue: UInt16(invalidKE.data[0]) << 8 | UInt16(invalidKE.data[1])),
                configuration.ikeProposals.contains(where: { $0.groups.contains(g) }), g != initGroup
            else { return actions + close(reason: "INVALID_KE_PAYLOAD asks for a group we do not allow") }
            initGroup = g
            return actions + [.log("responder wants \(g); retrying IKE_SA_INIT")] + sendInitRequest(now: now, rng: &rng)
        }
        if let error = p.notifyList.first(where: { $0.type.isError }) {
            return actions + close(reason: "IKE_SA_INIT failed: peer sent \(error.type)")
        }
        guard let sa = p.securityAssociation, sa.count == 1, let chosen = sa[0].ikeProposal,
            let (keGroup, keData) = p.keyExchange,
            let nonce = p.nonce, header.responderSPI != 0
        else { return actions + close(reason: "IKE_SA_INIT response lacks SA, KE or Nonce") }
        guard chosen.encryption.count == 1, chosen.prfs.count == 1, chosen.groups.count == 1,
            chosen.integrity.count <= 1,
            let suite = configuration.ikeProposals.lazy.compactMap({ $0.firstMatch(in: chosen) }).first,
            suite.group.rawValue == keGroup, let ke = initKE, ke.group == suite.group
        else { return actions + close(reason: "responder chose a proposal we did not offer") }
        let shared: [UInt8]
        do { shared = try ke.sharedSecret(with: keData) } catch {
            return actions + close(reason: "IKE_SA_INIT: \(error)")
        }
        outstanding = nil
        peerNonce = nonce
        initResponse = bytes
        let skeyseed = KeyDerivation.skeyseed(prf: suite.prf, sharedSecret: shared, nonceI: initNonce, nonceR: nonce)
        let keys = KeyDerivation.ikeSAKeys(
            suite: suite,
            skeyseed: skeyseed,
            nonceI: initNonce,
            nonceR: nonce,
            spiI: initSPI,
            spiR: header.responderSPI
        )
        current = _IKESAContext(
            spiI: initSPI,
            spiR: header.responderSPI,
            weAreInitiator: true,
            suite: suite,
            keys: keys,
            nextRequestID: 1,
            expectedRequestID: 0
        )
        actions += detectNAT(p, spiI: initSPI, spiR: header.responderSPI, sender: sender, port: port)
        if natDetected || configuration.forceUDPEncapsulation {
            localPort = 4500
            remote = Endpoint(remote.address, port: 4500)
            actions.append(.log("switching to port 4500"))
        }
        lastHeardFrom = now
        // IKE_AUTH: IDi, IDr, AUTH, SA, TSi, TSr (RFC 7296 §1.2).
        let idBody = configuration.localID.body
        let auth = KeyDerivation.sharedKeyAuthentication(
            prf: suite.prf,
            sharedKey: configuration.preSharedKey,
            message: initRequest,
            peerNonce: nonce,
            skP: keys.pi,
            identification: idBody
        )
        childSPIRequested = rng.nonZeroUInt32()
        let payloads: [Payload] = [
            .identificationInitiator(configuration.localID), .notify(NotifyRepr(.initialContact)),
            .identificationResponder(configuration.remoteID), .authentication(method: 2, data: auth),
            .securityAssociation(childProposalReprs(spi: childSPIRequested, includeGroups: false)),
            .trafficSelectorInitiator(configuration.localTrafficSelectors),
            .trafficSelectorResponder(configuration.remoteTrafficSelectors),
        ]
        actions += sendRequest(
            .ikeAuth,
            payloads: payloads,
            pending: .ikeAuth(childSPI: childSPIRequested),
            now: now,
            rng: &rng
        )
        actions += transition(to: .authSent, reason: "IKE_AUTH sent, \(suite)")
        return actions
    }

    // MARK: - Protected exchanges

    mutating func handleProtected(
        _ bytes: [UInt8],
        header: IKEHeader,
        sender: Endpoint,
        port: UInt16,
        now: Double,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        let onRetiring: Bool
        let ctx: _IKESAContext
        if let c = current, c.spiI == header.initiatorSPI, c.spiR == header.responderSPI {
            ctx = c
            onRetiring = false
        } else if let c = retiring, c.spiI == header.initiatorSPI, c.spiR == header.responderSPI {
            ctx = c
            onRetiring = true
        } else if let c = redundantIKE, c.spiI == header.initiatorSPI, c.spiR == header.responderSPI {
            return handleRedundant(bytes, header: header, context: c, rng: &rng)
        } else if let c = ikeCollision?.created, c.spiI == header.initiatorSPI, c.spiR == header.responderSPI {
            return handleRedundant(bytes, header: header, context: c, rng: &rng)
        } else {
            return [.log("message for unknown IKE SPIs dropped")]
        }
        guard header.isInitiator != ctx.weAreInitiator else {
            return [.log("message with our own initiator flag dropped")]
        }
        // Retransmitted request: resend the cached response without processing (RFC 7296 §2.1).
        if !header.isResponse, let last = ctx.lastResponse, last.id == header.messageID {
            return [
                .send(OutgoingDatagram(message: last.bytes, localPort: localPort, remote: remote)),
                .log("answered retransmitted request \(header.messageID)"),
            ]
        }
        if !header.isResponse && header.messageID != ctx.expectedRequestID {
            return [.log("request with message ID \(header.messageID), expected \(ctx.expectedRequestID): dropped")]
        }
        if header.isResponse
            && (outstanding == nil || outstanding!.messageID != header.messageID
                || outstanding!.onRetiring != onRetiring)
        {
            return [.log("unexpected response \(header.messageID) dropped")]
        }
        let message: IKEMessage
        do { message = try IKEMessage.decode(bytes, protection: ctx.receiveProtection) } catch {
            if case .integrityCheckFailed = error {
                return [.log("message \(header.messageID) failed its integrity check: dropped")]
            }
            if !header.isResponse {
                return [.log("request \(header.messageID) rejected: \(error)")]
                    + respond(
                        ExchangeType(rawValue: header.exchangeType) ?? .informational,
                        messageID: header.messageID,
                        payloads: [.notify(NotifyRepr(error.notifyType))],
                        retiring: onRetiring,
                        rng: &rng
                    )
                    + [
                        .notifySent(
                            error.notifyType,
                            exchange: ExchangeType(rawValue: header.exchangeType) ?? .informational
                        )
                    ]
            }
            return [.log("response \(header.messageID) dropped: \(error)")]
        }
        guard message.isEncrypted, let exchange = ExchangeType(rawValue: header.exchangeType) else {
            return [.log("unprotected \(header.exchangeType) message dropped")]
        }
        lastHeardFrom = now
        if port == 4500 && sender != remote {
            remote = sender  // NAT mapping (RFC 7296 §2.23: follow the peer's address and port)
            localPort = 4500
        }
        var actions: [IKEAction] = message.payloads.notifyList.filter { $0.type.isError }.map {
            .notifyReceived($0.type, exchange: exchange)
        }
        if header.isResponse {
            let pending = outstanding!.pending
            outstanding = nil
            actions += handleResponse(message, exchange: exchange, pending: pending, now: now, rng: &rng)
        } else {
            actions += handleRequest(message, exchange: exchange, onRetiring: onRetiring, now: now, rng: &rng)
        }
        return actions
    }

    mutating func handleRequest(
        _ message: IKEMessage,
        exchange: ExchangeType,
        onRetiring: Bool,
        now: Double,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        let id = message.header.messageID
        let p = message.payloads
        switch exchange {
        case .ikeAuth:
            guard state == .initResponded, !onRetiring else {
                return [.log("IKE_AUTH request in state \(state) dropped")]
            }
            return handleAuthRequest(p, messageID: id, now: now, rng: &rng)
        case .informational:
            var reply: [Payload] = []
            var actions: [IKEAction] = []
            var closeAfter = false
            for d in p.deletes {
                if d.protocolID == SecurityProtocol.ike.rawValue {
                    if onRetiring {
                        actions.append(.log("old IKE SA deleted by peer after rekey"))
                    } else {
                        closeAfter = true
                    }
                } else if d.protocolID == SecurityProtocol.esp.rawValue {
                    var mine: [[UInt8]] = []
                    for spiBytes in d.spis where spiBytes.count == 4 {
                        let spi = spiBytes.reduce(0) { $0 << 8 | UInt32($1) }
                        if let i = children.firstIndex(where: { $0.keys.outboundSPI == spi }) {
                            let c = children.remove(at: i)
                            mine.append(be32(c.keys.inboundSPI))
                            actions.append(
                                .removeChildSA(inboundSPI: c.keys.inboundSPI, outboundSPI: c.keys.outboundSPI)
                            )
                        }
                    }
                    if !mine.isEmpty {
                        reply.append(
                            .delete(DeleteRepr(protocolID: SecurityProtocol.esp.rawValue, spiSize: 4, spis: mine))
                        )
                    }
                }
            }
            actions += respond(.informational, messageID: id, payloads: reply, retiring: onRetiring, rng: &rng)
            if onRetiring && p.deletes.contains(where: { $0.protocolID == SecurityProtocol.ike.rawValue }) {
                retiring = nil
            }
            if closeAfter, let collision = ikeCollision {
                // The peer finished its rekey of a collision first and deletes the old IKE SA: its new one takes
                // over, and our own rekey request on the old SA is void.
                ikeCollision = nil
                current = collision.created
                retiring = nil
                outstanding = nil
                establishedAt = now
                return actions + [.log("IKE SA rekey collision: the peer deleted the old IKE SA; its new one stands")]
            }
            if closeAfter { actions += close(reason: "peer deleted the IKE SA") }
            return actions
        case .createChildSA:
            guard state == .established, !onRetiring else {
                return respond(
                    exchange,
                    messageID: id,
                    payloads: [.notify(NotifyRepr(.temporaryFailure))],
                    retiring: onRetiring,
                    rng: &rng
                )
            }
            if let sa = p.securityAssociation, sa.contains(where: { $0.protocolID == SecurityProtocol.ike.rawValue }) {
                return handleIKERekeyRequest(p, messageID: id, now: now, rng: &rng)
            }
            return handleChildRequest(p, messageID: id, now: now, rng: &rng)
        case .ikeSAInit:
            return []
        }
    }

    mutating func handleResponse(
        _ message: IKEMessage,
        exchange: ExchangeType,
        pending: _Pending,
        now: Double,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        let p = message.payloads
        switch pending {
        case .ikeSAInit:
            return []
        case .ikeAuth(let childSPI):
            return handleAuthResponse(p, childSPI: childSPI, now: now)
        case .liveness:
            return [.log("peer is alive")]
        case .deleteChild:
            return []
        case .deleteIKE(let closing):
            if closing { return close(reason: "IKE SA deleted") }
            retiring = nil
            return [.log("old IKE SA deleted")]
        case .rekeyChild(let oldSPI, let newSPI, let nonce, let ke):
            if let ike = p.notifies(.invalidKEPayload).first, ike.data.count == 2,
                let g = KeyExchangeGroup(rawValue: UInt16(ike.data[0]) << 8 | UInt16(ike.data[1])),
                configuration.childProposals.contains(where: { $0.groups.contains(g) }), g != ke?.group
            {
                return [.log("peer wants \(g) for PFS; retrying")]
                    + retryChildRekey(oldSPI: oldSPI, group: g, now: now, rng: &rng)
            }
            let collision = childCollisions.removeValue(forKey: oldSPI)
            if let e = p.notifyList.first(where: { $0.type.isError }) {
                // In a collision the peer may have finished its own rekey first and refuse ours; its SA stays.
                return [.log("Child SA rekey failed: \(e.type)\(collision == nil ? "" : " (the peer's rekey of it stands)")")]
            }
            guard let sa = p.securityAssociation, sa.count == 1, let offer = sa[0].childProposal,
                let outSPI = sa[0].espSPI,
                let peerNonce = p.nonce,
                let suite = configuration.childProposals.lazy.compactMap({
                    $0.firstMatch(in: offer, requireGroup: true)
                }).first
            else { return [.log("Child SA rekey response unusable")] }
            var shared: [UInt8]? = nil
            if let ke {
                guard let (g, data) = p.keyExchange, g == ke.group.rawValue, let s = try? ke.sharedSecret(with: data)
                else {
                    return [.log("Child SA rekey response lacks a usable KE")]
                }
                shared = s
            }
            guard let (tsi, tsr) = acceptNarrowed(p) else {
                return [.log("Child SA rekey: traffic selectors outside ours")]
            }
            let keys = makeChildKeys(
                suite: suite,
                inboundSPI: newSPI,
                outboundSPI: outSPI,
                shared: shared,
                nonceI: nonce,
                nonceR: peerNonce,
                weInitiated: true,
                localTS: tsi,
                remoteTS: tsr
            )
            if let collision, lowerNonce(nonce, peerNonce).lexicographicallyPrecedes(collision.lowestNonce) {
                // RFC 7296 §2.8.1: the SA made with the lowest of the four nonces is redundant and is deleted by
                // the end that created it, here us. The peer's new SA stays; the peer deletes the old one.
                return [
                    .log(
                        "Child SA rekey collision on \(hex32(oldSPI)) lost (lowest nonce ours): deleting our redundant "
                            + "\(hex32(newSPI)), keeping the peer's \(hex32(collision.created))")
                ]
                    + sendRequest(
                        .informational,
                        payloads: [
                            .delete(DeleteRepr(protocolID: SecurityProtocol.esp.rawValue, spiSize: 4, spis: [be32(newSPI)]))
                        ],
                        pending: .deleteChild(inboundSPI: newSPI),
                        now: now,
                        rng: &rng
                    )
            }
            children.append(_ChildSA(keys: keys, suite: suite, createdAt: now))
            var actions: [IKEAction] = [.installChildSA(keys), .log("Child SA rekeyed: \(keys)")]
            if let collision {
                actions.append(
                    .log(
                        "Child SA rekey collision on \(hex32(oldSPI)) won: keeping \(hex32(newSPI)); the peer deletes "
                            + "its redundant \(hex32(collision.created))"))
            }
            // Delete the old Child SA (RFC 7296 §2.8).
            actions += sendRequest(
                .informational,
                payloads: [
                    .delete(DeleteRepr(protocolID: SecurityProtocol.esp.rawValue, spiSize: 4, spis: [be32(oldSPI)]))
                ],
                pending: .deleteChild(inboundSPI: oldSPI),
                now: now,
                rng: &rng
            )
            if let i = children.firstIndex(where: { $0.keys.inboundSPI == oldSPI }) {
                let old = children.remove(at: i)
                actions.append(.removeChildSA(inboundSPI: old.keys.inboundSPI, outboundSPI: old.keys.outboundSPI))
            }
            return actions
        case .rekeyIKE(let newSPI, let nonce, let ke):
            if let ike = p.notifies(.invalidKEPayload).first, ike.data.count == 2,
                let g = KeyExchangeGroup(rawValue: UInt16(ike.data[0]) << 8 | UInt16(ike.data[1])), g != ke.group,
                configuration.ikeProposals.contains(where: { $0.groups.contains(g) })
            {
                return [.log("peer wants \(g) for the IKE rekey; retrying")]
                    + retryIKERekey(group: g, now: now, rng: &rng)
            }
            if let e = p.notifyList.first(where: { $0.type.isError }) {
                if let collision = ikeCollision {
                    // The peer finished its rekey first and refused ours: its new IKE SA is the one.
                    ikeCollision = nil
                    retiring = current
                    current = collision.created
                    establishedAt = now
                    return [.log("IKE SA rekey collision: the peer refused ours (\(e.type)); its new IKE SA stands")]
                }
                return [.log("IKE SA rekey failed: \(e.type)")]
            }
            guard let old = current, let sa = p.securityAssociation, sa.count == 1, sa[0].spi.count == 8,
                let offer = sa[0].ikeProposal,
                let suite = configuration.ikeProposals.lazy.compactMap({ $0.firstMatch(in: offer) }).first,
                let peerNonce = p.nonce, let (g, data) = p.keyExchange, g == ke.group.rawValue, suite.group == ke.group,
                let shared = try? ke.sharedSecret(with: data)
            else { return [.log("IKE SA rekey response unusable")] }
            let peerSPI = sa[0].spi.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let made = old.rekeyed(
                suite: suite,
                sharedSecret: shared,
                nonceI: nonce,
                nonceR: peerNonce,
                spiI: newSPI,
                spiR: peerSPI,
                weAreInitiator: true
            )
            if let collision = ikeCollision {
                ikeCollision = nil
                if lowerNonce(nonce, peerNonce).lexicographicallyPrecedes(collision.lowestNonce) {
                    // RFC 7296 §2.8.1: ours holds the lowest nonce, so it is redundant and we delete it; the
                    // peer's new IKE SA inherits the Child SAs, and the peer deletes the old one.
                    retiring = old
                    current = collision.created
                    establishedAt = now
                    return [.log("IKE SA rekey collision lost (lowest nonce ours): deleting our redundant IKE SA")]
                        + deleteRedundantIKESA(made, rng: &rng)
                }
                // We won: the peer deletes the IKE SA it made; we keep it only to answer that Delete.
                redundantIKE = collision.created
            }
            retiring = old
            current = made
            establishedAt = now
            // Delete the old IKE SA on the old SA (RFC 7296 §1.3.2).
            var actions: [IKEAction] = [.log("IKE SA rekeyed: \(suite), SPIs \(hex64(newSPI))_i \(hex64(peerSPI))_r")]
            actions += sendRequest(
                .informational,
                payloads: [.delete(DeleteRepr(protocolID: SecurityProtocol.ike.rawValue, spiSize: 0, spis: []))],
                pending: .deleteIKE(closing: false),
                onRetiring: true,
                now: now,
                rng: &rng
            )
            return actions
        }
    }

    mutating func retryChildRekey(
        oldSPI: UInt32,
        group: KeyExchangeGroup,
        now: Double,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        let newSPI = rng.nonZeroUInt32()
        let nonce = rng.bytes(32)
        let ke = KeyExchangePrivateKey(group: group, using: &rng)
        var payloads: [Payload] = [
            .notify(NotifyRepr(.rekeySA, protocolID: SecurityProtocol.esp.rawValue, spi: be32(oldSPI)))
        ]
        payloads += [
            .securityAssociation(childProposalReprs(spi: newSPI, includeGroups: true)), .nonce(nonce),
            .keyExchange(group: group.rawValue, data: ke.publicValue),
        ]
        payloads += [
            .trafficSelectorInitiator(configuration.localTrafficSelectors),
            .trafficSelectorResponder(configuration.remoteTrafficSelectors),
        ]
        return sendRequest(
            .createChildSA,
            payloads: payloads,
            pending: .rekeyChild(oldInboundSPI: oldSPI, newSPI: newSPI, nonce: nonce, ke: ke),
            now: now,
            rng: &rng
        )
    }

    mutating func retryIKERekey(
        group: KeyExchangeGroup,
        now: Double,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        let newSPI = rng.nonZeroUInt64()
        let nonce = rng.bytes(32)
        let ke = KeyExchangePrivateKey(group: group, using: &rng)
        let proposals = configuration.ikeProposals.enumerated().map {
            ProposalRepr(number: UInt8($0.offset + 1), ike: $0.element, spi: be64(newSPI))
        }
        return sendRequest(
            .createChildSA,
            payloads: [
                .securityAssociation(proposals), .nonce(nonce),
                .keyExchange(group: group.rawValue, data: ke.publicValue),
            ],
            pending: .rekeyIKE(newSPI: newSPI, nonce: nonce, ke: ke),
            now: now,
            rng: &rng
        )
    }

    // MARK: - IKE_AUTH

    mutating func handleAuthRequest(
        _ p: [Payload],
        messageID: UInt32,
        now: Double,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        guard let ctx = current else { return [] }
        guard let idi = p.identificationInitiator, let (method, authData) = p.authentication else {
            return respondWithError(NotifyRepr(.invalidSyntax), in: .ikeAuth, messageID: messageID, rng: &rng)
                + close(reason: "IKE_AUTH request lacks IDi or AUTH")
        }
        let expected = KeyDerivation.sharedKeyAuthentication(
            prf: ctx.suite.prf,
            sharedKey: configuration.preSharedKey,
            message: initRequest,
            peerNonce: initNonce,
            skP: ctx.keys.pi,
            identification: idi.body
        )
        guard idi == configuration.remoteID, method == 2, constantTimeEquals(authData, expected) else {
            let why =
                idi != configuration.remoteID
                ? "peer identity '\(idi)' is not the configured '\(configuration.remoteID)'"
                : "pre-shared key MAC mismatched"
            return respondWithError(NotifyRepr(.authenticationFailed), in: .ikeAuth, messageID: messageID, rng: &rng)
                + close(reason: "authentication of '\(idi)' failed: \(why)")
        }
        let myAuth = KeyDerivation.sharedKeyAuthentication(
            prf: ctx.suite.prf,
            sharedKey: configuration.preSharedKey,
            message: initResponse,
            peerNonce: peerNonce,
            skP: ctx.keys.pr,
            identification: configuration.localID.body
        )
        var reply: [Payload] = [
            .identificationResponder(configuration.localID), .authentication(method: 2, data: myAuth),
        ]
        var actions: [IKEAction] = []
        establishedAt = now
        switch selectChild(p, requireGroup: false) {
        case .failure(let notify, let why):
            reply.append(.notify(NotifyRepr(notify)))
            actions += [.notifySent(notify, exchange: .ikeAuth), .log("IKE SA established without Child SA: \(why)")]
        case .success(let suite, let outSPI, let tsi, let tsr, let number):
            let inSPI = rng.nonZeroUInt32()
            let keys = makeChildKeys(
                suite: suite,
                inboundSPI: inSPI,
                outboundSPI: outSPI,
                shared: nil,
                nonceI: peerNonce,
                nonceR: initNonce,
                weInitiated: false,
                localTS: tsr,
                remoteTS: tsi
            )
            children.append(_ChildSA(keys: keys, suite: suite, createdAt: now))
            var sa = ProposalRepr(number: number, child: suite.proposal, spi: inSPI, includeGroups: false)
            sa.number = number
            reply += [.securityAssociation([sa]), .trafficSelectorInitiator(tsi), .trafficSelectorResponder(tsr)]
            actions += [.installChildSA(keys), .log("Child SA established: \(keys)")]
        }
        return respond(.ikeAuth, messageID: messageID, payloads: reply, retiring: false, rng: &rng) + actions
            + transition(to: .established, reason: "IKE SA established with '\(idi)', \(ctx.suite)")
    }

    mutating func handleAuthResponse(_ p: [Payload], childSPI: UInt32, now: Double) -> [IKEAction] {
        guard let ctx = current else { return [] }
        if p.notifies(.authenticationFailed).first != nil { return close(reason: "peer sent AUTHENTICATION_FAILED") }
        guard let idr = p.identificationResponder, let (method, authData) = p.authentication else {
            return close(reason: "IKE_AUTH response lacks IDr or AUTH (\(p.notifyList.map(\.type)))")
        }
        let expected = KeyDerivation.sharedKeyAuthentication(
            prf: ctx.suite.prf,
            sharedKey: configuration.preSharedKey,
            message: initResponse,
            peerNonce: initNonce,
            skP: ctx.keys.pr,
            identification: idr.body
        )
        guard idr == configuration.remoteID, method == 2, constantTimeEquals(authData, expected) else {
            return [.notifySent(.authenticationFailed, exchange: .ikeAuth)]
                + close(reason: "authentication of responder '\(idr)' failed")
        }
        establishedAt = now
        var actions = transition(to: .established, reason: "IKE SA established with '\(idr)', \(ctx.suite)")
        if let e = p.notifyList.first(where: { $0.type.isError }) {
            return actions + [.log("failed to establish CHILD_SA, keeping IKE_SA: peer sent \(e.type)")]
        }
        guard let sa = p.securityAssociation, sa.count == 1, let offer = sa[0].childProposal, let outSPI = sa[0].espSPI,
            let suite = configuration.childProposals.lazy.compactMap({ $0.firstMatch(in: offer, requireGroup: false) })
                .first
        else { return actions + [.log("IKE_AUTH response has no usable Child SA proposal")] }
        guard let (tsi, tsr) = acceptNarrowed(p) else {
            return actions + [.log("IKE_AUTH response: traffic selectors outside ours")]
        }
        let keys = makeChildKeys(
            suite: suite,
            inboundSPI: childSPI,
            outboundSPI: outSPI,
            shared: nil,
            nonceI: initNonce,
            nonceR: peerNonce,
            weInitiated: true,
            localTS: tsi,
            remoteTS: tsr
        )
        children.append(_ChildSA(keys: keys, suite: suite, createdAt: now))
        actions += [.installChildSA(keys), .log("Child SA established: \(keys)")]
        return actions
    }

    // MARK: - CREATE_CHILD_SA (responder)

    mutating func handleChildRequest(
        _ p: [Payload],
        messageID: UInt32,
        now: Double,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        var oldChild: _ChildSA?
        if let rekey = p.notifies(.rekeySA).first {
            let spi = rekey.spi.count == 4 ? rekey.spi.reduce(0) { $0 << 8 | UInt32($1) } : 0
            guard let c = children.first(where: { $0.keys.outboundSPI == spi }) else {
                return respondWithError(
                    NotifyRepr(.childSANotFound, protocolID: 3, spi: rekey.spi),
                    in: .createChildSA,
                    messageID: messageID,
                    rng: &rng
                )
            }
            oldChild = c
        }
        guard let peerNonce = p.nonce else {
            return respondWithError(NotifyRepr(.invalidSyntax), in: .createChildSA, messageID: messageID, rng: &rng)
        }
        switch selectChild(p, requireGroup: true) {
        case .failure(let notify, let why):
            var data: [UInt8] = []
            if notify == .invalidKEPayload, let g = configuration.childProposals.first?.groups.first {
                data = be16(g.rawValue)
            }
            return respondWithError(NotifyRepr(notify, data: data), in: .createChildSA, messageID: messageID, rng: &rng)
                + [.log("CREATE_CHILD_SA refused: \(why)")]
        case .success(let suite, let outSPI, let tsi, let tsr, let number):
            var shared: [UInt8]? = nil
            var kePayload: [Payload] = []
            if let g = suite.group {
                guard let (kg, data) = p.keyExchange, kg == g.rawValue else {
                    return respondWithError(
                        NotifyRepr(.invalidKEPayload, data: be16(g.rawValue)),
                        in: .createChildSA,
                        messageID: messageID,
                        rng: &rng
                    )
                }
                let ke = KeyExchangePrivateKey(group: g, using: &rng)
                guard let s = try? ke.sharedSecret(with: data) else {
                    return respond(
                        .createChildSA,
                        messageID: messageID,
                        payloads: [.notify(NotifyRepr(.invalidSyntax))],
                        retiring: false,
                        rng: &rng
                    )
                }
                shared = s
                kePayload = [.keyExchange(group: g.rawValue, data: ke.publicValue)]
            }
            let inSPI = rng.nonZeroUInt32()
            let nonce = rng.bytes(32)
            let keys = makeChildKeys(
                suite: suite,
                inboundSPI: inSPI,
                outboundSPI: outSPI,
                shared: shared,
                nonceI: peerNonce,
                nonceR: nonce,
                weInitiated: false,
                localTS: tsr,
                remoteTS: tsi
            )
            children.append(_ChildSA(keys: keys, suite: suite, createdAt: now))
            var collision: [IKEAction] = []
            if let old = oldChild, let i = children.firstIndex(where: { $0.keys.inboundSPI == old.keys.inboundSPI }) {
                // The peer deletes the old SA once its rekey is done; we do not rekey it meanwhile.
                children[i].replaced = true
                if case .rekeyChild(let ours, _, _, _)? = outstanding?.pending, ours == old.keys.inboundSPI {
                    childCollisions[ours] = _RekeyCollision(created: inSPI, lowestNonce: lowerNonce(peerNonce, nonce))
                    collision = [.log("Child SA rekey collision on \(hex32(ours)): both ends rekey it (RFC 7296 §2.8.1)")]
                }
            }
            let reply: [Payload] =
                [
                    .securityAssociation([
                        ProposalRepr(number: number, child: suite.proposal, spi: inSPI, includeGroups: true)
                    ]), .nonce(nonce),
                ]
                + kePayload + [.trafficSelectorInitiator(tsi), .trafficSelectorResponder(tsr)]
            let what = oldChild.map { "rekeyed Child SA \(hex32($0.keys.inboundSPI))" } ?? "new Child SA"
            return respond(.createChildSA, messageID: messageID, payloads: reply, retiring: false, rng: &rng)
                + [.installChildSA(keys), .log("\(what): \(keys)")] + collision
        }
    }

    mutating func handleIKERekeyRequest(
        _ p: [Payload],
        messageID: UInt32,
        now: Double,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        guard let old = current, let offers = p.securityAssociation, let peerNonce = p.nonce,
            let (keGroup, keData) = p.keyExchange
        else {
            return respondWithError(NotifyRepr(.invalidSyntax), in: .createChildSA, messageID: messageID, rng: &rng)
        }
        var chosen: (IKESuite, ProposalRepr)?
        search: for mine in configuration.ikeProposals {
            for offer in offers where offer.spi.count == 8 {
                if let o = offer.ikeProposal, let s = mine.firstMatch(in: o) {
                    chosen = (s, offer)
                    break search
                }
            }
        }
        guard let (suite, offer) = chosen else {
            return respondWithError(NotifyRepr(.noProposalChosen), in: .createChildSA, messageID: messageID, rng: &rng)
        }
        guard suite.group.rawValue == keGroup else {
            return respondWithError(
                NotifyRepr(.invalidKEPayload, data: be16(suite.group.rawValue)),
                in: .createChildSA,
                messageID: messageID,
                rng: &rng
            )
        }
        let ke = KeyExchangePrivateKey(group: suite.group, using: &rng)
        guard let shared = try? ke.sharedSecret(with: keData) else {
            return respond(
                .createChildSA,
                messageID: messageID,
                payloads: [.notify(NotifyRepr(.invalidSyntax))],
                retiring: false,
                rng: &rng
            )
        }
        let peerSPI = offer.spi.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let mySPI = rng.nonZeroUInt64()
        let nonce = rng.bytes(32)
        let reply: [Payload] = [
            .securityAssociation([ProposalRepr(number: offer.number, ike: suite.proposal, spi: be64(mySPI))]),
            .nonce(nonce),
            .keyExchange(group: suite.group.rawValue, data: ke.publicValue),
        ]
        let actions = respond(.createChildSA, messageID: messageID, payloads: reply, retiring: false, rng: &rng)
        let made = old.rekeyed(
            suite: suite,
            sharedSecret: shared,
            nonceI: peerNonce,
            nonceR: nonce,
            spiI: peerSPI,
            spiR: mySPI,
            weAreInitiator: false
        )
        if case .rekeyIKE? = outstanding?.pending {
            // Both ends rekey the IKE SA at once (RFC 7296 §2.8.1): the old SA stays in use until our own exchange
            // ends and the nonces decide which new SA survives.
            ikeCollision = _RekeyCollision(created: made, lowestNonce: lowerNonce(peerNonce, nonce))
            return actions + [
                .log("IKE SA rekey collision: the peer rekeys too (SPIs \(hex64(peerSPI))_i \(hex64(mySPI))_r)")
            ]
        }
        // The old SA stays until the peer deletes it; responses to its retransmissions come from `retiring`.
        retiring = current
        current = made
        establishedAt = now
        return actions + [.log("IKE SA rekeyed by peer: \(suite), SPIs \(hex64(peerSPI))_i \(hex64(mySPI))_r")]
    }

    // MARK: - Child SA helpers

    enum _ChildSelection {
        case success(ChildSuite, outSPI: UInt32, tsi: [TrafficSelector], tsr: [TrafficSelector], number: UInt8)
        case failure(NotifyType, String)
    }

    /// Chooses a Child SA proposal and narrows the traffic selectors (RFC 7296 §2.7, §2.9) as responder.
    func selectChild(_ p: [Payload], requireGroup: Bool) -> _ChildSelection {
        guard let offers = p.securityAssociation, let tsi = p.trafficSelectorsInitiator,
            let tsr = p.trafficSelectorsResponder
        else {
            return .failure(.invalidSyntax, "SA, TSi or TSr missing")
        }
        var chosen: (ChildSuite, ProposalRepr)?
        var groupMismatch = false
        search: for mine in configuration.childProposals {
            for offer in offers {
                guard let o = offer.childProposal, offer.espSPI != nil else { continue }
                if let s = mine.firstMatch(in: o, requireGroup: requireGroup) {
                    chosen = (s, offer)
                    break search
                }
                if requireGroup, mine.firstMatch(in: o, requireGroup: false) != nil { groupMismatch = true }
            }
        }
        guard let (suite, offer) = chosen else {
            if groupMismatch { return .failure(.noProposalChosen, "PFS groups differ") }
            return .failure(.noProposalChosen, "no common ESP proposal in \(offers.compactMap(\.childProposal))")
        }
        if requireGroup, let g = suite.group, let (kg, _) = p.keyExchange, kg != g.rawValue {
            return .failure(.invalidKEPayload, "KE group \(kg), want \(g)")
        }
        // Peer's TSi are its networks (our remote), its TSr ours.
        let narrowedI = narrow(tsi, to: configuration.remoteTrafficSelectors)
        let narrowedR = narrow(tsr, to: configuration.localTrafficSelectors)
        guard !narrowedI.isEmpty, !narrowedR.isEmpty else {
            return .failure(
                .tsUnacceptable,
                "TSi \(tsi) / TSr \(tsr) do not meet local \(configuration.localTrafficSelectors) / remote \(configuration.remoteTrafficSelectors)"
            )
        }
        return .success(suite, outSPI: offer.espSPI!, tsi: narrowedI, tsr: narrowedR, number: offer.number)
    }

    func narrow(_ offered: [TrafficSelector], to allowed: [TrafficSelector]) -> [TrafficSelector] {
        var out: [TrafficSelector] = []
        for o in offered {
            for a in allowed {
                if let x = o.intersection(a), !out.contains(x) { out.append(x) }
            }
        }
        return out
    }

    /// As initiator: the responder may narrow, but never widen, our selectors.
    func acceptNarrowed(_ p: [Payload]) -> (tsi: [TrafficSelector], tsr: [TrafficSelector])? {
        guard let tsi = p.trafficSelectorsInitiator, let tsr = p.trafficSelectorsResponder, !tsi.isEmpty, !tsr.isEmpty
        else { return nil }
        let ok =
            tsi.allSatisfy { t in configuration.localTrafficSelectors.contains { $0.contains(t) } }
            && tsr.allSatisfy { t in configuration.remoteTrafficSelectors.contains { $0.contains(t) } }
        return ok ? (tsi, tsr) : nil
    }

    func childProposalReprs(spi: UInt32, includeGroups: Bool) -> [ProposalRepr] {
        configuration.childProposals.enumerated().map {
            ProposalRepr(number: UInt8($0.offset + 1), child: $0.element, spi: spi, includeGroups: includeGroups)
        }
    }

    func makeChildKeys(
        suite: ChildSuite,
        inboundSPI: UInt32,
        outboundSPI: UInt32,
        shared: [UInt8]?,
        nonceI: [UInt8],
        nonceR: [UInt8],
        weInitiated: Bool,
        localTS: [TrafficSelector],
        remoteTS: [TrafficSelector]
    ) -> ChildSAKeys {
        let ctx = current!
        let (i2r, r2i) = KeyDerivation.childSAKeys(
            prf: ctx.suite.prf,
            skD: ctx.keys.d,
            suite: suite,
            sharedSecret: shared,
            nonceI: nonceI,
            nonceR: nonceR
        )
        return ChildSAKeys(
            inboundSPI: inboundSPI,
            outboundSPI: outboundSPI,
            encryption: suite.encryption,
            integrity: suite.integrity,
            extendedSequenceNumbers: suite.extendedSequenceNumbers,
            inbound: weInitiated ? r2i : i2r,
            outbound: weInitiated ? i2r : r2i,
            localTrafficSelectors: localTS,
            remoteTrafficSelectors: remoteTS,
            lifetime: configuration.childLifetime,
            udpEncapsulation: natDetected || configuration.forceUDPEncapsulation
        )
    }

    // MARK: - Sending

    func encodePlain(_ message: IKEMessage) -> [UInt8] {
        var never = _NoRandom()
        return (try? message.encode(protection: nil, using: &never)) ?? []
    }

    mutating func sendRequest(
        _ exchange: ExchangeType,
        payloads: [Payload],
        pending: _Pending,
        onRetiring: Bool = false,
        now: Double,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        guard var ctx = onRetiring ? retiring : current else { return [] }
        let header = IKEHeader(
            initiatorSPI: ctx.spiI,
            responderSPI: ctx.spiR,
            exchangeType: exchange.rawValue,
            flags: ctx.weAreInitiator ? 0x08 : 0,
            messageID: ctx.nextRequestID
        )
        guard
            let bytes = try? IKEMessage(header: header, payloads: payloads, isEncrypted: true).encode(
                protection: ctx.sendProtection,
                using: &rng
            )
        else {
            return [.log("could not encrypt \(exchange) request")]
        }
        outstanding = _Outstanding(
            messageID: ctx.nextRequestID,
            bytes: bytes,
            pending: pending,
            sentAt: now,
            retransmits: 0,
            deadline: now + configuration.retransmitTimeout,
            onRetiring: onRetiring
        )
        ctx.nextRequestID &+= 1
        if onRetiring { retiring = ctx } else { current = ctx }
        return [.send(OutgoingDatagram(message: bytes, localPort: localPort, remote: remote))]
    }

    /// Sends INFORMATIONAL Delete(IKE) on a redundant IKE SA from a rekey collision, once, without waiting for the
    /// answer (the SA is dropped either way); the answer is recognised and discarded by ``handleRedundant``.
    mutating func deleteRedundantIKESA(_ made: _IKESAContext, rng: inout some RandomNumberGenerator) -> [IKEAction] {
        var ctx = made
        let header = IKEHeader(
            initiatorSPI: ctx.spiI,
            responderSPI: ctx.spiR,
            exchangeType: ExchangeType.informational.rawValue,
            flags: ctx.weAreInitiator ? 0x08 : 0,
            messageID: ctx.nextRequestID
        )
        let payloads: [Payload] = [.delete(DeleteRepr(protocolID: SecurityProtocol.ike.rawValue, spiSize: 0, spis: []))]
        guard
            let bytes = try? IKEMessage(header: header, payloads: payloads, isEncrypted: true).encode(
                protection: ctx.sendProtection,
                using: &rng
            )
        else { return [.log("could not encrypt the Delete of the redundant IKE SA")] }
        ctx.nextRequestID &+= 1
        redundantIKE = ctx
        return [.send(OutgoingDatagram(message: bytes, localPort: localPort, remote: remote))]
    }

    /// A message on the redundant IKE SA of a rekey collision, or on the one the peer made while the collision is
    /// open: a Delete(IKE) request is answered and the SA forgotten (the peer lost); the answer to our own Delete
    /// ends it too. Anything else is dropped.
    mutating func handleRedundant(
        _ bytes: [UInt8],
        header: IKEHeader,
        context: _IKESAContext,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        guard let message = try? IKEMessage.decode(bytes, protection: context.receiveProtection), message.isEncrypted
        else { return [.log("message on a redundant IKE SA dropped: does not decrypt")] }
        let isDelete =
            header.exchangeType == ExchangeType.informational.rawValue
            && message.payloads.deletes.contains(where: { $0.protocolID == SecurityProtocol.ike.rawValue })
        if header.isResponse {
            redundantIKE = nil
            return [.log("redundant IKE SA \(hex64(context.spiI))_i deleted")]
        }
        guard isDelete else { return [.log("request \(header.messageID) on a redundant IKE SA dropped")] }
        let h = IKEHeader(
            initiatorSPI: context.spiI,
            responderSPI: context.spiR,
            exchangeType: ExchangeType.informational.rawValue,
            flags: (context.weAreInitiator ? 0x08 : 0) | 0x20,
            messageID: header.messageID
        )
        if ikeCollision?.created.spiI == context.spiI && ikeCollision?.created.spiR == context.spiR {
            ikeCollision = nil  // the peer lost the collision before our own exchange ended
        } else {
            redundantIKE = nil
        }
        guard
            let reply = try? IKEMessage(header: h, payloads: [], isEncrypted: true).encode(
                protection: context.sendProtection,
                using: &rng
            )
        else { return [.log("could not encrypt the answer on the redundant IKE SA")] }
        return [
            .send(OutgoingDatagram(message: reply, localPort: localPort, remote: remote)),
            .log("peer deleted the redundant IKE SA \(hex64(context.spiI))_i of a rekey collision"),
        ]
    }

    /// Answers a request with one error notification (RFC 7296 §2.21) and records that it was sent.
    mutating func respondWithError(
        _ notify: NotifyRepr,
        in exchange: ExchangeType,
        messageID: UInt32,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        respond(exchange, messageID: messageID, payloads: [.notify(notify)], retiring: false, rng: &rng)
            + [.notifySent(notify.type, exchange: exchange)]
    }

    mutating func respond(
        _ exchange: ExchangeType,
        messageID: UInt32,
        payloads: [Payload],
        retiring onRetiring: Bool,
        rng: inout some RandomNumberGenerator
    ) -> [IKEAction] {
        guard var ctx = onRetiring ? retiring : current else { return [] }
        let header = IKEHeader(
            initiatorSPI: ctx.spiI,
            responderSPI: ctx.spiR,
            exchangeType: exchange.rawValue,
            flags: (ctx.weAreInitiator ? 0x08 : 0) | 0x20,
            messageID: messageID
        )
        guard
            let bytes = try? IKEMessage(header: header, payloads: payloads, isEncrypted: true).encode(
                protection: ctx.sendProtection,
                using: &rng
            )
        else {
            return [.log("could not encrypt \(exchange) response")]
        }
        ctx.lastResponse = (messageID, bytes)
        ctx.expectedRequestID = messageID &+ 1
        if onRetiring { retiring = ctx } else { current = ctx }
        return [.send(OutgoingDatagram(message: bytes, localPort: localPort, remote: remote))]
    }

    mutating func transition(to new: IKESAState, reason: String) -> [IKEAction] {
        let old = state
        state = new
        return [.stateChanged(from: old, to: new, reason: reason)]
    }

    mutating func close(reason: String) -> [IKEAction] {
        guard state != .closed else { return [] }
        var actions: [IKEAction] = children.map {
            .removeChildSA(inboundSPI: $0.keys.inboundSPI, outboundSPI: $0.keys.outboundSPI)
        }
        children = []
        outstanding = nil
        actions += transition(to: .closed, reason: reason)
        return actions
    }

    /// The next time the machine needs ``timerFired(now:using:)``.
    public var nextDeadline: Double? {
        guard state != .closed else { return nil }
        var times: [Double] = []
        if let out = outstanding { times.append(out.deadline) }
        if state == .initResponded { times.append(lastHeardFrom + configuration.halfOpenTimeout) }
        if state == .established {
            times.append(establishedAt + Double(configuration.ikeLifetime.hardSeconds))
            times += children.map(childExpiresAt)
        }
        if state == .established && outstanding == nil {
            times.append(ikeRekeyAt)
            times += children.filter { !$0.replaced }.map(childRekeyAt)
            if let dpd = configuration.dpdInterval { times.append(lastHeardFrom + dpd) }
        }
        return times.min()
    }

    /// Rekey time of the IKE SA: the soft lifetime less up to `rekeyJitter` of it, spread by the SPI so that
    /// many tunnels configured alike do not rekey at once (strongSwan subtracts up to 10 % at random).
    var ikeRekeyAt: Double {
        let spread = Double((current?.spiI ?? 0) % 1024) / 1024
        return establishedAt + Double(configuration.ikeLifetime.softSeconds) * (1 - configuration.rekeyJitter * spread)
    }

    func childRekeyAt(_ c: _ChildSA) -> Double {
        let spread = Double(c.keys.inboundSPI % 1024) / 1024
        return c.createdAt + Double(configuration.childLifetime.softSeconds) * (1 - configuration.rekeyJitter * spread)
    }

    func childExpiresAt(_ c: _ChildSA) -> Double { c.createdAt + Double(configuration.childLifetime.hardSeconds) }

    func timer() -> [IKEAction] { nextDeadline.map { [.scheduleTimer(at: $0)] } ?? [] }
}

// MARK: - Small helpers

struct _NoRandom: RandomNumberGenerator {
    mutating func next() -> UInt64 { 0 }
}

extension RandomNumberGenerator {
    mutating func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) } }
    mutating func nonZeroUInt64() -> UInt64 {
        var v: UInt64 = 0
        while v == 0 { v = next() }
        return v
    }
    mutating func nonZeroUInt32() -> UInt32 {
        var v: UInt32 = 0
        while v < 256 { v = UInt32(truncatingIfNeeded: next()) }  // SPIs 1...255 are reserved (RFC 4303 §2.1)
        return v
    }
}

func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(truncatingIfNeeded: v)] }
func be32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * UInt32($0))) } }
func be64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * UInt64($0))) } }
func hex32(_ v: UInt32) -> String { String(v, radix: 16).leftPadded8 }
func hex64(_ v: UInt64) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 16 - s.count)) + s
}

extension String {
    var leftPadded8: String { String(repeating: "0", count: max(0, 8 - count)) + self }
}

extension IKEv2Error {
    /// The notify RFC 7296 asks a responder to send for this error.
    var notifyType: NotifyType {
        switch self {
        case .unsupportedCriticalPayload: .unsupportedCriticalPayload
        case .unsupportedVersion: .invalidMajorVersion
        default: .invalidSyntax
        }
    }
}

extension Array where Element == Payload {
    var notifyList: [NotifyRepr] { compactMap { if case .notify(let n) = $0 { n } else { nil } } }
    func notifies(_ type: NotifyType) -> [NotifyRepr] { notifyList.filter { $0.type == type } }
    var deletes: [DeleteRepr] { compactMap { if case .delete(let d) = $0 { d } else { nil } } }
    var securityAssociation: [ProposalRepr]? {
        lazy.compactMap { if case .securityAssociation(let s) = $0 { s } else { nil } }.first
    }
    var keyExchange: (UInt16, [UInt8])? {
        lazy.compactMap { if case .keyExchange(let g, let d) = $0 { (g, d) } else { nil } }.first
    }
    var nonce: [UInt8]? { lazy.compactMap { if case .nonce(let n) = $0 { n } else { nil } }.first }
    var identificationInitiator: Identification? {
        lazy.compactMap { if case .identificationInitiator(let i) = $0 { i } else { nil } }.first
    }
    var identificationResponder: Identification? {
        lazy.compactMap { if case .identificationResponder(let i) = $0 { i } else { nil } }.first
    }
    var authentication: (UInt8, [UInt8])? {
        lazy.compactMap { if case .authentication(let m, let d) = $0 { (m, d) } else { nil } }.first
    }
    var trafficSelectorsInitiator: [TrafficSelector]? {
        lazy.compactMap { if case .trafficSelectorInitiator(let t) = $0 { t } else { nil } }.first
    }
    var trafficSelectorsResponder: [TrafficSelector]? {
        lazy.compactMap { if case .trafficSelectorResponder(let t) = $0 { t } else { nil } }.first
    }
}

extension IKESAStateMachine: CustomStringConvertible, CustomReflectable {
    /// State, suite, SPIs and Child SAs; never key material.
    public var description: String {
        let spis = ikeSPIs.map { "\(hex64($0.initiator))_i \(hex64($0.responder))_r" } ?? "no SPIs"
        return "IKE SA \(state) \(spis) \(ikeSuite.map { "\($0)" } ?? "") children \(childSAs)"
    }

    /// Hides the stored keys from `dump` and test-failure output.
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }
}
