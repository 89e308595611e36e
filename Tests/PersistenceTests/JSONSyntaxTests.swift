import Foundation
import MeridianTestSupport
import Persistence
import Testing

/// The stores' JSON check (`JSONSyntax`) against Foundation's parser, which it replaced: the same verdict on
/// hand-picked texts and on random mutations of a stored resource's document, but for trailing commas.
struct JSONSyntaxTests {
    static func verdict(_ bytes: [UInt8]) -> (valid: Bool, isObject: Bool, problem: String?) {
        var isObject = false
        let problem = bytes.withUnsafeBufferPointer { JSONSyntax.error(in: $0, isObject: &isObject) }
        return (problem == nil, isObject, problem)
    }

    /// Foundation's verdict on a JSON text (top-level fragments allowed, as RFC 8259 allows them).
    static func foundationAccepts(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
    }

    static let valid = [
        #"{}"#, #"{"a":1}"#, #" { "a" : [ 1 , -2.5e+3 , true , false , null , "x\"\\\/\b\f\n\r\t\u00e9" ] } "#,
        #"[]"#, #"[[[]]]"#, #""text""#, #"0"#, #"-0.0E-0"#, #"{"é":"日本","k":{"n":{"m":[]}}}"#,
        #"{"order":3,"resource":{"VpcId":"vpc-bp1x","CidrBlock":"10.0.0.0/16","Tags":[]}}"#,
        "\t{\r\n}\n", #"{"emoji":"😀"}"#,
    ]

    static let invalid = [
        "", " ", "{", "}", #"{"a":}"#, "[1 2]", #"{"a" 1}"#, "{a:1}", "01", "1.", ".5", "-",
        "1e", "1e+", "+1", "tru", "nul", "True", #""abc"#, #""\x""#, #""\u12G4""#, "\"\u{01}\"", "{}{}", "[]x",
        #"{'a':1}"#, "NaN", "Infinity",
    ]

    /// Foundation's parser accepts a comma before a closing bracket; RFC 8259 and PostgreSQL's `jsonb` do not,
    /// and neither does the stores' check, so both stores refuse the same documents.
    static let trailingCommas = [#"{"a":1,}"#, "[1,]", #"{"a":[1,],"b":2}"#]

    /// Whether a refusal is one of a trailing comma (the one place Foundation is more lenient).
    static func isTrailingComma(_ problem: String?) -> Bool {
        guard let problem else { return false }
        return problem.hasPrefix("expected a member name in quotes: '}'") || problem.hasPrefix("expected a value: ']'")
    }

    @Test func trailingCommasAreRefusedAsPostgreSQLRefusesThem() {
        for text in Self.trailingCommas {
            let result = Self.verdict(Array(text.utf8))
            #expect(Self.isTrailingComma(result.problem), "\(text): \(result.problem ?? "accepted")")
        }
    }

    @Test func handPickedTextsGetFoundationsVerdict() {
        for text in Self.valid {
            let result = Self.verdict(Array(text.utf8))
            #expect(result.valid, "refused \(text): \(result.problem ?? "")")
            #expect(Self.foundationAccepts(Array(text.utf8)), "Foundation refuses \(text)")
            #expect(result.isObject == text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("{"))
        }
        for text in Self.invalid {
            #expect(!Self.verdict(Array(text.utf8)).valid, "accepted \(text)")
            #expect(!Self.foundationAccepts(Array(text.utf8)), "Foundation accepts \(text)")
        }
    }

    @Test func malformedUTF8InAStringIsRefused() {
        let cases: [[UInt8]] = [
            [0x22, 0xC3, 0x22],  // lead byte without its continuation
            [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // a UTF-16 surrogate encoded
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // past U+10FFFF
            [0x22, 0xFF, 0x22],
        ]
        for bytes in cases {
            let result = Self.verdict(bytes)
            #expect(!result.valid, "accepted \(bytes)")
            #expect(result.problem?.contains("not UTF-8") == true, "\(result.problem ?? "")")
        }
    }

    @Test func nestingBeyondTheLimitIsRefusedWithoutOverflowingTheStack() {
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000) + Array(repeating: UInt8(ascii: "]"), count: 100_000)
        #expect(Self.verdict(deep).problem?.contains("nested deeper than 512 levels") == true)
        let fine = Array(repeating: UInt8(ascii: "["), count: 500) + Array(repeating: UInt8(ascii: "]"), count: 500)
        #expect(Self.verdict(fine).valid)
    }

    @Test func errorsNameWhatAndWhere() {
        #expect(Self.verdict(Array(#"{"a":1,}"#.utf8)).problem == "expected a member name in quotes: '}' at byte 7")
        #expect(Self.verdict(Array(#"{"a":"#.utf8)).problem == "expected a value at the end (byte 5)")
    }

    /// Random byte changes of a real document: both parsers agree on every mutant (seeded; the seed is printed
    /// in a failure).
    @Test(arguments: [1, 2, 3, 4])
    func randomMutationsGetFoundationsVerdict(seed: UInt64) {
        let base = Array(
            #"{"order":12,"resource":{"CidrBlock":"10.0.0.0/16","Description":"a \"quoted\" é","IsDefault":false,"Tags":[{"Key":"k","Value":"v"}],"Weight":-1.5e2}}"#
                .utf8
        )
        let alphabet = Array(#"{}[]:,"\ -0123456789.eE+tfnulr/ab"#.utf8) + [0x0A, 0xC3, 0xA9, 0x80]
        var random = SeededGenerator(seed: seed)
        for round in 0..<3_000 {
            var bytes = base
            for _ in 0...(round % 4) {
                let index = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[index] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: index)
                }
            }
            let verdict = Self.verdict(bytes)
            let mine = verdict.valid
            let foundation = Self.foundationAccepts(bytes)
            if !mine && foundation && Self.isTrailingComma(verdict.problem) { continue }
            #expect(
                mine == foundation,
                "seed \(seed) round \(round): JSONSyntax \(mine), Foundation \(foundation) on \(String(decoding: bytes, as: UTF8.self))"
            )
        }
    }
}

