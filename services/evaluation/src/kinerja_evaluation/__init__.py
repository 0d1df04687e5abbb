"""Evaluation service: appraisals, ratings, the predicate, calibration and objections."""
