import CloudAPI
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Calls a running `meridian serve` (or the cloud) with signature V2 requests, as the SDKs do.
struct APIClient: Sendable {
    let server: URL
    let key: AccessKey

    /// Where a server URL and an access key came from, for `--server URL --access-key ID:SECRET` options.
    init(server text: String, accessKey: String?) throws {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw CLIError("--server '\(text)' is not an http:// or https:// URL (for example http://127.0.0.1:8080)")
        }
        server = url
        guard let text = accessKey ?? ProcessInfo.processInfo.environment["MERIDIAN_ACCESS_KEY"] else {
            throw CLIError(
                "no access key: give --access-key ID:SECRET or set MERIDIAN_ACCESS_KEY (meridian serve prints its key on first start)"
            )
        }
        do {
            key = try AccessKey(parsing: text, source: accessKey == nil ? "MERIDIAN_ACCESS_KEY" : "--access-key")
        } catch {
            throw CLIError(error.description)
        }
    }

    /// A failed call: the API's error code and message, or why the server could not be asked.
    struct CallError: Error, CustomStringConvertible {
        var action: String
        var code: String
        var message: String
        var description: String { "\(action) failed: \(code): \(message)" }
    }

    /// Sends `action` of `version` with `parameters` and returns the JSON response body.
    func call(_ action: String, version: String, _ parameters: [(String, String)]) async throws -> [String: Any] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        var all = RPCParameters(parameters.map { (name: $0.0, value: $0.1) })
        for (name, value) in [
            ("Action", action), ("Version", version), ("Format", "JSON"), ("AccessKeyId", key.id),
            ("SignatureMethod", "HMAC-SHA1"), ("SignatureVersion", "1.0"), ("SignatureNonce", UUID().uuidString),
            ("Timestamp", formatter.string(from: Date())),
        ] { all.append(name: name, value: value) }
        let signature = SignatureV2.signature(
            stringToSign: SignatureV2.stringToSign(method: "POST", parameters: all),
            secret: key.secret
        )
        all.append(name: "Signature", value: signature)
        let body = all.pairs.map { "\(PercentEncoding.encode($0.name))=\(PercentEncoding.encode($0.value))" }
            .joined(separator: "&")
        var request = URLRequest(url: server.appendingPathComponent("/"))
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        request.timeoutInterval = 30
        let data: Data
        do {
            (data, _) = try await URLSession.shared.data(for: request)
        } catch {
            throw CallError(
                action: action,
                code: "ServerUnreachable",
                message: "cannot reach \(server.absoluteString): \(error.localizedDescription)"
            )
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CallError(
                action: action,
                code: "InvalidResponse",
                message: "\(server.absoluteString) answered with something else than JSON: '\(String(decoding: data.prefix(80), as: UTF8.self))'"
            )
        }
        if let code = object["Code"] as? String, object["Message"] != nil, object["RequestId"] != nil {
            throw CallError(action: action, code: code, message: object["Message"] as? String ?? "")
        }
        return object
    }

    /// A required string field of a response.
    static func field(_ object: [String: Any], _ name: String, of action: String) throws -> String {
        guard let value = object[name] as? String, !value.isEmpty else {
            throw CallError(action: action, code: "InvalidResponse", message: "the response has no \(name)")
        }
        return value
    }
}
