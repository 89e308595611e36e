/// A rejected change or a failed look-up, with the cloud's error code.
///
/// The control plane speaks the cloud's codes (they are part of the domain the emulator reproduces);
/// `CloudAPI` maps `kind` to the HTTP status at the edge.
public struct ControlPlaneError: Error, Sendable, Equatable, CustomStringConvertible {
    /// How the API edge answers the error.
    public enum Kind: Sendable, Equatable {
        /// Bad input or a rule that forbids the change (HTTP 400).
        case invalid
        /// A named resource does not exist (HTTP 404).
        case notFound
        /// The caller may not do this (HTTP 403).
        case forbidden
        /// `DryRun`: every check passed and nothing was changed.
        case dryRunPassed
        /// Storing the change failed; nothing was changed (HTTP 500).
        case storage
    }

    public var code: String
    public var message: String
    public var kind: Kind

    public init(_ kind: Kind, code: String, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// The code of the error a change gets when its `ClientToken` record was stored by another request
    /// first (another replica): the API edge then answers with that record instead.
    public static let clientTokenInUseCode = "Meridian.ClientTokenInUse"

    static func invalid(_ code: String, _ message: String) -> ControlPlaneError {
        .init(.invalid, code: code, message: message)
    }
    static func notFound(_ code: String, _ message: String) -> ControlPlaneError {
        .init(.notFound, code: code, message: message)
    }
    static let dryRun = ControlPlaneError(
        .dryRunPassed,
        code: "DryRunOperation",
        message: "Request validation has been passed with DryRun flag set."
    )
}
