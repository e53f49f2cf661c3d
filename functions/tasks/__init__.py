"""Task-queue functions: outbound deliveries that must survive a failure."""
