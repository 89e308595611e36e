public import IPsecCrypto

/// States of an IKE SA as seen from outside.
public enum IKESAState: String, Sendable, Hashable {
    /// Nothing sent or received yet.
    case idle
    /// Initiator: IKE_SA_INIT request sent.
    case initSent
    /// Responder: IKE_SA_INIT answered, waiting for IKE_AUTH.
    case initResponded
    /// Initiator: IKE_AUTH request sent.
    case authSent
    /// Authenticated; Child SAs may exist.
    case established
    /// Deleted, failed, or the peer is dead; the owner should drop this state machine.
    case closed
}

/// What the owner of an ``IKESAStateMachine`` must do after an event. The machine itself does no I/O.
public enum IKEAction: Sendable, Hashable {
    /// Send this datagram.
    case send(OutgoingDatagram)
    /// Install both directions of a Child SA in the ESP SA database.
    case installChildSA(ChildSAKeys)
    /// Remove a Child SA (both directions).
    case removeChildSA(inboundSPI: UInt32, outboundSPI: UInt32)
    /// The IKE SA changed state.
    case stateChanged(from: IKESAState, to: IKESAState, reason: String)
    /// We sent a Notify (by its RFC name through `NotifyType.description`).
    case notifySent(NotifyType, exchange: ExchangeType)
    /// The peer sent a Notify.
    case notifyReceived(NotifyType, exchange: ExchangeType)
    /// Call ``IKESAStateMachine/timerFired(now:using:)`` at this time (seconds, the same clock as `now`).
    /// A later `scheduleTimer` replaces earlier ones.
    case scheduleTimer(at: Double)
    /// Something worth a log line (never contains key material).
    case log(String)
}
