import Foundation

/// Small files written once by NumPy 2.4 (see each comment), kept as base64 so that the test
/// target needs no resource declaration.
enum Fixtures {
    /// np.savez(x=arange(12, uint8).reshape(3, 4), y=array([[1.5, -2], [0.25, 8]], '>f8'))
    static let numpyStoredNpz = decode(
        """
        UEsDBC0AAAAAAAAAIQA4dVta//////////8FABQAeC5ucHkBABAAjAAAAAAAAACMAAAAAAAAAJNOVU1QWQEAdgB7
        J2Rlc2NyJzogJ3x1MScsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCA0KSwgfSAgICAgICAg
        ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAECAwQFBgcICQoLUEsD
        BC0AAAAAAAAAIQA2r4q2//////////8FABQAeS5ucHkBABAAoAAAAAAAAACgAAAAAAAAAJNOVU1QWQEAdgB7J2Rl
        c2NyJzogJz5mOCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgyLCAyKSwgfSAgICAgICAgICAg
        ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKP/gAAAAAAADAAAAAAAAAAD/Q
        AAAAAAAAQCAAAAAAAABQSwECLQMtAAAAAAAAACEAOHVbWowAAACMAAAABQAAAAAAAAAAAAAAgAEAAAAAeC5ucHlQ
        SwECLQMtAAAAAAAAACEANq+KtqAAAACgAAAABQAAAAAAAAAAAAAAgAHDAAAAeS5ucHlQSwUGAAAAAAIAAgBmAAAA
        mgEAAAAA
        """)

    /// np.savez_compressed with the same x and y
    static let numpyDeflatedNpz = decode(
        """
        UEsDBC0AAAAIAAAAIQA4dVta//////////8FABQAeC5ucHkBABAAjAAAAAAAAABSAAAAAAAAAJvsF+obEMnIUMZQ
        rZ6SWpxcpG6loF5Taqiuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6CiaaOgq1CmQDLgZGJmYWVjZ2
        Dk4ubgBQSwMELQAAAAgAAAAhADavirb//////////wUAFAB5Lm5weQEAEACgAAAAAAAAAFYAAAAAAAAAm+wX6hsQ
        ychQxlCtnpJanFykbqWgbpdmoa6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaRjoKRpo6CrUKZAMu+x8M
        YHAAQjHYX4DQDgoQGgBQSwECLQMtAAAACAAAACEAOHVbWlIAAACMAAAABQAAAAAAAAAAAAAAgAEAAAAAeC5ucHlQ
        SwECLQMtAAAACAAAACEANq+KtlYAAACgAAAABQAAAAAAAAAAAAAAgAGJAAAAeS5ucHlQSwUGAAAAAAIAAgBmAAAA
        FgEAAAAA
        """)

    /// np.save(asfortranarray(arange(24, dtype='<i4').reshape(2, 3, 4)))
    static let fortranInt32Npy = decode(
        """
        k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMywg
        NCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAA
        DAAAAAQAAAAQAAAACAAAABQAAAABAAAADQAAAAUAAAARAAAACQAAABUAAAACAAAADgAAAAYAAAASAAAACgAAABYA
        AAADAAAADwAAAAcAAAATAAAACwAAABcAAAA=
        """)

    /// A zip64 archive built by hand with Python's struct (numpy.load reads it): one member `z.npy`
    /// holding int16 [0, 1, 2, 3, 4], every size and offset saturated in the central directory and
    /// given in zip64 extra fields, with a zip64 end record and locator.
    static let zip64Npz = decode(
        """
        UEsDBC0AAAAAAAAAIQAuWeNK//////////8FABQAei5ucHkBABAAigAAAAAAAACKAAAAAAAAAJNOVU1QWQEAdgB7
        J2Rlc2NyJzogJzxpMicsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICg1LCksIH0gICAgICAgICAg
        ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAABAAIAAwAEAFBLAQIt
        AC0AAAAAAAAAIQAuWeNK//////////8FABwAAAAAAAAAAAAAAP////96Lm5weQEAGACKAAAAAAAAAIoAAAAAAAAA
        AAAAAAAAAABQSwYGLAAAAAAAAAAtAC0AAAAAAAAAAAABAAAAAAAAAAEAAAAAAAAATwAAAAAAAADBAAAAAAAAAFBL
        BgcAAAAAEAEAAAAAAAABAAAAUEsFBgAAAAD///////////////8AAA==
        """)

    private static func decode(_ text: String) -> Data {
        Data(base64Encoded: text.replacingOccurrences(of: "\n", with: "")) ?? Data()
    }
}
