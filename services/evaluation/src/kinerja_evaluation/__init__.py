"""Evaluation service: appraisals, ratings, the predicate, calibration and objections."""

from kinerja_evaluation import messages as messages  # the message catalog, registered on import
