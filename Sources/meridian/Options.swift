import ArgumentParser

/// The topology file and output format every analysis command takes.
struct TopologyOptions: ParsableArguments {
    @Argument(help: "The topology file (YAML, see docs/topology.md).")
    var file: String

    @Flag(name: .long, help: "Print JSON instead of tables.")
    var json = false
}
