"""Finding students by what an operator types: part of a name, or the start of
an ID (学号, 身份证号, or the student's rule key such as ``行12``).

Shared by the wizard's rule editor (规则, ctrl+e) and the review's student
search (复核, ``/``), so both find the same students for the same text.

No UI code here.
"""

from __future__ import annotations

from .roster import name_key


def fold(text: str) -> str:
    """What a query and a name are compared as: spaces removed, NFKC (full-width
    digits and letters typed through an IME become plain ones), lower case."""
    return name_key(text or "").lower()


class StudentFinder:
    """The students of one roster, ready to be searched.

    ``find(query)`` gives the row indices (0-based, the roster's order) of the
    students whose name contains the query, or one of whose IDs starts with it.
    Students matched exactly (the whole name, or a whole ID) come first, then
    the others in the roster's order.  An empty query matches everyone.
    """

    def __init__(self, names: list[str], keys: list[str], ids: list[list[str]] | None = None) -> None:
        self.names = [n or "" for n in names]
        self.keys = list(keys)
        self._names = [fold(n) for n in self.names]
        # every ID a student can be found by: the rule key and each ID column's value
        self._ids: list[tuple[str, ...]] = []
        for i, key in enumerate(self.keys):
            own = [fold(key)] + [fold(col[i]) for col in (ids or []) if col[i]]
            self._ids.append(tuple(dict.fromkeys(v for v in own if v)))

    @classmethod
    def of_roster(cls, roster) -> "StudentFinder":
        """From a ``Roster``: names, rule keys, and the 学号 and 身份证号 columns."""
        cm = roster.cmap
        ids = []
        for col in (cm.sid, cm.idcard):
            if col:
                ids.append([(v or "").strip() for v in roster.table[col].to_list()])
        return cls(roster.names(), roster.student_keys(), ids)

    def find(self, query: str) -> list[int]:
        q = fold(query)
        if not q:
            return list(range(len(self.names)))
        exact: list[int] = []
        partial: list[int] = []
        for i, (name, ids) in enumerate(zip(self._names, self._ids)):
            if name == q or q in ids:
                exact.append(i)
            elif q in name or any(v.startswith(q) for v in ids):
                partial.append(i)
        return exact + partial
