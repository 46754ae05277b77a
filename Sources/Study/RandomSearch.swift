import Kernels
import Spec

/// A random search's settings: each drawn from the study's first seed alone, key by key in the
/// order the space gives them, so the same study file gives the same trials (and `--resume` finds
/// them again), and a setting does not depend on how many more are drawn after it.
enum RandomSearch {
    static func settings(
        _ space: [(key: String, distribution: SearchDistribution)], count: Int, seed: UInt64
    ) -> [Setting] {
        var stream = RandomStream(seed: seed, name: "study/random-search")
        var settings: [Setting] = []
        var seen: Set<Setting> = []
        // A space of few choices can repeat a setting; a repeat would count one trial's result
        // twice, so it is drawn again (a bounded number of times: a tiny space gives fewer).
        var attempts = 0
        while settings.count < count, attempts < count * 20 {
            attempts += 1
            let values = space.map { entry in
                Setting.Assignment(key: entry.key, value: entry.distribution.value(at: stream.nextUniformDouble()))
            }
            let setting = Setting(values: values)
            if seen.insert(setting).inserted { settings.append(setting) }
        }
        return settings
    }
}
