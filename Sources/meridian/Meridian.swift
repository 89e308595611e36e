import ArgumentParser

/// The one Meridian executable.
@main
struct Meridian: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meridian",
        abstract: "A local, faithful implementation of a public cloud's hybrid-network services.",
        subcommands: [ServeCommand.self]
    )
}
