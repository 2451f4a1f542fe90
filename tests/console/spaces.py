"""Stand-ins for ``registry.figures.console_figures`` / ``training.figures.console_figures``
with the contract of the brief, so the console's figures can be checked by hand whatever
the state of those spaces. They record the practice ids they were asked about.
"""

REGISTRY: dict[int, dict] = {}
TRAINING: dict[int, dict] = {}
DOCUMENTS: dict[int, dict] = {}  # {practice_id: {"card": state, "notice": state}}
CHANGES: dict[int, dict] = {}  # {practice_id: {"reviews": n, "passed": n}}
CALLS: list[tuple[str, list[int]]] = []


def registry_figures(practice_ids):
    CALLS.append(("registry", sorted(practice_ids)))
    return {pid: REGISTRY[pid] for pid in practice_ids if pid in REGISTRY}


def training_figures(practice_ids):
    CALLS.append(("training", sorted(practice_ids)))
    return {pid: TRAINING[pid] for pid in practice_ids if pid in TRAINING}


def registry_changes(practice_ids, since):
    CALLS.append(("registry_changes", sorted(practice_ids)))
    return {pid: {"reviews": CHANGES[pid]["reviews"]} for pid in practice_ids if pid in CHANGES}


def training_changes(practice_ids, since):
    CALLS.append(("training_changes", sorted(practice_ids)))
    return {pid: {"passed": CHANGES[pid]["passed"]} for pid in practice_ids if pid in CHANGES}


def documents_figures(practice_ids):
    CALLS.append(("documents", sorted(practice_ids)))
    return {pid: DOCUMENTS[pid] for pid in practice_ids if pid in DOCUMENTS}
