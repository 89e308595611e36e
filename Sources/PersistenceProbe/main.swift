// persistence-probe: a test helper, not part of the product.
//
// Writes records one commit at a time and prints "ack N" on stdout after commit N returned, so a test can
// kill -9 this process at any moment and check that every acknowledged write survived.
//
//   persistence-probe sqlite PATH COUNT
//   persistence-probe sqlite-preallocated PATH COUNT
//     (the write-ahead log written out to its full size first, as `meridian serve` does)
//   persistence-probe postgres SOCKET_PATH DATABASE USER COUNT
//
// Commit N creates `Probe` "probe-N" and `ProbeTwin` "twin-N" with idempotency record "token-N", so the
// test also checks that a commit cut short by the kill left all three or none.
import Foundation
import Persistence
import PostgresNIO

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("persistence-probe: \(message)\n".utf8))
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
let store: any ResourceStore
let count: Int
switch arguments.first {
case "sqlite" where arguments.count == 3, "sqlite-preallocated" where arguments.count == 3:
    guard let n = Int(arguments[2]), n > 0 else { fail("COUNT '\(arguments[2])' is not a positive integer") }
    count = n
    do {
        store = try SQLiteStore(path: arguments[1], preallocatesLog: arguments[0] == "sqlite-preallocated")
    } catch {
        fail("\(error)")
    }
case "postgres" where arguments.count == 5:
    guard let n = Int(arguments[4]), n > 0 else { fail("COUNT '\(arguments[4])' is not a positive integer") }
    count = n
    do {
        store = try await PostgresStore(
            configuration: PostgresClient.Configuration(
                unixSocketPath: arguments[1],
                username: arguments[3],
                password: nil,
                database: arguments[2]
            )
        )
    } catch {
        fail("\(error)")
    }
default:
    fail(
        "usage: persistence-probe sqlite|sqlite-preallocated PATH COUNT | "
            + "persistence-probe postgres SOCKET_PATH DATABASE USER COUNT (got \(arguments))"
    )
}

/// Writes a line with one write(2): nothing is buffered in this process when it is killed.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data("\(line)\n".utf8))
}

say("ready")
for n in 1...count {
    let now = Date()
    let payload = String(repeating: "x", count: 512)
    let batch = WriteBatch(
        [
            .create(
                kind: "Probe",
                id: "probe-\(n)",
                regionID: "probe",
                document: Data("{\"n\":\(n),\"p\":\"\(payload)\"}".utf8)
            ),
            .create(kind: "ProbeTwin", id: "twin-\(n)", regionID: "probe", document: Data("{\"n\":\(n)}".utf8)),
        ],
        idempotency: IdempotencyRecord(
            clientToken: "token-\(n)",
            action: "Probe",
            caller: "probe",
            resourceID: "probe-\(n)",
            response: Data("\(n)".utf8),
            createdAt: now,
            expiresAt: now + 3600
        )
    )
    do {
        try await store.commit(batch)
    } catch {
        fail("commit \(n) failed: \(error)")
    }
    say("ack \(n)")
}
say("done")
