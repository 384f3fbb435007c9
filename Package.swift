// swift-tools-version:6.2
import PackageDescription

// Every target of ours: `any` spelled out on existentials, and a warning fails the build.
let checked: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .treatAllWarnings(as: .error),
]
let strict: [SwiftSetting] =
    checked + [
        .enableUpcomingFeature("InternalImportsByDefault")
    ]

let package = Package(
    name: "chainflow",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "chainflow", targets: ["chainflow"]),
        .library(name: "FlowKit", targets: ["FlowKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // `chainflow serve` (FlowServe); without swift-configuration, which the server does not use.
        .package(
            url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1",
            traits: ["FullFoundation"]),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Value types and in-memory structures; no dependencies.
        .target(name: "FlowModel", swiftSettings: strict),
        // Bitcoin protocol primitives: Base58, Bech32, address codec, hashing, script types, serialization.
        .target(
            name: "FlowBitcoin",
            dependencies: [
                "FlowModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Format readers and mappers: bytes -> FlowModel records.
        .target(
            name: "FlowIngest",
            dependencies: ["FlowModel", "FlowBitcoin", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // The SQLite graph store (GRDB stays behind this target's API).
        .target(
            name: "FlowStore",
            dependencies: [
                "FlowModel", "FlowBitcoin",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // The PostgreSQL store: the store contract on a server (`--db postgresql://…`); its SQL
        // stays in this target, postgres-nio behind its API.
        .target(
            name: "FlowPostgres",
            dependencies: [
                "FlowModel", "FlowStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        // Pure analyzers over in-memory arrays (no SQL): clustering heuristics, union-find.
        .target(name: "FlowAnalysis", dependencies: ["FlowModel"], swiftSettings: strict),
        // Synthetic data: a valid Bitcoin-like chain.
        .target(name: "FlowSim", dependencies: ["FlowModel", "FlowBitcoin"], swiftSettings: strict),
        // Report documents and their renderers: JSON, Markdown, CSV, HTML with inline SVG. Never sees the store.
        .target(name: "FlowReport", dependencies: ["FlowModel", "FlowAnalysis"], swiftSettings: strict),
        // The AML rule file: YAML in, a checked `AmlRuleSet` out, and the documented default file.
        .target(
            name: "FlowRules",
            dependencies: ["FlowModel", "FlowAnalysis", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        // Library entry points the CLI calls: ingest jobs, queries, demo.
        .target(
            name: "FlowKit",
            dependencies: [
                "FlowModel", "FlowBitcoin", "FlowIngest", "FlowStore", "FlowSim", "FlowAnalysis",
                "FlowReport",
                "FlowRules",
                "FlowPostgres",
            ],
            swiftSettings: strict
        ),
        // `chainflow serve`: the JSON API and the browser workspace over HTTP (Hummingbird stays behind it).
        .target(
            name: "FlowServe",
            dependencies: [
                "FlowKit", "FlowReport", "FlowModel", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The executable: options in, one FlowKit call, a FlowReport renderer, errors to exit codes.
        .executableTarget(
            name: "chainflow",
            dependencies: [
                "FlowKit", "FlowReport", "FlowModel", "FlowServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict + [.enableUpcomingFeature("MemberImportVisibility")]
        ),
        .executableTarget(
            name: "chainflow-bench",
            dependencies: ["FlowKit", "FlowSim", "FlowModel", "FlowIngest", "FlowStore", "FlowAnalysis"],
            path: "Benchmarks/IngestBench",
            swiftSettings: strict
        ),
        // Helpers the test targets share (fixtures, the sample case's facts, goldens, the CLI as a
        // process); in no product.
        .target(
            name: "FlowTestSupport", dependencies: ["FlowStore", "FlowModel"], path: "Tests/FlowTestSupport",
            swiftSettings: strict),
        // The server on a free port: API documents against the CLI's, the token, the pages.
        .testTarget(
            name: "FlowServeTests",
            dependencies: [
                "FlowServe", "FlowKit", "FlowModel", "FlowTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: checked),
        .testTarget(name: "FlowModelTests", dependencies: ["FlowModel"], swiftSettings: checked),
        // The store alone (no FlowKit): query library files and parameters, binding, writers and readers.
        .testTarget(
            name: "FlowStoreTests", dependencies: ["FlowStore", "FlowModel", "FlowTestSupport"],
            swiftSettings: checked),
        // The command line in-process: exit codes and messages of `chainflow` commands.
        .testTarget(name: "ChainflowCLITests", dependencies: ["chainflow"], swiftSettings: checked),
        // The PostgreSQL backend: URL forms without a server; with CHAINFLOW_TEST_POSTGRES_URL, the
        // same commands on SQLite and PostgreSQL compared byte for byte.
        .testTarget(
            name: "FlowPostgresTests",
            dependencies: ["FlowPostgres", "FlowStore", "FlowTestSupport", "chainflow"],
            swiftSettings: checked),
        .testTarget(
            name: "FlowIngestTests", dependencies: ["FlowIngest", "FlowBitcoin", "FlowModel"],
            swiftSettings: checked),
        .testTarget(
            name: "FlowAnalysisTests", dependencies: ["FlowAnalysis", "FlowModel"], swiftSettings: checked),
        .testTarget(
            name: "FlowSimTests", dependencies: ["FlowSim", "FlowIngest", "FlowBitcoin", "FlowModel"],
            swiftSettings: checked),
        .testTarget(
            name: "FlowKitTests",
            dependencies: [
                "FlowKit", "FlowStore", "FlowIngest", "FlowBitcoin", "FlowSim", "FlowModel", "FlowAnalysis",
                "FlowRules",
                "FlowTestSupport",
            ],
            exclude: ["Goldens"], swiftSettings: checked),
    ]
)
