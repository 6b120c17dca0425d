// SPDX-License-Identifier: Apache-2.0

/// Parses the date formats HTTP allows (RFC 9110 §5.6.7) into seconds since 1970 (UTC).
package enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since 1970-01-01T00:00:00Z for an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), an RFC 850 date
    /// (`Sunday, 06-Nov-94 08:49:37 GMT`) or an asctime date (`Sun Nov  6 08:49:37 1994`); `nil` otherwise.
    package static func parse(_ text: String) -> Double? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map { String($0) }
        var day: Int?
        var month: Int?
        var year: Int?
        var clock: (Int, Int, Int)?
        for part in parts.dropFirst() {  // the first token is the weekday
            if let m = months.firstIndex(of: part.lowercased()) {
                month = m + 1
            } else if part.contains(":") {
                let fields = part.split(separator: ":").compactMap { Int($0) }
                guard fields.count == 3 else { return nil }
                clock = (fields[0], fields[1], fields[2])
            } else if let number = Int(part) {
                if day == nil, part.count <= 2, month == nil || year == nil {
                    day = number
                } else {
                    year = part.count == 2 ? (number < 70 ? 2000 + number : 1900 + number) : number
                }
            } else if part.uppercased() != "GMT" && part.uppercased() != "UTC" {
                return nil
            }
        }
        guard let day, let month, let year, let (h, m, s) = clock,
            (1...31).contains(day), (0...23).contains(h), (0...59).contains(m), (0...60).contains(s)
        else { return nil }
        return Double(daysFromCivil(year: year, month: month, day: day)) * 86_400 + Double(h * 3600 + m * 60 + s)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
