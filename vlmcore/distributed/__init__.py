"""Scale-out: a dataset's groups evaluated by model replicas on a Ray cluster (``ray_backend``)."""
