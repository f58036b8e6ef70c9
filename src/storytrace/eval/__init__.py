"""Evaluation layer: labelled datasets, metrics, baselines and the runner behind ``storytrace eval``.

Kept apart from the matching code so that the numbers storytrace reports about itself come from the same
loaders and metrics that score the baselines it is compared with.
"""

from storytrace.eval.dataset import CopyPair, Dataset, LabeledPair, TruthPassage
from storytrace.eval.loaders import DATASETS, data_root, load_dataset

__all__ = ["DATASETS", "CopyPair", "Dataset", "LabeledPair", "TruthPassage", "data_root", "load_dataset"]
