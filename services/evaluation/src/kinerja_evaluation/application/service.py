"""The evaluation service's use cases as the HTTP edge and the consumer reach them: its commands and its
queries, built once in ``kinerja_evaluation.bootstrap``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kinerja_evaluation.application.commands import AppraisalCommands
from kinerja_evaluation.application.queries import AppraisalQueries
from kinerja_kernel.db import Database


@dataclass(frozen=True)
class Evaluation:
    commands: AppraisalCommands
    queries: AppraisalQueries

    @property
    def db(self) -> Database:
        """The read models' database (the queries')."""
        return self.queries.db

    def clock(self) -> datetime:
        return self.commands.clock()
