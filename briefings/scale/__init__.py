"""Several processes on one store: leases, the ingest job queue, shards and the coordinator that holds them."""
