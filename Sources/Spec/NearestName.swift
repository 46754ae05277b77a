/// Suggests the valid name a user most likely meant, for "did you mean" hints.
public enum NearestName {
    /// The candidate closest to `name` by edit distance, when it is close enough to be a plausible typo.
    public static func find(_ name: String, in candidates: [String]) -> String? {
        let lowered = name.lowercased()
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best else { return nil }
        // One edit in three letters: two edits make a short name another name (`kll` → `l1`).
        let limit = max(1, min(name.count, best.name.count) / 3)
        // A name every letter of which must change (`kl` → `l1`) is no typo of it.
        return best.distance <= limit && best.distance < name.count ? best.name : nil
    }

    /// `"; did you mean 'x'?"` when a near name exists, else the names that do exist (the first
    /// twelve): an unknown name always says what the user could have written.
    public static func hint(_ name: String, in candidates: [String]) -> String {
        if let near = find(name, in: candidates) { return "; did you mean '\(near)'?" }
        guard !candidates.isEmpty else { return "" }
        let shown = candidates.prefix(12).joined(separator: ", ")
        return "; expected one of: \(shown)" + (candidates.count > 12 ? ", …" : "")
    }

    /// Levenshtein distance, with a transposition counted as one edit (`relu` → `rleu`).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let s = Array(a), t = Array(b)
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var previous2 = [Int](repeating: 0, count: t.count + 1)
        var previous = Array(0...t.count)
        var current = [Int](repeating: 0, count: t.count + 1)
        for i in 1...s.count {
            current[0] = i
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[t.count]
    }
}
