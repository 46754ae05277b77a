import ArgumentParser
import Foundation

/// The width in characters the tables of `runs` and `compare` fit: `--width`, else `COLUMNS`, else
/// the terminal standard output is, else 80 (a pipe or a file).
enum TerminalWidth {
    /// The fewest columns a table is fitted to; a smaller `--width` is refused.
    static let minimum = 20

    /// `--width N` checked: a whole number of at least `minimum`.
    static func parse(_ text: String) throws -> Int {
        guard let width = Int(text), width >= minimum, width <= 100_000 else {
            throw ValidationError("--width must be a whole number from \(minimum) to 100000; found '\(text)'")
        }
        return width
    }

    /// The width to fit, `forced` when given.
    static func current(forced: Int?) -> Int {
        if let forced { return forced }
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let columns = Int(text), columns > 0 {
            return max(columns, minimum)
        }
        var size = winsize()
        if isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return max(Int(size.ws_col), minimum)
        }
        return 80
    }
}

/// `--width`, the option of every command that prints a table fitted to the terminal.
struct TableWidthOption: ParsableArguments {
    @Option(
        help: "Fit the table to this many columns (default: COLUMNS, the terminal's width, or 80).",
        transform: TerminalWidth.parse)
    var width: Int?

    /// The columns to fit: `--width`, else the terminal's.
    var columns: Int { TerminalWidth.current(forced: width) }
}
