import ArgumentParser

/// The one executable: offline analysis of topology files, and `serve`, the cloud's API.
///
/// To add a command, write its type in its own file and list it in `subcommands` below.
@main
struct Meridian: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meridian",
        abstract: "A local, faithful implementation of a cloud's hybrid-network services.",
        discussion: """
            Exit status: 0 on success (for ping and matrix: everything reachable), 1 when something is not \
            reachable, 2 for bad input (arguments or topology file).
            """,
        subcommands: [
            Check.self,
            Routes.self,
            Ping.self,
            Trace.self,
            Matrix.self,
            ServeCommand.self,
            ApplyCommand.self,
            RemoteRoutes.self,
            RemotePing.self,
            RemoteTrace.self,
            Tunnel.self,
        ]
    )

    /// Runs the command line and exits with its status; `run(arguments:)` does the work, so tests can call it.
    static func main() async {
        let result = await run(arguments: Array(CommandLine.arguments.dropFirst()))
        if !result.standardOutput.isEmpty { writeStandardOutput(result.standardOutput) }
        if !result.standardError.isEmpty { writeStandardError(result.standardError) }
        terminate(result.status)
    }

    /// Parses and runs a command line, capturing what it prints.
    ///
    /// - Returns: the exit status (0 success, 1 not reachable, 2 bad input) and the text for stdout and stderr.
    static func run(arguments: [String]) async -> CommandResult {
        var output = CommandOutput()
        let command: any ParsableCommand
        do {
            command = try parseAsRoot(RemoteCommands.rewrite(arguments))
        } catch {
            return usageFailure(error)
        }
        guard let analysis = command as? any AnalysisCommand else {
            if !(command is Meridian) {
                // ArgumentParser's own commands (`help`, `--help`) report by throwing `CleanExit`.
                // Commands that are not analyses (long-running or async ones) print for themselves.
                do {
                    if var asyncCommand = command as? any AsyncParsableCommand {
                        try await asyncCommand.run()
                    } else {
                        var plainCommand = command
                        try plainCommand.run()
                    }
                    return CommandResult(status: 0, standardOutput: "", standardError: "")
                } catch let exit as ExitCode where exit != .success {
                    // A command that printed its own report and chose its status (apply, remote ping).
                    return CommandResult(status: exit.rawValue, standardOutput: "", standardError: "")
                } catch {
                    return usageFailure(error)
                }
            }
            // The root command itself, without a subcommand: say what is missing.
            return CommandResult(
                status: 2, standardOutput: "", standardError: "Error: missing a subcommand\n\n" + helpMessage() + "\n")
        }
        do {
            let status = try analysis.execute(into: &output)
            return CommandResult(status: status, standardOutput: output.text, standardError: output.errors)
        } catch let error as CLIError {
            return CommandResult(status: 2, standardOutput: output.text, standardError: output.errors + "error: \(error)\n")
        } catch {
            return usageFailure(error)
        }
    }

    private static func usageFailure(_ error: any Error) -> CommandResult {
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if code == .success {
            return CommandResult(status: 0, standardOutput: message + "\n", standardError: "")
        }
        return CommandResult(status: 2, standardOutput: "", standardError: message + "\n")
    }
}

/// What a command line printed and its exit status.
struct CommandResult: Equatable {
    var status: Int32
    var standardOutput: String
    var standardError: String
}
