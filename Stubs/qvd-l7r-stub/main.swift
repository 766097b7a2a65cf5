import QVDCore

NotImplemented.exit(program: "qvd-l7r-stub", issue: "issue 4")
