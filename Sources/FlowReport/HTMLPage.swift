import FlowModel

/// Building blocks of chainflow's HTML reports: one self-contained file per report (inline CSS,
/// inline SVG, no network, no script), readable on screen and printed.
///
/// How a report uses them:
/// ```swift
/// var page = HTMLPage(title: "Flow trace", subtitle: "forward, haircut")
/// page.parameters = [("policy", .text("haircut")), ("seed", .code(seedText))]
/// page.sections.append(
///     HTMLSection(title: "Endpoints", blocks: [
///         HTMLTable(columns: [.init("address"), .init("amount", numeric: true)],
///                   rows: rows.map { [.code($0.address), .text($0.amount)] }).html,
///     ]))
/// page.footnotes = [.text("Shares are rounded down.")]
/// let file = page.render()
/// ```
///
/// Untrusted text (labels, addresses, memo fields, anything read from a file or the database)
/// must reach the page through `HTMLPage.escape`, `HTML.text`, `HTML.code` or another `HTML`
/// constructor that escapes; only markup the report builds itself goes through `HTML(raw:)`.
public struct HTMLPage: Sendable {
    /// The page's `<title>` and top heading (escaped).
    public var title: String
    /// A line under the heading (escaped), e.g. what the report is about.
    public var subtitle: String?
    /// The parameter table right under the heading: name (escaped) and value.
    public var parameters: [(String, HTML)]
    /// The report's sections, in order.
    public var sections: [HTMLSection]
    /// Numbered notes at the end of the page.
    public var footnotes: [HTML]
    /// A last line naming the tool (no dates or timings: the same report gives the same bytes).
    public var generator: String

    public init(
        title: String, subtitle: String? = nil, parameters: [(String, HTML)] = [],
        sections: [HTMLSection] = [],
        footnotes: [HTML] = [], generator: String = "chainflow"
    ) {
        self.title = title
        self.subtitle = subtitle
        self.parameters = parameters
        self.sections = sections
        self.footnotes = footnotes
        self.generator = generator
    }

    /// The whole document: `<!DOCTYPE html>` to `</html>`, ending with a newline.
    public func render() -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        // No script, no network: the policy makes a browser refuse both even if markup slipped in.
        out +=
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
        out += "<title>\(Self.escape(title))</title>\n<style>\n\(Self.css)</style>\n</head>\n<body>\n"
        out += "<header>\n<h1>\(Self.escape(title))</h1>\n"
        if let subtitle { out += "<p class=\"subtitle\">\(Self.escape(subtitle))</p>\n" }
        if !parameters.isEmpty {
            out += "<table class=\"parameters\">\n<tbody>\n"
            for (name, value) in parameters {
                out += "<tr><th scope=\"row\">\(Self.escape(name))</th><td>\(value.markup)</td></tr>\n"
            }
            out += "</tbody>\n</table>\n"
        }
        out += "</header>\n<main>\n"
        for section in sections { out += section.html.markup }
        out += "</main>\n<footer>\n"
        if !footnotes.isEmpty {
            out += "<ol class=\"footnotes\">\n"
            for note in footnotes { out += "<li>\(note.markup)</li>\n" }
            out += "</ol>\n"
        }
        out += "<p class=\"generator\">\(Self.escape(generator))</p>\n</footer>\n</body>\n</html>\n"
        return out
    }

    /// Escapes text for HTML element content and for quoted attribute values: `&`, `<`, `>`,
    /// `"` and `'` become character references; control characters other than tab and line
    /// breaks (which HTML cannot carry) become U+FFFD.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case let c where c.value < 0x20 || c.value == 0x7F || (0x80..<0xA0).contains(c.value):
                out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The page's style sheet: system fonts, tables with numeric columns right-aligned, wide
    /// pictures scrolling on screen and scaled to the page when printed.
    package static let css = """
        :root { color-scheme: light; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
          color: #1f2933; background: #fff; margin: 0 auto; padding: 24px 32px; max-width: 1200px; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #cbd2d9; }
        h3 { font-size: 16px; margin: 24px 0 6px; }
        p { margin: 6px 0; }
        .subtitle { color: #52606d; margin: 0 0 12px; }
        table { border-collapse: collapse; margin: 8px 0 12px; font-size: 13px; }
        th, td { border: 1px solid #cbd2d9; padding: 4px 8px; text-align: left; vertical-align: top; }
        thead th { background: #f0f4f8; }
        caption { caption-side: top; text-align: left; font-weight: 600; padding: 4px 0; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        table.parameters th { background: #f0f4f8; font-weight: 600; white-space: nowrap; }
        table.parameters { font-size: 13px; }
        code { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
          overflow-wrap: anywhere; word-break: break-all; }
        .muted { color: #616e7c; }
        .note { color: #52606d; font-size: 13px; }
        .chip { display: inline-block; padding: 0 6px; margin: 1px 2px 1px 0; border-radius: 8px;
          font-size: 12px; color: #fff; white-space: nowrap; }
        .badge { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 12px;
          font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
        .sev-low { color: #3e4c59; } .sev-medium { color: #8d5b00; } .sev-high { color: #b42318; }
        .sev-critical { color: #fff; background: #9b1c1c; border-color: #9b1c1c; }
        figure { margin: 8px 0 16px; }
        figure .picture { display: block; width: fit-content; max-width: 100%; overflow: auto;
          max-height: 90vh; border: 1px solid #e4e7eb; border-radius: 4px; background: #fff; }
        figure svg { display: block; max-width: none; }
        figure .zoom-label { font-size: 12px; color: #52606d; margin-right: 6px; }
        figure input[type=radio] { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }
        figure input[type=radio] + label { display: inline-block; font-size: 12px; padding: 0 8px;
          margin: 0 4px 4px 0; border: 1px solid #cbd2d9; border-radius: 4px; color: #3e4c59;
          background: #fff; cursor: pointer; }
        figure input[type=radio]:checked + label { background: #3e4c59; border-color: #3e4c59; color: #fff; }
        figure input[type=radio]:focus-visible + label { outline: 2px solid #5b7da3; }
        figure .z-fit:checked ~ .picture { width: auto; }
        figure .z-fit:checked ~ .picture svg { width: 100%; height: auto; }
        figure .z-50:checked ~ .picture svg { width: calc(var(--w) * 0.5); height: auto; }
        figure .z-150:checked ~ .picture svg { width: calc(var(--w) * 1.5); height: auto; }
        figure .z-200:checked ~ .picture svg { width: calc(var(--w) * 2); height: auto; }
        td .when { color: #616e7c; font-size: 12px; white-space: nowrap; }
        td .time { white-space: nowrap; }
        .clip { display: inline-block; max-width: 14em; overflow: hidden; text-overflow: ellipsis;
          white-space: nowrap; vertical-align: bottom; }
        table.wrap td.num { white-space: normal; }
        figcaption { color: #52606d; font-size: 13px; margin-top: 4px; }
        .legend { margin: 4px 0 0; font-size: 12px; }
        .legend span.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px;
          vertical-align: -1px; margin: 0 4px 0 10px; border: 1px solid #7b8794; }
        .flow .node:hover rect { stroke-width: 2.5; }
        .flow .edge:hover path { stroke-opacity: 0.85; }
        article.item { border-top: 1px solid #e4e7eb; margin-top: 20px; page-break-inside: avoid; }
        ol.footnotes { color: #52606d; font-size: 12px; padding-left: 20px; }
        footer { margin-top: 32px; border-top: 1px solid #cbd2d9; }
        .generator { color: #9aa5b1; font-size: 11px; }
        @media print {
          body { padding: 0; max-width: none; font-size: 11pt; }
          h2 { page-break-after: avoid; }
          tr, figure { page-break-inside: avoid; }
          figure .picture { overflow: visible; border: none; max-height: none; width: auto; }
          figure svg, figure .picture svg { max-width: 100%; width: auto; height: auto; }
          figure input[type=radio], figure input[type=radio] + label, figure .zoom-label { display: none; }
          .chip, .sev-critical { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }

        """
}

/// A piece of markup that is safe to place in a page: built by escaping text, or by a report
/// from parts it controls (`init(raw:)`).
public struct HTML: Sendable, Equatable {
    /// The markup, ready to insert.
    public var markup: String

    /// Markup the caller vouches for (built by chainflow, never taken from data).
    public init(raw markup: String) { self.markup = markup }

    /// Text, escaped.
    public static func text(_ s: String) -> HTML { HTML(raw: HTMLPage.escape(s)) }

    /// Text in a `<code>` element (addresses, txids), escaped.
    public static func code(_ s: String) -> HTML { HTML(raw: "<code>\(HTMLPage.escape(s))</code>") }

    /// Text in a `<code>` element, shortened to `max` characters for display (middle elided), with
    /// the full text as its tooltip.
    public static func shortCode(_ s: String, max: Int = 20) -> HTML {
        let short = SVGFlow.shorten(s, max: max)
        if short == s { return code(s) }
        return HTML(raw: "<code title=\"\(HTMLPage.escape(s))\">\(HTMLPage.escape(short))</code>")
    }

    /// Text that may be long (an asset's name, such as a token symbol or contract): one line, cut
    /// with an ellipsis by the style sheet where it does not fit, the whole text in its tooltip
    /// (and still in the page, for copying).
    public static func clipped(_ s: String) -> HTML {
        let e = HTMLPage.escape(s)
        return HTML(raw: "<span class=\"clip\" title=\"\(e)\">\(e)</span>")
    }

    /// A paragraph of text, escaped.
    public static func paragraph(_ s: String, note: Bool = false) -> HTML {
        HTML(raw: (note ? "<p class=\"note\">" : "<p>") + HTMLPage.escape(s) + "</p>\n")
    }

    /// A tag category as a coloured chip (the colour `SVGFlow.colour(category:)` gives it in
    /// pictures), escaped.
    public static func chip(_ category: String) -> HTML {
        HTML(
            raw:
                "<span class=\"chip\" style=\"background:\(SVGFlow.colour(category: category))\">\(HTMLPage.escape(category))</span>"
        )
    }

    /// A bulleted list of items.
    public static func list(_ items: [HTML]) -> HTML {
        HTML(raw: "<ul>\n" + items.map { "<li>\($0.markup)</li>\n" }.joined() + "</ul>\n")
    }

    /// Pieces one after another, with `separator` (escaped) between them.
    public static func join(_ parts: [HTML], separator: String = "") -> HTML {
        HTML(raw: parts.map(\.markup).joined(separator: HTMLPage.escape(separator)))
    }

    /// Zoom levels of a zoomable figure (percent of the picture's own size; 0 fits the page).
    package static let zoomLevels = [0, 50, 100, 150, 200]

    /// A picture (SVG markup from `SVGFlow`) with a caption (escaped) and optional legend
    /// markup, scrolling (both ways) on screen when larger than its frame.
    ///
    /// With `zoom` (an id unique in the page, and the picture's width at 100%), the picture
    /// also gets a zoom control above it: fit the page's width, 50%, 100% (the default), 150%,
    /// 200%. It is made of radio buttons and CSS alone (the SVG keeps its `viewBox` and is
    /// resized by the style sheet), since the pages run no script and their
    /// Content-Security-Policy forbids one; printed, the picture is scaled to the page and the
    /// control is hidden.
    public static func figure(
        svg: String, caption: String?, legend: HTML? = nil, zoom: (id: String, width: Int)? = nil
    ) -> HTML {
        var out = "<figure>\n"
        if let zoom {
            let id = HTMLPage.escape(zoom.id)
            out += "<span class=\"zoom-label\">zoom</span>"
            for level in zoomLevels {
                let name = level == 0 ? "fit" : String(level)
                out +=
                    "<input type=\"radio\" name=\"\(id)-zoom\" id=\"\(id)-zoom-\(name)\" class=\"z-\(name)\"\(level == 100 ? " checked" : "")>"
                    + "<label for=\"\(id)-zoom-\(name)\">\(level == 0 ? "fit width" : "\(level)%")</label>"
            }
            out += "\n<div class=\"picture\" style=\"--w:\(zoom.width)px\">\n\(svg)</div>\n"
        } else {
            out += "<div class=\"picture\">\n\(svg)</div>\n"
        }
        if let legend { out += legend.markup }
        if let caption { out += "<figcaption>\(HTMLPage.escape(caption))</figcaption>\n" }
        return HTML(raw: out + "</figure>\n")
    }

    public static func + (a: HTML, b: HTML) -> HTML { HTML(raw: a.markup + b.markup) }
}

/// A table: column headings, rows of cells, an optional caption and a note under it.
public struct HTMLTable: Sendable {
    /// One column: heading (escaped) and whether its cells are numbers (right-aligned).
    public struct Column: Sendable {
        public var title: String
        public var numeric: Bool
        public init(_ title: String, numeric: Bool = false) {
            self.title = title
            self.numeric = numeric
        }
    }

    public var caption: String?
    public var columns: [Column]
    /// Cells per row; a row shorter than `columns` is padded with empty cells.
    public var rows: [[HTML]]
    /// A line under the table (escaped), e.g. "12 more not listed; the totals include them."
    public var note: String?
    /// Extra CSS class of the `<table>` element.
    public var cssClass: String?

    public init(
        caption: String? = nil, columns: [Column], rows: [[HTML]], note: String? = nil,
        cssClass: String? = nil
    ) {
        self.caption = caption
        self.columns = columns
        self.rows = rows
        self.note = note
        self.cssClass = cssClass
    }

    /// The table's markup.
    public var html: HTML {
        var out = cssClass.map { "<table class=\"\(HTMLPage.escape($0))\">\n" } ?? "<table>\n"
        if let caption { out += "<caption>\(HTMLPage.escape(caption))</caption>\n" }
        // A table of name/value rows (all headings empty) has no heading row.
        if columns.contains(where: { !$0.title.isEmpty }) {
            out += "<thead><tr>"
            for c in columns {
                out +=
                    (c.numeric ? "<th class=\"num\" scope=\"col\">" : "<th scope=\"col\">")
                    + HTMLPage.escape(c.title) + "</th>"
            }
            out += "</tr></thead>\n"
        }
        out += "<tbody>\n"
        for row in rows {
            out += "<tr>"
            for (k, c) in columns.enumerated() {
                let cell = k < row.count ? row[k].markup : ""
                out += (c.numeric ? "<td class=\"num\">" : "<td>") + cell + "</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n"
        if let note { out += "<p class=\"note\">\(HTMLPage.escape(note))</p>\n" }
        return HTML(raw: out)
    }
}

/// A section of a page: a heading (escaped) and blocks of markup; `id` (escaped) makes it a
/// link target (`#id`).
public struct HTMLSection: Sendable {
    public var title: String
    public var id: String?
    public var blocks: [HTML]

    public init(title: String, id: String? = nil, blocks: [HTML] = []) {
        self.title = title
        self.id = id
        self.blocks = blocks
    }

    /// The section's markup.
    public var html: HTML {
        var out = id.map { "<section id=\"\(HTMLPage.escape($0))\">\n" } ?? "<section>\n"
        out += "<h2>\(HTMLPage.escape(title))</h2>\n"
        for b in blocks { out += b.markup }
        return HTML(raw: out + "</section>\n")
    }
}
