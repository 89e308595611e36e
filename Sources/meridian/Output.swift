import ArgumentParser
import Foundation

/// Text a command prints, collected so tests can compare it exactly.
struct CommandOutput {
    private(set) var text = ""
    private(set) var errors = ""

    mutating func line(_ value: String = "") {
        text += value + "\n"
    }

    mutating func lines(_ values: [String]) {
        for value in values { line(value) }
    }

    mutating func error(_ value: String) {
        errors += value + "\n"
    }

    /// Pretty-printed JSON with sorted keys: the stable machine-readable form.
    mutating func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        line(String(decoding: data, as: UTF8.self))
    }
}

/// Bad input: a message for stderr and exit status 2.
struct CLIError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// A subcommand whose work is a function of its arguments that returns an exit status.
protocol AnalysisCommand: ParsableCommand {
    /// Does the command's work, writing to `output`.
    ///
    /// - Returns: the exit status: 0 success, 1 not reachable.
    /// - Throws: ``CLIError`` for bad input (exit status 2).
    func execute(into output: inout CommandOutput) throws -> Int32
}

func writeStandardOutput(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

func writeStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
}

/// Ends the process with a status (outside `Meridian`, whose `exit(withError:)` would shadow the C function).
func terminate(_ status: Int32) -> Never {
    exit(status)
}
