"""Pure domain rules: statuses, money, ids, staleness. No Qt, no SQL, nothing of ours imported."""
