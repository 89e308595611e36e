#if os(Linux)
import CSystemShims
#endif

/// The system's random generator, read 32 words at a time.
///
/// `SystemRandomNumberGenerator` asks the kernel (`getrandom`) for every 64-bit word: several system calls for
/// each id and request id. The words here come from the same source, one call per 32 of them (256 bytes, which
/// `getrandom` never answers in part).
public struct BufferedSystemRandom: RandomNumberGenerator, Sendable {
    private static let capacity = 32
    private var words = [UInt64](repeating: 0, count: Self.capacity)
    private var used = Self.capacity

    public init() {}

    public mutating func next() -> UInt64 {
        if used == Self.capacity { refill() }
        defer { used += 1 }
        return words[used]
    }

    private mutating func refill() {
        used = 0
        #if os(Linux)
        let read = words.withUnsafeMutableBytes { getrandom($0.baseAddress, $0.count, 0) }
        if read == MemoryLayout<UInt64>.size * Self.capacity { return }
        #endif
        var system = SystemRandomNumberGenerator()
        for index in words.indices { words[index] = system.next() }
    }
}
