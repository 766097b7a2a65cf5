import CX11

/// Reads the screen size and keyboard of the user's X display through libX11, so
/// `qvd.client.geometry` and `qvd.client.keyboard` match what the user sits at
/// (issue 4; upstream's Perl GUI reads `_XKB_RULES_NAMES` the same way,
/// `upstream-l7r-protocol.md` §5.1, §8.3 "Keyboard auto-detection").
///
/// `-K`, `-g` and a `client.geometry` set in a file or the environment win over what is
/// found here (`ClientSettings.resolve(…display:)`); without a display the client falls
/// back to `pc105/us` and the configured geometry.
///
/// The property is read with `XGetWindowProperty`, so only libX11 is needed (libxkbfile's
/// `XkbRF_GetNamesProp` does the same). One short-lived connection per probe; nothing
/// here installs Xlib error handlers, as none of these requests can fail on a live root
/// window.
public enum X11DisplayProbe {
    /// Opens `display` (the value of `$DISPLAY`), reads the default screen's size and the
    /// root window's `_XKB_RULES_NAMES`, and closes it again.
    public static func probe(display: String?) -> Result<X11DisplayInfo, X11DisplayProbeError> {
        guard let name = display, !name.isEmpty else { return .failure(.notSet) }
        guard let connection = XOpenDisplay(name) else { return .failure(.cannotOpen(display: name)) }
        defer { XCloseDisplay(connection) }

        let screen = XDefaultScreen(connection)
        let width = Int(XDisplayWidth(connection, screen))
        let height = Int(XDisplayHeight(connection, screen))
        let root = XRootWindow(connection, screen)
        return .success(X11DisplayInfo(
            display: name, screenWidth: width, screenHeight: height,
            rulesNames: rulesNames(connection, root: root)))
    }

    /// The root window's `_XKB_RULES_NAMES` (a STRING of NUL-separated fields), or nil
    /// when the server has none.
    private static func rulesNames(_ connection: OpaquePointer, root: Window) -> XKBRulesNames? {
        // only_if_exists = True: a server without XKB has no such atom, and we must not
        // create one.
        let atom = XInternAtom(connection, "_XKB_RULES_NAMES", 1)
        guard atom != 0 else { return nil }
        var actualType: Atom = 0
        var actualFormat: Int32 = 0
        var count: UInt = 0
        var remaining: UInt = 0
        var data: UnsafeMutablePointer<UInt8>?
        // 1024 32-bit units = 4 KiB, as upstream's Perl client asks for.
        let status = XGetWindowProperty(connection, root, atom, 0, 1024, 0, 0 /* AnyPropertyType */,
                                        &actualType, &actualFormat, &count, &remaining, &data)
        defer { if let data { XFree(data) } }
        guard status == 0 /* Success */, actualFormat == 8, let data, count > 0 else { return nil }
        return XKBRulesNames(propertyBytes: Array(UnsafeBufferPointer(start: data, count: Int(count))))
    }

    /// One line for the log (and `-d`): what was found, or why the defaults are used.
    public static func describe(_ result: Result<X11DisplayInfo, X11DisplayProbeError>) -> String {
        switch result {
        case .success(let info):
            let keyboard = info.keyboard.map { "keyboard \($0) (XKB model \(info.rulesNames?.model ?? ""), layout \(info.rulesNames?.layout ?? ""))" }
                ?? "no XKB rules names: keyboard \(ClientSettings.defaultKeyboard)"
            return "X display \(info.display): screen \(info.geometry), \(keyboard)"
        case .failure(let error):
            return "\(error): keyboard \(ClientSettings.defaultKeyboard) and the configured geometry"
        }
    }
}

/// Why `X11DisplayProbe` found no display to read; never fatal, the defaults are used.
public enum X11DisplayProbeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `$DISPLAY` is unset or empty.
    case notSet
    /// `XOpenDisplay` failed: no server there, or access refused (xhost/xauth).
    case cannotOpen(display: String)

    public var description: String {
        switch self {
        case .notSet: "no X display (DISPLAY is not set)"
        case .cannotOpen(let display): "cannot open the X display \(display) (no server there, or no access: check xauth)"
        }
    }
}
