import Persistence
import PostgresTestSupport
import Testing

struct PostgresURLTests {
    @Test func parsesHostAndSocketForms() throws {
        let tcp = try PostgresURL(parsing: "postgres://meridian:p%40ss@db.internal:6543/cloud")
        #expect(tcp.username == "meridian" && tcp.password == "p@ss")
        #expect(tcp.host == "db.internal" && tcp.port == 6543 && tcp.database == "cloud")
        #expect(tcp.description == "postgres://meridian@db.internal:6543/cloud")

        let defaults = try PostgresURL(parsing: "postgresql://app@localhost")
        #expect(defaults.port == 5432 && defaults.database == "app" && defaults.password == nil)

        let socket = try PostgresURL(parsing: "postgres://meridian@/postgres?host=/tmp/pg&port=5433")
        #expect(socket.host == nil && socket.socketDirectory == "/tmp/pg" && socket.port == 5433)
        #expect(socket.description == "postgres://meridian@/postgres?host=/tmp/pg&port=5433")
    }

    @Test func rejectsMalformedURLsQuotingThemWithoutThePassword() {
        let cases: [(String, String)] = [
            ("mysql://u:secret@h/db", "the scheme must be postgres:// or postgresql://"),
            ("postgres://h/db", "it names no user"),
            ("postgres://u:secret@/db", "it names no host"),
            ("postgres://u:secret@h/db?sslmode=require", "sslmode=require is not supported"),
            ("postgres://u:secret@h/db?colour=blue", "unknown parameter 'colour'"),
            ("postgres://u@/db?host=relative", "host= must be an absolute socket directory"),
            ("postgres://u:secret@h:0/db", "port 0 is out of range"),
        ]
        for (text, reason) in cases {
            do {
                _ = try PostgresURL(parsing: text, source: "--postgres")
                Issue.record("'\(text)' was accepted")
            } catch {
                #expect(error.description.contains(reason), "\(error)")
                #expect(error.description.hasPrefix("--postgres '"))
                #expect(!error.description.contains("secret"), "\(error)")
            }
        }
    }

    @Test func aStoreOpensFromASocketURL() async throws {
        try await PostgresTestServer.withPrivateServer { server in
            let url = try PostgresURL(
                parsing: "postgres://\(PostgresTestServer.superuser)@/postgres?host=\(server.directory)"
            )
            let store = try await PostgresStore(configuration: url.configuration)
            #expect(try await store.latestChangeSequence() == 0)
            await store.close()
        }
    }
}
