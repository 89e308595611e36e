import Foundation
import Testing

/// The built `meridian` executable itself: exit statuses and where its output goes.
struct ExecutableTests {
    /// `.build/<config>/meridian`, next to the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("meridian")
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    @Test func exitStatusesOfTheRealBinary() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.executable.path),
            "build the executable first: swift build --build-tests")
        let reachable = try run(["ping", "examples/seed-004-vpn-hub.yaml", "Shanghai office", "Ningbo office"])
        #expect(reachable.status == 0)
        #expect(reachable.output == "Shanghai office (10.10.10.10) → Ningbo office (10.10.30.10): reachable both ways\n")
        #expect(reachable.error.isEmpty)

        let unreachable = try run(["ping", "Tests/MeridianCLITests/Fixtures/seed-002-without-step-5.yaml", "Office 1", "Office 3"])
        #expect(unreachable.status == 1)
        #expect(unreachable.output.hasPrefix("Office 1 (10.10.10.10) → Office 3 (10.20.10.10): not reachable: NO_ROUTE"))

        let badInput = try run(["check", "Tests/MeridianCLITests/Fixtures/bad-cidr.yaml"])
        #expect(badInput.status == 2)
        #expect(badInput.output.isEmpty)
        #expect(badInput.error.hasPrefix("Tests/MeridianCLITests/Fixtures/bad-cidr.yaml:14: vpcs[1].vswitches[0].cidr: "))

        let badArguments = try run(["matrix"])
        #expect(badArguments.status == 2)
        #expect(badArguments.error.hasPrefix("Error: Missing expected argument '<file>'"))
    }
}
