import Foundation
import Testing
@testable import QVDClient

/// Keyboard and screen size from the user's X display (issue 4): the XKB rules names
/// decoder alone, then `X11DisplayProbe` against a real Xvfb, then how the result enters
/// `ClientSettings` under `-K`, `-g` and `client.geometry`.
@Suite(.serialized) struct X11DisplayProbeTests {
    @Test func rulesNamesDecodeAndKeyboardAsUpstream() throws {
        let bytes = Array("evdev\u{0}pc104\u{0}de,us\u{0}nodeadkeys,\u{0}grp:alt_shift_toggle\u{0}".utf8)
        let names = try #require(XKBRulesNames(propertyBytes: bytes))
        #expect(names == XKBRulesNames(rules: "evdev", model: "pc104", layout: "de,us", variant: "nodeadkeys,",
                                       options: "grp:alt_shift_toggle"))
        // Upstream's Perl client: first layout, no variant.
        #expect(names.keyboard == "pc104/de")
        #expect(XKBRulesNames(propertyBytes: Array("evdev\u{0}\u{0}fr\u{0}".utf8))?.keyboard == "pc105/fr")
        #expect(XKBRulesNames(propertyBytes: Array("evdev\u{0}pc105\u{0}\u{0}\u{0}\u{0}".utf8))?.keyboard == "pc105/us")
        #expect(XKBRulesNames(propertyBytes: Array("evdev\u{0}\u{0}\u{0}".utf8)) == nil)
        #expect(XKBRulesNames(propertyBytes: []) == nil)
    }

    @Test func noDisplayFallsBack() {
        #expect(X11DisplayProbe.probe(display: nil) == .failure(.notSet))
        #expect(X11DisplayProbe.probe(display: "") == .failure(.notSet))
        #expect(X11DisplayProbe.probe(display: ":9999") == .failure(.cannotOpen(display: ":9999")))
        #expect(X11DisplayProbe.describe(.failure(.notSet))
                == "no X display (DISPLAY is not set): keyboard pc105/us and the configured geometry")
    }

    @Test(.enabled(if: XvfbServer.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/setxkbmap")))
    func realXvfbKeyboardAndScreen() async throws {
        try await XvfbServer.with(screen: "1280x800x24") { xvfb in
            let before = try X11DisplayProbe.probe(display: xvfb.display).get()
            #expect(before.geometry == "1280x800")
            #expect(before.rulesNames?.model == "pc105")
            #expect(before.keyboard == "pc105/us")

            #expect(try await xvfb.run("/usr/bin/setxkbmap", ["-display", xvfb.display, "-layout", "de", "-model", "pc104"]) == .exited(0))
            let info = try X11DisplayProbe.probe(display: xvfb.display).get()
            #expect(info == X11DisplayInfo(display: xvfb.display, screenWidth: 1280, screenHeight: 800,
                                           rulesNames: XKBRulesNames(rules: "evdev", model: "pc104", layout: "de")))
            #expect(info.keyboard == "pc104/de")
            #expect(X11DisplayProbe.describe(.success(info))
                    == "X display \(xvfb.display): screen 1280x800, keyboard pc104/de (XKB model pc104, layout de)")

            #expect(try await xvfb.run("/usr/bin/setxkbmap", ["-display", xvfb.display, "-layout", "fr,us", "-variant", "azerty,", "-model", "pc105"]) == .exited(0))
            #expect(try X11DisplayProbe.probe(display: xvfb.display).get().keyboard == "pc105/fr")
        }
    }

    func settings(home: String, display: X11DisplayInfo?, change: (inout ClientOptions) -> Void = { _ in }) throws -> ClientSettings {
        var options = ClientOptions()
        options.host = "l7r"
        options.login = "alice"
        options.password = "x"
        change(&options)
        return try ClientSettings.resolve(options: options, environment: [:], home: home, systemFile: nil, display: display)
    }

    @Test func detectedValuesReplaceOnlyDefaults() throws {
        let home = try TemporaryDirectory()
        defer { home.remove() }
        let info = X11DisplayInfo(display: ":5", screenWidth: 1280, screenHeight: 800,
                                  rulesNames: XKBRulesNames(model: "pc104", layout: "de"))

        let detected = try settings(home: home.path, display: info)
        #expect(detected.keyboard == "pc104/de")
        #expect(detected.geometry == "1280x800")

        let none = try settings(home: home.path, display: nil)
        #expect(none.keyboard == "pc105/us")
        #expect(none.geometry == "1024x768")

        let flags = try settings(home: home.path, display: info) { $0.keyboard = "pc105/es"; $0.geometry = "800x600" }
        #expect(flags.keyboard == "pc105/es")
        #expect(flags.geometry == "800x600")

        _ = try home.write("client.geometry = 1600x900\n", to: ".qvd/client.conf")
        let configured = try settings(home: home.path, display: info)
        #expect(configured.geometry == "1600x900")
        #expect(configured.keyboard == "pc104/de")

        // A layout the VMA would refuse (upstream-l7r-protocol.md §5.1) is not sent.
        let odd = X11DisplayInfo(display: ":5", screenWidth: 640, screenHeight: 480,
                                 rulesNames: XKBRulesNames(model: "pc105", layout: "us(intl)"))
        #expect(try settings(home: home.path, display: odd).keyboard == "pc105/us")
        let noXKB = X11DisplayInfo(display: ":5", screenWidth: 640, screenHeight: 480, rulesNames: nil)
        #expect(try settings(home: home.path, display: noXKB).keyboard == "pc105/us")
        #expect(try settings(home: other(home), display: noXKB).geometry == "640x480")
    }

    private func other(_ home: TemporaryDirectory) throws -> String {
        let path = home.path + "/other-home"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
