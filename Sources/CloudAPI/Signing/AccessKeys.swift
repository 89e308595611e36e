/// One access key pair: the id callers send and the secret both sides sign with.
public struct AccessKey: Sendable, Hashable, Codable {
    public var id: String
    public var secret: String

    public init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// Parses `ID:SECRET` (the `--access-key` option and `MERIDIAN_ACCESS_KEYS`).
    ///
    /// - Throws: a message that quotes the value and says where it came from.
    public init(parsing text: String, source: String) throws(AccessKeyParseError) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw AccessKeyParseError(
                message: "invalid access key '\(text)' in \(source): expected ID:SECRET with both parts non-empty"
            )
        }
        guard parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
        else {
            throw AccessKeyParseError(
                message: "invalid access key id '\(parts[0])' in \(source): allowed characters are A-Z a-z 0-9 - _ ."
            )
        }
        self.init(id: String(parts[0]), secret: String(parts[1]))
    }
}

/// A bad `ID:SECRET` value.
public struct AccessKeyParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Where the server looks up secrets by access key id.
public protocol AccessKeyStore: Sendable {
    /// The secret of `id`, or `nil` if the key is unknown.
    func secret(for id: String) async -> String?
}

/// A fixed set of keys held in memory.
public struct StaticAccessKeyStore: AccessKeyStore {
    private let secrets: [String: String]

    public init(_ keys: [AccessKey]) {
        secrets = Dictionary(keys.map { ($0.id, $0.secret) }, uniquingKeysWith: { first, _ in first })
    }

    public func secret(for id: String) async -> String? { secrets[id] }
}
