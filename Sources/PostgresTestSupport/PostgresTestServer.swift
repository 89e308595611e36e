public import Foundation
import Logging
public import PostgresNIO

#if canImport(Glibc)
import Glibc
#endif

/// A real PostgreSQL server for the tests (a test-support target: PersistenceTests, ControlPlaneTests,
/// CloudAPITests and MeridianCLITests use it), in a temporary directory.
///
/// Debian's binaries run a fresh cluster as an unprivileged user (PostgreSQL refuses root), reachable only
/// through a Unix socket in that directory. It is stopped by PID, and its directory removed, when the last
/// test using it is done. Without the server binaries the tests that need it fail and say how to get them:
/// run `scripts/test.sh`.
public final class PostgresTestServer: Sendable {
    public static let binDirectory = ProcessInfo.processInfo.environment["MERIDIAN_PG_BIN"] ?? "/usr/lib/postgresql/15/bin"
    public static let superuser = "meridian"
    public static let port = 5432

    public let directory: String
    public let pid: pid_t

    public var socketPath: String { "\(directory)/.s.PGSQL.\(Self.port)" }
    public var dataDirectory: String { "\(directory)/data" }

    public func configuration(database: String) -> PostgresClient.Configuration {
        PostgresClient.Configuration(
            unixSocketPath: socketPath,
            username: Self.superuser,
            password: nil,
            database: database
        )
    }

    // MARK: Shared instance

    private static let shared = SharedServer()

    /// Runs `body` with the configuration of a new, empty database on the shared server.
    public static func withDatabase<T: Sendable>(_ body: (PostgresClient.Configuration) async throws -> T) async throws -> T {
        let server = try await shared.acquire()
        do {
            let name = "test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
            try await server.execute("CREATE DATABASE \(name)", database: "postgres")
            let result = try await body(server.configuration(database: name))
            try? await server.execute("DROP DATABASE \(name) WITH (FORCE)", database: "postgres")
            await shared.release()
            return result
        } catch {
            await shared.release()
            throw error
        }
    }

    /// Runs `body` with a server of its own (for tests that kill it), stopped afterwards, also on failure.
    public static func withPrivateServer<T: Sendable>(_ body: (PostgresTestServer) async throws -> T) async throws -> T {
        let server = try await onOwnThread { try PostgresTestServer.start() }
        do {
            let result = try await body(server)
            try? await onOwnThread { server.stop() }
            return result
        } catch {
            try? await onOwnThread { server.stop() }
            throw error
        }
    }

    /// Starts the server on first use and stops it when the last user releases it.
    private actor SharedServer {
        private var starting: Task<PostgresTestServer, any Error>?
        private var users = 0

        func acquire() async throws -> PostgresTestServer {
            users += 1
            if starting == nil {
                starting = Task { try await onOwnThread { try PostgresTestServer.start() } }
            }
            do {
                return try await starting!.value
            } catch {
                await release()
                throw error
            }
        }

        func release() async {
            users -= 1
            guard users == 0, let task = starting else { return }
            starting = nil
            if let server = try? await task.value { try? await onOwnThread { server.stop() } }
        }
    }

    // MARK: Starting and stopping

    private init(directory: String, pid: pid_t) {
        self.directory = directory
        self.pid = pid
    }

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// The user the server runs as: the current one, or `nobody` when the tests run as root.
    private static var runAsUser: String? { getuid() == 0 ? "nobody" : nil }

    public static func start(binDirectory: String = PostgresTestServer.binDirectory) throws -> PostgresTestServer {
        let postgres = "\(binDirectory)/postgres"
        guard FileManager.default.isExecutableFile(atPath: postgres) else {
            throw SetupError(
                description: "PostgreSQL server binaries not found at \(binDirectory) (no '\(postgres)'): "
                    + "run scripts/test.sh, which installs Debian's 'postgresql' package, "
                    + "or set MERIDIAN_PG_BIN to the directory holding initdb, pg_ctl and postgres"
            )
        }
        var template = Array("/tmp/meridian-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SetupError(description: "mkdtemp failed: errno \(errno)") }
        let directory = String(cString: made)
        do {
            if let user = runAsUser {
                guard let entry = getpwnam(user) else {
                    throw SetupError(description: "no user '\(user)' on this machine")
                }
                guard chown(directory, entry.pointee.pw_uid, entry.pointee.pw_gid) == 0 else {
                    throw SetupError(description: "chown \(directory) to \(user) failed: errno \(errno)")
                }
            }
            try run(
                "\(binDirectory)/initdb",
                ["-D", "\(directory)/data", "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]
            )
            try run(
                "\(binDirectory)/pg_ctl",
                [
                    "-D", "\(directory)/data", "-l", "\(directory)/server.log", "-w", "-t", "60",
                    "-o", "-k \(directory) -c listen_addresses='' -p \(port)", "start",
                ]
            )
            let pidFile = try String(contentsOfFile: "\(directory)/data/postmaster.pid", encoding: .utf8)
            guard let first = pidFile.split(separator: "\n").first, let pid = pid_t(first) else {
                throw SetupError(description: "unreadable postmaster.pid in \(directory)/data: '\(pidFile.prefix(40))'")
            }
            return PostgresTestServer(directory: directory, pid: pid)
        } catch {
            let log = (try? String(contentsOfFile: "\(directory)/server.log", encoding: .utf8)) ?? ""
            if let pidFile = try? String(contentsOfFile: "\(directory)/data/postmaster.pid", encoding: .utf8),
                let first = pidFile.split(separator: "\n").first, let pid = pid_t(first)
            {
                Self.terminate(pid)
            }
            try? FileManager.default.removeItem(atPath: directory)
            throw SetupError(description: "\(error)\(log.isEmpty ? "" : "\nserver log:\n\(log)")")
        }
    }

    /// Stops the server (fast shutdown, then SIGKILL after 10 s) and removes its directory.
    public func stop() {
        Self.terminate(pid)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Kills the postmaster with SIGKILL, as a crash would, and waits until it is gone; the cluster stays.
    public func crash() {
        kill(pid, SIGKILL)
        Self.waitForExit(pid, seconds: 10)
        // Its backends notice the postmaster is gone and exit; wait for the socket's lock file to be released.
        Thread.sleep(forTimeInterval: 0.5)
    }

    /// Starts the server again on the same cluster (after ``crash()``); PostgreSQL replays its WAL.
    public func restarted() throws -> PostgresTestServer {
        try? FileManager.default.removeItem(atPath: "\(directory)/.s.PGSQL.\(Self.port).lock")
        try Self.run(
            "\(Self.binDirectory)/pg_ctl",
            [
                "-D", dataDirectory, "-l", "\(directory)/server.log", "-w", "-t", "60",
                "-o", "-k \(directory) -c listen_addresses='' -p \(Self.port)", "start",
            ]
        )
        let pidFile = try String(contentsOfFile: "\(dataDirectory)/postmaster.pid", encoding: .utf8)
        guard let first = pidFile.split(separator: "\n").first, let pid = pid_t(first) else {
            throw SetupError(description: "unreadable postmaster.pid after restart")
        }
        return PostgresTestServer(directory: directory, pid: pid)
    }

    private static func terminate(_ pid: pid_t) {
        guard kill(pid, SIGINT) == 0 else { return }
        if !waitForExit(pid, seconds: 10) {
            kill(pid, SIGKILL)
            waitForExit(pid, seconds: 5)
        }
    }

    @discardableResult
    private static func waitForExit(_ pid: pid_t, seconds: Double) -> Bool {
        let deadline = Date() + seconds
        while Date() < deadline {
            if kill(pid, 0) != 0 && errno == ESRCH { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Runs a PostgreSQL tool as the server's user and fails with its output if it fails.
    ///
    /// Uses posix_spawn and waitpid rather than Foundation's Process: pg_ctl leaves the server running with
    /// inherited descriptors, and Process would wait for those to close before noticing that pg_ctl exited.
    private static func run(_ tool: String, _ arguments: [String]) throws {
        var argv: [String]
        if let user = runAsUser {
            let runuser = ["/usr/sbin/runuser", "/sbin/runuser"].first {
                FileManager.default.isExecutableFile(atPath: $0)
            }
            guard let runuser else {
                throw SetupError(description: "runuser not found (needed to run PostgreSQL as '\(user)')")
            }
            argv = [runuser, "-u", user, "--", tool] + arguments
        } else {
            argv = [tool] + arguments
        }
        let outputPath = "/tmp/meridian-pg-tool-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw SetupError(description: "cannot start \(argv[0]): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard exited && code == 0 else {
            throw SetupError(
                description: "\((tool as NSString).lastPathComponent) \(arguments.joined(separator: " ")) "
                    + "failed (wait status \(status)):\n\(text)"
            )
        }
    }

    /// Runs one SQL statement on `database` as the superuser.
    public func execute(_ sql: String, database: String) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                unixSocketPath: socketPath,
                username: Self.superuser,
                password: nil,
                database: database
            ),
            id: 1,
            logger: Logger(label: "meridian.tests.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "meridian.tests.postgres"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// Runs blocking work (waiting for processes, sleeping) on a thread of its own, so it never holds one of
/// the few threads Swift concurrency's cooperative pool has.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.start()
    }
}
