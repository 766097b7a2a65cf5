// swift-tools-version: 6.1
//
// QVD agent and client toolkit. Layout (DEVELOPERS.md): every component lives in the
// folder of its name; shared mechanisms live once, in Core/ (module QVDCore).
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "qvd-swift",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "QVDCore", targets: ["QVDCore"]),
        .executable(name: "qvd-vma", targets: ["qvd-vma"]),
        .executable(name: "qvdclient", targets: ["qvdclient"]),
        .executable(name: "qvd-vma-slaveserver", targets: ["qvd-vma-slaveserver"]),
        .executable(name: "qvd-client-slaveserver", targets: ["qvd-client-slaveserver"]),
        .executable(name: "qvd-slaveclient", targets: ["qvd-slaveclient"]),
        .executable(name: "qvd-l7r-stub", targets: ["qvd-l7r-stub"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        // Shared by every component: configuration, logging, HTTP/1.1 framing,
        // JSON-simplerpc, child processes.
        .target(
            name: "QVDCore",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            path: "Core",
            swiftSettings: swiftSettings
        ),
        // Hook runner: runs the admin's scripts on session events (upstream-vma.md §4).
        .target(
            name: "QVDHooks",
            dependencies: [
                "QVDCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Hooks/QVDHooks",
            swiftSettings: swiftSettings
        ),
        // The in-guest agent, as a library so tests drive it in-process.
        .target(
            name: "QVDAgent",
            dependencies: [
                "QVDCore", "QVDHooks",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Agent/QVDAgent",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "qvd-vma",
            dependencies: [
                "QVDAgent", "QVDCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Agent/qvd-vma",
            swiftSettings: swiftSettings
        ),
        // libX11 (libx11-dev): the client reads the user's screen size and keyboard layout.
        .systemLibrary(name: "CX11", path: "Client/CX11", pkgConfig: "x11", providers: [.apt(["libx11-dev"])]),
        // The user's client: login, VM list, connect, nxproxy bridged to the TLS stream (issue 4).
        .target(
            name: "QVDClient",
            dependencies: [
                "QVDCore", "CX11",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Client/QVDClient",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "qvdclient",
            dependencies: [
                "QVDClient", "QVDCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Client/qvdclient",
            swiftSettings: swiftSettings
        ),
        // The client's SFTP v3 server, confined to the shared folder (issue 5).
        .target(
            name: "QVDSFTP",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Slave/QVDSFTP",
            swiftSettings: swiftSettings
        ),
        // Both ends of the slave channel: authentication, routes, shares, the slave client (issue 5).
        .target(
            name: "QVDSlave",
            dependencies: [
                "QVDCore", "QVDSFTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Slave/QVDSlave",
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "qvd-vma-slaveserver", dependencies: ["QVDSlave", "QVDCore", .product(name: "Logging", package: "swift-log")], path: "Slave/qvd-vma-slaveserver", swiftSettings: swiftSettings),
        .executableTarget(name: "qvd-client-slaveserver", dependencies: ["QVDSlave", "QVDCore", .product(name: "Logging", package: "swift-log")], path: "Slave/qvd-client-slaveserver", swiftSettings: swiftSettings),
        .executableTarget(
            name: "qvd-slaveclient",
            dependencies: [
                "QVDSlave", "QVDCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Slave/qvd-slaveclient",
            swiftSettings: swiftSettings
        ),
        // A minimal L7R that routes clients to real VMAs: tests and the demo (issue 4).
        .target(
            name: "QVDL7RStub",
            dependencies: [
                "QVDCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Stubs/QVDL7RStub",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "qvd-l7r-stub",
            dependencies: [
                "QVDL7RStub", "QVDCore",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Stubs/qvd-l7r-stub",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "QVDCoreTests", dependencies: ["QVDCore", .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "SystemPackage", package: "swift-system")], path: "Tests/QVDCoreTests", swiftSettings: swiftSettings),
        // Test plumbing shared by the test targets that start real servers and X sessions.
        .target(name: "QVDTestSupport", dependencies: ["QVDCore"], path: "Tests/QVDTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "QVDSFTPTests", dependencies: ["QVDSFTP", .product(name: "Logging", package: "swift-log"), .product(name: "SystemPackage", package: "swift-system")], path: "Tests/QVDSFTPTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "QVDSlaveTests",
            dependencies: [
                "QVDSlave", "QVDCore", "QVDTestSupport", "qvd-vma-slaveserver", "qvd-client-slaveserver", "qvd-slaveclient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            path: "Tests/QVDSlaveTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "QVDHooksTests", dependencies: ["QVDHooks", "QVDCore", .product(name: "Logging", package: "swift-log")], path: "Tests/QVDHooksTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "QVDClientTests",
            dependencies: [
                "QVDClient", "QVDCore", "qvdclient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/QVDClientTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "QVDL7RStubTests",
            dependencies: [
                "QVDL7RStub", "QVDCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/QVDL7RStubTests",
            swiftSettings: swiftSettings
        ),
        // The whole path with the built programs: stub, qvdclient, qvd-vma, real NX (issue 4, 6).
        .testTarget(
            name: "QVDEndToEndTests",
            dependencies: ["QVDCore", "QVDClient", "QVDL7RStub", "QVDTestSupport", .product(name: "NIOPosix", package: "swift-nio")],
            path: "Tests/QVDEndToEndTests",
            swiftSettings: swiftSettings
        ),
        // Shared folders through the whole stack and the real NX slave channel (issue 5).
        .testTarget(
            name: "QVDSharesEndToEndTests",
            dependencies: [
                "QVDCore", "QVDSlave", "QVDSFTP", "QVDL7RStub", "QVDClient", "QVDTestSupport",
                "qvd-vma", "qvdclient", "qvd-l7r-stub", "qvd-vma-slaveserver", "qvd-client-slaveserver", "qvd-slaveclient",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/QVDSharesEndToEndTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "QVDAgentTests", dependencies: ["QVDAgent", "QVDCore", "QVDHooks", "QVDTestSupport", .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "SystemPackage", package: "swift-system")], path: "Tests/QVDAgentTests", swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
