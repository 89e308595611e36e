import Foundation
import IPAddressing
import Yams

/// A YAML node together with its field path and position in the file.
struct YAMLField {
    let node: Node
    /// `vpcs[1].vswitches[0].cidr`
    let path: String

    var line: Int? { node.mark?.line }
    var column: Int? { node.mark?.column }

    func child(_ key: String, _ node: Node) -> YAMLField {
        YAMLField(node: node, path: path.isEmpty ? key : "\(path).\(key)")
    }

    func element(_ index: Int, _ node: Node) -> YAMLField {
        YAMLField(node: node, path: "\(path)[\(index)]")
    }

    /// The scalar's text exactly as written (quotes removed), `nil` for a mapping or a sequence.
    var scalarText: String? {
        if case .scalar(let scalar) = node { return scalar.string }
        return nil
    }

    /// Whether the value is an explicit or implicit YAML null (`~`, `null`, or nothing after the colon).
    var isNull: Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// How the value is described in "expected …, found …" messages.
    var kindDescription: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            if isNull { return "nothing" }
            // Long values are cut: the line number already says where the whole value is.
            let text = scalar.string.count > 60 ? scalar.string.prefix(57) + "..." : scalar.string
            return "'\(text)'"
        }
    }
}

/// Reads typed values out of YAML nodes, collecting every problem instead of stopping at the first.
///
/// Each accessor returns `nil` after recording a diagnostic when the value is missing or malformed, so the loader
/// can go on and report everything that is wrong in one pass.
final class YAMLReader {
    let file: String
    private(set) var diagnostics: [TopologyDiagnostic] = []
    /// Nodes visited so far; a cap keeps alias bombs ("billion laughs") from taking the process down.
    private var visitedNodes = 0
    static let nodeLimit = 200_000
    private var reportedLimit = false

    init(file: String) {
        self.file = file
    }

    func report(_ field: YAMLField, _ message: String) {
        diagnostics.append(
            TopologyDiagnostic(file: file, line: field.line, column: field.column, path: field.path, message: message)
        )
    }

    private func visit(_ field: YAMLField) -> Bool {
        visitedNodes += 1
        if visitedNodes > Self.nodeLimit {
            if !reportedLimit {
                reportedLimit = true
                report(field, "the file expands to more than \(Self.nodeLimit) values (aliases?); refusing to read it")
            }
            return false
        }
        return true
    }

    // MARK: Structure

    /// A mapping whose keys must be among `allowed`; unknown keys are reported with the allowed ones.
    func mapping(_ field: YAMLField, allowed: [String]) -> YAMLMapping? {
        guard visit(field) else { return nil }
        guard case .mapping(let mapping) = field.node else {
            report(field, "expected a mapping with keys \(allowed.joined(separator: ", ")), found \(field.kindDescription)")
            return nil
        }
        var entries: [(key: String, field: YAMLField)] = []
        for (keyNode, valueNode) in mapping {
            let keyField = YAMLField(node: keyNode, path: field.path)
            guard let key = keyField.scalarText, case .scalar = keyNode else {
                report(keyField, "keys must be plain words, found \(keyField.kindDescription)")
                continue
            }
            guard allowed.contains(key) else {
                let hint = Self.closest(to: key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                report(
                    YAMLField(node: keyNode, path: field.path.isEmpty ? key : "\(field.path).\(key)"),
                    "unknown key '\(key)'\(hint); allowed: \(allowed.joined(separator: ", "))"
                )
                continue
            }
            entries.append((key, field.child(key, valueNode)))
        }
        return YAMLMapping(field: field, entries: entries, reader: self)
    }

    /// The elements of a list; a missing or null value is an empty list. A single scalar is accepted as a list
    /// of one when `allowSingle` is set (so `remote_subnets: 10.10.10.0/24` works).
    func list(_ field: YAMLField?, allowSingle: Bool = false) -> [YAMLField] {
        guard let field, !field.isNull else { return [] }
        guard visit(field) else { return [] }
        switch field.node {
        case .sequence(let sequence):
            return sequence.enumerated().map { field.element($0.offset, $0.element) }
        case .scalar where allowSingle:
            return [field]
        default:
            report(field, "expected a list, found \(field.kindDescription)")
            return []
        }
    }

    // MARK: Scalars

    /// The text of a scalar; numbers and booleans are taken as written (`psk: 123456` is the text "123456").
    func string(_ field: YAMLField) -> String? {
        guard visit(field) else { return nil }
        guard let text = field.scalarText, !field.isNull else {
            report(field, "expected a text value, found \(field.kindDescription)")
            return nil
        }
        return text
    }

    /// A non-empty name.
    func name(_ field: YAMLField) -> String? {
        guard let text = string(field) else { return nil }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            report(field, "a name must not be empty")
            return nil
        }
        return text
    }

    func int(_ field: YAMLField, in range: ClosedRange<Int>, unit: String = "") -> Int? {
        guard visit(field) else { return nil }
        guard let text = field.scalarText, !field.isNull, let value = Int(text) else {
            report(field, "expected a whole number in \(range.lowerBound)...\(range.upperBound)\(unit), found \(field.kindDescription)")
            return nil
        }
        guard range.contains(value) else {
            report(field, "\(value) is out of range: allowed \(range.lowerBound)...\(range.upperBound)\(unit)")
            return nil
        }
        return value
    }

    func bool(_ field: YAMLField) -> Bool? {
        guard visit(field) else { return nil }
        switch field.scalarText {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return false
        default:
            report(field, "expected true or false, found \(field.kindDescription)")
            return nil
        }
    }

    /// One of a fixed set of words.
    func choice<T>(_ field: YAMLField, _ choices: [(String, T)]) -> T? {
        guard let text = string(field) else { return nil }
        if let match = choices.first(where: { $0.0 == text }) { return match.1 }
        if let match = choices.first(where: { $0.0.lowercased() == text.lowercased() }) { return match.1 }
        report(field, "invalid value '\(text)'; allowed: \(choices.map(\.0).joined(separator: ", "))")
        return nil
    }

    func prefix(_ field: YAMLField) -> IPv4Prefix? {
        guard let text = string(field) else { return nil }
        do {
            return try IPv4Prefix(parsing: text)
        } catch {
            report(field, error.description)
            return nil
        }
    }

    func prefixes(_ field: YAMLField?) -> [IPv4Prefix] {
        list(field, allowSingle: true).compactMap { prefix($0) }
    }

    func address(_ field: YAMLField) -> IPv4Address? {
        guard let text = string(field) else { return nil }
        do {
            return try IPv4Address(parsing: text)
        } catch {
            report(field, error.description)
            return nil
        }
    }

    // MARK: Suggestions

    /// The allowed word closest to a misspelt one, if it is close enough to be a likely typo.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// The known keys of one YAML mapping, in file order.
struct YAMLMapping {
    let field: YAMLField
    let entries: [(key: String, field: YAMLField)]
    unowned let reader: YAMLReader

    subscript(_ key: String) -> YAMLField? {
        entries.first { $0.key == key }?.field
    }

    /// A key that must be present (and not null); reports it when missing.
    func required(_ key: String) -> YAMLField? {
        guard let value = self[key] else {
            reader.report(field, "missing required key '\(key)'")
            return nil
        }
        if value.isNull {
            reader.report(value, "missing value for '\(key)'")
            return nil
        }
        return value
    }

    /// A key that may be absent; an explicit null counts as absent.
    func optional(_ key: String) -> YAMLField? {
        guard let value = self[key], !value.isNull else { return nil }
        return value
    }
}
