import ArgumentParser
import Spec

/// `--determinism`: a mode by the name the spec's `determinism:` key takes, parsed one way for
/// every command.
extension DeterminismMode: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }

    /// The mode named `text`, or a usage error with the nearest name.
    static func parse(_ text: String) throws -> DeterminismMode {
        guard let mode = DeterminismMode(argument: text) else {
            let names = DeterminismMode.allCases.map(\.rawValue)
            throw ValidationError("unknown determinism '\(text)'\(NearestName.hint(text, in: names))")
        }
        return mode
    }
}

/// `runexp bench --determinism`: one mode, or `both` interleaved.
struct DeterminismModes: ExpressibleByArgument {
    let modes: [DeterminismMode]

    init?(argument: String) {
        guard
            let modes = argument == "both"
                ? DeterminismMode.allCases : DeterminismMode(argument: argument).map({ [$0] })
        else { return nil }
        self.modes = modes
    }

    static var allValueStrings: [String] { DeterminismMode.allValueStrings + ["both"] }
}

/// `--threads N`, checked one way for every command that computes: a whole number from 1 to
/// `maximum` (more would only ask for buffers no machine has).
enum ThreadCount {
    static let maximum = 1024

    /// The count, or a usage error naming the range.
    static func parse(_ text: String) throws -> Int {
        guard let count = Int(text), (1...maximum).contains(count) else {
            throw ValidationError("--threads must be a whole number from 1 to \(maximum); found '\(text)'")
        }
        return count
    }
}
