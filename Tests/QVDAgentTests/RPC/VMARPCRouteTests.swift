import NIOCore
import QVDAgent
import QVDCore
import Testing

extension VMARPCTests {
    /// Routing decided from the head alone (`upstream-vma.md` §1.2–1.3, §1.7).
    @Suite("VMARPCRoute")
    struct VMARPCRouteTests {
        static func route(_ target: String, method: String = "GET", headers: HTTPHeaders = HTTPHeaders()) -> VMARPCRoute {
            VMARPCRoute(head: HTTPRequestHead(method: method, target: target, headers: headers))
        }

        @Test(arguments: [
            ("/vma/ping", "ping"),
            ("/vma/x_state", "x_state"),
            ("/vma/foo.x_state", "x_state"),  // S10
            ("/vma/x-state", "state"),  // S11
            ("/vma/a.b-c", "c"),
            ("/vma/X_Start2", "X_Start2"),
            ("/vma/x%5Fstate", "5Fstate"),  // the raw path: escapes are not decoded
            ("http://10.0.0.1:3030/vma/x_state", "x_state"),  // S27
            ("/vma/x_start?a=1", "x_start"),
        ])
        func methodIsTheTrailingWordRun(target: String, method: String) {
            guard case .call(let name, _) = Self.route(target) else {
                Issue.record("\(target) did not route to a call")
                return
            }
            #expect(name == method)
        }

        @Test(arguments: [
            ("/foo", VMARPCRoute.NotFoundReason.path),  // S07
            ("/vma", .path),
            ("/vmaping", .path),
            ("/vma/x_state/extra", .path),  // S09
            ("/vma//ping", .path),
            ("/VMA/ping", .path),
            ("/vma/", .noMethodName),  // S08: upstream's 500 "bad url"
            ("/vma/x_state.", .noMethodName),
            ("/vma/-", .noMethodName),
            ("/vma/?a=1", .noMethodName),
        ])
        func pathsOutsideTheRPCSpaceAreNotFound(target: String, reason: VMARPCRoute.NotFoundReason) {
            #expect(Self.route(target) == .notFound(reason))
        }

        @Test(arguments: ["HEAD", "POST", "get", "PUT", "Get"])
        func onlyGETIsServed(method: String) {
            #expect(Self.route("/vma/ping", method: method) == .notFound(.method(method)))
        }

        @Test func parametersKeepTheirOrderAndDecoding() {
            #expect(
                Self.route("/vma/x_start?b=2&a=1&b=3&flag&k=caf%C3%A9+x")
                    == .call(
                        method: "x_start",
                        parameters: [
                            QueryParameter("b", "2"), QueryParameter("a", "1"), QueryParameter("b", "3"),
                            QueryParameter("flag", nil), QueryParameter("k", "café x"),
                        ]
                    )
            )
            #expect(Self.route("/vma/ping") == .call(method: "ping", parameters: []))
        }

        @Test func vncConnectNeedsTheExactUpgradeHeaders() {
            let exact: HTTPHeaders = ["Connection": "Upgrade", "Upgrade": "VNC"]
            #expect(Self.route("/vma/vnc_connect", headers: exact) == .vncConnect(upgradeRequested: true))
            #expect(Self.route("/vma/spy.vnc_connect", headers: exact) == .vncConnect(upgradeRequested: true))
            #expect(Self.route("/vma/vnc_connect") == .vncConnect(upgradeRequested: false))  // S33
            for headers: HTTPHeaders in [
                ["connection": "Upgrade", "upgrade": "VNC"],  // S34: names are case-sensitive
                ["Connection": "upgrade", "Upgrade": "VNC"],  // so are values
                ["Connection": "Upgrade", "Upgrade": "vnc"],
                ["Connection": "keep-alive, Upgrade", "Upgrade": "VNC"],  // exact value, no token list
                HTTPHeaders([(name: "Connection", value: "close"), (name: "Connection", value: "Upgrade"), (name: "Upgrade", value: "VNC")]),  // the first one counts
                ["Upgrade": "VNC"],
            ] {
                #expect(Self.route("/vma/vnc_connect", headers: headers) == .vncConnect(upgradeRequested: false), "\(headers)")
            }
            #expect(Self.route("/vma/vnc_connect", method: "POST", headers: exact) == .notFound(.method("POST")))
        }

        @Test func vncAnswersNameTheState() {
            #expect(
                String(buffer: VMARPCVNCConnect.finalResponse(forState: "listening").body)
                    == "Unable to start VNC service while session is in state listening\n"
            )
            #expect(VMARPCVNCConnect.finalResponse(forState: "listening").head.status == .serviceUnavailable)
            #expect(!VMARPCVNCConnect.finalResponse(forState: "stopped").closesConnection)
            #expect(
                String(buffer: VMARPCVNCConnect.finalResponse(forState: "connected").body) == "VNC is not available in this build\n"
            )
            #expect(VMARPCVNCConnect.upgradeRequired.head.status == .upgradeRequired)
            #expect(!VMARPCVNCConnect.upgradeRequired.closesConnection)
            #expect(HTTPHeadWriter.bytes(of: VMARPCVNCConnect.interimHead)
                == Array("HTTP/1.1 102 Processing\r\nX-QVD-VMA-Info: Starting VNC service\r\n\r\n".utf8))
        }
    }
}
