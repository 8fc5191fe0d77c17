import TLS
import Testing

@Suite("TLSContext configuration errors")
struct TLSContextTests {
    let certs: TestCertificates

    init() throws {
        certs = try TestCertificates.shared()
    }

    @Test func missingKeyFileIsNamed() throws {
        let key = certs.path("absent.key")
        let error = #expect(throws: TLSError.self) {
            try TLSContext(server: TLSConfiguration(certificatePath: certs.serverCertificate, privateKeyPath: key))
        }
        #expect(error?.description.contains(key) == true)
    }

    @Test func keyForAnotherCertificateIsNamed() throws {
        let error = #expect(throws: TLSError.self) {
            try TLSContext(
                server: TLSConfiguration(certificatePath: certs.serverCertificate, privateKeyPath: certs.clientKey))
        }
        #expect(error?.description.contains(certs.clientKey) == true)
        #expect(error?.description.contains("mismatch") == true)
    }

    @Test func missingCertificateFileIsNamed() throws {
        let certificate = certs.path("absent.crt")
        let error = #expect(throws: TLSError.self) {
            try TLSContext(server: TLSConfiguration(certificatePath: certificate, privateKeyPath: certs.serverKey))
        }
        #expect(error?.description.contains(certificate) == true)
    }

    @Test func missingClientCAIsNamed() throws {
        let ca = certs.path("absent-ca.crt")
        let error = #expect(throws: TLSError.self) {
            try TLSContext(
                server: TLSConfiguration(
                    certificatePath: certs.serverCertificate, privateKeyPath: certs.serverKey, clientCAPath: ca))
        }
        #expect(error?.description.contains(ca) == true)
    }

    @Test(arguments: ["", String(repeating: "x", count: 256)])
    func unencodableALPNNameIsRefused(name: String) throws {
        #expect(throws: TLSError.self) {
            try TLSContext(
                server: TLSConfiguration(
                    certificatePath: certs.serverCertificate, privateKeyPath: certs.serverKey, alpnProtocols: [name]))
        }
        #expect(throws: TLSError.self) { try TLSContext(clientTrusting: nil, alpnProtocols: [name]) }
    }

    @Test func failuresLeaveNoStaleErrorsForTheNextConnection() throws {
        _ = try? TLSContext(server: TLSConfiguration(certificatePath: certs.path("absent.crt"), privateKeyPath: ""))
        var pair = try SessionPair(server: certs.serverContext(), client: certs.clientContext())
        pair.pump()
        #expect(pair.bothSucceeded)
    }
}
