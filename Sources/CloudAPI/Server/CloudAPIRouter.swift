import HTTPTypes
public import Hummingbird
import NIOCore

/// Builds the Hummingbird router: `/` (the RPC API, GET and POST), `/health`, and optionally `/metrics`.
public enum CloudAPIRouter {
    /// - Parameters:
    ///   - service: the RPC protocol.
    ///   - metrics: renders the metrics exposition text for `/metrics`; no route when `nil`.
    public static func make(
        service: RPCService,
        metrics: (@Sendable () -> String)? = nil
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.get("/health") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "application/json;charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"Status":"ok"}"#))
            )
        }
        if let metrics {
            router.get("/metrics") { _, _ -> Response in
                Response(
                    status: .ok,
                    headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: metrics()))
                )
            }
        }
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            try await respond(request, service: service)
        }
        router.get("/", use: handler)
        router.post("/", use: handler)
        return router
    }

    static func respond(_ request: Request, service: RPCService) async throws -> Response {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            if let existing = headers[name] {
                headers[name] = existing + "," + field.value
            } else {
                headers[name] = field.value
            }
        }
        if let authority = request.head.authority { headers["host"] = authority }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: RPCService.maxBodySize)
        } catch {
            return Response(
                status: .contentTooLarge,
                headers: [.contentType: "application/json;charset=utf-8"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: #"{"Code":"InvalidParameter","Message":"The request body is larger than 1 MiB."}"#
                    )
                )
            )
        }
        let rpc = RPCRequest(
            method: request.method.rawValue,
            rawQuery: request.uri.query ?? "",
            headers: headers,
            body: Array(buffer: body)
        )
        let answer = await service.respond(to: rpc)
        return Response(
            status: HTTPResponse.Status(code: answer.status),
            headers: [.contentType: answer.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: answer.bytes))
        )
    }
}
