import QVDClient

/// The long part of `qvdclient --help`: where settings come from, how certificates are
/// trusted, examples, environment variables and every exit status (`ClientExitCode`).
enum QVDClientHelp {
    static let examples: [(command: String, explanation: String)] = [
        ("qvdclient -h qvd.example.com -u alice -l",
         "List alice's VMs; the password is asked on the terminal."),
        ("qvdclient -h qvd.example.com -u alice -s 3",
         "Connect to VM 3 and show its desktop."),
        ("qvdclient -h qvd.example.com -u alice -o -f -K pc105/es",
         "Connect to the first VM, full screen, with a Spanish keyboard."),
        ("QVDPASSWORD=... qvdclient -h qvd.example.com -u alice -l --json",
         "The VM list as upstream's JSON, for scripts."),
        ("qvdclient --password-stdin -h qvd.example.com -u alice -s 3 < pw.txt",
         "Read the password from standard input."),
        ("qvdclient --trust -h qvd.example.com",
         "Show the server's certificate and save it if you accept it."),
        ("qvdclient --trust -h qvd.example.com --pin sha256:<hex>",
         "Save the certificate without asking, if its fingerprint is <hex>."),
    ]

    static let environment: [(name: String, meaning: String)] = [
        ("QVDHOST, QVDPORT", "the server and its port (-h, -p)"),
        ("QVDLOGIN", "the login name (-u)"),
        ("QVDPASSWORD", "the password (-w), not shown by ps"),
        ("QVDBEARER", "a bearer token, already base64 (-b)"),
        ("QVDBEARERTOKEN", "a raw bearer token, base64-encoded for you"),
        ("QVDVMID", "the VM id (-s)"),
        ("QVD_DEBUG", "when set, debug output as with -d"),
        ("DISPLAY", "the desktop's X display (its keyboard and size are sent)"),
        ("HOME", "~/.qvd: client.conf, certs/, accepted_certs.json, the log"),
    ]

    static var discussion: String {
        let exampleText = examples.map { "  \($0.command)\n      \($0.explanation)" }.joined(separator: "\n")
        let width = environment.map(\.name.count).max() ?? 0
        let environmentText = environment.map {
            "  " + $0.name + String(repeating: " ", count: width - $0.name.count + 2) + $0.meaning
        }.joined(separator: "\n")
        return """
            Settings come from /etc/qvd/client.conf, then ~/.qvd/client.conf (or --config), \
            then the environment, then these options; later ones win. Without -K, and without -g \
            or client.geometry, the keyboard (XKB model/layout) and screen size of the X display \
            are sent to the VM.

            The server's certificate must be signed by a system CA or one in ~/.qvd/certs, or its \
            SHA-256 fingerprint must be in ~/.qvd/accepted_certs.json or given with --pin \
            sha256:<hex> (a matching --pin is saved there). On a terminal an unknown certificate \
            is shown and you are asked (once/always/no); otherwise it is refused with its \
            fingerprint. -n turns every check off: only for tests.

            Examples:
            \(exampleText)

            Environment:
            \(environmentText)

            Exit status:
            \(exitStatusText)
            """
    }

    /// `  3  authentication failed`, one line per `ClientExitCode`.
    static var exitStatusText: String {
        ClientExitCode.allCases.map { code in
            let number = String(code.rawValue)
            return "  " + String(repeating: " ", count: 2 - number.count) + number + "  " + code.description
        }.joined(separator: "\n")
    }
}
