public import Foundation
public import Logging
import Metrics
import Synchronization

/// One HTTP request as the RPC layer sees it, independent of the HTTP server.
public struct RPCRequest: Sendable {
    /// `GET` or `POST`.
    public var method: String
    /// The raw (still percent-encoded) query string, without `?`.
    public var rawQuery: String
    /// Header fields with lower-case names; `host` holds the authority.
    public var headers: [String: String]
    /// The request body.
    public var body: [UInt8]

    public init(method: String, rawQuery: String, headers: [String: String], body: [UInt8]) {
        self.method = method
        self.rawQuery = rawQuery
        self.headers = headers
        self.body = body
    }
}

/// The answer to an `RPCRequest`.
public struct RPCResponse: Sendable {
    public var status: Int
    public var contentType: String
    /// The body as UTF-8 bytes, as it goes out.
    public var bytes: [UInt8]
    /// The body as text.
    public var body: String { String(decoding: bytes, as: UTF8.self) }
}

/// The RPC protocol: parameter decoding, both signature schemes, dispatch to actions, `DryRun`,
/// `ClientToken`, and the cloud's response and error bodies.
public struct RPCService: Sendable {
    /// Largest accepted form body.
    public static let maxBodySize = 1 << 20

    let registry: ActionRegistry
    let accessKeys: any AccessKeyStore
    let nonces: NonceCache
    let signingKeys = SignatureV2.SigningKeys()
    let idempotency: IdempotencyCache
    let now: @Sendable () -> Date
    let maxClockSkew: TimeInterval
    let logger: Logger

    /// - Parameters:
    ///   - now: the clock (tests inject a fixed one).
    ///   - maxClockSkew: largest accepted distance between a request's timestamp and `now` (15 minutes).
    public init(
        registry: ActionRegistry,
        accessKeys: any AccessKeyStore,
        now: @escaping @Sendable () -> Date = { Date() },
        maxClockSkew: TimeInterval = 15 * 60,
        nonceWindow: TimeInterval = 15 * 60,
        idempotencyRecords: (any IdempotencyRecords)? = nil,
        logger: Logger = Logger(label: "meridian.api")
    ) {
        self.idempotency = IdempotencyCache(records: idempotencyRecords)
        self.registry = registry
        self.accessKeys = accessKeys
        self.now = now
        self.maxClockSkew = maxClockSkew
        self.nonces = NonceCache(window: nonceWindow)
        self.logger = logger
    }

    /// A request sent to a cloud endpoint name (`<product>.aliyuncs.com`, `<product>.<region>.aliyuncs.com`,
    /// `<product>-<region>.aliyuncs.com`) must name a product this server answers: `InvalidProduct.NotFound`
    /// (reference §1.6) otherwise. Other hosts (`127.0.0.1:8080`, `localhost`) name no product.
    func checkProductHost(_ host: String?) throws(APIError) {
        guard let host else { return }
        var name = host.lowercased()
        if let colon = name.lastIndex(of: ":") { name = String(name[..<colon]) }
        guard name.hasSuffix(".aliyuncs.com"), let label = name.split(separator: ".").first else { return }
        let code = label.split(separator: "-").first.map { String($0) } ?? String(label)
        let served = registry.productCodes
        guard served.contains(where: { $0.lowercased() == code }) else {
            throw APIError(
                code: "InvalidProduct.NotFound",
                status: 404,
                message:
                    "The endpoint '\(host)' names product '\(code)', which this cloud does not serve; served products: \(served.joined(separator: ", "))."
            )
        }
    }

    /// A random (version 4) UUID in upper case, as the cloud's request ids are. Drawn from the system's generator
    /// through a buffer (`BufferedSystemRandom`): Foundation's `UUID()` opens and reads `/dev/urandom` on every call.
    package static func makeRequestId() -> String {
        var bytes = requestIdRandom.withLock { generator in (generator.next(), generator.next()) }
        return withUnsafeMutableBytes(of: &bytes) { raw in
            raw[6] = raw[6] & 0x0F | 0x40  // version 4
            raw[8] = raw[8] & 0x3F | 0x80  // RFC 4122 variant
            // 8-4-4-4-12 upper-case hex digits, written directly (UUID's uuidString formats through Foundation).
            return String(unsafeUninitializedCapacity: 36) { text in
                var written = 0
                for (index, byte) in raw.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        text[written] = UInt8(ascii: "-")
                        written += 1
                    }
                    text[written] = PercentEncoding.hexDigit(byte >> 4)
                    text[written + 1] = PercentEncoding.hexDigit(byte & 0xF)
                    written += 2
                }
                return written
            }
        }
    }

    private static let requestIdRandom = Mutex(BufferedSystemRandom())

    /// Answers one request; never throws: every failure becomes the cloud's error body.
    public func respond(to request: RPCRequest) async -> RPCResponse {
        let started = ContinuousClock.now
        let requestId = Self.makeRequestId()
        var format = ResponseFormat.json
        var product = Product.vpc
        var actionName = "-"
        let result: Result<APIObject, APIError>
        do throws(APIError) {
            let parameters = try decodeParameters(request)
            format = try ResponseFormat(parameter: parameters["Format"])
            guard let action = parameters.nonEmpty("Action") ?? request.headers["x-acs-action"], !action.isEmpty else {
                throw .missingAction
            }
            actionName = action
            try checkProductHost(request.headers["host"])
            guard let version = parameters.nonEmpty("Version") ?? request.headers["x-acs-version"], !version.isEmpty
            else { throw .missingVersion }
            guard let known = registry.product(version: version) else { throw .invalidActionOrVersion }
            product = known
            let accessKeyId = try await authenticate(request, parameters: parameters)
            guard let handler = registry.action(name: action, version: version) else { throw .actionNotFound }
            let dryRun = try parameters.bool("DryRun") ?? false
            let input = ActionInput(parameters: parameters, accessKeyId: accessKeyId, dryRun: dryRun)
            result = .success(try await run(handler, input: input))
        } catch {
            result = .failure(error)
        }

        let response: RPCResponse
        let code: String
        switch result {
        case .success(let object):
            var body = APIObject([("RequestId", .string(requestId))])
            body.fields += object.fields
            response = RPCResponse(
                status: 200,
                contentType: format.contentType,
                bytes: format.renderBytes(body, root: "\(actionName)Response")
            )
            code = "OK"
        case .failure(let error):
            let recommend =
                "https://api.aliyun.com/troubleshoot?q=\(PercentEncoding.encode(error.code))&product=\(product.code)&requestId=\(requestId)"
            let body: APIObject = [
                "RequestId": .string(requestId), "HostId": .string(product.host), "Code": .string(error.code),
                "Message": .string(error.message), "Recommend": .string(recommend),
            ]
            response = RPCResponse(
                status: error.status,
                contentType: format.contentType,
                bytes: format.renderBytes(body, root: "Error")
            )
            code = error.code
        }
        let elapsed = ContinuousClock.now - started
        Counter(label: "meridian_api_requests_total", dimensions: [("action", actionName), ("code", code)]).increment()
        Metrics.Timer(label: "meridian_api_request_duration_seconds", dimensions: [("action", actionName)])
            .recordNanoseconds(
                elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
            )
        logger.info(
            "request",
            metadata: [
                "request_id": .string(requestId), "action": .string(actionName), "code": .string(code),
                "status": .stringConvertible(response.status), "method": .string(request.method),
            ]
        )
        return response
    }

    private func decodeParameters(_ request: RPCRequest) throws(APIError) -> RPCParameters {
        guard request.method == "GET" || request.method == "POST" else { throw .actionNotFound }
        var parameters = try RPCParameters(formEncoded: Substring(request.rawQuery), source: "query string")
        let contentType = request.headers["content-type"]?.lowercased() ?? ""
        if !request.body.isEmpty, contentType.hasPrefix("application/x-www-form-urlencoded") {
            guard let text = String(validating: request.body, as: UTF8.self) else {
                throw APIError(code: "InvalidParameter", status: 400, message: "The form body is not UTF-8 text.")
            }
            try parameters.append(formEncoded: Substring(text), source: "form body")
        }
        return parameters
    }

    private func run(_ action: any Action, input: ActionInput) async throws(APIError) -> APIObject {
        let operation: @Sendable () async throws(APIError) -> APIObject = { () async throws(APIError) -> APIObject in
            let object = try await action.handle(input)
            if input.dryRun { throw APIError.dryRunPassed }
            return object
        }
        guard let token = input.string("ClientToken"), !input.dryRun else { return try await operation() }
        guard token.count <= 64, token.allSatisfy(\.isASCII) else {
            throw .invalid("ClientToken", token, allowed: "at most 64 ASCII characters")
        }
        let key = [input.accessKeyId, action.product.version, action.name, token].joined(separator: "\u{0}")
        return try await idempotency.run(
            key: key,
            token: (token, action.product.version + "/" + action.name, input.accessKeyId),
            fingerprint: Self.fingerprint(input.parameters),
            operation: operation
        )
    }

    /// The operation parameters that define "the same request": all except signing and transport ones.
    static func fingerprint(_ parameters: RPCParameters) -> String {
        let ignored: Set<String> = [
            "Signature", "SignatureMethod", "SignatureVersion", "SignatureNonce", "SignatureType", "Timestamp",
            "AccessKeyId", "Format",
        ]
        return parameters.pairs.filter { !ignored.contains($0.name) }
            .map { "\($0.name)=\($0.value)" }.sorted().joined(separator: "&")
    }
}
