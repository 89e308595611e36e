public import Foundation
public import PostgresNIO

/// Where a ``PostgresStore`` connects, parsed from a connection URL as `meridian serve --postgres` takes it.
///
/// Accepted forms (libpq's URL syntax, the parts Meridian supports):
///
/// - `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (also `postgresql://`); port 5432 and database = user
///   when left out;
/// - `postgres://USER@/DATABASE?host=/run/postgresql`: a Unix socket in that directory
///   (`/run/postgresql/.s.PGSQL.5432`).
///
/// `sslmode=disable` (the default here) is the only TLS mode: this build does not link a TLS stack for
/// PostgreSQL, so `require` and stronger modes are refused rather than silently ignored.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible {
    public var username: String
    public var password: String?
    /// The TCP host, or `nil` for a Unix socket.
    public var host: String?
    public var port: Int
    /// The directory holding the server's Unix socket, when connecting through one.
    public var socketDirectory: String?
    public var database: String

    /// Parses `text`; `source` names where it came from (for example `--postgres`) in errors.
    ///
    /// - Throws: ``StoreError/invalidArgument(_:)`` quoting the URL without its password.
    public init(parsing text: String, source: String = "the PostgreSQL URL") throws(StoreError) {
        let shown = Self.redact(text)
        func problem(_ why: String) -> StoreError {
            .invalidArgument(
                "\(source) '\(shown)' is not a PostgreSQL URL: \(why) "
                    + "(expected postgres://USER:PASSWORD@HOST:PORT/DATABASE or postgres://USER@/DATABASE?host=/socket/dir)"
            )
        }
        guard let components = URLComponents(string: text) else { throw problem("it cannot be parsed as a URL") }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw problem("the scheme must be postgres:// or postgresql://")
        }
        guard let user = components.user, !user.isEmpty else { throw problem("it names no user") }
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        var socket: String?
        var queryPort: Int?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "host":
                guard let value = item.value, value.hasPrefix("/") else {
                    throw problem("host= must be an absolute socket directory, got '\(item.value ?? "")'")
                }
                socket = value
            case "sslmode":
                guard item.value == "disable" else {
                    throw problem(
                        "sslmode=\(item.value ?? "") is not supported: this build connects without TLS (use sslmode=disable, "
                            + "or a Unix socket, or a TLS proxy)"
                    )
                }
            case "port":
                guard let value = item.value.flatMap(Int.init) else {
                    throw problem("port= must be a number, got '\(item.value ?? "")'")
                }
                queryPort = value
            case "application_name", "connect_timeout":
                continue
            default:
                throw problem("unknown parameter '\(item.name)' (supported: host, port, sslmode=disable)")
            }
        }
        let hostPart = components.host.flatMap { $0.isEmpty ? nil : $0 }
        if hostPart != nil && socket != nil {
            throw problem("give either a host or ?host=/socket/dir, not both")
        }
        guard hostPart != nil || socket != nil else { throw problem("it names no host") }
        host = hostPart
        socketDirectory = socket
        port = components.port ?? queryPort ?? 5432
        guard (1...65535).contains(port) else { throw problem("port \(port) is out of range 1...65535") }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.contains("/") else { throw problem("the database name '\(path)' contains '/'") }
        database = path.isEmpty ? username : (path.removingPercentEncoding ?? path)
    }

    /// The URL without its password (safe to print and log).
    public var description: String {
        var text = "postgres://\(username)@\(host.map { "\($0):\(port)" } ?? "")/\(database)"
        if let socketDirectory { text += "?host=\(socketDirectory)" + (port == 5432 ? "" : "&port=\(port)") }
        return text
    }

    /// The driver's configuration (TLS disabled; see the type's documentation).
    public var configuration: PostgresClient.Configuration {
        if let socketDirectory {
            return PostgresClient.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)",
                username: username,
                password: password,
                database: database
            )
        }
        return PostgresClient.Configuration(
            host: host ?? "localhost",
            port: port,
            username: username,
            password: password,
            database: database,
            tls: .disable
        )
    }

    /// `text` with the password of its user-info part replaced by `***`.
    public static func redact(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else {
            return text
        }
        let userInfo = text[scheme.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
