import Foundation
import GatewayCore
import GatewayHTTP
import Testing

@testable import RESTAPI

@Suite("Dashboard page")
struct DashboardTests {
    static let assets = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/RESTAPI/Dashboard/Assets")

    @Test("the embedded files are the files, byte for byte (run scripts/embed-dashboard after editing one)",
          arguments: [("index.html", DashboardAssets.indexHTML), ("app.js", DashboardAssets.appJS),
                      ("style.css", DashboardAssets.styleCSS)])
    func embeddedEqualsFile(_ name: String, _ embedded: String) throws {
        let file = try String(contentsOf: Self.assets.appendingPathComponent(name), encoding: .utf8)
        #expect(embedded + "\n" == file)
    }

    @Test("GET / is the page, with its type, validator, cache policy and a strict CSP", arguments: [
        ("/", "text/html; charset=utf-8"), ("/dashboard/app.js", "text/javascript; charset=utf-8"),
        ("/dashboard/style.css", "text/css; charset=utf-8"),
    ])
    func servesEachFile(_ path: String, _ type: String) async throws {
        let router = RESTRouter(core: try unreachableCore())
        let r = await send(makeRequest("GET", path), to: router)
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"] == type)
        #expect(r.headers["Cache-Control"] == "no-cache")
        #expect(r.headers["X-Content-Type-Options"] == "nosniff")
        let csp = try #require(r.headers["Content-Security-Policy"])
        #expect(csp.hasPrefix("default-src 'none'") && csp.contains("connect-src 'self'") && !csp.contains("unsafe"))
        let etag = try #require(r.headers["ETag"])
        #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && etag.count == 22)
        #expect(!r.body.isEmpty)

        let again = await send(makeRequest("GET", path, headers: ["If-None-Match": "\"other\", W/\(etag)"]), to: router)
        #expect(again.status == 304 && again.body.isEmpty && again.headers["ETag"] == etag)
    }

    @Test("the page loads only its own files, and no key is asked for them even when keys are configured")
    func openAndSelfContained() async throws {
        let html = DashboardAssets.indexHTML
        #expect(html.contains("src=\"/dashboard/app.js\"") && html.contains("href=\"/dashboard/style.css\""))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<style") && !html.contains("style="))
        let core = try unreachableCore(keys: [APIKey(name: "reader", sha256: AccessControl.hash("k"), role: .read)])
        let r = await send(makeRequest("GET", "/"), to: RESTRouter(core: core))
        #expect(r.status == 200)
    }
}
