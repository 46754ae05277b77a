import Data
import RunFolder

/// The classes `runexp apply` gives a conditional network beside its inputs (a loss gives it
/// `concat(…, onehot(y))`): one per input from a `.npy` file, or one class for every input.
public enum GivenLabels: Sendable, Equatable {
    /// N class indices, or N×K one-hot rows, as a data source's labels are read.
    case file(String)
    /// The same class for every input.
    case every(Int)

    /// The option that gave them, for messages.
    var option: String {
        switch self {
        case .file(let path): return "--labels \(path)"
        case .every(let label): return "--label \(label)"
        }
    }

    /// One class per input, for `count` inputs (`inputs` says which, for messages), each a class
    /// that every conditioned network of `applications` reads.
    func values(count: Int, inputs: String, for applications: [NetworkApplication]) throws -> [Int] {
        let values: [Int]
        switch self {
        case .every(let label): values = Array(repeating: label, count: count)
        case .file(let path):
            let array = try NPY.read(path: path, requirements: ArrayRequirements(nonEmpty: true))
            values = try classIndices(array, source: path).map(Int.init)
            guard values.count == count else {
                throw RunError("\(path): \(values.count) labels for the \(count) \(inputs)")
            }
        }
        for application in applications {
            guard let classes = application.conditioning?.classes,
                let bad = values.firstIndex(where: { !(0..<classes).contains($0) })
            else { continue }
            let which = if case .file = self { "label \(bad) is \(values[bad]), but " } else { "" }
            throw RunError(
                "\(option): \(which)'\(application.networks[0])' reads one-hot labels of \(classes) classes (0 to \(classes - 1))"
            )
        }
        return values
    }

    /// Refuses labels where none of `applications` reads them, and their absence where one does.
    static func check(_ labels: GivenLabels?, for applications: [NetworkApplication]) throws {
        let conditioned = applications.filter { $0.conditioning != nil }.map { "'\($0.networks[0])'" }
        if labels == nil, let first = conditioned.first {
            throw RunError(
                "\(first) reads a class label beside each input (a loss gives it onehot(y)): give them with "
                    + "--labels FILE.npy (one per input) or --label N (the same for every input)")
        }
        if let labels, conditioned.isEmpty {
            let names = applications.map { "'\($0.networks[0])'" }.joined(separator: " and ")
            let reads =
                applications.count == 1 ? "reads no labels (no loss gives it" : "read no labels (no loss gives them"
            throw RunError("\(labels.option): \(names) \(reads) onehot(y)); leave it out")
        }
    }
}
