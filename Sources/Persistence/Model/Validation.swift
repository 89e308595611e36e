package import Foundation

/// Checks every store applies before touching the database, so all backends reject the same input
/// with the same message.
package enum Validation {
    package static let maximumNameLength = 256

    /// - Parameter what: names the value in the error (made only when there is one).
    package static func name(_ value: String, _ what: @autoclosure () -> String) throws(StoreError) {
        // Ids, kinds and regions are printable ASCII: that needs no look at Unicode properties.
        if !value.isEmpty, value.utf8.count <= maximumNameLength, value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return
        }
        let what = what()
        guard !value.isEmpty else {
            throw .invalidArgument("\(what) is empty: it must be 1 to \(maximumNameLength) characters")
        }
        guard value.utf8.count <= maximumNameLength else {
            throw .invalidArgument(
                "\(what) '\(value.prefix(40))…' is \(value.utf8.count) bytes long: at most \(maximumNameLength) are allowed"
            )
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidArgument("\(what) '\(value.debugDescription)' contains a control character")
        }
    }

    package static func document(_ data: Data, of key: ResourceKey) throws(StoreError) {
        var isObject = false
        let problem = data.withUnsafeBytes { raw in
            JSONSyntax.error(in: raw.bindMemory(to: UInt8.self), isObject: &isObject)
        }
        let text = { String(decoding: data.prefix(60), as: UTF8.self) }
        if let problem {
            throw .invalidArgument("document of \(key) is not valid JSON ('\(text())'): \(problem)")
        }
        guard isObject else {
            throw .invalidArgument("document of \(key) must be a JSON object, got '\(text())'")
        }
    }

    package static func version(_ version: Int64, of key: ResourceKey) throws(StoreError) {
        guard version >= 1 else {
            throw .invalidArgument("expected version \(version) of \(key) is not a version: versions start at 1")
        }
    }

    package static func batch(_ batch: WriteBatch) throws(StoreError) {
        for (index, operation) in batch.operations.enumerated() {
            let key = operation.key
            try name(key.kind, "operations[\(index)].kind")
            try name(key.id, "operations[\(index)].id")
            switch operation {
            case .create(_, _, let regionID, let document):
                try name(regionID, "operations[\(index)].regionID")
                try self.document(document, of: key)
            case .update(_, _, let document, let expectedVersion):
                try self.document(document, of: key)
                try version(expectedVersion, of: key)
            case .delete(_, _, let expectedVersion):
                if let expectedVersion { try version(expectedVersion, of: key) }
            }
        }
        if let record = batch.idempotency { try idempotency(record) }
    }

    package static func idempotency(_ record: IdempotencyRecord) throws(StoreError) {
        try name(record.clientToken, "idempotency.clientToken")
        try name(record.action, "idempotency.action")
        try name(record.caller, "idempotency.caller")
        guard record.expiresAt > record.createdAt else {
            throw .invalidArgument(
                "idempotency record for ClientToken '\(record.clientToken)' expires at \(record.expiresAt), "
                    + "which is not after its creation at \(record.createdAt)"
            )
        }
    }

    package static func accessKey(_ key: AccessKey) throws(StoreError) {
        try name(key.id, "access key id")
        try name(key.secret, "secret of access key '\(key.id)'")
    }

    package static func query(_ query: ResourceQuery) throws(StoreError) {
        try name(query.kind, "query.kind")
        if let regionID = query.regionID { try name(regionID, "query.regionID") }
        for field in query.fields.keys.sorted() {
            let allowed =
                !field.isEmpty && field.utf8.count <= 128
                && field.unicodeScalars.allSatisfy {
                    $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0))
                }
            guard allowed else {
                throw .invalidArgument(
                    "query field name '\(field)' is not allowed: use 1 to 128 letters, digits or '_'"
                )
            }
        }
    }

    package static func page(_ page: PageRequest) throws(StoreError) {
        guard page.number >= 1 else {
            throw .invalidArgument("page number \(page.number) is out of range: page numbers start at 1")
        }
        guard (1...PageRequest.maximumSize).contains(page.size) else {
            throw .invalidArgument("page size \(page.size) is out of range: it must be 1...\(PageRequest.maximumSize)")
        }
        guard page.number <= Int.max / page.size else {
            throw .invalidArgument("page number \(page.number) is out of range for page size \(page.size)")
        }
    }

    package static func limit(_ limit: Int) throws(StoreError) {
        guard (1...PageRequest.maximumSize).contains(limit) else {
            throw .invalidArgument("limit \(limit) is out of range: it must be 1...\(PageRequest.maximumSize)")
        }
    }

    package static func changeLimit(_ limit: Int) throws(StoreError) {
        guard (1...10_000).contains(limit) else {
            throw .invalidArgument("change limit \(limit) is out of range: it must be 1...10000")
        }
    }
}
