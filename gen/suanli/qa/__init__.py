"""The QA gate: well-formed mistakes found by comparing each issue with its neighbours."""
