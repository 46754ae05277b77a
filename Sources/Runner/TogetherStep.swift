import Graph
import RunFolder
import Spec

extension Trainer {
    /// `train.updates: together`: every phase due at this step runs forward from the weights the
    /// step started with, reading one draw of `z`, then each differentiates them, then each
    /// updates. `check` has made sure
    /// that no two phases train one network and that none repeats.
    func runPhasesTogether(_ indices: ArraySlice<Int>, epoch: Double) -> Result<[(phase: Int, loss: Double)], RunError>
    {
        if sampler?.prior.followsLabels == true { sampler?.labels = indices.map { data.train.labels[$0] } }
        let due = phases.indices.filter { step % checked.spec.phases[$0].every == 0 }
        var losses: [(phase: Int, loss: Double)] = []
        var drawn: FloatBuffer?
        for index in due {
            let phase = phases[index]
            phase.epoch = epoch
            if let labels = phase.labels { data.train.writeLabels(indices, into: labels.pointer) }
            // One draw of z for the step, as one forward pass of all the losses would read.
            if let drawn, let prior = phase.prior, prior.count == drawn.count {
                prior.pointer.update(from: drawn.pointer, count: prior.count)
                var drawnAlready: PriorSampler? = nil
                phase.forwardStep(batch: indices.count, sampler: &drawnAlready)
            } else {
                phase.forwardStep(batch: indices.count, sampler: &sampler)
                if drawn == nil { drawn = phase.prior }
            }
            if !phase.updatedLastStep { skippedUpdates[index] += 1 }
        }
        // Every gate is decided: the `updated(…)` factors take their values.
        let updates = phases.indices.map { due.contains($0) && phases[$0].updatedLastStep }
        for index in due {
            let loss = phases[index].settle(updates: updates)
            guard loss.isFinite else {
                return .failure(RunError("the loss of phase '\(phases[index].name)' became \(loss)"))
            }
            losses.append((index, loss))
            noteTerms(of: phases[index])
        }
        for index in due { phases[index].backwardStep() }
        for index in due { phases[index].applyStep() }
        return .success(losses)
    }
}
