import Foundation
import Testing

@testable import Data

/// TensorBoard's HParams plugin data, byte by byte against the messages TensorBoard's own protobuf
/// classes serialize (tensorboard 2.21, `plugin_data_pb2` and `api_pb2`, deterministic order).
struct TensorBoardHParamsTests {
    static func doubleBytes(_ value: Double) -> [UInt8] {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }
    }

    @Test func aSessionEndIsItsStatusAndEndTimeInsideThePluginData() {
        let content = TensorBoardHParams.sessionEndContent(status: .success, endTime: 2)
        // session_end_info (field 4, 11 bytes): status 1 (field 1, varint), end_time_secs 2.0 (field 2, double).
        #expect(content == [0x22, 0x0B, 0x08, 0x01, 0x11] + Self.doubleBytes(2))
        // An unknown status is proto3's zero: left out, as protobuf leaves it out.
        #expect(
            TensorBoardHParams.sessionEndContent(status: .unknown, endTime: 2) == [0x22, 0x09, 0x11]
                + Self.doubleBytes(2))
    }

    @Test func anExperimentListsEachKeyWithItsDomainAndEachMetricByItsTag() {
        let content = TensorBoardHParams.experimentContent(
            keys: [
                .init(name: "bs", domain: .discrete([.number(64)])),
                .init(name: "act", domain: .discrete([.text("relu"), .text("tanh")])),
                .init(name: "lr", domain: .interval(0.5, 2)),
            ], metricTags: ["final/mse"])
        let expected: [UInt8] = [
            0x12, 0x5B,  // experiment
            0x22, 0x13, 0x0A, 0x02, 0x62, 0x73, 0x20, 0x03,  // hparam_infos: name "bs", type FLOAT64
            0x2A, 0x0B, 0x0A, 0x09, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x50, 0x40,  // domain_discrete [64.0]
            0x22, 0x19, 0x0A, 0x03, 0x61, 0x63, 0x74, 0x20, 0x01,  // name "act", type STRING
            0x2A, 0x10, 0x0A, 0x06, 0x1A, 0x04, 0x72, 0x65, 0x6C, 0x75, 0x0A, 0x06, 0x1A, 0x04, 0x74, 0x61, 0x6E, 0x68,
            0x22, 0x1A, 0x0A, 0x02, 0x6C, 0x72, 0x20, 0x03,  // name "lr", type FLOAT64
            0x32, 0x12, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xE0, 0x3F,  // domain_interval [0.5,
            0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40,  // 2.0]
            // metric_infos: name { tag "final/mse" }
            0x2A, 0x0D, 0x0A, 0x0B, 0x12, 0x09, 0x66, 0x69, 0x6E, 0x61, 0x6C, 0x2F, 0x6D, 0x73, 0x65,
        ]
        #expect(content == expected)
    }

    @Test func aSessionStartGivesTheValuesTheGroupAndTheStartTime() {
        let content = TensorBoardHParams.sessionStartContent(
            values: [("act", .text("relu"))], group: "g", startTime: 1.5)
        let expected: [UInt8] =
            [0x1A, 0x1B, 0x0A, 0x0D, 0x0A, 0x03] + Array("act".utf8) + [0x12, 0x06, 0x1A, 0x04] + Array("relu".utf8)
            + [0x22, 0x01, 0x67, 0x29] + Self.doubleBytes(1.5)
        #expect(content == expected)
    }

    @Test func aSummaryIsTheTagTheNullTensorAndThePluginsMetadataInOneFramedRecord() throws {
        let record = TensorBoardHParams.sessionEnd(status: .success, endTime: 2)
        let length = record[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(record.count == 8 + 4 + length + 4)
        let tag = Array("_hparams_/session_end_info".utf8)
        // Summary.Value: tag (1), tensor (8: DT_FLOAT, shape [0]), metadata (9: plugin_data {"hparams", content}).
        let value: [UInt8] =
            [0x0A, UInt8(tag.count)] + tag + [0x42, 0x06, 0x08, 0x01, 0x12, 0x02, 0x12, 0x00]
            + [0x4A, 0x1A, 0x0A, 0x18, 0x0A, 0x07] + Array("hparams".utf8) + [0x12, 0x0D]
            + TensorBoardHParams.sessionEndContent(status: .success, endTime: 2)
        #expect(Array(record[12..<(12 + length)].suffix(value.count)) == value)
    }
}
