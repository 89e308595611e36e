/// A product of the cloud's API: the version string its actions are served under and its endpoint host.
public struct Product: Sendable, Hashable {
    /// The SDK's product code (`Vpc`, `Cbn`).
    public var code: String
    /// The API version (`2016-04-28`).
    public var version: String
    /// The endpoint host answered as `HostId` in error bodies.
    public var host: String

    public init(code: String, version: String, host: String) {
        self.code = code
        self.version = version
        self.host = host
    }

    /// VPC, VPN Gateway and Express Connect.
    public static let vpc = Product(code: "Vpc", version: "2016-04-28", host: "vpc.aliyuncs.com")
    /// Cloud Enterprise Network.
    public static let cen = Product(code: "Cbn", version: "2017-09-12", host: "cbn.aliyuncs.com")
    /// Elastic Compute Service (security groups, instances).
    public static let ecs = Product(code: "Ecs", version: "2014-05-26", host: "ecs.aliyuncs.com")
}

/// One RPC action: its name, its product, and how it turns a request into a response object.
public protocol Action: Sendable {
    /// The `Action` parameter value.
    var name: String { get }
    /// The product (and so the version) the action belongs to.
    var product: Product { get }
    /// Runs the action. The returned object gets `RequestId` prepended by the server.
    ///
    /// Mutating actions must honour `input.dryRun` by checking everything and changing nothing; the server
    /// answers `DryRunOperation` for any action that returns normally under `DryRun=true`.
    func handle(_ input: ActionInput) async throws(APIError) -> APIObject
}

/// An action written as a closure.
public struct ClosureAction: Action {
    public let name: String
    public let product: Product
    private let body: @Sendable (ActionInput) async throws(APIError) -> APIObject

    public init(
        _ name: String,
        product: Product,
        _ body: @escaping @Sendable (ActionInput) async throws(APIError) -> APIObject
    ) {
        self.name = name
        self.product = product
        self.body = body
    }

    public func handle(_ input: ActionInput) async throws(APIError) -> APIObject { try await body(input) }
}

/// The actions the server knows, by version and name.
public struct ActionRegistry: Sendable {
    private var products: [String: Product] = [:]
    private var actions: [String: [String: any Action]] = [:]

    public init(products: [Product] = [.vpc, .cen, .ecs]) {
        for product in products { self.products[product.version] = product }
    }

    /// Adds `action`, replacing one with the same name and version.
    public mutating func register(_ action: any Action) {
        products[action.product.version] = action.product
        actions[action.product.version, default: [:]][action.name] = action
    }

    /// The product served under `version`.
    public func product(version: String) -> Product? { products[version] }

    /// The codes of the products served (`Vpc`, `Cbn`, …), sorted.
    public var productCodes: [String] { products.values.map(\.code).sorted() }

    /// The action `name` of `version`.
    public func action(name: String, version: String) -> (any Action)? { actions[version]?[name] }

    /// Every registered action name per product code, sorted.
    public var actionNames: [String: [String]] {
        var out: [String: [String]] = [:]
        for (version, byName) in actions {
            out[products[version]?.code ?? version] = byName.keys.sorted()
        }
        return out
    }
}
