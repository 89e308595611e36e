/// An IKE SA proposal: the acceptable algorithms of each transform type, most preferred first
/// (RFC 7296 §3.3; one `Proposal` substructure of an SA payload).
public struct IKEProposal: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Acceptable encryption algorithms.
    public var encryption: [EncryptionAlgorithm]
    /// Acceptable PRFs.
    public var prfs: [PRFAlgorithm]
    /// Acceptable integrity algorithms; empty when every encryption algorithm is AEAD.
    public var integrity: [IntegrityAlgorithm]
    /// Acceptable key exchange groups; the first is the one an initiator sends a KE payload for.
    public var groups: [KeyExchangeGroup]

    /// Creates a proposal from explicit lists.
    public init(
        encryption: [EncryptionAlgorithm],
        prfs: [PRFAlgorithm],
        integrity: [IntegrityAlgorithm],
        groups: [KeyExchangeGroup]
    ) {
        self.encryption = encryption
        self.prfs = prfs
        self.integrity = integrity
        self.groups = groups
    }

    /// strongSwan-style text: `aes128-sha256-prfsha256-modp2048`.
    public var description: String {
        var tokens = encryption.map(ProposalSyntax.name(of:))
        tokens += integrity.map(ProposalSyntax.name(of:))
        tokens += prfs.map(ProposalSyntax.name(of:))
        tokens += groups.map(ProposalSyntax.name(of:))
        return tokens.joined(separator: "-")
    }

    /// Returns the first suite (in this proposal's order of preference) that `offer` also allows.
    public func firstMatch(in offer: IKEProposal) -> IKESuite? {
        for enc in encryption where offer.encryption.contains(enc) {
            for prf in prfs where offer.prfs.contains(prf) {
                let integrities: [IntegrityAlgorithm?] =
                    enc.isAEAD ? [nil] : integrity.filter { offer.integrity.contains($0) }.map { $0 }
                if enc.isAEAD && !offer.integrity.isEmpty { continue }
                for integ in integrities {
                    for group in groups where offer.groups.contains(group) {
                        return IKESuite(encryption: enc, prf: prf, integrity: integ, group: group)
                    }
                }
            }
        }
        return nil
    }
}

/// The algorithms chosen for one IKE SA.
public struct IKESuite: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Encryption of the SK payload.
    public var encryption: EncryptionAlgorithm
    /// PRF for SKEYSEED, prf+ and AUTH.
    public var prf: PRFAlgorithm
    /// Integrity of the SK payload; `nil` with AEAD encryption.
    public var integrity: IntegrityAlgorithm?
    /// Key exchange group.
    public var group: KeyExchangeGroup

    /// Creates a suite.
    public init(
        encryption: EncryptionAlgorithm,
        prf: PRFAlgorithm,
        integrity: IntegrityAlgorithm?,
        group: KeyExchangeGroup
    ) {
        self.encryption = encryption
        self.prf = prf
        self.integrity = integrity
        self.group = group
    }

    /// As a single-choice proposal.
    public var proposal: IKEProposal {
        IKEProposal(encryption: [encryption], prfs: [prf], integrity: integrity.map { [$0] } ?? [], groups: [group])
    }

    /// As strongSwan logs it: `AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519`.
    public var description: String {
        ([encryption.description] + (integrity.map { [$0.description] } ?? []) + [prf.description, group.description])
            .joined(separator: "/")
    }
}

/// A Child SA (ESP) proposal; `groups` non-empty means PFS on CREATE_CHILD_SA.
public struct ChildProposal: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Acceptable encryption algorithms.
    public var encryption: [EncryptionAlgorithm]
    /// Acceptable integrity algorithms; empty when every encryption algorithm is AEAD.
    public var integrity: [IntegrityAlgorithm]
    /// Key exchange groups for PFS (used only in CREATE_CHILD_SA, RFC 7296 §1.3.1); empty means no PFS.
    public var groups: [KeyExchangeGroup]
    /// Acceptable extended-sequence-number settings; `[false]` by default, as strongSwan proposes.
    public var extendedSequenceNumbers: [Bool]

    /// Creates a proposal from explicit lists.
    public init(
        encryption: [EncryptionAlgorithm],
        integrity: [IntegrityAlgorithm],
        groups: [KeyExchangeGroup] = [],
        extendedSequenceNumbers: [Bool] = [false]
    ) {
        self.encryption = encryption
        self.integrity = integrity
        self.groups = groups
        self.extendedSequenceNumbers = extendedSequenceNumbers
    }

    /// strongSwan-style text: `aes128gcm16-x25519`.
    public var description: String {
        var tokens = encryption.map(ProposalSyntax.name(of:))
        tokens += integrity.map(ProposalSyntax.name(of:))
        tokens += groups.map(ProposalSyntax.name(of:))
        if extendedSequenceNumbers != [false] { tokens += extendedSequenceNumbers.map { $0 ? "esn" : "noesn" } }
        return tokens.joined(separator: "-")
    }

    /// Returns the first suite (in this proposal's order) that `offer` also allows.
    ///
    /// - Parameter requireGroup: when true (PFS in CREATE_CHILD_SA), a common group is required if either side lists
    ///   groups; when false (IKE_AUTH), the group transform is ignored, as RFC 7296 §1.2 says.
    public func firstMatch(in offer: ChildProposal, requireGroup: Bool) -> ChildSuite? {
        for enc in encryption where offer.encryption.contains(enc) {
            if enc.isAEAD && !offer.integrity.isEmpty { continue }
            let integrities: [IntegrityAlgorithm?] =
                enc.isAEAD ? [nil] : integrity.filter { offer.integrity.contains($0) }.map { $0 }
            for integ in integrities {
                for esn in extendedSequenceNumbers where offer.extendedSequenceNumbers.contains(esn) {
                    if !requireGroup || (groups.isEmpty && offer.groups.isEmpty) {
                        return ChildSuite(encryption: enc, integrity: integ, group: nil, extendedSequenceNumbers: esn)
                    }
                    for group in groups where offer.groups.contains(group) {
                        return ChildSuite(encryption: enc, integrity: integ, group: group, extendedSequenceNumbers: esn)
                    }
                }
            }
        }
        return nil
    }
}

/// The algorithms chosen for one Child SA.
public struct ChildSuite: Sendable, Hashable, Codable, CustomStringConvertible {
    /// ESP encryption.
    public var encryption: EncryptionAlgorithm
    /// ESP integrity; `nil` with AEAD encryption.
    public var integrity: IntegrityAlgorithm?
    /// PFS group used for this Child SA's key exchange, if any.
    public var group: KeyExchangeGroup?
    /// Whether extended sequence numbers are used.
    public var extendedSequenceNumbers: Bool

    /// Creates a suite.
    public init(
        encryption: EncryptionAlgorithm,
        integrity: IntegrityAlgorithm?,
        group: KeyExchangeGroup?,
        extendedSequenceNumbers: Bool = false
    ) {
        self.encryption = encryption
        self.integrity = integrity
        self.group = group
        self.extendedSequenceNumbers = extendedSequenceNumbers
    }

    /// As a single-choice proposal.
    public var proposal: ChildProposal {
        ChildProposal(
            encryption: [encryption],
            integrity: integrity.map { [$0] } ?? [],
            groups: group.map { [$0] } ?? [],
            extendedSequenceNumbers: [extendedSequenceNumbers]
        )
    }

    /// As strongSwan logs it: `AES_GCM_16_128/NO_EXT_SEQ`.
    public var description: String {
        ([encryption.description] + (integrity.map { [$0.description] } ?? []) + (group.map { [$0.description] } ?? [])
            + [extendedSequenceNumbers ? "EXT_SEQ" : "NO_EXT_SEQ"]).joined(separator: "/")
    }
}
