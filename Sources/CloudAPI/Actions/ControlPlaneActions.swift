public import ControlPlane
import Foundation
import Persistence

extension APIError {
    /// The API edge's mapping of a control-plane error to the cloud's status.
    init(_ error: ControlPlaneError) {
        switch error.kind {
        case .invalid: self.init(code: error.code, status: 400, message: error.message)
        case .notFound: self.init(code: error.code, status: 404, message: error.message)
        case .forbidden: self.init(code: error.code, status: 403, message: error.message)
        case .dryRunPassed: self = .dryRunPassed
        case .storage: self.init(code: "InternalError", status: 500, message: error.message)
        }
    }
}

/// Registers every action the control plane implements.
public enum CloudActions {
    /// Adds every action of the products above (VPC, VPN, Express Connect, CEN, ECS, sites), run through `controlPlane`.
    public static func register(into registry: inout ActionRegistry, controlPlane: ControlPlane) {
        for action in VPCActions.all(controlPlane) + VPNActions.all(controlPlane) + VPNRouteActions.all(controlPlane)
            + CENActions.all(controlPlane) + ECSActions.all(controlPlane) + SiteActions.all(controlPlane)
            + ExpressConnectActions.all(controlPlane) + CENBandwidthActions.all(controlPlane)
            + VPNRouteChangeActions.all(controlPlane)
        {
            registry.register(action)
        }
    }
}

/// Runs a change and maps its error.
func change<T: Sendable>(
    _ controlPlane: ControlPlane,
    _ input: ActionInput,
    _ body: @Sendable (inout CloudState, MutationContext) throws(ControlPlaneError) -> T
) async throws(APIError) -> T {
    do {
        return try await controlPlane.mutate(dryRun: input.dryRun, body)
    } catch {
        throw APIError(error)
    }
}

/// Runs a change whose answer is `respond(result)` and maps its error.
///
/// Under a `ClientToken` the answer is stored with the change, in the same transaction (see
/// ``IdempotencyScope``): a crash can lose both, never leave the resource without its token.
func change<T: Sendable>(
    _ controlPlane: ControlPlane,
    _ input: ActionInput,
    _ body: @Sendable (inout CloudState, MutationContext) throws(ControlPlaneError) -> T,
    respond: @escaping @Sendable (T) -> APIObject
) async throws(APIError) -> APIObject {
    let scope = IdempotencyScope.current
    var record: (@Sendable (T) throws -> IdempotencyRecord?)?
    if let scope {
        record = { @Sendable result in try scope.record(answering: respond(result)) }
    }
    do {
        let result = try await controlPlane.mutate(dryRun: input.dryRun, idempotency: record, body)
        scope?.markStored()
        return respond(result)
    } catch {
        throw APIError(error)
    }
}

/// Runs a read and maps its error.
func read<T>(
    _ controlPlane: ControlPlane,
    _ body: (CloudState) throws(ControlPlaneError) -> T
) async throws(APIError) -> T {
    let state = await controlPlane.snapshot
    do {
        return try body(state)
    } catch {
        throw APIError(error)
    }
}

/// Runs a read that shows routes or tunnel states: the state with its route engine, as one value.
func readView<T>(
    _ controlPlane: ControlPlane,
    _ body: (CloudView) throws(ControlPlaneError) -> T
) async throws(APIError) -> T {
    let view = await controlPlane.view
    do {
        return try body(view)
    } catch {
        throw APIError(error)
    }
}

/// Time formats of the cloud's responses (reference §1.5).
enum CloudTime {
    /// VPC objects: `2017-08-22T10:40:25Z`.
    static func iso(_ date: Date) -> APIValue { .string(RequestTimestamp.format(date)) }
    /// VPN objects: epoch milliseconds.
    static func millis(_ date: Date) -> APIValue { .integer(Int64((date.timeIntervalSince1970 * 1000).rounded())) }
}

/// Comma-separated id filters (`VpcId=vpc-a,vpc-b`).
func idFilter(_ text: String?, max: Int = 20, parameter: String) throws(APIError) -> Set<String>? {
    guard let text else { return nil }
    let ids = text.split(separator: ",").map { Check.trimmingSpaces($0) }.filter { !$0.isEmpty }
    guard ids.count <= max else {
        throw .invalid(parameter, text, allowed: "at most \(max) comma-separated ids")
    }
    return Set(ids)
}
