"""The client portal's core: domain rules, policy, services, storage and integrations.

Nothing in this package depends on Firebase Functions decorators: the functions in
``functions/https``, ``functions/triggers`` and friends are thin doorways into it, and
tests, the admin CLI and benchmarks call it directly.
"""
