import Crypto
import Foundation

/// Signature V2 ("RPC 1.0", HMAC-SHA1) as the reference §1.3 describes it.
public enum SignatureV2 {
    /// The canonicalized query string: every parameter except `Signature`, names and values encoded with
    /// RFC 3986, sorted by encoded name, joined with `&`.
    public static func canonicalQuery(_ parameters: RPCParameters) -> String {
        parameters.pairs
            .filter { $0.name != "Signature" }
            .map { (PercentEncoding.encode($0.name), PercentEncoding.encode($0.value)) }
            .sorted {
                $0.0.utf8.lexicographicallyPrecedes($1.0.utf8)
                    || ($0.0 == $1.0 && $0.1.utf8.lexicographicallyPrecedes($1.1.utf8))
            }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// `METHOD&%2F&percentEncode(canonicalQuery)`.
    public static func stringToSign(method: String, parameters: RPCParameters) -> String {
        "\(method)&\(PercentEncoding.encode("/"))&\(PercentEncoding.encode(canonicalQuery(parameters)))"
    }

    /// `Base64(HMAC-SHA1(secret + "&", stringToSign))`.
    public static func signature(stringToSign: String, secret: String) -> String {
        let key = SymmetricKey(data: Data((secret + "&").utf8))
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(stringToSign.utf8), using: key)
        return Data(mac).base64EncodedString()
    }
}
