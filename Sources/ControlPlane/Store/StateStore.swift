public import Foundation

/// Where the control plane keeps its state between runs.
///
/// A placeholder seam for the `Persistence` module's `ResourceStore`: the control plane saves the whole
/// validated state after each change and loads it at start.
public protocol StateStore: Sendable {
    /// The saved state, or `nil` when nothing was saved yet.
    func load() async throws -> CloudState?
    /// Replaces the saved state.
    func save(_ state: CloudState) async throws
}

/// Keeps the state in memory only (tests; `--db :memory:`).
public actor InMemoryStateStore: StateStore {
    private var state: CloudState?
    public init() {}
    public func load() async throws -> CloudState? { state }
    public func save(_ state: CloudState) async throws { self.state = state }
}

/// Keeps the state as one JSON file, replaced atomically on every save.
public struct JSONFileStateStore: StateStore {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    public func load() async throws -> CloudState? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data = try Data(contentsOf: url)
        do {
            return try JSONDecoder().decode(CloudState.self, from: data)
        } catch {
            throw StateStoreError(message: "the state file '\(url.path)' is not a Meridian state file: \(error)")
        }
    }

    public func save(_ state: CloudState) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(state).write(to: url, options: .atomic)
    }
}

/// A state file that cannot be read.
public struct StateStoreError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}
