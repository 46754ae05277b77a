/// Why an analysis could not run: an invalid argument a user can reach, described in words.
public enum AnalysisError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The computation needs at least `needed` points and was given `got`.
    case tooFewPoints(needed: Int, got: Int, purpose: String)
    /// The perplexity asks for more neighbours than the other points can supply.
    case perplexityTooLarge(perplexity: Double, neighbors: Int, points: Int)
    /// A parameter lies outside its valid range.
    case invalidParameter(name: String, value: String, expected: String)
    /// A value in the input is NaN or infinite.
    case nonFiniteInput(what: String, index: Int)
    /// Two buffers that must agree in size do not.
    case sizeMismatch(what: String, expected: Int, got: Int)

    /// A one-line message for the user.
    public var description: String {
        switch self {
        case .tooFewPoints(let needed, let got, let purpose):
            return "\(purpose) needs at least \(needed) points, got \(got)"
        case .perplexityTooLarge(let perplexity, let neighbors, let points):
            return "perplexity \(perplexity) needs \(neighbors) neighbours per point (3 × perplexity), "
                + "so at least \(neighbors + 1) points, got \(points); lower the perplexity"
        case .invalidParameter(let name, let value, let expected):
            return "\(name) is \(value); expected \(expected)"
        case .nonFiniteInput(let what, let index):
            return "\(what) holds a NaN or infinite value at index \(index)"
        case .sizeMismatch(let what, let expected, let got):
            return "\(what) has \(got) values, expected \(expected)"
        }
    }
}

/// Throws `nonFiniteInput` at the first NaN or infinity in `values`.
func requireFinite(_ values: [Float], what: String) throws {
    for index in values.indices where !values[index].isFinite {
        throw AnalysisError.nonFiniteInput(what: what, index: index)
    }
}

/// Throws unless `buffer` holds exactly `count × dimension` values with a positive dimension.
func requireShape(_ buffer: [Float], count: Int, dimension: Int, what: String) throws {
    guard count >= 0, dimension > 0 else {
        throw AnalysisError.invalidParameter(
            name: "\(what) shape", value: "\(count)×\(dimension)",
            expected: "a non-negative count and a positive dimension")
    }
    guard buffer.count == count * dimension else {
        throw AnalysisError.sizeMismatch(what: what, expected: count * dimension, got: buffer.count)
    }
}
