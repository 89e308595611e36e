/// ESP (RFC 4303) in tunnel mode, carried in UDP (RFC 3948).
public enum ESP {}
