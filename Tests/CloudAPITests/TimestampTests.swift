@testable import CloudAPI
import Foundation
import Testing

struct TimestampTests {
    /// The reference formatting: Foundation's calendar in UTC.
    static func calendarFormat(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ",
            c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!
        )
    }

    @Test func formattingAgreesWithTheCalendarOnKnownAndRandomDates() {
        var dates: [Date] = [
            Date(timeIntervalSince1970: 0),
            Date(timeIntervalSince1970: -1),
            Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29T00:00:00Z
            Date(timeIntervalSince1970: 4_107_542_399),  // 2100-02-28T23:59:59Z
            Date(timeIntervalSince1970: 1_795_305_599.999),  // fractions round down
        ]
        var generator = SystemRandomNumberGenerator()
        var seed = UInt64.random(in: 0...UInt64.max, using: &generator)
        print("TimestampTests seed \(seed)")
        for _ in 0..<2000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let seconds = Double(Int64(bitPattern: seed >> 1) % 8_000_000_000) - 1_000_000_000
            dates.append(Date(timeIntervalSince1970: seconds))
        }
        for date in dates {
            #expect(RequestTimestamp.format(date) == Self.calendarFormat(date), "\(date.timeIntervalSince1970)")
        }
        #expect(RequestTimestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }

    @Test func aFormattedTimestampParsesBack() throws {
        let date = Date(timeIntervalSince1970: 1_795_305_599)
        let text = RequestTimestamp.format(date)
        #expect(RequestTimestamp.parse(text) == date)
    }

    @Test func parsingAgreesWithTheCalendarAndRefusesDaysThatDoNotExist() {
        var seed: UInt64 = 20_261_122
        for _ in 0..<2000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            // Any second from 1601 to 9999 (Foundation's calendar is Julian before October 1582; the parser is
            // Gregorian throughout, and requests are within 15 minutes of now anyway).
            let seconds = Double(Int64(bitPattern: seed >> 1) % 241_903_785_600) - 11_644_473_600
            let date = Date(timeIntervalSince1970: seconds)
            #expect(RequestTimestamp.parse(Self.calendarFormat(date)) == date, "\(Self.calendarFormat(date))")
        }
        for text in ["2000-02-29T00:00:00Z", "2024-02-29T23:59:59Z", "1999-12-31T23:59:59Z"] {
            #expect(RequestTimestamp.parse(text) != nil, "\(text)")
        }
        for text in ["2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z",
            "2024-00-10T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01 00:00:00Z"]
        {
            #expect(RequestTimestamp.parse(text) == nil, "\(text)")
        }
        // A leap second runs into the next minute, as the calendar had it.
        #expect(RequestTimestamp.parse("2016-12-31T23:59:60Z") == RequestTimestamp.parse("2017-01-01T00:00:00Z"))
    }
}
