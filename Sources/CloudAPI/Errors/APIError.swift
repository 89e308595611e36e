/// An error answered in the cloud's own error body: `RequestId`, `HostId`, `Code`, `Message`, `Recommend`.
///
/// Codes, statuses and messages follow the reference (§1.6) so that both generations of the official SDKs
/// raise the same exceptions they raise against the real service.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The cloud's error code, such as `InvalidVpcId.NotFound`.
    public var code: String
    /// The HTTP status the cloud answers with (400, 403, 404, 500, ...).
    public var status: Int
    /// The cloud's message.
    public var message: String

    /// Creates an error with the cloud's code, HTTP status and message.
    public init(code: String, status: Int, message: String) {
        self.code = code
        self.status = status
        self.message = message
    }

    public var description: String { "\(code) (HTTP \(status)): \(message)" }
}

extension APIError {
    /// A required parameter is absent: `Missing{Name}`, as the cloud answers for operation parameters.
    public static func missing(_ name: String) -> APIError {
        APIError(code: "Missing\(name)", status: 400, message: "\(name) is mandatory for this action.")
    }

    /// A parameter's value is not allowed; the message quotes it and says what is allowed.
    public static func invalid(_ name: String, _ value: String, allowed: String) -> APIError {
        APIError(
            code: "InvalidParameter",
            status: 400,
            message: "The specified parameter \"\(name)\" is not valid: '\(value)'; allowed: \(allowed)."
        )
    }

    static let missingAction = APIError(
        code: "MissingParameter",
        status: 400,
        message:
            "The input parameter \u{201C}Action\u{201D} that is mandatory for processing this request is not supplied."
    )
    static let missingVersion = APIError(
        code: "MissingParameter",
        status: 400,
        message:
            "The input parameter \u{201C}Version\u{201D} that is mandatory for processing this request is not supplied."
    )
    static let invalidActionOrVersion = APIError(
        code: "InvalidParameter",
        status: 400,
        message: "The specified parameter \u{201C}Action or Version\u{201D} is not valid."
    )
    static let actionNotFound = APIError(
        code: "InvalidAction.NotFound",
        status: 404,
        message: "Specified api is not found, please check your url and method."
    )
    static let accessKeyNotFound = APIError(
        code: "InvalidAccessKeyId.NotFound",
        status: 404,
        message: "Specified access key is not found."
    )
    static let timestampExpired = APIError(
        code: "InvalidTimeStamp.Expired",
        status: 400,
        message: "Specified time stamp or date value is expired."
    )
    static func timestampFormat(_ value: String, source: String) -> APIError {
        APIError(
            code: "InvalidTimeStamp.Format",
            status: 400,
            message:
                "Specified time stamp or date value is not well formatted: '\(value)' in \(source); expected yyyy-MM-ddTHH:mm:ssZ (UTC)."
        )
    }
    static let nonceUsed = APIError(
        code: "SignatureNonceUsed",
        status: 400,
        message: "Specified signature nonce was used already."
    )
    static func signatureMismatch(stringToSign: String) -> APIError {
        APIError(
            code: "SignatureDoesNotMatch",
            status: 400,
            message: "Specified signature is not matched with our calculation. server string to sign is:\(stringToSign)"
        )
    }
    static func incompleteSignature(_ detail: String) -> APIError {
        APIError(
            code: "IncompleteSignature",
            status: 400,
            message: "The request signature does not conform to Aliyun standards: \(detail)"
        )
    }
    static let dryRunPassed = APIError(
        code: "DryRunOperation",
        status: 400,
        message: "Request validation has been passed with DryRun flag set."
    )
    static let idempotentMismatch = APIError(
        code: "IdempotentParameterMismatch",
        status: 400,
        message: "The request uses the same client token as a previous, but non-identical request."
    )
    static let internalError = APIError(
        code: "InternalError",
        status: 500,
        message: "The request processing has failed due to some unknown error."
    )
}
