import QVDCore

NotImplemented.exit(program: "qvdclient", issue: "issue 4")
