import Foundation
import MeridianTestSupport
import Testing
import TopologyFile

/// Damaged copies of a real topology file: each one loads or is rejected with diagnostics, never traps.
struct MalformedInputTests {
    static let original: String = {
        (try? String(contentsOfFile: examplePath("seed-002-ipsec-cen.yaml"), encoding: .utf8)) ?? ""
    }()

    /// Every cut of the file (every 37th byte) is handled.
    @Test func truncatedFilesNeverTrap() {
        let bytes = Array(Self.original.utf8)
        #expect(bytes.count > 1000)
        var rejected = 0
        for end in stride(from: 0, to: bytes.count, by: 37) {
            let text = String(decoding: bytes[..<end], as: UTF8.self)
            do {
                _ = try TopologyFile.parse(text, file: "cut.yaml")
            } catch {
                rejected += 1
                #expect(!error.diagnostics.isEmpty)
                #expect(error.diagnostics.allSatisfy { $0.file == "cut.yaml" && !$0.message.isEmpty })
            }
        }
        #expect(rejected > 0)
    }

    /// Single-character damage at fixed, spread-out places (a fixed seed, printed on failure).
    @Test func damagedFilesNeverTrap() {
        var generator = SeededGenerator(seed: 0x5EED_0002)
        let characters: [Character] = [":", "-", "[", "]", "{", "}", "&", "*", "!", "\t", "\n", "'", "\"", "#", "0", " "]
        let original = Array(Self.original)
        for round in 0..<300 {
            var text = original
            let position = Int(generator.next() % UInt64(text.count))
            text[position] = characters[Int(generator.next() % UInt64(characters.count))]
            do {
                _ = try TopologyFile.parse(String(text), file: "damaged.yaml")
            } catch {
                #expect(!error.diagnostics.isEmpty, "round \(round), seed 0x5EED_0002, position \(position)")
            }
        }
    }
}

