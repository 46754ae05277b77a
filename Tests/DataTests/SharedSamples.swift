import Foundation

/// Paths to the shared sample data, which CI places beside the package root as `../shared`.
enum SharedSamples {
    /// The package root, derived from this file's location (Tests/DataTests/SharedSamples.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The path of `relative` under `../shared/data/`.
    static func path(_ relative: String) -> String {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/\(relative)").path
    }
}
