/// One problem in a topology file: where it is (file, line, field) and what is wrong.
///
/// Printed the way compilers print errors, so editors can jump to it:
/// `examples/x.yaml:14: vpcs[1].vswitches[0].cidr: invalid CIDR block '10.0.0.0/33': …`.
public struct TopologyDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// The file name as the user gave it.
    public var file: String
    /// The 1-based line of the offending value, `nil` when the problem concerns the file as a whole.
    public var line: Int?
    /// The 1-based column of the offending value.
    public var column: Int?
    /// The field path inside the file, such as `vpcs[1].vswitches[0].cidr`; empty for the whole document.
    public var path: String
    /// What is wrong, quoting the value and saying what is allowed.
    public var message: String

    public init(file: String, line: Int?, column: Int? = nil, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if !path.isEmpty { text += "\(path): " }
        return text + message
    }
}

/// Every problem found in a topology file; nothing is loaded when there is one.
public struct TopologyFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, in file order.
    public var diagnostics: [TopologyDiagnostic]

    public init(diagnostics: [TopologyDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// One line per problem.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
