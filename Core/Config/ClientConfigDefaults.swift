/// The keys `qvdclient` and the client-side slave tools read from `/etc/qvd/client.conf`
/// and `~/.qvd/client.conf`, with upstream's names and defaults
/// (`upstream-l7r-protocol.md §9`, `upstream-slave-channel.md §5`; values as in upstream's
/// Defaults.pm), plus the keys this implementation adds (issues 4 and 5), marked `added`.
/// Keys upstream reads without defining (e.g. `client.ssl.cert_file`) are listed with no
/// default.
public enum ClientConfigDefaults {
    /// The system-wide file (not read on Windows upstream).
    public static let systemFile = "/etc/qvd/client.conf"
    /// The user's file, relative to the home directory. Upstream's CLI also takes
    /// `QVDCLIENTCONFIG` instead of it.
    public static let userFileInHome = ".qvd/client.conf"

    /// The table.
    public static let table = ConfigDefaultsTable(
        component: "qvdclient",
        keys: connection + session + sharing + usb + tls + platform + paths + logging,
        families: families,
        environmentVariables: environmentVariables
    )

    static let connection: [ConfigKeyDefinition] = [
        .upstream("client.host.name", "", .text, "L7R server to connect to."),
        .upstream("client.host.port", "8443", .integer(1...65_535), "L7R port."),
        .upstream("client.use_ssl", "1", .boolean, "Talk TLS to the L7R (0 only for test servers)."),
        .upstream("client.user.name", "", .text, "Login name."),
        .upstream("client.user.password", "", .text,
                  "Password; better asked on the terminal or read with --password-stdin.", secret: true),
        .upstream("client.remember_username", "1", .boolean, "GUI: remember the login name."),
        .upstream("client.remember_password", "0", .boolean, "GUI: remember the password."),
        .upstream("client.show.remember_password", "0", .boolean, "GUI: show the remember-password checkbox."),
        .upstream("client.show.settings", "1", .boolean, "GUI: show the settings tab."),
        .upstream("client.auto_connect", "0", .boolean, "Connect at start-up without asking."),
        .upstream("client.auto_connect.vm_id", "", .text, "VM to connect to (with auto_connect, or like -s)."),
        .upstream("client.auto_connect.token", "", .text,
                  "Bearer token (base64) used instead of a password.", secret: true),
        .upstream("client.force.host.name", nil, .text, "GUI: lock the server field to this host."),
        .upstream("client.force.link", nil, .text, "GUI: lock the link type to this value."),
        .upstream("client.kill_vm.display", "0", .boolean, "Unused upstream: the restart-session checkbox is always shown."),
        .upstream("client.auth_env_share.enable", "0", .boolean,
                  "Send the environment variables listed in client.auth_env_share.list.N to the authentication plugins."),
        .upstream("client.auth_env_share.list.0", "", .text, "First environment variable to send (see above)."),
    ]

    static let session: [ConfigKeyDefinition] = [
        .upstream("client.link", "adsl", .text,
                  "NX link type: modem, isdn, adsl, wan, lan, local, or a bandwidth such as 1m."),
        .upstream("client.geometry", "1024x768", .text, "Session window size, WIDTHxHEIGHT."),
        .upstream("client.fullscreen", "", .boolean, "Start the session full screen."),
        .upstream("client.audio.enable", "", .boolean, "Forward sound (the NX media channel)."),
        .upstream("client.audio.compression.enable", "1", .boolean, "Compress forwarded sound."),
        .upstream("client.audio.redirect.enable", nil, .boolean, "Send sound to another PulseAudio server (no default upstream)."),
        .upstream("client.audio.redirect.server", nil, .text, "That PulseAudio server's host."),
        .upstream("client.audio.redirect.port", nil, .integer(1...65_535), "That PulseAudio server's port."),
        .upstream("client.printing.enable", "1", .boolean, "Forward printing to the client's printers."),
        .upstream("client.locale", "", .text, "Force the client's locale instead of LANG and LC_*."),
        .upstream("client.nxproxy.extra_args", "", .words, "Extra nxproxy options."),
        .upstream("client.nxagent.extra_args", "", .text,
                  "Extra nxagent options, sent to the VM as qvd.client.nxagent.extra_args (checked there)."),
        .upstream("client.session_open.command", "${path.qvd.bin}/qvd-gui-client.pl", .path,
                  "Program written into desktop icons to open a session."),
        .upstream("command.nxproxy", "/usr/bin/nxproxy", .path, "nxproxy, the NX client proxy."),
        .upstream("internal.client.xserver.startup.timeout", "30", .integer(1...3_600),
                  "Seconds to wait for a local X server started by the client (Windows, macOS)."),
    ]

    static let sharing: [ConfigKeyDefinition] = [
        .upstream("client.slave.enable", "1", .boolean,
                  "Open the slave channel (slave=<port> for nxproxy): folders, files, USB."),
        .upstream("client.slave.command", "${path.qvd.bin}/qvd-client-slaveserver", .path,
                  "Client-side slave server nxproxy runs per connection (NX_SLAVE_CMD)."),
        .upstream("client.slave.client", "${path.qvd.bin}/qvd-slaveclient", .path,
                  "Slave-channel client program (share, mount, open)."),
        .upstream("client.slave.wrapper", nil, .path, "Windows only: wrapper around the slave server."),
        .upstream("client.slave.debug_commands", "0", .boolean, "Enable the slave channel's test and benchmark commands."),
        // Off by default: a VM asking the client's desktop to open URLs is a way out of the VM.
        .added("client.slave.open_url", "0", .boolean,
               "Let the VM ask the client's desktop to open http(s) URLs (POST /open-url)."),
        .upstream("client.file_sharing.enable", "1", .boolean,
                  "Share client folders with the VM (client.share.N; default $HOME and /media)."),
        .upstream("client.sshfs.extra_args", "", .words, "Extra sshfs options for folders mounted from the VM."),
        .upstream("command.sshfs", "${path.qvd.bin}/sshfs", .path, "sshfs, for folders mounted from the VM."),
        .upstream("command.sftp-server", "/usr/lib/openssh/sftp-server", .path,
                  "Upstream's SFTP server for shared folders (ours serves them in-process, confined)."),
        .upstream("client.use.win-sftp-server", "1", .boolean, "Windows only: use win-sftp-server."),
    ]

    static let usb: [ConfigKeyDefinition] = [
        .upstream("client.usb.enable", "0", .boolean, "Forward USB devices to the VM."),
        .upstream("client.usb.implementation", "USBIP", .text, "USB forwarding implementation."),
        .upstream("client.usb.sudo", "1", .boolean, "Run the USB/IP helper through sudo."),
        .upstream("client.usb.usbip.port", "3240", .integer(1...65_535), "USB/IP port."),
        .upstream("client.usb.usbip.debug", "0", .boolean, "USB/IP debug output."),
        .upstream("client.usb.usbip.log", "0", .boolean, "USB/IP logging."),
        .upstream("client.usb.share_all", "0", .boolean, "Share every USB device (rarely a good idea)."),
        .upstream("client.usb.share_list", "", .list, "USB devices to share: VID:PID[@serial], comma-separated."),
        .upstream("client.slave.command.qvd-client-slaveclient-usbip", "${path.qvd.bin}/qvd-client-slaveclient-usbip", .path,
                  "USB/IP helper run through the slave channel."),
    ]

    static let tls: [ConfigKeyDefinition] = [
        .upstream("client.ssl.use_cert", "0", .boolean, "Present a client certificate."),
        .upstream("client.ssl.cert_file", nil, .path, "Client certificate (PEM)."),
        .upstream("client.ssl.key_file", nil, .path, "Client certificate's key (PEM)."),
        .upstream("client.ssl.options.SSL_version", "SSLv23:!SSLv3:!SSLv2:!TLSv1", .text,
                  "Upstream's raw IO::Socket::SSL option; accepted, we always offer TLS 1.2 and 1.3."),
        .upstream("client.ssl.ocsp_mode", "SSL_OCSP_TRY_STAPLE|SSL_OCSP_FAIL_HARD", .text,
                  "Upstream's raw OCSP mode; accepted for compatibility."),
        .upstream("client.ssl.allow_bad_host", "1", .boolean, "Let the user accept a certificate for another host name."),
        .upstream("client.ssl.allow_revoked", "0", .boolean, "Let the user accept a revoked certificate."),
        .upstream("client.ssl.allow_untrusted", "1", .boolean, "Let the user accept a certificate from an unknown CA."),
        .upstream("client.ssl.allow_expired", "1", .boolean, "Let the user accept an expired certificate."),
        .upstream("client.ssl.allow_not_yet_valid", "1", .boolean, "Let the user accept a not-yet-valid certificate."),
        .upstream("client.ssl.allow_insecure_sign_algo", "1", .boolean, "Let the user accept MD5/SHA-1 signatures."),
        .upstream("client.ssl.allow_weak_key", "0", .boolean, "Let the user accept keys of 1024 bits or less."),
        .upstream("client.ssl.allow_unknown_error", "1", .boolean, "Let the user continue after an unknown TLS error."),
        .upstream("client.ssl.allow_ocsp_server_failure", "1", .boolean, "Let the user continue when the OCSP server fails."),
        .upstream("client.ssl.allow_ocsp_error", "0", .boolean, "Let the user continue after an OCSP error."),
        .upstream("client.ssl.error_timeout", "5", .integer(0...3_600),
                  "Seconds the user must wait before accepting a bad certificate (0: no wait)."),
        .upstream("client.client.ssl-errors", "ask", .choice(["ask", "continue", "abort"]),
                  "What to do with a certificate error: ask, continue or abort."),
        .upstream("path.ssl.ca.system.path", "SYSTEM_DEFAULT:/System/Library/OpenSSL/certs/", .text,
                  "Directories of system CA certificates (SYSTEM_DEFAULT: the platform's)."),
        .upstream("path.ssl.ca.system.file", "SYSTEM_DEFAULT", .text, "File of system CA certificates."),
        .upstream("path.ssl.ca.personal", "certs", .path, "The user's own CA certificates, relative to ~/.qvd."),
    ]

    static let platform: [ConfigKeyDefinition] = [
        .upstream("client.xming.extra_args", "-multiwindow -notrayicon -nowinkill -clipboard +bs -wm", .words,
                  "Windows only: Xming arguments."),
        .upstream("client.vcxsrv.extra_args",
                  "-multiwindow -notrayicon -nowinkill -clipboard +bs -wm -listen tcp -silent-dup-error -ac -nomultimonitors",
                  .words, "Windows only: VcXsrv arguments."),
        .upstream("client.darwin.screen_resolution.verified", "0", .boolean, "macOS only: the screen size check has run."),
        .upstream("client.darwin.screen_resolution.min", "1440x900", .text, "macOS only: at or below this size use the low geometry."),
        .upstream("client.darwin.screen_resolution.low_res_geometry", "800x600", .text, "macOS only: geometry for small screens."),
    ]

    static let paths: [ConfigKeyDefinition] = [
        .upstream("path.qvd.bin", "/usr/lib/qvd/bin", .path, "Directory of QVD's helper programs."),
        .upstream("path.client.installation", nil, .path, "Installation directory override (Windows, macOS)."),
    ]

    static let logging: [ConfigKeyDefinition] = [
        // Upstream sets it at start-up to <user dir>/qvd-client.log unless configured;
        // making that the default keeps the behaviour and shows it in --help-config.
        .upstream("client.log.filename", "~/.qvd/qvd-client.log", .path, "The client's log file."),
        .upstream("log.level", "INFO", .choice(QVDLogLevel.configNames),
                  "Least severe level logged: ALL, DEBUG, INFO, WARN, ERROR, FATAL or OFF (TRACE = ALL)."),
    ]

    static let families: [ConfigKeyFamily] = [
        ConfigKeyFamily(prefix: "client.share.", pattern: "client.share.<N>[.readonly]",
                        summary: "Client folders shared with the VM; .readonly = 1 refuses writes."),
        ConfigKeyFamily(prefix: "client.mount.", pattern: "client.mount.<N>.remote / .local",
                        summary: "VM folders mounted on the client."),
        ConfigKeyFamily(prefix: "client.auth_env_share.list.", pattern: "client.auth_env_share.list.<N>",
                        summary: "Environment variables sent to the authentication plugins."),
        ConfigKeyFamily(prefix: "client.ssl.options.", pattern: "client.ssl.options.<option>",
                        summary: "Upstream's raw IO::Socket::SSL options; accepted, not used."),
        ConfigKeyFamily(prefix: "command.windows.", pattern: "command.windows.<program>",
                        summary: "Windows program paths of upstream's client; accepted, not used."),
        ConfigKeyFamily(prefix: "command.darwin.", pattern: "command.darwin.<program>",
                        summary: "macOS program paths of upstream's client; accepted, not used."),
        ConfigKeyFamily(prefix: "custom.", pattern: "custom.<name>",
                        summary: "Site-specific properties; accepted without a warning."),
    ]

    static let environmentVariables: [ConfigEnvironmentVariable] = [
        ConfigEnvironmentVariable(name: "QVDHOST", key: "client.host.name", summary: "L7R server (as -h)."),
        ConfigEnvironmentVariable(name: "QVDPORT", key: "client.host.port", summary: "L7R port (as -p)."),
        ConfigEnvironmentVariable(name: "QVDLOGIN", key: "client.user.name", summary: "Login name (as -u)."),
        ConfigEnvironmentVariable(name: "QVDPASSWORD", key: "client.user.password", summary: "Password (as -w)."),
        ConfigEnvironmentVariable(name: "QVDBEARERTOKEN", key: "client.auto_connect.token",
                                  summary: "Bearer token (Perl client's name)."),
        ConfigEnvironmentVariable(name: "QVDBEARER", key: "client.auto_connect.token",
                                  summary: "Bearer token (C client's name; wins over QVDBEARERTOKEN)."),
        ConfigEnvironmentVariable(name: "QVDVMID", key: "client.auto_connect.vm_id", summary: "VM to connect to (as -s)."),
        ConfigEnvironmentVariable(name: "QVDSSLERRORS", key: "client.client.ssl-errors",
                                  summary: "Certificate errors: ask, continue or abort."),
        ConfigEnvironmentVariable(name: "QVD_LOG_LEVEL", key: "log.level", summary: "Overrides log.level."),
    ]
}
