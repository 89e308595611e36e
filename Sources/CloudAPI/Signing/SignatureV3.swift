import Crypto
public import Foundation

/// Signature V3 (`ACS3-HMAC-SHA256`), the new SDKs' default, as the reference §1.4 describes it.
public enum SignatureV3 {
    /// The algorithm name that starts the `Authorization` header and the string to sign.
    public static let algorithm = "ACS3-HMAC-SHA256"

    /// The parsed `Authorization` header.
    public struct Authorization: Sendable, Equatable {
        public var accessKeyId: String
        public var signedHeaders: [String]
        public var signature: String

        /// Parses `ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex`.
        ///
        /// - Throws: `IncompleteSignature` naming the part that is missing.
        public init(parsing header: String) throws(APIError) {
            guard header.hasPrefix(SignatureV3.algorithm + " ") else {
                throw .incompleteSignature("the Authorization header must start with '\(SignatureV3.algorithm) '.")
            }
            var fields: [String: String] = [:]
            for part in header.dropFirst(SignatureV3.algorithm.count + 1).split(separator: ",") {
                let kv = part.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { continue }
                fields[kv[0].trimmingCharacters(in: .whitespaces)] = kv[1].trimmingCharacters(in: .whitespaces)
            }
            guard let credential = fields["Credential"], !credential.isEmpty else {
                throw .incompleteSignature("the Authorization header has no Credential.")
            }
            guard let signed = fields["SignedHeaders"], !signed.isEmpty else {
                throw .incompleteSignature("the Authorization header has no SignedHeaders.")
            }
            guard let signature = fields["Signature"], !signature.isEmpty else {
                throw .incompleteSignature("the Authorization header has no Signature.")
            }
            self.accessKeyId = credential
            self.signedHeaders = signed.split(separator: ";").map { $0.lowercased() }
            self.signature = signature.lowercased()
        }
    }

    /// Query parameters sorted by name, `name=pctEncode(value)` joined by `&`.
    public static func canonicalQuery(_ query: RPCParameters) -> String {
        query.pairs
            .map { (PercentEncoding.encode($0.name), PercentEncoding.encode($0.value)) }
            .sorted {
                $0.0.utf8.lexicographicallyPrecedes($1.0.utf8)
                    || ($0.0 == $1.0 && $0.1.utf8.lexicographicallyPrecedes($1.1.utf8))
            }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// The string to sign: the algorithm, a newline, and the hex SHA-256 of the canonical request.
    ///
    /// - Parameters:
    ///   - headerValue: returns the value of a (lower-case) signed header, `nil` if absent.
    public static func stringToSign(
        method: String,
        query: RPCParameters,
        signedHeaders: [String],
        headerValue: (String) -> String?,
        contentSHA256: String
    ) -> String {
        let sortedHeaders = signedHeaders.sorted()
        let canonicalHeaders = sortedHeaders.map {
            "\($0):\((headerValue($0) ?? "").trimmingCharacters(in: .whitespaces))\n"
        }.joined()
        let canonicalRequest = [
            method, "/", canonicalQuery(query), canonicalHeaders, sortedHeaders.joined(separator: ";"), contentSHA256,
        ].joined(separator: "\n")
        return "\(algorithm)\n\(hexSHA256(Data(canonicalRequest.utf8)))"
    }

    /// Hex HMAC-SHA256 of the string to sign, keyed with the secret itself (no `&`).
    public static func signature(stringToSign: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(stringToSign.utf8),
            using: SymmetricKey(data: Data(secret.utf8))
        )
        return hex(Data(mac))
    }

    /// Lower-case hex SHA-256 of `data` (the `x-acs-content-sha256` value).
    public static func hexSHA256(_ data: Data) -> String { hex(Data(SHA256.hash(data: data))) }

    static func hex(_ data: Data) -> String {
        data.map { String(format: "%02x", $0) }.joined()
    }
}
