import QVDCore

NotImplemented.exit(program: "qvd-vma-slaveserver", issue: "issue 5")
