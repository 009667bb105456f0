"""The schema's revisions, oldest first: `0001_initial`, then each one naming the one before."""
