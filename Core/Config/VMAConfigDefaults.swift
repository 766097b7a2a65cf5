/// The keys `qvd-vma` reads from `/etc/qvd/vma.conf`, with upstream's names and defaults
/// (`upstream-vma.md §9` and `§10`; values as in upstream's
/// `ext/QVD-Config-Core/lib/QVD/Config/Core/Defaults.pm`), plus the keys this
/// implementation adds (issue 3, `spec/README.md` "deliberately differs"), marked `added`.
///
/// Upstream's Defaults.pm serves every QVD component at once; this table holds only what
/// the VMA side (the agent, its hooks, the slave server and the printing helpers)
/// reads, so that a key meant for another component is reported as unknown.
public enum VMAConfigDefaults {
    /// The file upstream reads (`QVD_VMA_CONFIG` or `--config` replace it).
    public static let systemFile = "/etc/qvd/vma.conf"

    /// The table.
    public static let table = ConfigDefaultsTable(
        component: "qvd-vma",
        keys: paths + agent + session + provisioning + hooks + slave + printing + commands + internals + logging,
        families: families,
        environmentVariables: environmentVariables
    )

    static let paths: [ConfigKeyDefinition] = [
        .upstream("path.run", "/var/run/qvd", .path,
                  "Run directory: nxagent.state, nxagent.pid and the session's options and key files."),
        .upstream("path.log", "/var/log/qvd", .path,
                  "Log directory: qvd.log, qvd-nxagent.log and qvd-hooks.log."),
        .upstream("path.qvd.bin", "/usr/lib/qvd/bin", .path,
                  "Directory of QVD's helper programs (slave server, printing helper)."),
        .upstream("path.qvd.etc", "/usr/lib/qvd/etc", .path,
                  "Directory of QVD's packaged configuration, e.g. the session's PulseAudio default.pa."),
        .upstream("path.vma.run.printing", "${path.run}/printing", .path,
                  "Work directory for printer drivers (PPD files) received from the client."),
    ]

    static let agent: [ConfigKeyDefinition] = [
        .added("vma.address", "", .text,
               "Address the RPC server listens on; empty listens on every address, as upstream does."),
        .upstream("vma.pid_file", "/var/run/qvd/vma.pid", .path,
                  "PID file of the agent."),
        .upstream("vma.as_user", "root", .text,
                  "User the agent runs as (it must be root to switch to session users)."),
        .upstream("vma.as_group", "nogroup", .text,
                  "Group the agent runs as (upstream uses nobody on CentOS)."),
        .upstream("vma.user.umask", "0022", .octal,
                  "umask of the agent and so of the session; octal digits only."),
    ]

    static let session: [ConfigKeyDefinition] = [
        .upstream("vma.audio.enable", "0", .boolean,
                  "Adds media=1 to the nxagent options and starts PulseAudio for the session."),
        .upstream("vma.printing.enable", "0", .boolean,
                  "Adds cups=/smb= to the nxagent options and runs the printing hooks."),
        .upstream("vma.apps.desktop_icons.enable", "0", .boolean,
                  "On x_start, runs the client helper that writes desktop icons for the user's applications."),
        .upstream("vma.default.lang", "en_US.UTF-8", .text,
                  "LANG of the session when /etc/default/locale and ~/.qvd_environment set none."),
        .upstream("vma.default.client.keyboard", "pc105/en", .text,
                  "Unused: upstream defines it but never reads it; see vma.default.qvd.client.keyboard."),
        .upstream("vma.default.client.link", "adsl", .text,
                  "Unused: upstream defines it but never reads it; see vma.default.qvd.client.link."),
        // Upstream looks up vma.default.<parameter> when x_start lacks a qvd.client.*
        // parameter, finds no such key and dies (upstream-vma.md §3.2). We define the
        // keys, so a missing parameter falls back here instead.
        .added("vma.default.qvd.client.keyboard", "pc105/us", .text,
               "nxagent keyboard= when x_start has no qvd.client.keyboard (an XKB model/layout; upstream's pc105/en is not a layout)."),
        .added("vma.default.qvd.client.os", "linux", .text,
               "nxagent client= when x_start has no qvd.client.os."),
        .added("vma.default.qvd.client.link", "adsl", .text,
               "nxagent link= when x_start has no qvd.client.link (adsl, as the client's own default)."),
        .added("vma.default.qvd.client.geometry", "1024x768", .text,
               "nxagent geometry= when x_start has no qvd.client.geometry (the client's default size)."),
        .added("vma.default.qvd.client.fullscreen", "", .text,
               "nxagent fullscreen= when x_start has no qvd.client.fullscreen; empty leaves the option out."),
        .upstream("vma.x11vnc.confirm.enabled", "1", .boolean,
                  "vnc_connect asks the session user to accept being watched (x11vnc -accept)."),
        .upstream("vma.x11vnc.confirm.command", "/usr/lib/qvd/bin/qvdspy-notifier", .path,
                  "Program x11vnc runs to ask the user for that confirmation."),
        .upstream("vma.x11vnc.extra_args", "", .text,
                  "One extra argument passed to x11vnc as a single argv item."),
    ]

    static let provisioning: [ConfigKeyDefinition] = [
        .upstream("vma.user.home.drive", "/dev/vdb", .path,
                  "Disk holding the homes; partition 1 of it is made and mounted when missing."),
        .upstream("vma.user.home.fs", "ext4", .text,
                  "File system made on a new home partition (mkfs.<fs>)."),
        .upstream("vma.user.home.path", "/home", .path,
                  "Mount point of the home disk and parent of the users' homes."),
        .upstream("vma.user.default.name", "qvd", .text,
                  "User name when x_start carries no qvd.vm.user.name."),
        .upstream("vma.user.default.groups", "qvduser", .list,
                  "Supplementary groups (useradd -G) when x_start carries no qvd.vm.user.groups."),
        .upstream("vma.user.shell", "/bin/bash", .path,
                  "Login shell of users created by provisioning (useradd -s)."),
    ]

    static let hooks: [ConfigKeyDefinition] = [
        .upstream("vma.on_action.pre-connect", "", .path,
                  "Hook run first on x_start (stopped or suspended session); failing aborts the start."),
        .upstream("vma.on_action.connect", "", .path,
                  "Hook run before the X session starts (fresh start) or after the resume; failing aborts."),
        .upstream("vma.on_action.suspend", "", .path,
                  "Hook run on x_suspend before nxagent is told to suspend; failing aborts."),
        .upstream("vma.on_action.stop", "", .path,
                  "Hook run on x_stop (and agent shutdown) before nxagent is stopped; failing aborts."),
        .upstream("vma.on_action.disconnect", "", .path,
                  "Hook run when the client disconnects (upstream defines it but never runs it; we do)."),
        .upstream("vma.on_action.poweroff", "", .path,
                  "Hook run on poweroff before the machine is shut down; failing aborts."),
        .upstream("vma.on_action.expire", "", .path,
                  "Hook run on expire with vm.expiration.soft/hard, to warn the user."),
        .upstream("vma.on_state.connected", "", .path,
                  "Hook run once each time the session becomes connected (detached)."),
        .upstream("vma.on_state.suspended", "", .path,
                  "Hook run once each time the session becomes suspended (detached)."),
        .upstream("vma.on_state.disconnected", "", .path,
                  "Hook run once each time the session becomes stopped (detached)."),
        .upstream("vma.on_provisioning.mount_home", "", .path,
                  "Hook that replaces the built-in home-disk mount when the home does not exist."),
        .upstream("vma.on_provisioning.add_user", "", .path,
                  "Hook that replaces the built-in useradd when the user does not exist."),
        .upstream("vma.on_provisioning.after_add_user", "", .path,
                  "Hook run after the user has been created."),
        // Upstream waits for a hook forever (upstream-vma.md §4.2 FIXME); a minute is long
        // enough for any sane hook and short enough for the L7R's client to still wait.
        .added("vma.hook.timeout", "60", .integer(1...86_400),
               "Seconds a hook may run before its process group is killed and the hook counts as failed."),
        .added("vma.hook.directory", "/etc/qvd/hooks", .path,
               "Directory of run-parts hook folders: <directory>/<hook key>.d/ runs its executables in name order."),
    ]

    static let slave: [ConfigKeyDefinition] = [
        .upstream("vma.slave.enable", "0", .boolean,
                  "Adds slave=1 to the nxagent options: enables shared folders and /open over the slave channel."),
        .upstream("vma.slave.command", "${path.qvd.bin}/qvd-vma-slaveserver", .path,
                  "Slave-channel server nxagent runs per connection (NX_SLAVE_CMD / QVD_SLAVE_CMD)."),
        .upstream("vma.slave.command.qvd-vma-slaveserver-usbip", "${path.qvd.bin}/qvd-vma-slaveserver-usbip", .path,
                  "Setuid USB/IP helper the slave server runs for USB forwarding."),
        .upstream("vma.user.shares.path", "~/Redirected", .path,
                  "Where client folders are mounted for the session user; must start with ~/."),
        .upstream("vma.sshfs.extra_args", "-o idmap=user -o atomic_o_trunc", .words,
                  "Extra sshfs options for mounting client shares."),
        // Empty: by default a client may mount only folders inside the user's home.
        .added("vma.slave.export_roots", "", .list,
               "Directories besides the user's home that a client may mount from the VM (GET /shares/**)."),
        .added("vma-slaveserver.log.filename", "~/.qvd/qvd-vma-slaveserver.log", .path,
               "Log of the slave-channel server, which runs as the session user (upstream reads this key but defines none)."),
        .upstream("vma.usb.usbip.debug", "0", .boolean,
                  "Unused: defined upstream, read by no code."),
        .upstream("vma.usb.usbip.log", "0", .boolean,
                  "Unused: defined upstream, read by no code."),
    ]

    static let printing: [ConfigKeyDefinition] = [
        .upstream("internal.vma.on_printing.connected", "${path.qvd.bin}/qvd-printing", .path,
                  "Printing helper run when the session becomes connected (with vma.printing.enable)."),
        .upstream("internal.vma.on_printing.suspended", "${path.qvd.bin}/qvd-printing", .path,
                  "Printing helper run when the session becomes suspended."),
        .upstream("internal.vma.on_printing.stopped", "${path.qvd.bin}/qvd-printing", .path,
                  "Printing helper run when the session becomes stopped."),
        .upstream("internal.vma.printing.config", "${path.run}/printing.conf", .path,
                  "Properties file handed to the printing helper (port, client OS, flavour)."),
        .upstream("internal.vma.printing.timeout", "120", .integer(1...86_400),
                  "HTTP timeout in seconds of the printing helpers."),
        .upstream("internal.vma.use.systemctl", "1", .boolean,
                  "Unused: defined upstream, read by no code."),
        .upstream("internal.vma.systemd.cups", "'cups'", .text,
                  "Unused: defined upstream (quotes included), read by no code."),
        .upstream("createdevice.acl.enable", "1", .boolean,
                  "qvd-create-device grants the ACL below on devices it creates."),
        .upstream("createdevice.acl.group", "qvduser", .text,
                  "Group given access to created devices."),
        .upstream("createdevice.acl.permissions", "rw", .text,
                  "setfacl permissions given to that group."),
    ]

    static let commands: [ConfigKeyDefinition] = [
        .upstream("command.xinit", "xinit", .path,
                  "xinit, which starts the X session and nxagent; found on PATH."),
        .upstream("command.x-session", "/etc/X11/Xsession", .path,
                  "The X session program run by xinit (the packaged vma.conf sets /usr/bin/startlubuntu)."),
        .upstream("command.x-session.args.extra", "", .words,
                  "Extra arguments for the X session program, split shell-style."),
        .upstream("command.nxagent", "/usr/bin/nxagent", .path,
                  "nxagent, the X server of the session."),
        .upstream("command.nxagent.args.extra", "", .words,
                  "Extra nxagent arguments, split shell-style."),
        .upstream("command.nxdiag", "${path.qvd.bin}/qvd-nxdiag", .path,
                  "NX_CLIENT: the dialog helper nxagent runs; ours (qvd-nxdiag) suspends the session instead of asking (upstream: nxdiag.pl)."),
        .upstream("command.useradd", "/usr/sbin/useradd", .path, "useradd, for provisioning."),
        .upstream("command.userdel", "/usr/sbin/userdel", .path, "userdel, to roll back failed provisioning."),
        .upstream("command.groupadd", "/usr/sbin/groupadd", .path, "groupadd, for provisioning."),
        .upstream("command.groupdel", "/usr/sbin/groupdel", .path, "groupdel, to roll back failed provisioning."),
        .upstream("command.mount", "mount", .path, "mount, for the home disk."),
        .upstream("command.umount", "umount", .path, "umount, for client shares on suspend and stop."),
        .upstream("command.x11vnc", "/usr/bin/x11vnc", .path, "x11vnc, for vnc_connect."),
        .upstream("command.slaveclient", "${path.qvd.bin}/qvd-slaveclient", .path,
                  "Legacy slave client used for USB forwarding."),
        .upstream("command.qvd-client", "${path.qvd.bin}/qvd-client.pl", .path,
                  "Client program that writes desktop icons (vma.apps.desktop_icons.enable)."),
        .upstream("command.sshfs", "${path.qvd.bin}/sshfs", .path,
                  "sshfs used to mount client shares (upstream ships its own build here)."),
        .upstream("command.sftp-server", "/usr/lib/openssh/sftp-server", .path,
                  "SFTP server for folders the client mounts from the VM (path varies by distribution)."),
        .upstream("command.open_file", "xdg-open", .path,
                  "Program that opens a file for the user on POST /open."),
        .added("command.poweroff", "systemctl poweroff", .words,
               "Command run after answering poweroff; if it fails, init 0 is run (upstream runs init 0 only)."),
        .upstream("command.systemctl", "/bin/systemctl", .path, "systemctl, used by the printing helper."),
        .upstream("command.init_d.cups", "/etc/init.d/cups", .path, "CUPS init script, used by the printing helper."),
        .upstream("command.lpadmin", "/usr/sbin/lpadmin", .path, "lpadmin, used by the printing helper."),
        .upstream("command.lpstat", "/usr/bin/lpstat", .path, "lpstat, used by the printing helper."),
        .upstream("command.smbclient", "/usr/bin/smbclient", .path, "smbclient, used by the printing helper."),
        .upstream("command.cupsenable", "/usr/sbin/cupsenable", .path, "cupsenable, used by the printing helper."),
        .upstream("command.cupsaccept", "/usr/sbin/cupsaccept", .path, "cupsaccept, used by the printing helper."),
        .upstream("command.mknod", "mknod", .path, "mknod, used by qvd-create-device."),
        .upstream("command.setfacl", "setfacl", .path, "setfacl, used by qvd-create-device."),
    ]

    static let internals: [ConfigKeyDefinition] = [
        .upstream("internal.vm.port.vma", "3030", .integer(1...65_535),
                  "TCP port of the RPC server the HKD and L7R call."),
        .upstream("internal.nxagent.display", "100", .integer(0...1_000),
                  "X display of the session; NX port 4000+display, printing 2000+display, slave 11000+display."),
        .upstream("internal.nxagent.timeout.initiating", "20", .integer(1...86_400),
                  "Seconds allowed in the internal 'initiating' state (never applied upstream; see .starting)."),
        .upstream("internal.nxagent.timeout.listening", "10", .integer(1...86_400),
                  "Seconds nxagent may wait in 'listening' for the client before the session is stopped."),
        .upstream("internal.nxagent.timeout.suspending", "20", .integer(1...86_400),
                  "Seconds allowed in 'suspending' before the session is stopped."),
        .upstream("internal.nxagent.timeout.stopping", "20", .integer(1...86_400),
                  "Seconds allowed in 'stopping' before nxagent is killed."),
        // Upstream never times these out (upstream-vma.md §2.3). 'starting' covers the
        // connect hook (vma.hook.timeout, 60 s) plus nxagent's start-up, with room to spare.
        .added("internal.nxagent.timeout.starting", "90", .integer(1...86_400),
               "Seconds allowed in 'starting' (connect hook plus nxagent start-up) before the session is stopped."),
        // Provisioning may partition and format a fresh home disk and run three hooks.
        .added("internal.nxagent.timeout.provisioning", "600", .integer(1...86_400),
               "Seconds allowed in 'provisioning' (home disk, useradd, hooks) before the start is abandoned."),
        .upstream("internal.vma.nxagent.config", "${path.run}/nxagent.conf", .path,
                  "The nxagent options file (nx/nx,…:display), rewritten on every resume."),
        .upstream("internal.vma.slave.config", "${path.run}/slave.conf", .path,
                  "File holding the session's slave key and port for the slave server (mode 0600)."),
        .upstream("internal.vma.pulseaudio.config", "${path.run}/default.pa", .path,
                  "PulseAudio configuration generated for the session."),
        .upstream("internal.vma.nxagent.tolerancechecks", "risky", .choice(["strict", "safe", "risky", "bypass"]),
                  "nxagent tolerancechecks= option."),
    ]

    static let logging: [ConfigKeyDefinition] = [
        .upstream("log.filename", "${path.log}/qvd.log", .path,
                  "The agent's log file."),
        .upstream("log.level", "INFO", .choice(QVDLogLevel.configNames),
                  "Least severe level logged: ALL, DEBUG, INFO, WARN, ERROR, FATAL or OFF (TRACE = ALL)."),
        .upstream("log.preset", "file", .choice(["file", "stdout", "stderr"]),
                  "Where the log goes: file (log.filename), stdout or stderr; Log4perl's 'custom' is not supported."),
        .upstream("log.pattern", "%d %P %p %F %L - %m%n", .text,
                  "Accepted for compatibility; our log lines have a fixed format (time, pid, level, component)."),
        .upstream("log.config", "", .path,
                  "Accepted for compatibility; a Log4perl configuration file is not used."),
    ]

    static let families: [ConfigKeyFamily] = [
        ConfigKeyFamily(prefix: "vma.on_action.", pattern: "vma.on_action.<action>",
                        summary: "Action hooks; the known actions are listed above."),
        ConfigKeyFamily(prefix: "vma.on_state.", pattern: "vma.on_state.<state>",
                        summary: "State hooks; the known states are listed above."),
        ConfigKeyFamily(prefix: "vma.on_provisioning.", pattern: "vma.on_provisioning.<step>",
                        summary: "Provisioning hooks; the known steps are listed above."),
        ConfigKeyFamily(prefix: "custom.", pattern: "custom.<name>",
                        summary: "Site-specific properties, passed on untouched."),
        ConfigKeyFamily(prefix: "log4perl.", pattern: "log4perl.<setting>",
                        summary: "Raw Log4perl settings of upstream; accepted and ignored."),
    ]

    static let environmentVariables: [ConfigEnvironmentVariable] = [
        ConfigEnvironmentVariable(name: "QVD_LOG_LEVEL", key: "log.level",
                                  summary: "Overrides log.level, as upstream's QVD::Log does."),
        ConfigEnvironmentVariable(name: "QVD_LOG_PRESET", key: "log.preset",
                                  summary: "Overrides log.preset (file, stdout or stderr)."),
        ConfigEnvironmentVariable(name: "QVD_LOG_PATTERN", key: "log.pattern",
                                  summary: "Overrides log.pattern (accepted, ignored)."),
        ConfigEnvironmentVariable(name: "QVD_LOG_CONFIG_FILE", key: "log.config",
                                  summary: "Overrides log.config (accepted, ignored)."),
    ]
}
