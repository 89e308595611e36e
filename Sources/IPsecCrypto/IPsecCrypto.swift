/// Cryptographic transforms shared by IKEv2 and ESP: key exchange groups, PRFs, integrity and encryption
/// transforms, identified by their IANA numbers (RFC 7296 §3.3.2, IANA "IKEv2 Parameters").
public enum IPsecCrypto {}
