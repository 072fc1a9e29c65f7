"""Distributed screening: the batch path run on each partition of a distributed engine.

`screen_dataframe` (PySpark, optional extra `spark`) calls `scrutiny.screening.records.screen_batch`
unchanged on every Arrow batch; pyspark is imported only when a DataFrame is screened.
"""

from scrutiny.scale.spark import screen_dataframe

__all__ = ["screen_dataframe"]
