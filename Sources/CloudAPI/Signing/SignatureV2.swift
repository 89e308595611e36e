import Crypto
import Foundation
import Synchronization

/// Signature V2 ("RPC 1.0", HMAC-SHA1) as the reference §1.3 describes it.
public enum SignatureV2 {
    /// The canonicalized query string: every parameter except `Signature`, names and values encoded with
    /// RFC 3986, sorted by encoded name, joined with `&`.
    public static func canonicalQuery(_ parameters: RPCParameters) -> String {
        canonicalPairs(parameters).map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// `METHOD&%2F&percentEncode(canonicalQuery)`.
    public static func stringToSign(method: String, parameters: RPCParameters) -> String {
        String(decoding: stringToSignBytes(method: method, parameters: parameters), as: UTF8.self)
    }

    /// `Base64(HMAC-SHA1(secret + "&", stringToSign))`.
    public static func signature(stringToSign: String, secret: String) -> String {
        signature(stringToSign: Array(stringToSign.utf8), key: SigningKey(secret: secret))
    }

    /// The signature of a request's parameters with `key` (the server's check: no intermediate strings).
    package static func signature(stringToSign: [UInt8], key: SigningKey) -> String {
        var mac = key.initial
        mac.update(data: stringToSign)
        return Data(mac.finalize()).base64EncodedString()
    }

    /// The string to sign as UTF-8 bytes, written in one pass: the canonical query is percent-encoded a second
    /// time as it is written, rather than built as a string and encoded again.
    package static func stringToSignBytes(method: String, parameters: RPCParameters) -> [UInt8] {
        let pairs = canonicalPairs(parameters)
        var output: [UInt8] = []
        output.reserveCapacity(
            method.utf8.count + 5 + pairs.reduce(0) { $0 + 2 * ($1.name.utf8.count + $1.value.utf8.count) + 6 }
        )
        output.append(contentsOf: method.utf8)
        output.append(contentsOf: "&%2F&".utf8)
        for (index, pair) in pairs.enumerated() {
            if index > 0 { output.append(contentsOf: "%26".utf8) }  // "&"
            PercentEncoding.appendEncoded(pair.name, to: &output)
            output.append(contentsOf: "%3D".utf8)  // "="
            PercentEncoding.appendEncoded(pair.value, to: &output)
        }
        return output
    }

    /// Every parameter except `Signature`, encoded, sorted by encoded name (then value) as bytes.
    private static func canonicalPairs(_ parameters: RPCParameters) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        pairs.reserveCapacity(parameters.pairs.count)
        for pair in parameters.pairs where pair.name != "Signature" {
            pairs.append((PercentEncoding.encode(pair.name), PercentEncoding.encode(pair.value)))
        }
        // Encoded text is ASCII, where String's `<` is byte order (and takes its memcmp fast path).
        pairs.sort { $0.name != $1.name ? $0.name < $1.name : $0.value < $1.value }
        return pairs
    }

    /// The HMAC-SHA1 key of one access key secret (`secret + "&"`), ready to sign with.
    package struct SigningKey: Sendable {
        /// The MAC state after the key: each signature copies it (HMAC is a value) and goes on from there.
        let initial: HMAC<Insecure.SHA1>

        package init(secret: String) {
            initial = HMAC(key: SymmetricKey(data: Data((secret + "&").utf8)))
        }
    }

    /// Signing keys by secret, kept between requests: making the key costs more than signing a request with it.
    /// Keyed by the secret itself, so a rotated or deleted key is never served from here.
    package final class SigningKeys: Sendable {
        private let keys = Mutex<[String: SigningKey]>([:])
        /// Most secrets kept; the cache starts over beyond it (a server has a handful of keys).
        private let limit: Int

        package init(limit: Int = 64) {
            self.limit = limit
        }

        package func key(for secret: String) -> SigningKey {
            if let key = keys.withLock({ $0[secret] }) { return key }
            let key = SigningKey(secret: secret)
            keys.withLock { keys in
                if keys.count >= limit { keys.removeAll(keepingCapacity: true) }
                keys[secret] = key
            }
            return key
        }
    }
}
