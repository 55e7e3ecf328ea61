"""Documents generated from the register: diffs, and exports to other privacy vocabularies."""
