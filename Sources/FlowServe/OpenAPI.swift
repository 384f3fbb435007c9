import FlowModel
import FlowReport

/// `/api/v1/openapi.json`: an OpenAPI 3.1 description of the API, made from the routes
/// themselves (`ApiRoutes.all`), so it lists exactly what the server answers.
enum OpenAPI {
    static func document(version: String) -> JSONValue {
        let error: JSONValue = .object([
            ("description", .string("An error: the command line's message, its kind and exit code")),
            (
                "content",
                .object([
                    (
                        "application/json",
                        .object([("schema", .object([("$ref", .string("#/components/schemas/Error"))]))])
                    )
                ])
            ),
        ])
        var paths: [(String, JSONValue)] = []
        for route in ApiRoutes.all {
            var parameters: [JSONValue] = route.pathParameters.map { name in
                .object([
                    ("name", .string(name)), ("in", .string("path")), ("required", .bool(true)),
                    ("schema", .object([("type", .string("string"))])),
                ])
            }
            for p in route.query {
                let schema: JSONValue =
                    p.repeated
                    ? .object([("type", .string("array")), ("items", .object([("type", .string(p.type))]))])
                    : .object([("type", .string(p.type))])
                parameters.append(
                    .object([
                        ("name", .string(p.name)), ("in", .string("query")),
                        ("description", .string(p.meaning)),
                        ("schema", schema), ("explode", .bool(true)),
                    ]))
            }
            let ok: JSONValue = .object([
                ("description", .string("The document `\(route.cli)` prints, byte for byte")),
                (
                    "content",
                    .object([
                        ("application/json", .object([("schema", .object([("type", .string("object"))]))]))
                    ])
                ),
            ])
            paths.append(
                (
                    route.path,
                    .object([
                        (
                            "get",
                            .object([
                                ("summary", .string(route.summary)),
                                ("description", .string("Same document as `\(route.cli)`.")),
                                ("parameters", .array(parameters)),
                                (
                                    "responses",
                                    .object([
                                        ("200", ok), ("400", error), ("401", error), ("404", error),
                                        ("500", error),
                                    ])
                                ),
                            ])
                        )
                    ])
                ))
        }
        let errorSchema: JSONValue = .object([
            ("type", .string("object")),
            (
                "properties",
                .object([
                    (
                        "error",
                        .object([
                            ("type", .string("object")),
                            (
                                "properties",
                                .object([
                                    ("kind", .object([("type", .string("string"))])),
                                    ("message", .object([("type", .string("string"))])),
                                    ("exit_code", .object([("type", .string("integer"))])),
                                    ("status", .object([("type", .string("integer"))])),
                                ])
                            ),
                        ])
                    )
                ])
            ),
        ])
        return .object([
            ("openapi", .string("3.1.0")),
            (
                "info",
                .object([
                    ("title", .string("chainflow API")), ("version", .string(version)),
                    (
                        "description",
                        .string(
                            "Read-only JSON documents of a chainflow case database, the same as the command line's JSON output. With `chainflow serve --token T`, every call needs `Authorization: Bearer T`."
                        )
                    ),
                ])
            ),
            ("paths", .object(paths)),
            (
                "components",
                .object([
                    ("schemas", .object([("Error", errorSchema)])),
                    (
                        "securitySchemes",
                        .object([
                            ("bearer", .object([("type", .string("http")), ("scheme", .string("bearer"))]))
                        ])
                    ),
                ])
            ),
        ])
    }
}
