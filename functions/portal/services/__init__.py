"""Services: each public function is one use case, taking the caller's identity."""
