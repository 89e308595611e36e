package import Foundation
import Persistence

/// Encodes the stored documents of resources as compact JSON, straight into bytes.
///
/// Foundation's `JSONEncoder` builds a tree of boxed values behind type-erased containers and then writes it; for
/// the few small documents a change writes, that was most of the cost of saving it. This encoder writes each value
/// as it is encoded, in the order `encode(to:)` encodes its keys (declaration order for synthesized conformances),
/// with the same JSON for the same values as `JSONEncoder` with its default strategies: `Data` as Base64, `URL` as
/// its absolute string, `Date` through its own `Encodable` conformance (seconds since 2001 as a number), nil
/// optionals left out.
///
/// Writing as it goes needs containers used one inside the other, as synthesized code and every conformance of the
/// model do. A conformance that writes to a container after starting another beside it, or asks for a super
/// encoder, or anything this encoder refuses (a non-finite number), is encoded again by `JSONEncoder`, which also
/// reports the errors: the bytes are always what `JSONEncoder` would accept to produce.
package enum DocumentEncoder {
    package static func encode<T: Encodable>(_ value: T) throws -> Data {
        try streamed(value) ?? JSONEncoder().encode(value)
    }

    /// The document written as a stream; `nil` where the stream could not follow `value`'s conformance.
    package static func streamed<T: Encodable>(_ value: T) -> Data? {
        let writer = JSONStreamWriter()
        guard (try? writer.encodeTopLevel(value)) != nil, !writer.abandoned else { return nil }
        return Data(writer.bytes)
    }
}

/// The output and the containers still open, innermost last.
private final class JSONStreamWriter {
    struct Container {
        let id: Int
        let isArray: Bool
        var count = 0
    }

    // The writer lives inside one `streamed` call and is never shared, so the runtime's exclusivity checks on
    // its stored properties (a thread-local access set updated on every append) only cost time.
    @exclusivity(unchecked) var bytes: [UInt8] = []
    @exclusivity(unchecked) var open: [Container] = []
    /// Set when the containers were not used one inside the other: the bytes are then meaningless.
    @exclusivity(unchecked) var abandoned = false
    @exclusivity(unchecked) private var lastID = 0

    init() {
        bytes.reserveCapacity(512)
    }

    func encodeTopLevel<T: Encodable>(_ value: T) throws {
        try encodeValue(value, codingPath: [])
        close(downTo: 0)
        // JSONEncoder refuses a top-level value that encodes nothing; let it say so.
        if bytes == Array("{}".utf8), !emptyObjectWasEncoded { abandoned = true }
    }

    /// Whether an empty object came from a container (`{}` is then the value, not a stand-in for nothing).
    @exclusivity(unchecked) private var emptyObjectWasEncoded = false

    /// Writes `value` at the current position (after a key, an array comma, or at the top).
    func encodeValue<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        if T.self == Data.self {
            string((value as! Data).base64EncodedString())
            return
        }
        if T.self == URL.self {
            string((value as! URL).absoluteString)
            return
        }
        if T.self == Decimal.self {
            bytes.append(contentsOf: (value as! Decimal).description.utf8)
            return
        }
        let level = open.count
        let start = bytes.count
        try value.encode(to: SlotEncoder(writer: self, level: level, start: start, codingPath: codingPath))
        guard open.count >= level else {
            abandoned = true
            return
        }
        close(downTo: level)
        // A value that asked for no container is an empty object in JSONEncoder's output as well.
        if bytes.count == start { bytes.append(contentsOf: "{}".utf8) }
    }

    // MARK: Containers

    func openContainer(isArray: Bool) -> Int {
        emptyObjectWasEncoded = true
        lastID += 1
        open.append(Container(id: lastID, isArray: isArray))
        bytes.append(isArray ? UInt8(ascii: "[") : UInt8(ascii: "{"))
        return lastID
    }

    /// Closes the containers above `level`.
    func close(downTo level: Int) {
        while open.count > level {
            bytes.append(open.removeLast().isArray ? UInt8(ascii: "]") : UInt8(ascii: "}"))
        }
    }

    /// Makes container `id` the innermost again (its nested containers are complete) and writes the separator of
    /// its next element; `false` (and the output abandoned) when `id` was closed already.
    func beginElement(of id: Int) -> Bool {
        guard !abandoned, let index = open.lastIndex(where: { $0.id == id }) else {
            abandoned = true
            return false
        }
        close(downTo: index + 1)
        if open[index].count > 0 { bytes.append(UInt8(ascii: ",")) }
        open[index].count += 1
        return true
    }

    func beginKey(_ key: some CodingKey, of id: Int) -> Bool {
        guard beginElement(of: id) else { return false }
        string(key.stringValue)
        bytes.append(UInt8(ascii: ":"))
        return true
    }

    func count(of id: Int) -> Int {
        open.last(where: { $0.id == id })?.count ?? 0
    }

    /// An encoder for a super encoder's user, which writes whenever it gets to it: a stream cannot follow that, so
    /// the output is abandoned and JSONEncoder takes over.
    func abandon(codingPath: [any CodingKey]) -> any Encoder {
        abandoned = true
        return SlotEncoder(writer: self, level: open.count, start: bytes.count, codingPath: codingPath)
    }

    // MARK: Scalars

    func string(_ text: String) {
        JSONText.appendString(text, to: &bytes)
    }

    /// Integers go through two concrete types: a generic `FixedWidthInteger` here ran unspecialized behind the
    /// containers' protocol requirements, a witness call per digit.
    func integer(_ value: Int64) {
        JSONText.appendInteger(value, to: &bytes)
    }

    func integer(_ value: UInt64) {
        JSONText.appendInteger(value, to: &bytes)
    }

    func number(_ value: some BinaryFloatingPoint & LosslessStringConvertible, codingPath: [any CodingKey]) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value,
                .init(codingPath: codingPath, debugDescription: "\(value) is not a JSON number")
            )
        }
        // The shortest text that reads back as the same value ("10.0", "0.1", "1e+16"): all JSON numbers.
        bytes.append(contentsOf: value.description.utf8)
    }

    func bool(_ value: Bool) {
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    func null() {
        bytes.append(contentsOf: "null".utf8)
    }
}

/// The encoder `encode(to:)` receives for one value: the position it writes at is the writer's current one.
private struct SlotEncoder: Encoder {
    let writer: JSONStreamWriter
    /// How many containers were open when the value began.
    let level: Int
    /// Where the value's bytes begin.
    let start: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// The container this value opened, if it opened one (asking twice gives the same container).
    private func ownContainer(isArray: Bool) -> Int {
        if writer.open.count > level, writer.bytes.count > start {
            writer.close(downTo: level + 1)
            let container = writer.open[level]
            if container.isArray != isArray { writer.abandoned = true }
            return container.id
        }
        if writer.bytes.count != start { writer.abandoned = true }  // a single value was written already
        return writer.openContainer(isArray: isArray)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedWriter<Key>(writer: writer, id: ownContainer(isArray: false), codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedWriter(writer: writer, id: ownContainer(isArray: true), codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueWriter(writer: writer, start: start, codingPath: codingPath)
    }
}

private struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONStreamWriter
    let id: Int
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        if writer.beginKey(key, of: id) { writer.null() }
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        if writer.beginKey(key, of: id) { writer.bool(value) }
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        if writer.beginKey(key, of: id) { writer.string(value) }
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        if writer.beginKey(key, of: id) { try writer.number(value, codingPath: codingPath + [key]) }
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        if writer.beginKey(key, of: id) { try writer.number(value, codingPath: codingPath + [key]) }
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { signed(Int64(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { signed(Int64(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { signed(Int64(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { signed(Int64(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { signed(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { unsigned(UInt64(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { unsigned(value, key) }

    private func signed(_ value: Int64, _ key: Key) {
        if writer.beginKey(key, of: id) { writer.integer(value) }
    }

    private func unsigned(_ value: UInt64, _ key: Key) {
        if writer.beginKey(key, of: id) { writer.integer(value) }
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if writer.beginKey(key, of: id) { try writer.encodeValue(value, codingPath: codingPath + [key]) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        _ = writer.beginKey(key, of: id)
        let nested = writer.openContainer(isArray: false)
        return KeyedEncodingContainer(KeyedWriter<NestedKey>(writer: writer, id: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        _ = writer.beginKey(key, of: id)
        return UnkeyedWriter(writer: writer, id: writer.openContainer(isArray: true), codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { writer.abandon(codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { writer.abandon(codingPath: codingPath) }
}

private struct UnkeyedWriter: UnkeyedEncodingContainer, IntegerElements {
    let writer: JSONStreamWriter
    let id: Int
    let codingPath: [any CodingKey]
    var count: Int { writer.count(of: id) }

    private struct Index: CodingKey {
        var intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }

    mutating func encodeNil() throws {
        if writer.beginElement(of: id) { writer.null() }
    }
    mutating func encode(_ value: Bool) throws {
        if writer.beginElement(of: id) { writer.bool(value) }
    }
    mutating func encode(_ value: String) throws {
        if writer.beginElement(of: id) { writer.string(value) }
    }
    mutating func encode(_ value: Double) throws {
        let path = codingPath + [Index(intValue: count)]
        if writer.beginElement(of: id) { try writer.number(value, codingPath: path) }
    }
    mutating func encode(_ value: Float) throws {
        let path = codingPath + [Index(intValue: count)]
        if writer.beginElement(of: id) { try writer.number(value, codingPath: path) }
    }

    func integer(_ value: Int64) {
        if writer.beginElement(of: id) { writer.integer(value) }
    }

    func integer(_ value: UInt64) {
        if writer.beginElement(of: id) { writer.integer(value) }
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = codingPath + [Index(intValue: count)]
        if writer.beginElement(of: id) { try writer.encodeValue(value, codingPath: path) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [Index(intValue: count)]
        _ = writer.beginElement(of: id)
        return KeyedEncodingContainer(
            KeyedWriter<NestedKey>(writer: writer, id: writer.openContainer(isArray: false), codingPath: path)
        )
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [Index(intValue: count)]
        _ = writer.beginElement(of: id)
        return UnkeyedWriter(writer: writer, id: writer.openContainer(isArray: true), codingPath: path)
    }

    mutating func superEncoder() -> any Encoder { writer.abandon(codingPath: codingPath) }
}

private struct SingleValueWriter: SingleValueEncodingContainer, IntegerElements {
    let writer: JSONStreamWriter
    /// Where the value's bytes begin: a second value in the same place is refused.
    let start: Int
    let codingPath: [any CodingKey]

    /// `false` (and the output abandoned) when this place holds a value already.
    private func begin() -> Bool {
        guard writer.bytes.count == start, !writer.abandoned else {
            writer.abandoned = true
            return false
        }
        return true
    }

    mutating func encodeNil() throws { if begin() { writer.null() } }
    mutating func encode(_ value: Bool) throws { if begin() { writer.bool(value) } }
    mutating func encode(_ value: String) throws { if begin() { writer.string(value) } }
    mutating func encode(_ value: Double) throws { if begin() { try writer.number(value, codingPath: codingPath) } }
    mutating func encode(_ value: Float) throws { if begin() { try writer.number(value, codingPath: codingPath) } }

    func integer(_ value: Int64) {
        if begin() { writer.integer(value) }
    }

    func integer(_ value: UInt64) {
        if begin() { writer.integer(value) }
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        if begin() { try writer.encodeValue(value, codingPath: codingPath) }
    }
}

/// The integer methods of unkeyed and single value containers, which differ only in where the value goes.
private protocol IntegerElements {
    func integer(_ value: Int64)
    func integer(_ value: UInt64)
}

extension IntegerElements {
    mutating func encode(_ value: Int) throws { integer(Int64(value)) }
    mutating func encode(_ value: Int8) throws { integer(Int64(value)) }
    mutating func encode(_ value: Int16) throws { integer(Int64(value)) }
    mutating func encode(_ value: Int32) throws { integer(Int64(value)) }
    mutating func encode(_ value: Int64) throws { integer(value) }
    mutating func encode(_ value: UInt) throws { integer(UInt64(value)) }
    mutating func encode(_ value: UInt8) throws { integer(UInt64(value)) }
    mutating func encode(_ value: UInt16) throws { integer(UInt64(value)) }
    mutating func encode(_ value: UInt32) throws { integer(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws { integer(value) }
}
