public import NetworkModel

/// Where a value of the model came from in the topology file.
public struct SourceLocation: Sendable, Hashable {
    public var line: Int?
    public var column: Int?
    /// The field path in the file, such as `vpcs[0].vswitches[1].cidr`.
    public var path: String

    public init(line: Int?, column: Int?, path: String) {
        self.line = line
        self.column = column
        self.path = path
    }
}

/// A loaded and validated topology file: the model, plus the names the file gave to each resource.
public struct TopologyDocument: Sendable {
    /// The file name as given.
    public var file: String
    /// The file's optional `name:`.
    public var title: String?
    /// The validated model.
    public var topology: Topology
    /// The name of every resource, by identifier text.
    public var names: [String: String]
    /// Model field paths (as ``NetworkModel/ValidationIssue`` prints them) → where they came from in the file.
    public var sourceLocations: [String: SourceLocation]

    /// The display name of a resource: its name from the file, or the identifier itself.
    public func name(of id: String) -> String {
        names[id] ?? id
    }

    /// Finds the site with a name or identifier.
    public func site(named text: String) -> Site? {
        topology.sites.values.first { $0.name == text || $0.id.rawValue == text }
    }

    /// Finds the instance with a name or identifier.
    public func instance(named text: String) -> Instance? {
        topology.instances.values.first { $0.name == text || $0.id.rawValue == text }
    }

    /// The file location of a model path: the longest recorded path that starts the given one.
    public func location(ofModelPath path: String) -> SourceLocation? {
        var candidate = path
        while true {
            if let location = sourceLocations[candidate] { return location }
            guard let cut = candidate.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            candidate = String(candidate[..<cut])
        }
    }
}
