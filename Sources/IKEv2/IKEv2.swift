/// IKEv2 (RFC 7296): the wire codec and the IKE SA and Child SA state machines.
public enum IKEv2 {}
