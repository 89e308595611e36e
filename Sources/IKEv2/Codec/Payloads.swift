public import IPAddressing
public import IPsecCrypto

/// One transform of a proposal (RFC 7296 §3.3.2), with the Key Length attribute if present (§3.3.5).
public struct TransformRepr: Sendable, Hashable {
    public var type: UInt8
    public var id: UInt16
    public var keyLength: UInt16?

    public init(type: UInt8, id: UInt16, keyLength: UInt16? = nil) {
        self.type = type
        self.id = id
        self.keyLength = keyLength
    }
}

/// One proposal of an SA payload (RFC 7296 §3.3.1).
public struct ProposalRepr: Sendable, Hashable {
    public var number: UInt8
    public var protocolID: UInt8
    public var spi: [UInt8]
    public var transforms: [TransformRepr]

    public init(number: UInt8, protocolID: UInt8, spi: [UInt8], transforms: [TransformRepr]) {
        self.number = number
        self.protocolID = protocolID
        self.spi = spi
        self.transforms = transforms
    }

    static func encryptionTransforms(_ list: [EncryptionAlgorithm]) -> [TransformRepr] {
        list.map {
            TransformRepr(type: TransformType.encryption.rawValue, id: $0.transformID, keyLength: UInt16($0.keyBits))
        }
    }

    /// An IKE proposal (protocol 1); `spi` is empty in IKE_SA_INIT and 8 octets when rekeying.
    public init(number: UInt8, ike: IKEProposal, spi: [UInt8] = []) {
        var t = ProposalRepr.encryptionTransforms(ike.encryption)
        t += ike.prfs.map { TransformRepr(type: TransformType.prf.rawValue, id: $0.transformID) }
        t += ike.integrity.map { TransformRepr(type: TransformType.integrity.rawValue, id: $0.transformID) }
        t += ike.groups.map { TransformRepr(type: TransformType.keyExchange.rawValue, id: $0.transformID) }
        self.init(number: number, protocolID: SecurityProtocol.ike.rawValue, spi: spi, transforms: t)
    }

    /// An ESP proposal (protocol 3) with our 4-octet inbound SPI.
    public init(number: UInt8, child: ChildProposal, spi: UInt32, includeGroups: Bool) {
        var t = ProposalRepr.encryptionTransforms(child.encryption)
        t += child.integrity.map { TransformRepr(type: TransformType.integrity.rawValue, id: $0.transformID) }
        if includeGroups {
            t += child.groups.map { TransformRepr(type: TransformType.keyExchange.rawValue, id: $0.transformID) }
        }
        t += child.extendedSequenceNumbers.map {
            TransformRepr(type: TransformType.extendedSequenceNumbers.rawValue, id: $0 ? 1 : 0)
        }
        var spiBytes: [UInt8] = []
        spiBytes.append(uint32: spi)
        self.init(number: number, protocolID: SecurityProtocol.esp.rawValue, spi: spiBytes, transforms: t)
    }

    /// The algorithms of this proposal that Meridian implements; unknown transforms are skipped (RFC 7296 §3.3.6).
    public var ikeProposal: IKEProposal? {
        guard protocolID == SecurityProtocol.ike.rawValue else { return nil }
        var p = IKEProposal(encryption: [], prfs: [], integrity: [], groups: [])
        var sawIntegrity = false
        for t in transforms {
            switch TransformType(rawValue: t.type) {
            case .encryption:
                if let e = EncryptionAlgorithm(transformID: t.id, keyBits: t.keyLength.map(Int.init)) {
                    p.encryption.append(e)
                }
            case .prf: if let f = PRFAlgorithm(rawValue: t.id) { p.prfs.append(f) }
            case .integrity:
                sawIntegrity = sawIntegrity || t.id != 0
                if let i = IntegrityAlgorithm(rawValue: t.id) { p.integrity.append(i) }
            case .keyExchange: if let g = KeyExchangeGroup(rawValue: t.id) { p.groups.append(g) }
            default: break
            }
        }
        if sawIntegrity && p.integrity.isEmpty { p.encryption = [] }  // only unknown integrity algorithms
        return p
    }

    /// The ESP algorithms of this proposal that Meridian implements.
    public var childProposal: ChildProposal? {
        guard protocolID == SecurityProtocol.esp.rawValue else { return nil }
        var p = ChildProposal(encryption: [], integrity: [], groups: [], extendedSequenceNumbers: [])
        var sawIntegrity = false
        for t in transforms {
            switch TransformType(rawValue: t.type) {
            case .encryption:
                if let e = EncryptionAlgorithm(transformID: t.id, keyBits: t.keyLength.map(Int.init)) {
                    p.encryption.append(e)
                }
            case .integrity:
                sawIntegrity = sawIntegrity || t.id != 0
                if let i = IntegrityAlgorithm(rawValue: t.id) { p.integrity.append(i) }
            case .keyExchange: if let g = KeyExchangeGroup(rawValue: t.id) { p.groups.append(g) } else if t.id == 0 {}
            case .extendedSequenceNumbers: if t.id <= 1 { p.extendedSequenceNumbers.append(t.id == 1) }
            default: break
            }
        }
        if sawIntegrity && p.integrity.isEmpty { p.encryption = [] }
        if p.extendedSequenceNumbers.isEmpty { p.extendedSequenceNumbers = [false] }
        return p
    }

    /// The 4-octet SPI as a number, for ESP proposals.
    public var espSPI: UInt32? {
        guard spi.count == 4 else { return nil }
        return spi.reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// An identity in an IDi/IDr payload (RFC 7296 §3.5).
public enum Identification: Sendable, Hashable, CustomStringConvertible {
    case ipv4(IPv4Address)
    case fqdn(String)
    case rfc822(String)
    case keyID([UInt8])
    case other(type: UInt8, data: [UInt8])

    /// An address-looking string becomes ID_IPV4_ADDR, anything else ID_FQDN (as strongSwan does).
    public init(_ text: String) {
        if let a = IPv4Address(text) {
            self = .ipv4(a)
        } else if text.contains("@") {
            self = .rfc822(text)
        } else {
            self = .fqdn(text)
        }
    }

    /// Type octet, three reserved octets, data: the octets AUTH's prf(SK_p, …) covers.
    public var body: [UInt8] {
        switch self {
        case .ipv4(let a):
            let (b0, b1, b2, b3) = a.octets
            return [1, 0, 0, 0, b0, b1, b2, b3]
        case .fqdn(let s): return [2, 0, 0, 0] + Array(s.utf8)
        case .rfc822(let s): return [3, 0, 0, 0] + Array(s.utf8)
        case .keyID(let d): return [11, 0, 0, 0] + d
        case .other(let t, let d): return [t, 0, 0, 0] + d
        }
    }

    init?(body: ArraySlice<UInt8>) {
        guard body.count >= 4 else { return nil }
        let data = Array(body.dropFirst(4))
        switch body[body.startIndex] {
        case 1:
            guard data.count == 4 else { return nil }
            self = .ipv4(IPv4Address(data[0], data[1], data[2], data[3]))
        case 2: self = .fqdn(String(decoding: data, as: UTF8.self))
        case 3: self = .rfc822(String(decoding: data, as: UTF8.self))
        case 11: self = .keyID(data)
        default: self = .other(type: body[body.startIndex], data: data)
        }
    }

    public var description: String {
        switch self {
        case .ipv4(let a): "\(a)"
        case .fqdn(let s), .rfc822(let s): s
        case .keyID(let d): "keyid:" + d.map { String($0, radix: 16) }.joined()
        case .other(let t, let d): "id-type-\(t):\(d.count) octets"
        }
    }
}

/// A Notify payload (RFC 7296 §3.10).
public struct NotifyRepr: Sendable, Hashable {
    public var protocolID: UInt8
    public var spi: [UInt8]
    public var type: NotifyType
    public var data: [UInt8]

    public init(_ type: NotifyType, protocolID: UInt8 = 0, spi: [UInt8] = [], data: [UInt8] = []) {
        self.protocolID = protocolID
        self.spi = spi
        self.type = type
        self.data = data
    }
}

/// A Delete payload (RFC 7296 §3.11).
public struct DeleteRepr: Sendable, Hashable {
    public var protocolID: UInt8
    public var spiSize: UInt8
    public var spis: [[UInt8]]

    public init(protocolID: UInt8, spiSize: UInt8, spis: [[UInt8]]) {
        self.protocolID = protocolID
        self.spiSize = spiSize
        self.spis = spis
    }
}

/// A decoded payload. Unknown non-critical payloads are kept as `.unknown` and ignored by the state machine.
public enum Payload: Sendable, Hashable {
    case securityAssociation([ProposalRepr])
    case keyExchange(group: UInt16, data: [UInt8])
    case identificationInitiator(Identification)
    case identificationResponder(Identification)
    case authentication(method: UInt8, data: [UInt8])
    case nonce([UInt8])
    case notify(NotifyRepr)
    case delete(DeleteRepr)
    case vendorID([UInt8])
    case trafficSelectorInitiator([TrafficSelector])
    case trafficSelectorResponder([TrafficSelector])
    case unknown(type: UInt8, critical: Bool, body: [UInt8])

    public var type: UInt8 {
        switch self {
        case .securityAssociation: PayloadType.securityAssociation.rawValue
        case .keyExchange: PayloadType.keyExchange.rawValue
        case .identificationInitiator: PayloadType.identificationInitiator.rawValue
        case .identificationResponder: PayloadType.identificationResponder.rawValue
        case .authentication: PayloadType.authentication.rawValue
        case .nonce: PayloadType.nonce.rawValue
        case .notify: PayloadType.notify.rawValue
        case .delete: PayloadType.delete.rawValue
        case .vendorID: PayloadType.vendorID.rawValue
        case .trafficSelectorInitiator: PayloadType.trafficSelectorInitiator.rawValue
        case .trafficSelectorResponder: PayloadType.trafficSelectorResponder.rawValue
        case .unknown(let t, _, _): t
        }
    }

    /// The payload body (everything after the 4-octet generic header).
    public var body: [UInt8] {
        var out: [UInt8] = []
        switch self {
        case .securityAssociation(let proposals):
            for (i, p) in proposals.enumerated() {
                var prop: [UInt8] = [
                    i == proposals.count - 1 ? 0 : 2, 0, 0, 0, p.number, p.protocolID, UInt8(p.spi.count),
                    UInt8(p.transforms.count),
                ]
                prop += p.spi
                for (k, t) in p.transforms.enumerated() {
                    var tr: [UInt8] = [k == p.transforms.count - 1 ? 0 : 3, 0, 0, 0, t.type, 0]
                    tr.append(uint16: t.id)
                    if let kl = t.keyLength {
                        tr += [0x80, 0x0E]
                        tr.append(uint16: kl)
                    }
                    tr.setUInt16(UInt16(tr.count), at: 2)
                    prop += tr
                }
                prop.setUInt16(UInt16(prop.count), at: 2)
                out += prop
            }
        case .keyExchange(let group, let data):
            out.append(uint16: group)
            out += [0, 0] + data
        case .identificationInitiator(let id), .identificationResponder(let id):
            out = id.body
        case .authentication(let method, let data):
            out = [method, 0, 0, 0] + data
        case .nonce(let data), .vendorID(let data):
            out = data
        case .notify(let n):
            out = [n.protocolID, UInt8(n.spi.count)]
            out.append(uint16: n.type.rawValue)
            out += n.spi + n.data
        case .delete(let d):
            out = [d.protocolID, d.spiSize]
            out.append(uint16: UInt16(d.spis.count))
            for s in d.spis { out += s }
        case .trafficSelectorInitiator(let list), .trafficSelectorResponder(let list):
            out = [UInt8(list.count), 0, 0, 0]
            for ts in list {
                out += [7, ts.ipProtocol, 0, 16]
                out.append(uint16: ts.startPort)
                out.append(uint16: ts.endPort)
                out.append(uint32: ts.startAddress.rawValue)
                out.append(uint32: ts.endAddress.rawValue)
            }
        case .unknown(_, _, let body):
            out = body
        }
        return out
    }

    /// Parses a payload body of type `type`; throws ``IKEv2Error/malformed(_:)`` on any inconsistency.
    static func parse(type: UInt8, critical: Bool, body: ArraySlice<UInt8>) throws(IKEv2Error) -> Payload {
        var c = ByteCursor(body)
        switch PayloadType(rawValue: type) {
        case .securityAssociation:
            var proposals: [ProposalRepr] = []
            var last: UInt8 = 2
            while last == 2 {
                guard let more = c.readUInt8(), c.readUInt8() != nil, let length = c.readUInt16(), length >= 8,
                    let rest = c.readBytes(Int(length) - 4)
                else { throw .malformed("SA proposal header truncated") }
                last = more
                guard more == 0 || more == 2 else {
                    throw .malformed("SA proposal 'last substruc' is \(more), must be 0 or 2")
                }
                var p = ByteCursor(rest)
                guard let number = p.readUInt8(), let proto = p.readUInt8(), let spiSize = p.readUInt8(),
                    let count = p.readUInt8(), let spi = p.readBytes(Int(spiSize))
                else { throw .malformed("SA proposal truncated") }
                var transforms: [TransformRepr] = []
                for _ in 0..<count {
                    guard let _ = p.readUInt8(), p.readUInt8() != nil, let tlen = p.readUInt16(), tlen >= 8,
                        let tbody = p.readBytes(Int(tlen) - 4)
                    else { throw .malformed("SA transform truncated") }
                    var t = ByteCursor(tbody)
                    guard let ttype = t.readUInt8(), t.readUInt8() != nil, let tid = t.readUInt16() else {
                        throw .malformed("SA transform truncated")
                    }
                    var keyLength: UInt16?
                    while !t.isAtEnd {
                        guard let af = t.readUInt16() else { throw .malformed("transform attribute truncated") }
                        if af & 0x8000 != 0 {
                            guard let v = t.readUInt16() else { throw .malformed("transform attribute truncated") }
                            if af & 0x7FFF == 14 { keyLength = v }
                        } else {
                            guard let len = t.readUInt16(), t.readBytes(Int(len)) != nil else {
                                throw .malformed("transform attribute truncated")
                            }
                        }
                    }
                    transforms.append(TransformRepr(type: ttype, id: tid, keyLength: keyLength))
                }
                guard p.isAtEnd else { throw .malformed("SA proposal has \(p.remaining) trailing octets") }
                proposals.append(
                    ProposalRepr(number: number, protocolID: proto, spi: Array(spi), transforms: transforms)
                )
            }
            guard c.isAtEnd else { throw .malformed("SA payload has trailing octets") }
            return .securityAssociation(proposals)
        case .keyExchange:
            guard let group = c.readUInt16(), c.readUInt16() != nil else { throw .malformed("KE payload truncated") }
            return .keyExchange(group: group, data: Array(body.dropFirst(4)))
        case .identificationInitiator, .identificationResponder:
            guard let id = Identification(body: body) else {
                throw .malformed("ID payload truncated or bad IPv4 length")
            }
            return type == PayloadType.identificationInitiator.rawValue
                ? .identificationInitiator(id) : .identificationResponder(id)
        case .authentication:
            guard let method = c.readUInt8(), c.readBytes(3) != nil else { throw .malformed("AUTH payload truncated") }
            return .authentication(method: method, data: Array(body.dropFirst(4)))
        case .nonce:
            guard (16...256).contains(body.count) else {
                throw .malformed("nonce of \(body.count) octets (allowed 16...256)")
            }
            return .nonce(Array(body))
        case .notify:
            guard let proto = c.readUInt8(), let spiSize = c.readUInt8(), let t = c.readUInt16(),
                let spi = c.readBytes(Int(spiSize))
            else { throw .malformed("Notify payload truncated") }
            return .notify(NotifyRepr(NotifyType(t), protocolID: proto, spi: Array(spi), data: Array(body[c.index...])))
        case .delete:
            guard let proto = c.readUInt8(), let spiSize = c.readUInt8(), let n = c.readUInt16() else {
                throw .malformed("Delete payload truncated")
            }
            var spis: [[UInt8]] = []
            for _ in 0..<n {
                guard let s = c.readBytes(Int(spiSize)) else { throw .malformed("Delete payload SPI list truncated") }
                spis.append(Array(s))
            }
            return .delete(DeleteRepr(protocolID: proto, spiSize: spiSize, spis: spis))
        case .vendorID:
            return .vendorID(Array(body))
        case .trafficSelectorInitiator, .trafficSelectorResponder:
            guard let n = c.readUInt8(), c.readBytes(3) != nil else { throw .malformed("TS payload truncated") }
            var list: [TrafficSelector] = []
            for _ in 0..<n {
                guard let tsType = c.readUInt8(), let proto = c.readUInt8(), let len = c.readUInt16(), len >= 8,
                    let rest = c.readBytes(Int(len) - 4)
                else { throw .malformed("traffic selector truncated") }
                if tsType != 7 { continue }  // IPv6 and other selector types are not implemented: skip them
                var r = ByteCursor(rest)
                guard len == 16, let sp = r.readUInt16(), let ep = r.readUInt16(), let sa = r.readUInt32(),
                    let ea = r.readUInt32()
                else { throw .malformed("TS_IPV4_ADDR_RANGE of length \(len), must be 16") }
                list.append(
                    TrafficSelector(
                        ipProtocol: proto,
                        startPort: sp,
                        endPort: ep,
                        startAddress: IPv4Address(sa),
                        endAddress: IPv4Address(ea)
                    )
                )
            }
            return type == PayloadType.trafficSelectorInitiator.rawValue
                ? .trafficSelectorInitiator(list) : .trafficSelectorResponder(list)
        default:
            return .unknown(type: type, critical: critical, body: Array(body))
        }
    }
}
