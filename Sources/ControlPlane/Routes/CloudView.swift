public import NetworkModel
public import RouteEngine

/// The control plane's state, its network model and the route engine over it, taken at one moment.
///
/// Reads that show route tables or tunnel states use this value, so the rows they build from the state (ids,
/// names, creation times) and the routes the engine computed always belong to the same state.
public struct CloudView: Sendable {
    public let state: CloudState
    /// The route engine over `state.topology`: route tables, tunnel states, CEN publication.
    public let engine: RouteEngine

    public init(state: CloudState, engine: RouteEngine) {
        self.state = state
        self.engine = engine
    }

    /// Builds the engine from the state's projection (tests; the control plane keeps its engine up to date).
    public init(state: CloudState) {
        self.init(state: state, engine: RouteEngine(state.topology))
    }

    /// The projected network model (`state.topology`, as the engine holds it).
    public var topology: Topology { engine.topology }
}
