import Foundation

extension RPCService {
    /// Verifies the request's signature (V3 when an `ACS3-HMAC-SHA256` Authorization header is present,
    /// V2 otherwise), its timestamp and its nonce.
    ///
    /// - Returns: the caller's access key id.
    /// - Throws: the cloud's codes: `InvalidTimeStamp.Format`/`.Expired`, `InvalidAccessKeyId.NotFound`
    ///   (HTTP 404, DESIGN §4 decision 6), `SignatureDoesNotMatch`, `SignatureNonceUsed`, `IncompleteSignature`.
    func authenticate(_ request: RPCRequest, parameters: RPCParameters) async throws(APIError) -> String {
        if let authorization = request.headers["authorization"], authorization.hasPrefix(SignatureV3.algorithm) {
            return try await authenticateV3(request, authorization: authorization)
        }
        return try await authenticateV2(request, parameters: parameters)
    }

    private func checkTimestamp(_ text: String, source: String) throws(APIError) {
        guard let timestamp = RequestTimestamp.parse(text) else { throw .timestampFormat(text, source: source) }
        guard abs(timestamp.timeIntervalSince(now())) <= maxClockSkew else { throw .timestampExpired }
    }

    private func authenticateV2(_ request: RPCRequest, parameters: RPCParameters) async throws(APIError) -> String {
        guard let signature = parameters.nonEmpty("Signature") else { throw .missing("Signature") }
        let accessKeyId = try parameters.required("AccessKeyId")
        let method = try parameters.required("SignatureMethod")
        guard method == "HMAC-SHA1" else { throw .invalid("SignatureMethod", method, allowed: "HMAC-SHA1") }
        let version = try parameters.required("SignatureVersion")
        guard version == "1.0" else { throw .invalid("SignatureVersion", version, allowed: "1.0") }
        let nonce = try parameters.required("SignatureNonce")
        try checkTimestamp(try parameters.required("Timestamp"), source: "parameter Timestamp")
        guard let secret = await accessKeys.secret(for: accessKeyId) else { throw .accessKeyNotFound }
        let stringToSign = SignatureV2.stringToSignBytes(method: request.method, parameters: parameters)
        let expected = SignatureV2.signature(stringToSign: stringToSign, key: signingKeys.key(for: secret))
        guard constantTimeEqual(expected, signature) else {
            throw .signatureMismatch(stringToSign: String(decoding: stringToSign, as: UTF8.self))
        }
        guard nonces.record(nonce, accessKeyId: accessKeyId, now: now()) else { throw .nonceUsed }
        return accessKeyId
    }

    private func authenticateV3(_ request: RPCRequest, authorization: String) async throws(APIError) -> String {
        let header = try SignatureV3.Authorization(parsing: authorization)
        for required in ["x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"] {
            guard request.headers[required] != nil else {
                throw .incompleteSignature("the header \(required) is missing.")
            }
            guard header.signedHeaders.contains(required) else {
                throw .incompleteSignature("the header \(required) must be listed in SignedHeaders.")
            }
        }
        let date = request.headers["x-acs-date"] ?? ""
        let nonce = request.headers["x-acs-signature-nonce"] ?? ""
        let contentSHA256 = (request.headers["x-acs-content-sha256"] ?? "").lowercased()
        try checkTimestamp(date, source: "header x-acs-date")
        let bodyHash = SignatureV3.hexSHA256(Data(request.body))
        guard contentSHA256 == bodyHash else {
            throw .incompleteSignature(
                "x-acs-content-sha256 '\(contentSHA256)' is not the SHA-256 of the body (\(bodyHash))."
            )
        }
        guard let secret = await accessKeys.secret(for: header.accessKeyId) else { throw .accessKeyNotFound }
        let query = try RPCParameters(formEncoded: Substring(request.rawQuery), source: "query string")
        let stringToSign = SignatureV3.stringToSign(
            method: request.method,
            query: query,
            signedHeaders: header.signedHeaders,
            headerValue: { request.headers[$0] },
            contentSHA256: contentSHA256
        )
        let expected = SignatureV3.signature(stringToSign: stringToSign, secret: secret)
        guard constantTimeEqual(expected, header.signature) else {
            throw .signatureMismatch(stringToSign: stringToSign)
        }
        guard nonces.record(nonce, accessKeyId: header.accessKeyId, now: now()) else { throw .nonceUsed }
        return header.accessKeyId
    }
}

/// Compares two signatures without stopping at the first difference.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    guard a.utf8.count == b.utf8.count else { return false }
    var difference: UInt8 = 0
    for (x, y) in zip(a.utf8, b.utf8) { difference |= x ^ y }
    return difference == 0
}
