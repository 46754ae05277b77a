import Foundation

/// Runs the built `runexp` executable the way a user does, and captures what it prints.
struct RunexpBinary {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package's root folder, found from this file's place in `Tests/RunexpTests/`.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The executable built beside the test bundle (`.build/<config>/runexp`).
    static var executable: URL {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent(), Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for case let folder? in candidates {
            let url = folder.appendingPathComponent("runexp")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/runexp")
    }

    /// Runs `runexp arguments…` in `directory` (the package root by default) and waits for it.
    static func run(_ arguments: [String], in directory: URL = packageRoot) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a long report cannot fill a pipe and stall the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
