/// A plain-text table with aligned columns, like the route tables the seeds print.
///
/// ```
/// Destination CIDR block  Next hop type  Next hop       Type    Status
/// 10.10.10.0/24           VpnGateway     VPN gateway 1  Custom  Active
/// ```
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: [String]) {
        self.headers = headers
    }

    mutating func append(_ row: [String]) {
        rows.append(row)
    }

    /// The lines: headers, then rows; columns two spaces apart, no trailing spaces.
    func render() -> [String] {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func format(_ cells: [String]) -> String {
            var line = ""
            for (index, cell) in cells.enumerated() {
                if index > 0 { line += "  " }
                line += cell
                if index < cells.count - 1 {
                    line += String(repeating: " ", count: max(0, widths[index] - cell.count))
                }
            }
            while line.last == " " { line.removeLast() }
            return line
        }
        return [format(headers)] + rows.map(format)
    }
}
