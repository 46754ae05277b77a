// swift-tools-version:6.0
import PackageDescription

// RUNEXP_CHECKED=1 keeps overflow and bounds checks in release builds: scripts/fuzz.sh builds so, because
// a fuzzer must see every trap that -Ounchecked would turn into silent wrong answers.
let checked = Context.environment["RUNEXP_CHECKED"] == "1"
let release: [SwiftSetting] = checked ? [] : [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

let package = Package(
    name: "runexp",
    platforms: [.macOS(.v13)],
    products: [.executable(name: "runexp", targets: ["runexp"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(
            name: "CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CDNNL",
            providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(
            name: "CCairo", pkgConfig: "cairo",
            providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CJPEG", pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg62-turbo-dev"])]),
        .target(name: "Kernels", dependencies: ["CBLAS", "CDNNL"], swiftSettings: release),
        .target(name: "Spec", dependencies: ["CYAML"]),
        .target(name: "Graph", dependencies: ["Kernels", "Spec"], swiftSettings: release),
        .target(
            name: "Data", dependencies: ["Kernels", "CZlib", "CCairo", "CPNG", "CJPEG"],
            resources: [.copy("Resources")], swiftSettings: release),
        .target(name: "Analysis", dependencies: ["Kernels"], swiftSettings: release),
        .target(name: "Report", dependencies: ["Data", "CCairo"]),
        .target(name: "RunFolder", dependencies: ["Spec", "Data"]),
        .target(
            name: "Runner", dependencies: ["Spec", "Graph", "Data", "Kernels", "Analysis", "Report", "RunFolder"]),
        .target(name: "Study", dependencies: ["RunFolder", "Runner", "Report", "Spec", "Data", "Kernels"]),
        .target(
            name: "Tools", dependencies: ["RunFolder", "Runner", "Study", "Spec", "Graph", "Data", "Kernels", "Report"]),
        .executableTarget(
            name: "runexp",
            dependencies: [
                "Spec", "RunFolder", "Runner", "Study", "Tools",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "Fuzzing", dependencies: ["RunFolder", "Runner", "Study", "Spec", "Data"]),
        .executableTarget(name: "runexp-fuzz", dependencies: ["Fuzzing"], path: "Sources/RunexpFuzz"),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels"]),
        .testTarget(name: "SpecTests", dependencies: ["Spec"]),
        .testTarget(
            name: "GraphTests", dependencies: ["Graph", "Spec", "Data", "Kernels"], exclude: ["TorchFixtures"]),
        .testTarget(name: "DataTests", dependencies: ["Data", "Kernels"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Kernels"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Data"]),
        .testTarget(name: "FuzzingTests", dependencies: ["Fuzzing", "Spec", "Data"]),
        .testTarget(name: "StudyTests", dependencies: ["Study", "RunFolder", "Runner", "Spec"]),
        .testTarget(
            name: "RunexpTests",
            dependencies: [
                "runexp", "RunFolder", "Runner", "Tools", "Study", "Spec", "Graph", "Kernels", "Data", "Report",
            ],
            exclude: ["Catalogue"]),
    ]
)
