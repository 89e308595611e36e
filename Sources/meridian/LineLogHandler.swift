import Foundation
import Logging

/// `meridian serve`'s log handler: one line per message on standard error,
/// `<time> <level> <label>: <key>=<value> ... <message>`, metadata keys sorted.
///
/// Metadata is kept as given and rendered only when a message is written. swift-log's `StreamLogHandler` renders
/// all of its metadata into a string on every change, and Hummingbird sets a request id on every request's logger,
/// at any log level.
struct LineLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    /// Where a finished line goes (with its newline); standard error unless a test collects the lines.
    let write: @Sendable (String) -> Void

    init(
        label: String,
        level: Logger.Level,
        write: @escaping @Sendable (String) -> Void = LineLogHandler.standardError
    ) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level,
        message: Logger.Message,
        metadata explicit: Logger.Metadata?,
        source: String,
        file: String,
        function: String,
        line: UInt
    ) {
        let metadata = merged(explicit)
        write(Self.line(time: Date(), level: level, label: label, metadata: metadata, message: message.description))
    }

    /// The handler's metadata, then the provider's, then the message's: a later one wins for the same key.
    private func merged(_ explicit: Logger.Metadata?) -> Logger.Metadata {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit { all.merge(explicit) { _, new in new } }
        return all
    }

    /// One rendered line, ending in a newline.
    static func line(
        time: Date,
        level: Logger.Level,
        label: String,
        metadata: Logger.Metadata,
        message: String
    ) -> String {
        var text = time.formatted(.iso8601) + " " + level.rawValue + " " + label + ":"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            text += " " + key + "=" + value.description
        }
        text += " " + message + "\n"
        return text
    }

    /// Writes `line` to standard error (one `write` for a short line, so lines of concurrent messages do not
    /// interleave).
    @Sendable static func standardError(_ line: String) {
        try? FileHandle.standardError.write(contentsOf: Data(line.utf8))
    }
}
