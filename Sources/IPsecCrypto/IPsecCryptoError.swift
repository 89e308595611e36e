/// Errors of the IPsecCrypto module: bad proposal text, refused algorithms, bad public values, failed integrity checks.
public enum IPsecCryptoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A token of a proposal string is not an algorithm name Meridian knows.
    case unknownToken(String, proposal: String, allowed: [String])
    /// A known algorithm that Meridian refuses to use, with the reason.
    case refusedAlgorithm(String, proposal: String, reason: String)
    /// A proposal string lacks a transform type it needs (for example an IKE proposal with no key exchange group).
    case incompleteProposal(String, missing: String)
    /// A key-exchange public value is malformed (wrong length, not on the curve, out of range).
    case invalidPublicValue(KeyExchangeGroup, reason: String)
    /// A key or input has the wrong length.
    case invalidLength(what: String, expected: Int, actual: Int)
    /// The integrity check value did not match, or AEAD authentication failed.
    case integrityCheckFailed
    /// The decrypted data is malformed (bad padding, too short).
    case malformedCiphertext(String)

    public var description: String {
        switch self {
        case .unknownToken(let token, let proposal, let allowed):
            "unknown algorithm '\(token)' in proposal '\(proposal)': allowed are \(allowed.joined(separator: ", "))"
        case .refusedAlgorithm(let token, let proposal, let reason):
            "algorithm '\(token)' in proposal '\(proposal)' is refused: \(reason)"
        case .incompleteProposal(let proposal, let missing):
            "proposal '\(proposal)' has no \(missing)"
        case .invalidPublicValue(let group, let reason):
            "invalid \(group) public value: \(reason)"
        case .invalidLength(let what, let expected, let actual):
            "\(what) must be \(expected) octets, got \(actual)"
        case .integrityCheckFailed:
            "integrity check failed"
        case .malformedCiphertext(let reason):
            "malformed ciphertext: \(reason)"
        }
    }
}
