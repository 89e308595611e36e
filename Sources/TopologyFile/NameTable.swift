import Foundation
import Yams

/// The names declared in a file, per kind of resource, and the identifiers Meridian gives them.
///
/// Identifiers are derived from names so they stay the same from run to run: `VPC 1` becomes `vpc-1`,
/// `Office 1` becomes `site-office-1`. A resource may set its own with `id:`.
struct NameTable {
    struct Declaration {
        var id: String
        var field: YAMLField
        /// The kind's identifier prefix, such as `vpc-`.
        var prefix: String
        /// Whether the file set the identifier with `id:`.
        var isExplicit: Bool
    }

    /// kind → name → declaration
    private(set) var declarations: [String: [String: Declaration]] = [:]
    private var usedIDs: Set<String> = []
    /// id → the path of the first declaration that took it.
    private(set) var idOwners: [String: String] = [:]

    /// Registers a name (first declaration wins; duplicates are reported by the loader) and returns its id.
    mutating func declare(kind: String, prefix: String, name: String, explicitID: String?, field: YAMLField) -> String {
        if let existing = declarations[kind]?[name] { return existing.id }
        let id = explicitID ?? uniqueID(prefix: prefix, name: name)
        usedIDs.insert(id)
        if idOwners[id] == nil { idOwners[id] = field.path }
        declarations[kind, default: [:]][name] = Declaration(
            id: id, field: field, prefix: prefix, isExplicit: explicitID != nil)
        return id
    }

    func lookup(kind: String, name: String) -> Declaration? {
        declarations[kind]?[name]
    }

    func names(of kind: String) -> [String] {
        (declarations[kind] ?? [:]).keys.sorted()
    }

    private func uniqueID(prefix: String, name: String) -> String {
        var slug = Self.slug(name)
        let bare = String(prefix.dropLast())  // "vpc"
        if slug == bare || slug.isEmpty {
            slug = "1"
        } else if slug.hasPrefix(prefix) {
            slug = String(slug.dropFirst(prefix.count))
        }
        var candidate = prefix + slug
        var counter = 2
        while usedIDs.contains(candidate) {
            candidate = "\(prefix)\(slug)-\(counter)"
            counter += 1
        }
        return candidate
    }

    /// Lower-case letters and digits, other runs of characters as one `-`.
    static func slug(_ name: String) -> String {
        var result = ""
        var pendingDash = false
        for scalar in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingDash && !result.isEmpty { result += "-" }
                pendingDash = false
                result.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return result
    }
}
