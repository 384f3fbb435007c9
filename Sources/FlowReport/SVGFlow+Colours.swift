import FlowModel

// The flow picture (SVGFlow.swift): the colours of tag categories, the legend, shortened labels.
extension SVGFlow {
    /// Colours of well-known tag categories (matched by substring, lower-cased), most alarming
    /// first: the first match wins.
    package static let knownColours: [(String, String)] = [
        ("sanction", "#9b1c1c"), ("ofac", "#9b1c1c"),
        ("darknet", "#6b21a8"), ("ransom", "#9f1239"), ("scam", "#be123c"), ("fraud", "#be123c"),
        ("hack", "#b45309"), ("theft", "#b45309"), ("stolen", "#b45309"),
        ("mixer", "#c2410c"), ("mixing", "#c2410c"), ("tumbler", "#c2410c"),
        ("gambling", "#a21caf"), ("casino", "#a21caf"),
        ("exchange", "#1d4ed8"),
        ("merchant", "#15803d"), ("payment", "#15803d"), ("service", "#15803d"),
        ("mining", "#78350f"), ("miner", "#78350f"), ("pool", "#78350f"),
        ("defi", "#0f766e"), ("bridge", "#0f766e"), ("contract", "#0f766e"),
        ("watchlist", "#475569"),
    ]
    /// Colours of other categories, chosen by a fixed hash of the name (FNV-1a).
    package static let spareColours = [
        "#0e7490", "#4d7c0f", "#7c2d12", "#581c87", "#1e3a8a", "#831843", "#3f6212", "#155e75",
    ]
    /// Fill of untagged nodes, of transactions, and of "other" nodes.
    package static let untaggedFill = "#eef2f6"
    package static let stepFill = "#ffffff"
    package static let otherFill = "#f8fafc"

    /// The colour of a tag category (`#rrggbb`, dark enough for white text): fixed for
    /// well-known categories (sanctions dark red, exchange blue, mixer orange, …), otherwise
    /// picked by a stable hash of the name, so a category has the same colour in every report.
    public static func colour(category: String) -> String {
        let lower = category.lowercased()
        for (key, colour) in knownColours where lower.contains(key) { return colour }
        var hash: UInt32 = 2_166_136_261
        for b in lower.utf8 {
            hash ^= UInt32(b)
            hash = hash &* 16_777_619
        }
        return spareColours[Int(hash % UInt32(spareColours.count))]
    }

    /// The category to colour a node with when it has several: the most alarming well-known one
    /// (the order of `colour(category:)`), else the first in alphabetical order.
    public static func primaryCategory(_ categories: [String]) -> String? {
        var best: (Int, String)?
        for c in categories {
            let lower = c.lowercased()
            let rank = knownColours.firstIndex { lower.contains($0.0) } ?? knownColours.count
            if best == nil || (rank, c) < (best?.0 ?? 0, best?.1 ?? "") { best = (rank, c) }
        }
        return best?.1
    }

    /// A legend for a picture: one swatch per category drawn (`SVGFlowPicture.categories`),
    /// then "untagged" (the fill of untagged source and sink nodes), then, when `steps` names
    /// them (e.g. "transaction"), the white fill of step nodes. Text is escaped.
    public static func legend(_ categories: [String], steps: String? = nil) -> HTML {
        var out = "<p class=\"legend\">"
        for c in categories {
            out +=
                "<span class=\"swatch\" style=\"background:\(colour(category: c))\"></span>\(HTMLPage.escape(c))"
        }
        out += "<span class=\"swatch\" style=\"background:\(untaggedFill)\"></span>untagged"
        if let steps {
            out += "<span class=\"swatch\" style=\"background:\(stepFill)\"></span>\(HTMLPage.escape(steps))"
        }
        return HTML(raw: out + "</p>\n")
    }

    /// `s` shortened to at most `max` characters by eliding its middle ("bc1qar0s…5mdq"), so both
    /// ends of an address or txid stay visible.
    public static func shorten(_ s: String, max: Int) -> String {
        guard s.count > max, max >= 3 else { return s }
        let keep = max - 1
        let head = keep - keep / 2
        return String(s.prefix(head)) + "…" + String(s.suffix(keep / 2))
    }

    /// `s` shortened to at most `max` characters by cutting its end ("123.4567…").
    package static func truncate(_ s: String, max: Int) -> String {
        guard s.count > max, max >= 2 else { return s }
        return String(s.prefix(max - 1)) + "…"
    }
}
