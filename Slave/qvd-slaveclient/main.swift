import QVDCore

NotImplemented.exit(program: "qvd-slaveclient", issue: "issue 5")
