import Foundation

/// Which resources a list call returns: one kind, optionally narrowed by region, ids and document fields.
///
/// Results are ordered by creation time, then id, so paging is stable while resources are added.
public struct ResourceQuery: Sendable, Hashable {
    /// The resource type to list.
    public var kind: String
    /// Only resources in this region (`nil`: every region).
    public var regionID: String?
    /// Only resources with one of these ids (`nil`: any id; empty: none).
    public var ids: [String]?
    /// Only resources whose document has each of these top-level fields as a JSON string with this value.
    ///
    /// For example `["VpcId": "vpc-1"]`. Field names are letters, digits and `_`.
    public var fields: [String: String]

    /// Creates a query.
    public init(kind: String, regionID: String? = nil, ids: [String]? = nil, fields: [String: String] = [:]) {
        self.kind = kind
        self.regionID = regionID
        self.ids = ids
        self.fields = fields
    }
}

/// A page by number, as the cloud's `Describe*` calls take it (`PageNumber`, `PageSize`).
public struct PageRequest: Sendable, Hashable {
    /// The largest page size a store accepts.
    public static let maximumSize = 1000

    /// The page number, starting at 1.
    public var number: Int
    /// How many records per page, 1...``maximumSize``.
    public var size: Int

    /// Creates a page request; the store checks the bounds.
    public init(number: Int = 1, size: Int = 10) {
        self.number = number
        self.size = size
    }
}

/// One page of a ``PageRequest`` listing.
public struct ResourcePage: Sendable, Hashable {
    /// The records on this page.
    public var records: [ResourceRecord]
    /// How many records match the query on all pages.
    public var totalCount: Int
    /// The page number that was asked for.
    public var pageNumber: Int
    /// The page size that was asked for.
    public var pageSize: Int

    /// Creates a page value.
    public init(records: [ResourceRecord], totalCount: Int, pageNumber: Int, pageSize: Int) {
        self.records = records
        self.totalCount = totalCount
        self.pageNumber = pageNumber
        self.pageSize = pageSize
    }
}

/// One slice of a cursor listing (`NextToken` style).
public struct ResourceSlice: Sendable, Hashable {
    /// The records in this slice.
    public var records: [ResourceRecord]
    /// Pass this to get the next slice; `nil` when there are no more records.
    public var nextCursor: String?

    /// Creates a slice value.
    public init(records: [ResourceRecord], nextCursor: String?) {
        self.records = records
        self.nextCursor = nextCursor
    }
}

/// The position after a record in list order: its creation time and id.
///
/// Opaque to callers.
package struct ListPosition: Sendable, Hashable, Comparable {
    package var createdMicroseconds: Int64
    package var id: String

    package init(createdMicroseconds: Int64, id: String) {
        self.createdMicroseconds = createdMicroseconds
        self.id = id
    }

    package init(after record: ResourceRecord) {
        self.init(createdMicroseconds: Timestamp.microseconds(record.createdAt), id: record.id)
    }

    /// Parses a cursor string made by ``cursor``.
    package init(cursor: String) throws(StoreError) {
        let problem = StoreError.invalidArgument(
            "cursor '\(cursor)' was not returned by a previous list call (expected the nextCursor of a ResourceSlice)"
        )
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":"), let micros = Int64(text[..<colon])
        else { throw problem }
        let id = String(text[text.index(after: colon)...])
        guard !id.isEmpty else { throw problem }
        self.init(createdMicroseconds: micros, id: id)
    }

    package var cursor: String {
        Data("\(createdMicroseconds):\(id)".utf8).base64EncodedString()
    }

    package static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.createdMicroseconds, lhs.id) < (rhs.createdMicroseconds, rhs.id)
    }
}
