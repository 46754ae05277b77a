/// A place in a spec file: the file's path as the user gave it, and a 1-based line and column.
public struct SourceLocation: Sendable, Equatable, Hashable, Comparable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The same file and line, `offset` columns further right (a place inside a scalar).
    public func advanced(by offset: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column + offset)
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }

    /// `file:line:col`, the form editors and terminals turn into links.
    public var description: String { "\(file):\(line):\(column)" }
}

/// Where a value of the resolved spec came from.
public enum Origin: Sendable, Equatable, Hashable {
    /// Written in the spec file at this place.
    case file(SourceLocation)
    /// Given on the command line, e.g. `--set train.epochs=5` or `--seed 7`.
    case argument(String)
    /// Filled in by runexp because the spec did not say.
    case defaulted

    /// The place to show in a message about this value.
    public var place: String {
        switch self {
        case .file(let location): return location.description
        case .argument(let text): return text
        case .defaulted: return "(default)"
        }
    }

    /// The place `offset` columns into a scalar written in the file; other origins stay as they are.
    public func advanced(by offset: Int) -> Origin {
        if case .file(let location) = self { return .file(location.advanced(by: offset)) }
        return self
    }

    var sortKey: (Int, String, Int, Int) {
        switch self {
        case .file(let l): return (0, l.file, l.line, l.column)
        case .argument(let text): return (1, text, 0, 0)
        case .defaulted: return (2, "", 0, 0)
        }
    }
}
