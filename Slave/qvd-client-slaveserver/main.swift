import QVDCore

NotImplemented.exit(program: "qvd-client-slaveserver", issue: "issue 5")
