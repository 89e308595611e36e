import ArgumentParser
import CSystemShims
import CloudAPI
import ControlPlane
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOPosix
import Persistence
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `meridian serve`: the cloud's RPC API on a local address.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the cloud's RPC API (VPC 2016-04-28, CEN 2017-09-12) with both signature schemes.",
        discussion: """
            Without --access-key (or MERIDIAN_ACCESS_KEYS=ID:SECRET,...) the server creates one key pair on \
            first start, stores it next to the database and prints it. GET /health answers without a \
            signature; GET /metrics serves Prometheus metrics. SIGTERM or SIGINT stops the server gracefully.
            """
    )

    @Option(help: "Address to listen on (loopback unless told otherwise).")
    var host = "127.0.0.1"

    @Option(help: "TCP port to listen on.")
    var port = 8080

    @Option(help: "Database path; ':memory:' keeps everything in memory.")
    var db = "meridian.db"

    @Option(
        help: """
            What an answered change survives with --db FILE: 'process' (the server's crash, kill -9 included) or \
            'disk' (also the machine's crash or a power loss; an fsync per change).
            """
    )
    var durability: DurabilityOption = .process

    /// `--durability`'s values: those of `SQLiteStore.Durability`.
    enum DurabilityOption: String, ExpressibleByArgument, CaseIterable {
        case process, disk

        var store: SQLiteStore.Durability { self == .disk ? .disk : .process }
    }

    @Option(
        help: """
            PostgreSQL URL postgres://USER:PASSWORD@HOST:PORT/DB (or postgres://USER@/DB?host=/socket/dir) instead \
            of --db; several replicas may share one database.
            """
    )
    var postgres: String?

    @Option(name: .customLong("access-key"), help: "An access key pair ID:SECRET (repeatable).")
    var accessKeys: [String] = []

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(
        name: .customLong("quota"),
        help: "Raise or lower a quota, NAME=VALUE (repeatable), e.g. vpcs-per-region=1000."
    )
    var quotaSettings: [String] = []

    /// The quotas after `--quota` settings.
    func quotas() throws -> Quotas {
        var quotas = Quotas()
        for text in quotaSettings {
            do { try quotas.apply(setting: text, source: "--quota") } catch { throw ValidationError(error.description) }
        }
        return quotas
    }

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("Please give a --port from 0 to 65535 (got \(port)).")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "Please give a --log-level of trace, debug, info, notice, warning, error or critical (got '\(logLevel)')."
            )
        }
        if let postgres {
            do { _ = try PostgresURL(parsing: postgres, source: "--postgres") } catch {
                throw ValidationError(error.description)
            }
        }
        _ = try quotas()
        for key in accessKeys {
            do { _ = try AccessKey(parsing: key, source: "--access-key") } catch {
                throw ValidationError(error.description)
            }
        }
    }

    func run() async throws {
        Self.keepFreedMemoryInProcess()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, level: level) }
        let logger = Logger(label: "meridian.serve")
        let prometheus = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: prometheus))

        let resources = try await openStore()
        let keys = try await loadAccessKeys(store: resources, logger: logger)
        let controlPlane = try await ControlPlane(
            store: ResourceStoreStateStore(store: resources),
            quotas: quotas(),
            random: BufferedSystemRandom()
        )
        let follower = FollowChangesService(controlPlane: controlPlane, logger: logger)
        var registry = ActionRegistry()
        CloudActions.register(into: &registry, controlPlane: controlPlane)
        let service = RPCService(
            registry: registry,
            accessKeys: StaticAccessKeyStore(keys),
            idempotencyRecords: StoreIdempotencyRecords(resources),
            logger: Logger(label: "meridian.api")
        )
        let router = CloudAPIRouter.make(service: service, metrics: { prometheus.emitToString() })
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "meridian"),
            onServerRunning: { channel in
                logger.notice(
                    "listening",
                    metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")", "db": "\(storeName)"]
                )
            },
            logger: Logger(label: "meridian.http")
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [app, follower],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        // Requests are answered on the event loop that read them (see EventLoopTaskExecutor).
        try await withTaskExecutorPreference(EventLoopTaskExecutor(MultiThreadedEventLoopGroup.singleton)) {
            try await group.run()
        }
        if let store = resources as? PostgresStore { await store.close() }
    }

    /// glibc hands the free top of a thread's heap back to the kernel once it exceeds 128 KiB (`madvise`), and
    /// the next request faults the same pages in again (seen with `strace` and `perf stat` on the event loop's
    /// thread, about once per create), each `madvise` also flushing the other cores' TLBs. The server keeps up to
    /// 32 MiB of freed memory per heap instead (a fixed mmap threshold too, since setting the trim threshold turns
    /// glibc's adaptive one off).
    private static func keepFreedMemoryInProcess() {
        #if os(Linux)
        _ = mallopt(M_TRIM_THRESHOLD, 32 << 20)
        _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
        #endif
    }

    /// What the server stores in, for messages: the database path or the PostgreSQL URL without password.
    private var storeName: String {
        if let postgres, let url = try? PostgresURL(parsing: postgres) { return url.description }
        return db
    }

    /// The SQLite database, or the PostgreSQL database of `--postgres` (reached within 15 seconds).
    private func openStore() async throws -> any ResourceStore {
        guard let postgres else {
            return try SQLiteStore(
                path: db == ":memory:" ? SQLiteStore.inMemory : db,
                durability: durability.store,
                preallocatesLog: true
            )
        }
        let url: PostgresURL
        do { url = try PostgresURL(parsing: postgres, source: "--postgres") } catch {
            throw ValidationError(error.description)
        }
        let configuration = url.configuration
        // The first of "opened", "failed" and "15 seconds passed" answers; a connection attempt that
        // ignores cancellation cannot hold the command up.
        let outcome = OneShot<Result<PostgresStore, any Error>?>()
        let opening = Task {
            do {
                outcome.deliver(.success(try await PostgresStore(configuration: configuration)))
            } catch {
                outcome.deliver(.failure(error))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: .seconds(15))
            outcome.deliver(nil)
        }
        let result = await outcome.value
        timer.cancel()
        switch result {
        case .success(let store):
            return store
        case .failure(let error):
            throw ServeError(
                "cannot use the PostgreSQL database at \(url) (from --postgres): \(Self.describe(error)). "
                    + "Check that the server runs and that the URL's host, port, user, password and database are right."
            )
        case nil:
            opening.cancel()
            throw ServeError(
                "cannot reach the PostgreSQL server at \(url) (from --postgres) within 15 seconds. "
                    + "Check that the server runs and that the URL's host and port are right."
            )
        }
    }

    /// A driver error as one line: the store's message, or PostgresNIO's error with its server details.
    private static func describe(_ error: any Error) -> String {
        if let error = error as? StoreError { return error.description }
        return String(reflecting: error)
    }

    /// Keys from `--access-key` and `MERIDIAN_ACCESS_KEYS`; otherwise the keys kept in the database, one pair
    /// created (and printed) on first start.
    private func loadAccessKeys(store: any ResourceStore, logger: Logger) async throws -> [CloudAPI.AccessKey] {
        var keys: [CloudAPI.AccessKey] = []
        for text in accessKeys { keys.append(try CloudAPI.AccessKey(parsing: text, source: "--access-key")) }
        if let env = ProcessInfo.processInfo.environment["MERIDIAN_ACCESS_KEYS"], !env.isEmpty {
            for text in env.split(separator: ",") {
                do {
                    keys.append(try CloudAPI.AccessKey(parsing: String(text), source: "MERIDIAN_ACCESS_KEYS"))
                } catch {
                    throw ValidationError(error.description)
                }
            }
        }
        if !keys.isEmpty { return keys }

        let stored = try await store.accessKeys()
        if !stored.isEmpty {
            logger.notice("using stored access keys", metadata: ["db": "\(storeName)", "ids": "\(stored.map(\.id))"])
            return stored.map { CloudAPI.AccessKey(id: $0.id, secret: $0.secret) }
        }
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        func draw(_ count: Int) -> String {
            String((0..<count).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        let key = CloudAPI.AccessKey(id: "LTAI" + draw(20), secret: draw(30))
        try await store.createAccessKey(Persistence.AccessKey(id: key.id, secret: key.secret, createdAt: Date()))
        let notice = """
            Created access key pair (stored in \(postgres == nil && db == ":memory:" ? "memory only" : storeName)):
              AccessKeyId:     \(key.id)
              AccessKeySecret: \(key.secret)

            """
        FileHandle.standardOutput.write(Data(notice.utf8))
        return [key]
    }
}

/// `meridian serve` stopped before serving; the message says why and what to check.
struct ServeError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Applies other replicas' changes to this server's control plane as they are committed (see
/// `ControlPlane.followChanges`).
struct FollowChangesService: Service {
    let controlPlane: ControlPlane
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await controlPlane.followChanges(pollInterval: .seconds(1)) { error in
                logger.warning("cannot read other replicas' changes", metadata: ["error": "\(error)"])
            }
        }
    }
}

/// A value delivered once by whichever task comes first; later deliveries are ignored.
final class OneShot<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var delivered: Value?
    private var isDelivered = false
    private var waiter: CheckedContinuation<Value, Never>?

    func deliver(_ value: Value) {
        let continuation: CheckedContinuation<Value, Never>? = lock.withLock {
            guard !isDelivered else { return nil }
            isDelivered = true
            delivered = value
            defer { waiter = nil }
            return waiter
        }
        continuation?.resume(returning: value)
    }

    var value: Value {
        get async {
            await withCheckedContinuation { continuation in
                let ready: Value? = lock.withLock {
                    if isDelivered { return delivered }
                    waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
