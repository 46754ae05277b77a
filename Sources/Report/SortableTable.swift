/// The HTML of a table a reader sorts by clicking a header and filters by typing in a box above
/// it, and the small inline script that does both: `runexp runs --html` over many runs.
enum SortableTable {
    /// The filter box and the table; each row's first cell links `links[row]` when given (a
    /// relative path, percent-encoded by the caller). Every text is escaped.
    static func html(header: [String], rows: [[String]], links: [String?]) -> String {
        let escape = MarkupEscaping.escape
        let columns = max(header.count, rows.map(\.count).max() ?? 0)
        let head = header.map { "<th title=\"sort\">\(escape($0))</th>" }.joined()
        let body = rows.enumerated().map { index, row in
            let padded = row + Array(repeating: "", count: max(0, columns - row.count))
            let cells = padded.enumerated().map { column, text in
                guard column == 0, index < links.count, let link = links[index] else {
                    return "<td>\(escape(text))</td>"
                }
                return "<td><a href=\"\(escape(link))\">\(escape(text))</a></td>"
            }
            return "<tr>" + cells.joined() + "</tr>"
        }.joined(separator: "\n")
        return """
            <p><input type="search" id="runs-filter" placeholder="filter: words every shown row contains" size="40"> \
            <span id="runs-count"></span></p>
            <table class="metrics sortable" id="runs">
            <thead><tr>\(head)</tr></thead>
            <tbody>
            \(body)
            </tbody>
            </table>
            """
    }

    /// Sorts by the clicked column (numbers as numbers, again to reverse) and shows only the rows
    /// whose text holds every word typed in the box.
    static let script = """
        (function () {
          var table = document.getElementById("runs"), box = document.getElementById("runs-filter");
          var count = document.getElementById("runs-count"), body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows), order = {};
          function key(row, column) {
            var text = row.cells[column] ? row.cells[column].textContent.trim() : "";
            var number = Number(text);
            return text !== "" && !isNaN(number) ? number : text;
          }
          Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
            th.style.cursor = "pointer";
            th.addEventListener("click", function () {
              order[column] = -(order[column] || -1);
              rows.sort(function (a, b) {
                var x = key(a, column), y = key(b, column);
                if (typeof x !== typeof y) { return typeof x === "number" ? -1 : 1; }
                return (x < y ? -1 : x > y ? 1 : 0) * order[column];
              });
              rows.forEach(function (row) { body.appendChild(row); });
            });
          });
          function filter() {
            var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean), shown = 0;
            rows.forEach(function (row) {
              var text = row.textContent.toLowerCase();
              var keep = words.every(function (word) { return text.indexOf(word) >= 0; });
              row.style.display = keep ? "" : "none";
              shown += keep ? 1 : 0;
            });
            count.textContent = shown + " of " + rows.length + " rows";
          }
          box.addEventListener("input", filter);
          filter();
        })();
        """
}
