/// Key material for one direction of a Child SA, as IKEv2 derives it (RFC 7296 §2.17: encryption key first,
/// then integrity key). For AES-GCM the encryption key ends with the 4-byte salt (RFC 4106 §8.1).
public struct ESPKeys: Sendable, Hashable {
    public var encryption: [UInt8]
    public var integrity: [UInt8]

    public init(encryption: [UInt8], integrity: [UInt8] = []) {
        self.encryption = encryption
        self.integrity = integrity
    }

    /// Splits a KEYMAT slice of `transform.encryptionKeyBytes + transform.integrityKeyBytes` bytes.
    public init(keymat: some Collection<UInt8>, for transform: ESPTransform) throws(ESPError) {
        let bytes = Array(keymat)
        let need = transform.encryptionKeyBytes + transform.integrityKeyBytes
        guard bytes.count == need else { throw .invalidKeyLength("KEYMAT", bytes.count, need) }
        encryption = Array(bytes[..<transform.encryptionKeyBytes])
        integrity = Array(bytes[transform.encryptionKeyBytes...])
    }
}
