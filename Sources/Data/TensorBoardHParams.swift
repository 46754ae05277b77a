import Foundation

/// TensorBoard's HParams plugin data, written: the event records that make `tensorboard --logdir`
/// list a study's trials in its HParams tab, each with its values of the study's keys and metrics.
///
/// An experiment summary (tag `_hparams_/experiment`) declares the keys with their domains and the
/// metrics by their scalar tags; a session-start summary (`_hparams_/session_start_info`) in a
/// trial's run gives its values, and a session-end summary (`_hparams_/session_end_info`) its
/// status. Each is a `Summary.Value` whose metadata names the plugin `hparams` and whose content is
/// an `HParamsPluginData` (tensorboard/plugins/hparams/plugin_data.proto and api.proto), beside a
/// null float tensor as TensorBoard's own writer puts there. Only the fields written are encoded:
/// `HParamsPluginData { int32 version = 1; oneof data { Experiment experiment = 2;
/// SessionStartInfo session_start_info = 3; SessionEndInfo session_end_info = 4; } }`,
/// `Experiment { repeated HParamInfo hparam_infos = 4; repeated MetricInfo metric_infos = 5; }`,
/// `HParamInfo { string name = 1; DataType type = 4; oneof domain { ListValue domain_discrete = 5;
/// Interval domain_interval = 6; } }`, `Interval { double min_value = 1; double max_value = 2; }`,
/// `MetricInfo { MetricName name = 1; }`, `MetricName { string group = 1; string tag = 2; }`,
/// `SessionStartInfo { map<string, Value> hparams = 1; string group_name = 4;
/// double start_time_secs = 5; }`, `SessionEndInfo { Status status = 1; double end_time_secs = 2; }`,
/// with google.protobuf's `Value { double number_value = 2; string string_value = 3; }` and
/// `ListValue { repeated Value values = 1; }`. The version is 0, proto3's default, so it is not
/// written, as protobuf's own encoders leave it out.
public enum TensorBoardHParams {
    /// One value of a key: a number or a text (TensorBoard's `DATA_TYPE_FLOAT64` or `_STRING`).
    public enum Value: Sendable, Equatable {
        case number(Double)
        case text(String)
    }

    /// What values a key takes: those listed, or any in a closed interval.
    public enum Domain: Sendable, Equatable {
        case discrete([Value])
        case interval(Double, Double)
    }

    /// A key of the experiment and its domain.
    public struct Key: Sendable, Equatable {
        public var name: String
        public var domain: Domain

        public init(name: String, domain: Domain) {
            self.name = name
            self.domain = domain
        }
    }

    /// How a session ended (TensorBoard's `Status`).
    public enum Status: UInt64, Sendable {
        case unknown = 0, success = 1, failure = 2, running = 3
    }

    public static let experimentTag = "_hparams_/experiment"
    public static let sessionStartTag = "_hparams_/session_start_info"
    public static let sessionEndTag = "_hparams_/session_end_info"

    /// The record of the experiment: its keys and the scalar tags of its metrics, each read from
    /// the session's own run.
    public static func experiment(keys: [Key], metricTags: [String], wallTime: Double) -> [UInt8] {
        record(experimentTag, content: experimentContent(keys: keys, metricTags: metricTags), wallTime: wallTime)
    }

    /// The record that starts a session: its values, the group its values share with other
    /// sessions (TensorBoard averages a group's metrics) and when it started.
    public static func sessionStart(values: [(key: String, value: Value)], group: String, startTime: Double)
        -> [UInt8]
    {
        record(
            sessionStartTag, content: sessionStartContent(values: values, group: group, startTime: startTime),
            wallTime: startTime)
    }

    /// The record that ends a session.
    public static func sessionEnd(status: Status, endTime: Double) -> [UInt8] {
        record(sessionEndTag, content: sessionEndContent(status: status, endTime: endTime), wallTime: endTime)
    }

    static func experimentContent(keys: [Key], metricTags: [String]) -> [UInt8] {
        var experiment = Protobuf()
        for key in keys {
            var info = Protobuf()
            info.bytes(1, Array(key.name.utf8))
            switch key.domain {
            case .discrete(let values):
                let numeric = values.allSatisfy { if case .number = $0 { true } else { false } }
                info.varint(4, numeric ? 3 : 1)
                var list = Protobuf()
                for value in values { list.bytes(1, encoded(value)) }
                info.bytes(5, list.bytes)
            case .interval(let low, let high):
                info.varint(4, 3)
                var interval = Protobuf()
                interval.double(1, low)
                interval.double(2, high)
                info.bytes(6, interval.bytes)
            }
            experiment.bytes(4, info.bytes)
        }
        for tag in metricTags {
            var name = Protobuf()
            name.bytes(2, Array(tag.utf8))
            var info = Protobuf()
            info.bytes(1, name.bytes)
            experiment.bytes(5, info.bytes)
        }
        var data = Protobuf()
        data.bytes(2, experiment.bytes)
        return data.bytes
    }

    static func sessionStartContent(values: [(key: String, value: Value)], group: String, startTime: Double)
        -> [UInt8]
    {
        var start = Protobuf()
        for (key, value) in values {
            var entry = Protobuf()
            entry.bytes(1, Array(key.utf8))
            entry.bytes(2, encoded(value))
            start.bytes(1, entry.bytes)
        }
        if !group.isEmpty { start.bytes(4, Array(group.utf8)) }
        start.double(5, startTime)
        var data = Protobuf()
        data.bytes(3, start.bytes)
        return data.bytes
    }

    static func sessionEndContent(status: Status, endTime: Double) -> [UInt8] {
        var end = Protobuf()
        // proto3 leaves a zero enum out.
        if status != .unknown { end.varint(1, status.rawValue) }
        end.double(2, endTime)
        var data = Protobuf()
        data.bytes(4, end.bytes)
        return data.bytes
    }

    /// A `google.protobuf.Value`.
    static func encoded(_ value: Value) -> [UInt8] {
        var message = Protobuf()
        switch value {
        case .number(let number): message.double(2, number)
        case .text(let text): message.bytes(3, Array(text.utf8))
        }
        return message.bytes
    }

    /// The event record of one hparams summary: the plugin's metadata around `content`, and the
    /// null tensor (`DT_FLOAT`, shape `[0]`) that TensorBoard's readers expect as its value.
    static func record(_ tag: String, content: [UInt8], wallTime: Double) -> [UInt8] {
        var plugin = Protobuf()
        plugin.bytes(1, Array("hparams".utf8))
        plugin.bytes(2, content)
        var metadata = Protobuf()
        metadata.bytes(1, plugin.bytes)
        var entry = Protobuf()
        entry.bytes(1, Array(tag.utf8))
        entry.bytes(8, nullTensor)
        entry.bytes(9, metadata.bytes)
        return TensorBoardEvents.summary(entry, step: 0, wallTime: wallTime)
    }

    /// `TensorProto { dtype: DT_FLOAT, tensor_shape { dim { size: 0 } } }`.
    static let nullTensor: [UInt8] = [0x08, 0x01, 0x12, 0x02, 0x12, 0x00]
}
