import ArgumentParser
import Foundation
import IPAddressing
import NetworkModel
import Reachability
import RouteEngine
import TopologyFile

/// The topology file and output format every analysis command takes.
struct TopologyOptions: ParsableArguments {
    @Argument(help: "The topology file (YAML, see docs/topology.md).")
    var file: String

    @Flag(name: .long, help: "Print JSON instead of tables.")
    var json = false
}
