import Foundation
import Persistence
import PostgresTestSupport
import PostgresNIO
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Acknowledged writes survive `kill -9`: `persistence-probe` commits and acknowledges records one by one,
/// the test kills it (or the database server) with SIGKILL at a random point, and then checks that every
/// acknowledged commit is there in full, and that the one in flight is there in full or not at all.
struct DurabilityTests {
    /// The probe executable, built next to this test bundle.
    static var probePath: String {
        if let path = ProcessInfo.processInfo.environment["MERIDIAN_PERSISTENCE_PROBE"] { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("persistence-probe").path
    }

    /// Runs the probe, kills it with SIGKILL after `killAfter` acknowledgements (or runs `crash` then), and
    /// returns the highest acknowledged commit.
    static func runProbe(
        _ arguments: [String],
        killAfter: Int,
        crash: (@Sendable () -> Void)? = nil
    ) async throws -> Int {
        let path = probePath
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw PostgresTestServer.SetupError(
                description: "persistence-probe not found at \(path): build the tests with `swift build --build-tests` "
                    + "(the test target depends on it) or set MERIDIAN_PERSISTENCE_PROBE"
            )
        }
        return try await onOwnThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            var text = ""
            var acknowledged = 0
            var killed = false
            let reader = output.fileHandleForReading
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
                let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
                acknowledged = lines.compactMap { $0.hasPrefix("ack ") ? Int($0.dropFirst(4)) : nil }.max() ?? 0
                if !killed && acknowledged >= killAfter {
                    killed = true
                    if let crash { crash() } else { kill(process.processIdentifier, SIGKILL) }
                    if crash != nil { kill(process.processIdentifier, SIGKILL) }
                }
            }
            process.waitUntilExit()
            // Lines written before the kill are still read above: every "ack" counts.
            let final = text.split(separator: "\n").compactMap { $0.hasPrefix("ack ") ? Int($0.dropFirst(4)) : nil }
            #expect(final == Array(1...(final.last ?? 0)), "acks out of order: \(final.suffix(5))")
            return final.max() ?? 0
        }
    }

    /// Checks that commits 1...acknowledged are complete and the next one is complete or absent.
    static func verify(_ store: any ResourceStore, acknowledged: Int) async throws {
        #expect(acknowledged > 0)
        var missing: [Int] = []
        for n in 1...acknowledged + 1 {
            let probe = try await store.get(kind: "Probe", id: "probe-\(n)")
            let twin = try await store.get(kind: "ProbeTwin", id: "twin-\(n)")
            let token = try await store.idempotencyRecord(clientToken: "token-\(n)", action: "Probe", caller: "probe")
            let parts = [probe != nil, twin != nil, token != nil]
            if n <= acknowledged {
                if parts != [true, true, true] { missing.append(n) }
                #expect(fields(of: probe)["n"] as? Int == n)
            } else {
                #expect(
                    parts == [true, true, true] || parts == [false, false, false],
                    "commit \(n) half written: \(parts)"
                )
            }
        }
        #expect(missing.isEmpty, "acknowledged commits missing after kill -9: \(missing.prefix(10))")
        let extra = try await store.get(kind: "Probe", id: "probe-\(acknowledged + 2)")
        #expect(extra == nil)
    }

    static func randomKillPoint() -> Int {
        let point = Int.random(in: 20...150)
        print("killing after \(point) acknowledged commits")
        return point
    }

    /// Also with the write-ahead log written out to its full size with zeros first (as `meridian serve` does): the
    /// zeros after the last commit's frames must not be read as frames when the killed writer's log is recovered.
    @Test(arguments: ["sqlite", "sqlite-preallocated"])
    func sqliteKeepsEveryAcknowledgedCommitAfterKill9(mode: String) async throws {
        let directory = try TemporaryDirectory(prefix: "meridian-durability")
        defer { directory.remove() }
        let path = directory.path + "/meridian.db"
        let acknowledged = try await Self.runProbe([mode, path, "100000"], killAfter: Self.randomKillPoint())
        if mode == "sqlite-preallocated" {
            let full = SQLiteStore.logBytesBeforeCheckpoint(pageSize: 4096)
            #expect(try fileSize(path + "-wal") == full, "the killed writer's log")
        }
        let store = try SQLiteStore(path: path)
        try await Self.verify(store, acknowledged: acknowledged)
    }

    @Test func postgresKeepsEveryAcknowledgedCommitAfterTheWriterIsKilled() async throws {
        try await PostgresTestServer.withDatabase { configuration in
            // Migrate first, so the probe starts writing at once.
            let store = try await PostgresStore(configuration: configuration)
            do {
                let acknowledged = try await Self.runProbe(
                    [
                        "postgres", configuration.unixSocketPath!, configuration.database!, configuration.username,
                        "100000",
                    ],
                    killAfter: Self.randomKillPoint()
                )
                try await Self.verify(store, acknowledged: acknowledged)
                await store.close()
            } catch {
                await store.close()
                throw error
            }
        }
    }

    @Test func postgresKeepsEveryAcknowledgedCommitAfterTheServerIsKilled() async throws {
        try await PostgresTestServer.withPrivateServer { server in
            try await server.execute("CREATE DATABASE durability", database: "postgres")
            let configuration = server.configuration(database: "durability")
            let migrating = try await PostgresStore(configuration: configuration)
            await migrating.close()
            let acknowledged = try await Self.runProbe(
                ["postgres", server.socketPath, "durability", PostgresTestServer.superuser, "100000"],
                killAfter: Self.randomKillPoint(),
                crash: { server.crash() }
            )
            // The restarted server replays its write-ahead log.
            let restarted = try await onOwnThread { try server.restarted() }
            let store = try await PostgresStore(configuration: restarted.configuration(database: "durability"))
            do {
                try await Self.verify(store, acknowledged: acknowledged)
                await store.close()
            } catch {
                await store.close()
                throw error
            }
            try? await onOwnThread { restarted.stop() }
        }
    }
}
