public import ControlPlane
import Foundation

/// The decoded request an action runs on, with typed accessors that answer the cloud's error codes.
public struct ActionInput: Sendable {
    /// All parameters, query and form body merged.
    public var parameters: RPCParameters
    /// The caller's access key id (after the signature was verified).
    public var accessKeyId: String
    /// `DryRun=true`: check everything, change nothing, answer `DryRunOperation`.
    public var dryRun: Bool

    public init(parameters: RPCParameters, accessKeyId: String = "test", dryRun: Bool = false) {
        self.parameters = parameters
        self.accessKeyId = accessKeyId
        self.dryRun = dryRun
    }

    /// The value of `name`; an empty value counts as absent.
    public func string(_ name: String) -> String? { parameters.nonEmpty(name) }

    /// The value of a required parameter.
    ///
    /// - Throws: `Missing{Name}` (HTTP 400) when absent or empty.
    public func required(_ name: String) throws(APIError) -> String { try parameters.required(name) }

    /// A Boolean in any case (`true`, `True`, `TRUE`), or `defaultValue` when absent.
    public func bool(_ name: String, default defaultValue: Bool) throws(APIError) -> Bool {
        try parameters.bool(name) ?? defaultValue
    }

    /// An optional Boolean.
    public func bool(_ name: String) throws(APIError) -> Bool? { try parameters.bool(name) }

    /// An integer inside `range`, or `nil` when absent.
    public func int(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        try parameters.int(name, in: range)
    }

    /// A flattened scalar list: `Name.1`, `Name.2`, … in index order.
    public func list(_ name: String) throws(APIError) -> [String] { try parameters.list(name) }

    /// A flattened list of structures: `Tag.1.Key`, `Tag.1.Value`, … as one parameter set per index.
    public func structures(_ name: String) throws(APIError) -> [RPCParameters] { try parameters.structures(name) }

    /// A JSON-valued parameter (`IkeConfig`, `IpsecConfig`, …) decoded as `T`, or `nil` when absent.
    public func json<T: Decodable>(_ name: String, as type: T.Type) throws(APIError) -> T? {
        guard let text = string(name) else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw APIError(
                code: "InvalidParameter",
                status: 400,
                message:
                    "The specified parameter \"\(name)\" is not valid: '\(text)' is not a JSON object of the expected shape (\(Self.describe(error)))."
            )
        }
    }

    /// `PageNumber` (default 1) and `PageSize` (default `defaultSize`, at most `maxSize`).
    public func paging(defaultSize: Int = 10, maxSize: Int = 50) throws(APIError) -> Paging {
        let number = try int("PageNumber", in: 1...1_000_000) ?? 1
        let size = try int("PageSize", in: 1...maxSize) ?? defaultSize
        return Paging(pageNumber: number, pageSize: size)
    }

    /// The caller's region (`RegionId`), required.
    public func regionId() throws(APIError) -> String {
        let region = try required("RegionId")
        // Byte tests: Character's isLowercase/isNumber look up Unicode properties on every request.
        let utf8 = region.utf8
        guard utf8.count <= 64, utf8.contains(UInt8(ascii: "-")),
            utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") })
        else {
            throw APIError(
                code: "InvalidRegionId.NotFound",
                status: 404,
                message: "The specified RegionId '\(region)' does not exist; a region id looks like cn-hangzhou."
            )
        }
        return region
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

/// One page of a paged list.
public struct Paging: Sendable, Equatable {
    public var pageNumber: Int
    public var pageSize: Int

    public init(pageNumber: Int, pageSize: Int) {
        self.pageNumber = pageNumber
        self.pageSize = pageSize
    }

    /// The index of this page's first item in the whole list.
    public var offset: Int { (pageNumber - 1) * pageSize }

    /// The items of this page.
    public func page<T>(of items: [T]) -> ArraySlice<T> {
        let start = min(offset, items.count)
        return items[start..<min(start + pageSize, items.count)]
    }

    /// This page of the resources of `table` that pass `isIncluded` in creation order, and how many pass in all.
    public func page<T: TableIndexed>(
        of table: ResourceTable<T>,
        in state: CloudState,
        where isIncluded: (borrowing T) throws -> Bool
    ) rethrows -> (total: Int, items: [T]) {
        try state.page(of: table, offset: offset, limit: pageSize, where: isIncluded)
    }

    /// This page of the resources of `table` in `region` that pass `isIncluded` (all of them when `nil`: then a
    /// page costs its own items, not a visit to every resource of the region) in creation order, and how many
    /// pass in all.
    public func page<T: TableIndexed>(
        of table: ResourceTable<T>,
        in state: CloudState,
        region: String,
        where isIncluded: ((borrowing T) -> Bool)?
    ) -> (total: Int, items: [T]) {
        state.page(of: table, region: region, offset: offset, limit: pageSize, where: isIncluded)
    }

    /// `isIncluded` when `given` (a listing's filters were given), `nil` when not: the listing then pages through
    /// the region's resources without visiting each (see ``page(of:in:region:where:)``).
    public static func filter<T>(
        when given: Bool,
        _ isIncluded: @escaping (borrowing T) -> Bool
    ) -> ((borrowing T) -> Bool)? {
        given ? isIncluded : nil
    }

    /// `TotalCount`, `PageNumber`, `PageSize` fields.
    public func fields(total: Int) -> [(String, APIValue)] {
        [("TotalCount", .int(total)), ("PageNumber", .int(pageNumber)), ("PageSize", .int(pageSize))]
    }
}

extension RPCParameters {
    func nonEmpty(_ name: String) -> String? {
        guard let value = self[name], !value.isEmpty else { return nil }
        return value
    }

    func required(_ name: String) throws(APIError) -> String {
        guard let value = nonEmpty(name) else { throw .missing(name) }
        return value
    }

    func bool(_ name: String) throws(APIError) -> Bool? {
        guard let value = nonEmpty(name) else { return nil }
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw .invalid(name, value, allowed: "true or false, in any case")
        }
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let value = nonEmpty(name) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            throw .invalid(name, value, allowed: "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// Entries `prefix.N[.rest]` grouped by N.
    private func indexed(_ name: String) throws(APIError) -> [(index: Int, rest: String?, value: String)] {
        let prefix = name + "."
        var out: [(Int, String?, String)] = []
        for pair in pairs where pair.name.hasPrefix(prefix) {
            let tail = pair.name.dropFirst(prefix.count)
            let parts = tail.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard let index = Int(parts[0]), index >= 1, index <= 1000 else {
                throw .invalid(pair.name, pair.value, allowed: "\(name).N with N a list index from 1 to 1000")
            }
            out.append((index, parts.count > 1 ? String(parts[1]) : nil, pair.value))
        }
        return out
    }

    func list(_ name: String) throws(APIError) -> [String] {
        var byIndex: [Int: String] = [:]
        for entry in try indexed(name) where entry.rest == nil {
            if byIndex[entry.index] == nil { byIndex[entry.index] = entry.value }
        }
        return byIndex.sorted { $0.key < $1.key }.map(\.value)
    }

    func structures(_ name: String) throws(APIError) -> [RPCParameters] {
        var byIndex: [Int: RPCParameters] = [:]
        for entry in try indexed(name) {
            guard let rest = entry.rest, !rest.isEmpty else { continue }
            byIndex[entry.index, default: RPCParameters()].append(name: rest, value: entry.value)
        }
        return byIndex.sorted { $0.key < $1.key }.map(\.value)
    }
}
