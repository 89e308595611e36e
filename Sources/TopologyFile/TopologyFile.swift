import Foundation
import NetworkModel

/// Reads topology files: YAML that a person writes, with resources referenced by name (see docs/topology.md).
///
/// Every problem is reported at once, each with the file, the line and the field path:
/// `examples/x.yaml:14: vpcs[1].vswitches[0].cidr: invalid CIDR block '10.0.0.0/33': …`. That covers malformed
/// YAML, unknown keys, wrong types, unknown names and everything ``NetworkModel/Topology/validate()`` finds.
public enum TopologyFile {
    /// The largest file read, in bytes; topology files are written by hand and are far smaller.
    public static let maximumSize = 8 << 20

    /// Reads and validates the topology file at `path`.
    ///
    /// - Parameter path: The file's path; diagnostics quote it as given.
    /// - Returns: The validated topology with the names the file gave to each resource.
    /// - Throws: ``TopologyFileError`` with every problem.
    public static func load(path: String) throws(TopologyFileError) -> TopologyDocument {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let type = attributes[.type] as? FileAttributeType, type == .typeDirectory {
                throw TopologyFileError(diagnostics: [
                    TopologyDiagnostic(file: path, line: nil, path: "", message: "is a directory, not a topology file")
                ])
            }
            if let size = attributes[.size] as? Int, size > maximumSize {
                throw TopologyFileError(diagnostics: [
                    TopologyDiagnostic(
                        file: path, line: nil, path: "",
                        message: "the file has \(size) bytes; topology files may have at most \(maximumSize)")
                ])
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as TopologyFileError {
            throw error
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
            throw TopologyFileError(diagnostics: [TopologyDiagnostic(file: path, line: nil, path: "", message: reason)])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TopologyFileError(diagnostics: [
                TopologyDiagnostic(file: path, line: nil, path: "", message: "the file is not UTF-8 text")
            ])
        }
        return try parse(text, file: path)
    }

    /// Reads and validates topology text.
    ///
    /// - Parameters:
    ///   - text: The YAML text.
    ///   - file: The name diagnostics give for the text.
    /// - Throws: ``TopologyFileError`` with every problem.
    public static func parse(_ text: String, file: String) throws(TopologyFileError) -> TopologyDocument {
        let root: YAMLField
        switch YAMLDocument.root(of: text, file: file) {
        case .success(let field): root = field
        case .failure(let diagnostic): throw TopologyFileError(diagnostics: [diagnostic])
        }
        let loader = TopologyLoader(file: file)
        loader.setRoot(root.node)
        loader.load(root)
        var diagnostics = loader.reader.diagnostics
        var document = TopologyDocument(
            file: file, title: loader.title, topology: loader.topology, names: loader.displayNames,
            sourceLocations: loader.sourceLocations)
        let reported = diagnostics.map(\.path)
        for issue in loader.topology.validate() {
            let location = document.location(ofModelPath: issue.path)
            let path = location?.path ?? issue.path
            // A value the loader already rejected leaves gaps the model then complains about: say it once.
            if reported.contains(where: { path.hasPrefix($0) && !$0.isEmpty }) { continue }
            diagnostics.append(
                TopologyDiagnostic(
                    file: file, line: location?.line, column: location?.column, path: path,
                    message: document.readable(issue.message, keeping: loader.explicitIDs)))
        }
        if !diagnostics.isEmpty {
            throw TopologyFileError(diagnostics: sorted(diagnostics))
        }
        document.topology = loader.topology
        return document
    }

    /// File order: by line, then column; problems without a line last.
    private static func sorted(_ diagnostics: [TopologyDiagnostic]) -> [TopologyDiagnostic] {
        var seen: Set<TopologyDiagnostic> = []
        let unique = diagnostics.filter { seen.insert($0).inserted }
        return unique.enumerated().sorted { a, b in
            let la = a.element.line ?? Int.max
            let lb = b.element.line ?? Int.max
            if la != lb { return la < lb }
            let ca = a.element.column ?? 0
            let cb = b.element.column ?? 0
            if ca != cb { return ca < cb }
            return a.offset < b.offset
        }.map(\.element)
    }
}

extension TopologyDocument {
    /// A model message with the identifiers Meridian made up replaced by the names from the file.
    func readable(_ message: String, keeping explicitIDs: Set<String>) -> String {
        var text = message
        // Model paths quoted in a message (`vpcs["vpc-a"].routes[1]`) become the file's paths.
        if let pattern = try? NSRegularExpression(pattern: #"[A-Za-z]+\["[^"\]]+"\](?:\.[A-Za-z]+|\[\d+\])*"#) {
            let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
            for match in matches.reversed() {
                guard let range = Range(match.range, in: text), let location = location(ofModelPath: String(text[range]))
                else { continue }
                text.replaceSubrange(range, with: location.path)
            }
        }
        for (field, key) in [("localSubnet", "local_subnets"), ("remoteSubnet", "remote_subnets")] {
            text = text.replacingOccurrences(of: field, with: key)
        }
        for (id, name) in names.sorted(by: { $0.key.count > $1.key.count }) where !explicitIDs.contains(id) {
            text = text.replacingOccurrences(of: "'\(id)'", with: "'\(name)'")
        }
        return text
    }
}
