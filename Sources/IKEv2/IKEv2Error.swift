/// Errors of the IKEv2 module.
public enum IKEv2Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message or a payload is truncated or inconsistent (answered with INVALID_SYNTAX where RFC 7296 says so).
    case malformed(String)
    /// A critical payload of an unknown type (RFC 7296 §2.5: UNSUPPORTED_CRITICAL_PAYLOAD).
    case unsupportedCriticalPayload(UInt8)
    /// The SK payload failed its integrity check or could not be decrypted.
    case integrityCheckFailed
    /// The major version is not 2.
    case unsupportedVersion(UInt8)

    public var description: String {
        switch self {
        case .malformed(let why): "malformed IKE message: \(why)"
        case .unsupportedCriticalPayload(let t): "unsupported critical payload type \(t)"
        case .integrityCheckFailed: "IKE message failed its integrity check"
        case .unsupportedVersion(let v): "IKE major version \(v) is not supported (only 2)"
        }
    }
}
