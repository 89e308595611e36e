import Foundation
import Logging
import Synchronization
import Testing

@testable import meridian

/// `meridian serve`'s log lines: what they hold, in which order, and that nothing is written below the level.
struct LineLogHandlerTests {
    /// Collects the lines a handler writes.
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func append(_ line: String) { lines.withLock { $0.append(line) } }
    }

    @Test func linesCarryLevelLabelSortedMetadataAndMessage() {
        let lines = Lines()
        var logger = Logger(label: "meridian.api") { label in
            LineLogHandler(label: label, level: .info, write: lines.append)
        }
        logger[metadataKey: "hb.request.id"] = "42"
        logger[metadataKey: "action"] = "CreateVpc"
        logger.info("request", metadata: ["code": "OK", "action": "DescribeVpcs"])
        logger.debug("not written at info")
        logger.error("failed")

        let written = lines.all
        #expect(written.count == 2)
        // The message's metadata wins over the logger's for the same key; keys sorted.
        #expect(written[0].hasSuffix(" info meridian.api: action=DescribeVpcs code=OK hb.request.id=42 request\n"))
        #expect(written[1].hasSuffix(" error meridian.api: action=CreateVpc hb.request.id=42 failed\n"))
        // Starts with an ISO 8601 time.
        let time = written[0].prefix(while: { $0 != " " })
        #expect((try? Date(String(time), strategy: .iso8601)) != nil, "not a time: \(time)")
    }

    @Test func metadataIsReadBackAndRemovedWithoutWritingAnything() {
        let lines = Lines()
        var handler = LineLogHandler(label: "x", level: .error, write: lines.append)
        handler[metadataKey: "a"] = "1"
        #expect(handler[metadataKey: "a"] == "1")
        handler[metadataKey: "a"] = nil
        #expect(handler[metadataKey: "a"] == nil)
        #expect(lines.all.isEmpty)
    }

    @Test func providerMetadataSitsBetweenTheHandlersAndTheMessages() {
        let lines = Lines()
        var handler = LineLogHandler(label: "x", level: .trace, write: lines.append)
        handler.metadataProvider = Logger.MetadataProvider { ["p": "provider", "m": "provider"] }
        handler[metadataKey: "p"] = "handler"
        handler[metadataKey: "h"] = "handler"
        Logger(label: "x", factory: { _ in handler }).trace("t", metadata: ["m": "message"])
        #expect(lines.all.first?.hasSuffix(" trace x: h=handler m=message p=provider t\n") == true)
    }
}
