/// Timestamps of transfer exports to Unix seconds (UTC), straight from bytes.
///
/// Accepted: Unix seconds (`1662000000`), ISO-8601 (`2022-09-01T00:20:00Z`, with optional
/// fraction and `Z` / `±HH:MM` offset, `T` or space between date and time, or a date alone), and
/// the `YYYY/MM/DD HH:MM[:SS]` form of IBM AMLworld. A time without an offset is taken as UTC.
public enum TimeParser {
    public static func parse(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// The end of a time window given as `text`: a date alone (`2024-03-01`, `2024/03/01`) means
    /// the whole day, so its last second; anything else is the instant `parse` reads. Unix seconds
    /// stay what they are, whatever their number of digits.
    public static func parseWindowEnd(_ text: String) -> Int64? {
        guard let t = parse(text) else { return nil }
        return isDateAlone(text) ? t + 86_399 : t
    }

    /// Whether `text` (surrounding blanks ignored) is a calendar date without a time of day.
    public static func isDateAlone(_ text: String) -> Bool {
        let b = Array(
            text.utf8.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop {
                $0 == 0x20 || $0 == 0x09 || $0 == 0x0d
            }.reversed())
        guard b.count == 10, b[4] == b[7], b[4] == UInt8(ascii: "-") || b[4] == UInt8(ascii: "/") else {
            return false
        }
        return b.indices.allSatisfy { $0 == 4 || $0 == 7 || (0x30...0x39).contains(b[$0]) }
    }

    public static func parse(_ b: UnsafeRawBufferPointer) -> Int64? {
        var s = 0
        var e = b.count
        while s < e && (b[s] == 0x20 || b[s] == 0x09) { s += 1 }
        while e > s && (b[e - 1] == 0x20 || b[e - 1] == 0x09 || b[e - 1] == 0x0d) { e -= 1 }
        guard e > s else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int? {
            guard i < e else { return nil }
            let d = Int(b[i]) - 0x30
            return d >= 0 && d <= 9 ? d : nil
        }
        @inline(__always) func number(_ i: Int, _ n: Int) -> Int? {
            var v = 0
            for k in 0..<n {
                guard let d = digit(i + k) else { return nil }
                v = v * 10 + d
            }
            return v
        }
        // Unix seconds: all digits, at most 12, so that milliseconds (1661991600000) and
        // basic-format date-times (20220901002000) are errors, not far-future times; and no
        // later than the last second of the year 9999, the last an ISO-8601 time here can name
        // (`latest`), so both forms accept the same times. An 8-digit basic date (20220901)
        // cannot be told apart and reads as seconds.
        if (s..<e).allSatisfy({ digit($0) != nil }) {
            guard e - s <= 12, let v = number(s, e - s), Int64(v) <= latest else { return nil }
            return Int64(v)
        }
        // Years 0001 to 9999.
        guard let year = number(s, 4), year >= 1, s + 4 < e else { return nil }
        let sep = b[s + 4]
        guard sep == UInt8(ascii: "-") || sep == UInt8(ascii: "/"), let month = number(s + 5, 2),
            s + 7 < e, b[s + 7] == sep, let day = number(s + 8, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var i = s + 10
        var seconds = 0
        if i < e {
            guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " "), let hour = number(i + 1, 2),
                i + 3 < e, b[i + 3] == UInt8(ascii: ":"), let minute = number(i + 4, 2), hour < 24,
                minute < 60
            else { return nil }
            seconds = hour * 3600 + minute * 60
            i += 6
            if i < e, b[i] == UInt8(ascii: ":") {
                guard let second = number(i + 1, 2), second < 61 else { return nil }
                seconds += second
                i += 3
                if i < e, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                    i += 1
                    guard digit(i) != nil else { return nil }
                    while digit(i) != nil { i += 1 }  // fraction dropped: times are whole seconds
                }
            }
            if i < e {
                if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                    i += 1
                } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                    let sign = b[i] == UInt8(ascii: "+") ? 1 : -1
                    guard let oh = number(i + 1, 2) else { return nil }
                    var j = i + 3
                    if j < e, b[j] == UInt8(ascii: ":") { j += 1 }
                    guard let om = number(j, 2), oh < 24, om < 60 else { return nil }
                    seconds -= sign * (oh * 3600 + om * 60)
                    i = j + 2
                }
            }
            guard i == e else { return nil }
        }
        return Int64(daysFromCivil(year: year, month: month, day: day)) * 86400 + Int64(seconds)
    }

    package static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Unix seconds as ISO-8601 UTC (`2024-03-01T09:15:00Z`), computed without locale or time
    /// zone dependence (civil-from-days, proleptic Gregorian): the inverse of `parse` for such text.
    /// 9999-12-31T23:59:59Z: the latest time chainflow reads, in either form.
    public static let latest: Int64 = 253_402_300_799

    /// ISO-8601 UTC with a four-digit year (`0001-01-01T00:00:00Z`); a year past 9999 or before
    /// 1 (no input gives one) with all its digits and sign.
    public static func isoString(_ t: Int64) -> String {
        let days = t >= 0 ? t / 86_400 : (t - 86_399) / 86_400
        let secs = t - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        if (1000...9999).contains(y) {
            // The common case, written digit by digit (reports print a time per row).
            return String(unsafeUninitializedCapacity: 20) { buffer in
                var i = 0
                func put(_ value: Int64, _ width: Int, _ separator: UInt8) {
                    var v = value
                    for p in stride(from: i + width - 1, through: i, by: -1) {
                        buffer[p] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                        v /= 10
                    }
                    buffer[i + width] = separator
                    i += width + 1
                }
                put(y, 4, UInt8(ascii: "-"))
                put(m, 2, UInt8(ascii: "-"))
                put(d, 2, UInt8(ascii: "T"))
                put(secs / 3600, 2, UInt8(ascii: ":"))
                put(secs % 3600 / 60, 2, UInt8(ascii: ":"))
                put(secs % 60, 2, UInt8(ascii: "Z"))
                return i
            }
        }
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let digits = String(y.magnitude)
        let year = (y < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        return "\(year)-\(two(m))-\(two(d))T\(two(secs / 3600)):\(two(secs % 3600 / 60)):\(two(secs % 60))Z"
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil algorithm).
    package static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}

/// The `--since`/`--until` window of a command, read once for every command the same way:
/// `since` is the instant given; `until` given as a date alone means the whole day (its last
/// second); both are Unix seconds or ISO-8601. A text that is no time, or a window that ends
/// before it starts, is a usage error naming the option and the value.
public struct TimeWindow: Sendable, Equatable {
    public var since: Int64?
    public var until: Int64?

    public init(since: Int64? = nil, until: Int64? = nil) {
        self.since = since
        self.until = until
    }

    /// The window of the option texts `since` and `until` of `command` (for the message).
    public init(since: String?, until: String?, command: String) throws(UsageError) {
        func read(_ text: String?, _ option: String, end: Bool) throws(UsageError) -> Int64? {
            guard let text else { return nil }
            guard let t = end ? TimeParser.parseWindowEnd(text) : TimeParser.parse(text) else {
                throw UsageError(
                    "\(option): not a time: '\(text.prefix(40))'; give Unix seconds, a date (2024-03-01) or an ISO-8601 time (2024-03-01T12:00:00Z)",
                    command: command)
            }
            return t
        }
        self.since = try read(since, "--since", end: false)
        self.until = try read(until, "--until", end: true)
        if let s = self.since, let u = self.until, s > u {
            throw UsageError(
                "--since (\(since ?? "")) is after --until (\(until ?? "")): the window is empty",
                command: command)
        }
    }
}
