import Foundation
import Report

/// `runexp runs --html FILE`: one page over every run and study found, the table sortable and
/// filterable in the browser, each row linking its report.html (a study's, its study page).
public enum RunsPage {
    /// The page for `result`, its links relative to the folder `file` is written to, so the page
    /// and the results can move together.
    public static func html(_ result: RunsResult, file: String) -> String {
        let home = URL(fileURLWithPath: file).absoluteURL.standardized.deletingLastPathComponent()
        var page = HTMLReport(title: "Runs")
        let runs = result.rows.filter { $0.kind == .run }.count
        page.addParagraph(
            "\(runs) runs and \(result.rows.count - runs) studies. Click a column's name to sort by it (again to reverse); "
                + "type in the box to keep the rows that hold every word.")
        page.addSortableTable(
            header: result.headers, rows: result.rows.map(result.cells),
            links: result.rows.map { $0.report.map { relativePath(of: $0, from: home) } })
        return page.html()
    }

    /// The path of `target` from the folder `home`, each part percent-encoded: `../results/x/report.html`.
    static func relativePath(of target: URL, from home: URL) -> String {
        let to = target.standardized.pathComponents, from = home.standardized.pathComponents
        var shared = 0
        while shared < min(to.count, from.count), to[shared] == from[shared] { shared += 1 }
        let parts = Array(repeating: "..", count: from.count - shared) + to[shared...]
        return parts.map {
            $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/", ";", "?"])) ?? $0
        }
        .joined(separator: "/")
    }
}
