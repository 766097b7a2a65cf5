import QVDCore

NotImplemented.exit(program: "qvd-vma", issue: "issue 3")
